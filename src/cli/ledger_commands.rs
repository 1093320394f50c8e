//! The commands that only read the ledger: `payment` and `history`. They open it read-only, so
//! they work while another `till` holds the data directory, and never write or send anything.

use clap::Args;
use serde_json::{Value, json};

use super::composition;
use super::config::GlobalArgs;
use super::exit;
use super::failure::Failure;
use super::ledger_filters::{FilterArgs, now_ms};
use crate::ledger::{CONFLICT_CAUSE, Lookup, OrderRecord, PaymentEvent, PaymentRecord};
use crate::runtime::format_time;

pub(super) fn fail(json_mode: bool, command: &str, f: Failure) -> u8 {
    if json_mode {
        print_out(&format!(
            "{}\n",
            json!({"command": command, "error": f.message, "exit_code": f.code})
        ));
    } else {
        eprintln!(
            "till {command}: {}",
            crate::protocol::text::terminal_safe(&f.message)
        );
    }
    f.code
}

/// Text from the ledger (partly from the device) made safe for a terminal: control characters
/// (escape codes included) become `�`.
pub(super) fn clean(text: &str) -> String {
    crate::protocol::text::device_line(text).into_owned()
}

/// Prints `text` to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub(super) fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

pub(super) fn record_json(r: &PaymentRecord) -> Value {
    json!({
        "external_id": r.external_id,
        "state": r.state.as_str(),
        "kind": r.kind.as_str(),
        "payment": r.parent,
        "amount": r.amount.to_string(),
        "tip": r.tip.to_string(),
        "tax": r.tax.to_string(),
        "charged": r.charged_amount.map(|c| c.to_string()),
        "charged_tip": r.charged_tip.map(|c| c.to_string()),
        "outcome": crate::ledger::Outcome::of_record(r).key(),
        "card_brand": r.card_brand,
        "last4": r.last4,
        "auth_code": r.auth_code,
        "device_payment_id": r.device_payment_id,
        "order_id": r.order_id,
        "result": r.result,
        "message": r.message,
        "device": r.device,
        "created": format_time(r.created_ms),
        "updated": format_time(r.updated_ms),
    })
}

pub(super) fn record_line(r: &PaymentRecord) -> String {
    let card = match (&r.card_brand, &r.last4) {
        (Some(b), Some(l)) => format!("  {b} {l}"),
        _ => String::new(),
    };
    let kind = match (r.kind, &r.parent) {
        (crate::payment::PaymentKind::Sale, _) => String::new(),
        (k, Some(p)) if k.is_adjustment() && k != crate::payment::PaymentKind::Increment => {
            format!("  [{k} of {p}, tip {}]", r.charged_tip.unwrap_or(r.tip))
        }
        (k, Some(p)) => format!("  [{k} of {p}]"),
        (crate::payment::PaymentKind::Auth, None) => {
            format!("  [auth, tip {}]", r.charged_tip.unwrap_or(r.tip))
        }
        (k, None) => format!("  [{k}]"),
    };
    clean(&format!(
        "{}  {:<11}  {:>10}  {}{card}{kind}",
        format_time(r.created_ms),
        r.state.as_str(),
        r.amount.to_string(),
        r.external_id
    ))
}

/// `3 items` / `1 item`.
pub(super) fn items_text(n: u64) -> String {
    if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    }
}

/// The order kept with a sale, as JSON: lines, discounts and totals (amounts as decimal text).
pub(super) fn order_json(o: &OrderRecord) -> Value {
    json!({
        "items": o.items(),
        "lines": o.lines.iter().map(|l| json!({
            "line": l.line_id,
            "name": l.name,
            "code": l.code,
            "quantity": l.quantity,
            "unit_price": l.unit_price.to_string(),
            "amount": l.amount().to_string(),
            "tax_rate": l.tax_rate.to_string(),
        })).collect::<Vec<_>>(),
        "discounts": o.discounts.iter().map(|d| json!({
            "name": d.name,
            "percent": d.percent.map(|p| p.to_string()),
            "amount": d.amount.to_string(),
        })).collect::<Vec<_>>(),
        "tax_rate": o.tax_rate.to_string(),
        "subtotal": o.subtotal.to_string(),
        "discount": o.discount.to_string(),
        "tax": o.tax.to_string(),
        "total": o.total.to_string(),
    })
}

