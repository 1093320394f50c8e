//! The commands that only read the ledger: `payment` and `history`.

use clap::Args;
use serde_json::{Value, json};

use super::out;
use super::session::{self, Failure};
use super::{GlobalArgs, exit};
use crate::ledger::{PaymentEvent, PaymentRecord};
use crate::runtime::format_time;

fn fail(json_mode: bool, command: &str, f: Failure) -> u8 {
    if json_mode {
        out::line!(
            "{}",
            json!({"command": command, "error": f.message, "exit_code": f.code})
        );
    } else {
        eprintln!("till {command}: {}", f.message);
    }
    f.code
}

fn record_json(r: &PaymentRecord) -> Value {
    json!({
        "external_id": r.external_id,
        "state": r.state.as_str(),
        "kind": r.kind.as_str(),
        "amount": r.amount.to_string(),
        "tip": r.tip.to_string(),
        "tax": r.tax.to_string(),
        "charged": r.charged_amount.map(|c| c.to_string()),
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

fn record_line(r: &PaymentRecord) -> String {
    let card = match (&r.card_brand, &r.last4) {
        (Some(b), Some(l)) => format!("  {b} {l}"),
        _ => String::new(),
    };
    format!(
        "{}  {:<11}  {:>10}  {}{card}",
        format_time(r.created_ms),
        r.state.as_str(),
        r.amount.to_string(),
        r.external_id
    )
}

fn event_json(e: &PaymentEvent) -> Value {
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
/// Exit 0 when found; 1 when the ledger has no such payment.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  till payment 3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d --json")]
pub struct PaymentArgs {
    /// The payment's external id.
    external_id: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till payment`.
pub fn payment(global: &GlobalArgs, args: PaymentArgs) -> u8 {
    let result = (|| {
        let config = session::load_config(global)?;
        let ledger = session::open_ledger(&config)?;
        let io = |e: crate::ledger::LedgerError| Failure {
            code: exit::USAGE,
            message: e.to_string(),
        };
        let record = ledger.get(&args.external_id).map_err(io)?;
        let events = match &record {
            Some(_) => ledger.events(&args.external_id).map_err(io)?,
            None => Vec::new(),
        };
        Ok((record, events))
    })();
    let (record, events) = match result {
        Ok(x) => x,
        Err(f) => return fail(args.json, "payment", f),
    };
    let Some(record) = record else {
        let message = format!(
            "No payment with external id {} in the ledger.",
            args.external_id
        );
        return fail(
            args.json,
            "payment",
            Failure {
                code: exit::NEGATIVE,
                message,
            },
        );
    };
    if args.json {
        let mut v = record_json(&record);
        v["command"] = json!("payment");
        v["events"] = Value::Array(events.iter().map(event_json).collect());
        v["exit_code"] = json!(exit::OK);
        out::line!("{v}");
    } else {
        out::line!("{}", record_line(&record));
        if let Some(m) = &record.message {
            out::line!("  {m}");
        }
        for e in &events {
            let from = e.from.map_or("-".to_owned(), |s| s.to_string());
            out::line!(
                "  {} {from} → {} [{}] {}",
                format_time(e.at_ms),
                e.to,
                e.cause,
                e.detail
            );
        }
    }
    exit::OK
}

/// List payments from the ledger, newest first.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  till history --limit 20\n  till history --json | jq '.payments[] | select(.state==\"unknown\")'"
)]
pub struct HistoryArgs {
    /// How many payments to show.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    limit: u32,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till history`.
pub fn history(global: &GlobalArgs, args: HistoryArgs) -> u8 {
    let result = (|| {
        let config = session::load_config(global)?;
        let ledger = session::open_ledger(&config)?;
        let io = |e: crate::ledger::LedgerError| Failure {
            code: exit::USAGE,
            message: e.to_string(),
        };
        let total = ledger.count().map_err(io)?;
        let rows = ledger.history_at(0, args.limit as usize).map_err(io)?;
        Ok((rows, total))
    })();
    let (rows, total) = match result {
        Ok(x) => x,
        Err(f) => return fail(args.json, "history", f),
    };
    if args.json {
        let payments: Vec<Value> = rows.iter().map(record_json).collect();
        out::line!(
            "{}",
            json!({"command": "history", "total": total, "payments": payments, "exit_code": exit::OK})
        );
    } else if rows.is_empty() {
        out::line!("No payments yet.");
    } else {
        for r in &rows {
            out::line!("{}", record_line(r));
        }
        if (rows.len() as u64) < total {
            eprintln!("({} of {total} shown; use --limit)", rows.len());
        }
    }
    exit::OK
}