/// The order kept with a sale, as indented text lines for `till payment`.
pub(super) fn order_text(o: &OrderRecord) -> String {
    let mut out = format!(
        "  order: {}
",
        items_text(o.items())
    );
    for l in &o.lines {
        let code = l
            .code
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "    {} x {}{code} @ {} = {} (tax {}%)\n",
            l.quantity,
            l.display_name(),
            l.unit_price,
            l.amount(),
            l.tax_rate
        ));
    }
    for d in &o.discounts {
        out.push_str(&format!("    discount {}: -{}\n", d.name, d.amount));
    }
    out.push_str(&format!(
        "    subtotal {}  discount {}  tax {}  total {}\n",
        o.subtotal, o.discount, o.tax, o.total
    ));
    clean_lines(&out)
}

/// [`clean`] applied line by line (newlines kept).
fn clean_lines(text: &str) -> String {
    text.lines().map(|l| format!("{}\n", clean(l))).collect()
}

pub(super) fn event_json(e: &PaymentEvent) -> Value {
    json!({
        "seq": e.seq,
        "at": format_time(e.at_ms),
        "from": e.from.map(|s| s.as_str()),
        "to": e.to.as_str(),
        "cause": e.cause,
        "detail": e.detail,
        "correction": e.correction,
    })
}

/// Show one payment from the ledger with its full event history.
///
/// Reads the ledger read-only: works while another till holds it. Exit 0 when found; 1 when
/// nothing matches; 2 when the text is the start of several external ids (they are listed).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  till payment 3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d --json\n  till payment 3f2a   (any unambiguous prefix)\n  till payment DMKJWJTVR3GSR   (the device's payment id)"
)]
pub struct PaymentArgs {
    /// The payment's external id, an unambiguous prefix of it, or the device's payment id.
    external_id: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till payment`.
pub fn payment(global: &GlobalArgs, args: PaymentArgs) -> u8 {
    let result = (|| {
        let config = composition::load_config(global)?;
        let ledger = composition::open_ledger_read_only(&config)?;
        let io = |e: crate::ledger::LedgerError| Failure {
            code: exit::USAGE,
            message: e.to_string(),
        };
        let found = ledger.lookup(&args.external_id).map_err(io)?;
        let (events, children, order) = match &found {
            Lookup::Found(r) => (
                ledger.events(&r.external_id).map_err(io)?,
                ledger.children(&r.external_id).map_err(io)?,
                ledger.order(&r.external_id).map_err(io)?,
            ),
            _ => (Vec::new(), Vec::new(), None),
        };
        Ok((found, events, children, order))
    })();
    let (found, events, children, order) = match result {
        Ok(x) => x,
        Err(f) => return fail(args.json, "payment", f),
    };
    let record = match found {
        Lookup::Found(r) => *r,
        Lookup::None => {
            let message = format!(
                "No payment with external id (or prefix, or device payment id) {} in the ledger.",
                clean(&args.external_id)
            );
            return fail(
                args.json,
                "payment",
                Failure {
                    code: exit::NEGATIVE,
                    message,
                },
            );
        }
        Lookup::Ambiguous(candidates) => return ambiguous(&args, &candidates),
    };
    let conflicts: Vec<&PaymentEvent> = events
        .iter()
        .filter(|e| e.cause == CONFLICT_CAUSE)
        .collect();
    if args.json {
        let mut v = record_json(&record);
        v["command"] = json!("payment");
        v["items"] = json!(order.as_ref().map(OrderRecord::items));
        v["order"] = order.as_ref().map_or(Value::Null, order_json);
        v["events"] = Value::Array(events.iter().map(event_json).collect());
        v["conflicts"] = Value::Array(conflicts.iter().map(|e| event_json(e)).collect());
        v["refunds_and_voids"] = Value::Array(children.iter().map(record_json).collect());
        v["exit_code"] = json!(exit::OK);
        crate::protocol::text::sanitise_json(&mut v);
        print_out(&format!("{v}\n"));
    } else {
        let mut out = format!("{}\n", clean(&record_line(&record)));
        if let Some(m) = &record.message {
            out.push_str(&format!("  {}\n", clean(m)));
        }
        if let Some(o) = &order {
            out.push_str(&order_text(o));
        }
        for c in &children {
            out.push_str(&format!("  {} {}\n", c.kind, clean(&record_line(c))));
        }
        for e in &conflicts {
            out.push_str(&format!(
                "  CONFLICT {}: {}\n",
                format_time(e.at_ms),
                clean(&e.detail)
            ));
        }
        for e in &events {
            let from = e.from.map_or("-".to_owned(), |s| s.to_string());
            out.push_str(&format!(
                "  {} {from} → {} [{}] {}\n",
                format_time(e.at_ms),
                e.to,
                clean(&e.cause),
                clean(&e.detail)
            ));
        }
        print_out(&out);
    }
    exit::OK
}

/// Several payments start with the text given: list them (exit 2).
fn ambiguous(args: &PaymentArgs, candidates: &[PaymentRecord]) -> u8 {
    let more = if candidates.len() >= crate::ledger::MAX_CANDIDATES {
        " (the first ones)"
    } else {
        ""
    };
    let message = format!(
        "{} is the start of {} external ids{more}; give more of the id",
        clean(&args.external_id),
        candidates.len()
    );
    if args.json {
        let list: Vec<Value> = candidates.iter().map(record_json).collect();
        print_out(&format!(
            "{}\n",
            json!({"command": "payment", "error": message, "candidates": list, "exit_code": exit::USAGE})
        ));
    } else {
        let mut text = format!("till payment: {message}:\n");
        for r in candidates {
            text.push_str(&format!("  {}\n", record_line(r)));
        }
        eprint!("{text}");
    }
    exit::USAGE
}

/// List payments from the ledger, newest first, optionally filtered.
///
/// Reads the ledger read-only: works while another till holds it.
#[derive(Debug, Args)]
#[command(
    after_help = "Dates are UTC. Examples:\n  till history --limit 20\n  till history --state unknown,in_progress\n  till history --since 2h --last4 4242\n  till history --since 2026-12-01 --until 2026-12-01 --amount 12.34\n  till history --json | jq '.payments[] | select(.state==\"unknown\")'"
)]
pub struct HistoryArgs {
    /// How many payments to show.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    limit: u32,
    /// Which payments.
    #[command(flatten)]
    filter: FilterArgs,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till history`.
pub fn history(global: &GlobalArgs, args: HistoryArgs) -> u8 {
    let filter = args.filter.filter(now_ms());
    let filtered = filter != crate::ledger::PaymentFilter::default();
    let result = (|| {
        let config = composition::load_config(global)?;
        let ledger = composition::open_ledger_read_only(&config)?;
        let io = |e: crate::ledger::LedgerError| Failure {
            code: exit::USAGE,
            message: e.to_string(),
        };
        let total = if filtered {
            ledger.count_matching(&filter)
        } else {
            ledger.count()
        }
        .map_err(io)?;
        let rows = ledger
            .search(&filter, args.limit as usize, None)
            .map_err(io)?
            .payments;
        let ids: Vec<&str> = rows.iter().map(|r| r.external_id.as_str()).collect();
        let items = ledger.item_counts(&ids).map_err(io)?;
        Ok((rows, total, items))
    })();
    let (rows, total, items) = match result {
        Ok(x) => x,
        Err(f) => return fail(args.json, "history", f),
    };
    if args.json {
        let payments: Vec<Value> = rows
            .iter()
            .map(|r| {
                let mut v = record_json(r);
                v["items"] = json!(items.get(&r.external_id));
                v
            })
            .collect();
        let mut v = json!({"command": "history", "total": total, "payments": payments, "exit_code": exit::OK});
        crate::protocol::text::sanitise_json(&mut v);
        print_out(&format!("{v}\n"));
    } else if rows.is_empty() {
        print_out(if filtered {
            "No payments match.\n"
        } else {
            "No payments yet.\n"
        });
    } else {
        let mut out = String::new();
        for r in &rows {
            out.push_str(&clean(&record_line(r)));
            if let Some(n) = items.get(&r.external_id) {
                out.push_str(&format!("  {}", items_text(*n)));
            }
            out.push('\n');
        }
        print_out(&out);
        // The footer is not a payment: stderr, so `till history | …` reads payments only.
        if (rows.len() as u64) < total {
            let what = if filtered { " matching" } else { "" };
            eprintln!("({} of {total}{what} shown; use --limit)", rows.len());
        }
    }
    exit::OK
}
