//! Support's commands: `report` (the day's totals) and `export` (every transaction of a range as
//! CSV), which read the ledger read-only, and `resolve` (close a payment by hand, on the record),
//! which writes and so needs the data directory to itself. None of them talks to the device.

use std::io::Write;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::composition;
use super::config::GlobalArgs;
use super::exit;
use super::failure::Failure;
use super::ledger_commands::{clean, fail, print_out, record_json, record_line};
use super::ledger_filters::{RangeArgs, day_start, now_ms};
use crate::ledger::{ItemSold, LedgerError, Outcome, PaymentFilter, PaymentRecord, Report, Tally};
use crate::payment::PaymentState;
use crate::runtime::format_time;

fn usage(e: LedgerError) -> Failure {
    Failure {
        code: exit::USAGE,
        message: e.to_string(),
    }
}

fn range_text(since: Option<i64>, until: Option<i64>) -> String {
    match (since, until) {
        (Some(s), Some(u)) => format!("from {} to {}", format_time(s), format_time(u)),
        (Some(s), None) => format!("from {}", format_time(s)),
        (None, Some(u)) => format!("up to {}", format_time(u)),
        (None, None) => "all time".to_owned(),
    }
}

/// Show the day's totals; payments whose outcome is unknown first, as action items.
///
/// Counts and amounts by outcome (approved, partial, declined, canceled, voided, not found,
/// unknown) and by card brand, tips, tax, refunds, voids, credits and the net taken. Reads the ledger read-only: works while another till holds it. Amounts are charged amounts
/// before tip for money taken, asked amounts otherwise. Dates are UTC; the default is today.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  till report\n  till report --date 2026-12-01 --json\n  till report --since 2026-11-01 --until 2026-11-30 --csv > november.csv\n  till report --since 8h"
)]
pub struct ReportArgs {
    /// Which payments (by creation time).
    #[command(flatten)]
    range: RangeArgs,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV (section,name,count,amount).
    #[arg(long)]
    csv: bool,
}

/// `till report`.
pub fn report(global: &GlobalArgs, args: ReportArgs) -> u8 {
    let now = now_ms();
    let (since, until) = args.range.resolve(now, Some(day_start(now)));
    let result = (|| {
        let config = composition::load_config(global)?;
        let ledger = composition::open_ledger_read_only(&config)?;
        let report = ledger.report(since, until).map_err(usage)?;
        let items = ledger.items_sold(since, until).map_err(usage)?;
        Ok((report, items))
    })();
    let (report, items) = match result {
        Ok(r) => r,
        Err(f) => return fail(args.json, "report", f),
    };
    if args.json {
        let mut v = report_json(&report);
        v["items_sold"] = items_json(&items);
        v["command"] = json!("report");
        v["since"] = json!(since.map(format_time));
        v["until"] = json!(until.map(format_time));
        v["exit_code"] = json!(exit::OK);
        print_out(&format!("{v}\n"));
    } else if args.csv {
        match report_csv(&report).and_then(|t| Ok(t + &items_csv(&items)?)) {
            Ok(text) => print_out(&text),
            Err(e) => {
                eprintln!("till report: cannot write CSV: {e}");
                return exit::USAGE;
            }
        }
    } else {
        let mut text = report_text(&report, &range_text(since, until));
        text.push_str(&items_text(&items));
        print_out(&text);
    }
    exit::OK
}

/// The items sold as JSON: `[{code, name, quantity, amount}]`, most sold first.
fn items_json(items: &[ItemSold]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| {
                json!({"code": i.code, "name": i.name, "quantity": i.quantity, "amount": i.amount.to_string()})
            })
            .collect(),
    )
}

/// The items sold as CSV rows `item,NAME [CODE],quantity,amount` (no header: they follow the
/// report's rows).
fn items_csv(items: &[ItemSold]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for i in items {
        w.write_record([
            "item",
            &clean(&item_label(i)),
            &i.quantity.to_string(),
            &i.amount.to_string(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn item_label(i: &ItemSold) -> String {
    match &i.code {
        Some(code) => format!("{} [{code}]", i.name),
        None => i.name.clone(),
    }
}

/// The items sold for people (nothing when no sale of the range was rung as an order).
fn items_text(items: &[ItemSold]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let total: u64 = items.iter().map(|i| i.quantity).sum();
    let mut out = format!("\nItems sold (approved sales, before discounts and tax): {total}\n");
    for i in items {
        out.push_str(&clean(&format!(
            "  {:<32} {:>7}  {:>12}",
            item_label(i),
            i.quantity,
            i.amount.to_string()
        )));
        out.push('\n');
    }
    out
}

fn tally_json(t: &Tally) -> Value {
    json!({"count": t.count, "amount": t.amount.to_string()})
}

/// The report as JSON: amounts as decimal strings, outcomes keyed `approved` … `not_found`.
pub fn report_json(r: &Report) -> Value {
    let outcomes: serde_json::Map<String, Value> = r
        .outcomes
        .iter()
        .map(|(o, t)| (o.key().to_owned(), tally_json(t)))
        .collect();
    let brands: serde_json::Map<String, Value> = r
        .brands
        .iter()
        .map(|(b, t)| (b.clone(), tally_json(t)))
        .collect();
    json!({
        "action_items": r.action_items.iter().map(record_json).collect::<Vec<_>>(),
        "payments": tally_json(&r.payments),
        "outcomes": outcomes,
        "brands": brands,
        "tips": r.tips.to_string(),
        "tax": r.tax.to_string(),
        "refunds": tally_json(&r.refunds),
        "voids": tally_json(&r.voids),
        "credits": tally_json(&r.credits),
        "holds": tally_json(&r.holds),
        "net": r.net.to_string(),
        "closeouts": r.closeouts.iter().map(closeout_json).collect::<Vec<_>>(),
    })
}

/// A closeout as JSON: its request, state and the batch the device closed.
pub fn closeout_json(k: &crate::ledger::CloseoutRecord) -> Value {
    json!({
        "request_id": k.request_id,
        "state": k.state.as_str(),
        "batch_id": k.batch.id,
        "count": k.batch.count,
        "total": k.batch.total.map(|t| t.to_string()),
        "batch_state": k.batch.state,
        "allow_open_tabs": k.allow_open_tabs,
        "message": k.message,
        "created": format_time(k.created_ms),
    })
}

/// One closeout for people.
fn closeout_line(k: &crate::ledger::CloseoutRecord) -> String {
    clean(&format!(
        "{}  {:<8}  batch {}  {} transaction(s)  total {}",
        format_time(k.created_ms),
        k.state.as_str(),
        k.batch.id.as_deref().unwrap_or("?"),
        k.batch.count.map_or("?".to_owned(), |c| c.to_string()),
        k.batch.total.map_or("?".to_owned(), |t| t.to_string())
    ))
}

/// The report as CSV rows `section,name,count,amount`, action items first.
pub fn report_csv(r: &Report) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["section", "name", "count", "amount"])?;
    for p in &r.action_items {
        w.write_record([
            "action_item",
            &clean(&p.external_id),
            "1",
            &p.amount.to_string(),
        ])?;
    }
    let row = |w: &mut csv::Writer<Vec<u8>>, section: &str, name: &str, t: &Tally| {
        w.write_record([section, name, &t.count.to_string(), &t.amount.to_string()])
    };
    row(&mut w, "total", "payments", &r.payments)?;
    for (o, t) in &r.outcomes {
        row(&mut w, "outcome", o.key(), t)?;
    }
    for (b, t) in &r.brands {
        row(&mut w, "brand", &clean(b), t)?;
    }
    w.write_record(["total", "tips", "", &r.tips.to_string()])?;
    w.write_record(["total", "tax", "", &r.tax.to_string()])?;
    row(&mut w, "total", "refunds", &r.refunds)?;
    row(&mut w, "total", "voids", &r.voids)?;
    row(&mut w, "total", "credits", &r.credits)?;
    if r.holds.count > 0 {
        row(&mut w, "total", "holds", &r.holds)?;
    }
    w.write_record(["total", "net", "", &r.net.to_string()])?;
    for k in &r.closeouts {
        let total = k.batch.total.map(|t| t.to_string()).unwrap_or_default();
        let count = k.batch.count.map(|c| c.to_string()).unwrap_or_default();
        let name = format!(
            "{} {}",
            k.batch.id.as_deref().unwrap_or("?"),
            k.state.as_str()
        );
        w.write_record(["closeout", &clean(&name), &count, &total])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The report for people: action items first, then the totals.
pub fn report_text(r: &Report, range: &str) -> String {
    let mut out = format!("Report, {range} (UTC)\n");
    if r.action_items.is_empty() {
        out.push_str("No action items: every payment has a final outcome.\n");
    } else {
        out.push_str(&format!(
            "ACTION ITEMS: {} payment(s) with an unknown outcome — run `till recover`; if it \
             cannot decide, check the Clover dashboard and `till resolve EXTERNAL_ID --as … --note …`\n",
            r.action_items.len()
        ));
        for p in &r.action_items {
            out.push_str(&format!("  {}\n", record_line(p)));
        }
    }
    let line = |name: &str, t: &Tally| {
        format!(
            "  {name:<12} {:>7}  {:>12}\n",
            t.count,
            t.amount.to_string()
        )
    };
    out.push_str(&format!(
        "\n{:<14} {:>7}  {:>12}\n",
        "Outcome", "count", "amount"
    ));
    for (o, t) in &r.outcomes {
        out.push_str(&line(o.label(), t));
    }
    out.push_str(&line("all", &r.payments));
    if !r.brands.is_empty() {
        out.push_str(&format!(
            "\n{:<14} {:>7}  {:>12}\n",
            "Card (taken)", "count", "amount"
        ));
        for (b, t) in &r.brands {
            out.push_str(&line(&clean(b), t));
        }
    }
    out.push('\n');
    let money =
        |name: &str, c: crate::protocol::Cents| format!("  {name:<21} {:>12}\n", c.to_string());
    out.push_str(&money("tips", r.tips));
    out.push_str(&money("tax", r.tax));
    out.push_str(&line("refunds", &r.refunds));
    out.push_str(&line("voids", &r.voids));
    out.push_str(&line("credits", &r.credits));
    if r.holds.count > 0 {
        out.push_str(&line("pre-auths", &r.holds));
    }
    out.push_str(&money("NET TAKEN", r.net));
    if !r.closeouts.is_empty() {
        out.push_str(
            "
Closeouts
",
        );
        for k in &r.closeouts {
            out.push_str(&format!(
                "  {}
",
                closeout_line(k)
            ));
        }
    }
    out
}

/// The export's columns, in order (README "Export columns"). Never reorder or rename: append.
pub const EXPORT_COLUMNS: [&str; 20] = [
    "external_id",
    "created",
    "updated",
    "kind",
    "state",
    "outcome",
    "amount",
    "tip",
    "tax",
    "charged_amount",
    "charged_tip",
    "card_brand",
    "last4",
    "auth_code",
    "device_payment_id",
    "order_id",
    "device",
    "result",
    "reason",
    "message",
];

/// One payment as an export row, in [`EXPORT_COLUMNS`] order.
pub fn export_row(p: &PaymentRecord) -> [String; 20] {
    let opt = |v: &Option<String>| v.as_deref().map(clean).unwrap_or_default();
    let cents = |v: Option<crate::protocol::Cents>| v.map(|c| c.to_string()).unwrap_or_default();
    [
        clean(&p.external_id),
        format_time(p.created_ms),
        format_time(p.updated_ms),
        p.kind.as_str().to_owned(),
        p.state.as_str().to_owned(),
        Outcome::of_record(p).key().to_owned(),
        p.amount.to_string(),
        p.tip.to_string(),
        p.tax.to_string(),
        cents(p.charged_amount),
        cents(p.charged_tip),
        opt(&p.card_brand),
        opt(&p.last4),
        opt(&p.auth_code),
        opt(&p.device_payment_id),
        opt(&p.order_id),
        clean(&p.device),
        opt(&p.result),
        opt(&p.reason),
        opt(&p.message),
    ]
}

/// Write every transaction of a range as CSV, one row each, for spreadsheets and accounting.
///
/// Oldest first; the columns are stable (README "Export columns"); amounts are decimal, times
/// UTC. Reads the ledger read-only: works while another till holds it. With no range, everything.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  till export --csv > ledger.csv\n  till export --csv --date 2026-12-01 > day.csv\n  till export --csv --since 7days --output week.csv"
)]
pub struct ExportArgs {
    /// Write CSV (the only format; required so that others can come).
    #[arg(long, required = true)]
    csv: bool,
    /// Which payments (by creation time).
    #[command(flatten)]
    range: RangeArgs,
    /// Write to this file (created 0600, replaced if there) instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// `till export`.
pub fn export(global: &GlobalArgs, args: ExportArgs) -> u8 {
    // `--csv` is required: CSV is the only format so far.
    debug_assert!(args.csv);
    let (since_ms, until_ms) = args.range.resolve(now_ms(), None);
    let result = (|| {
        let config = composition::load_config(global)?;
        let ledger = composition::open_ledger_read_only(&config)?;
        let sink: Box<dyn Write> = match &args.output {
            Some(path) => Box::new(create_private(path).map_err(|e| Failure {
                code: exit::USAGE,
                message: format!("cannot create {}: {e}", path.display()),
            })?),
            None => Box::new(std::io::stdout().lock()),
        };
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(sink));
        let filter = PaymentFilter {
            since_ms,
            until_ms,
            ..PaymentFilter::default()
        };
        let written = w
            .write_record(EXPORT_COLUMNS)
            .and_then(|()| {
                ledger
                    .for_each_matching(&filter, |p| w.write_record(export_row(&p)))
                    .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?
            })
            .and_then(|()| w.flush().map_err(csv::Error::from));
        match written {
            Ok(()) => Ok(()),
            // The reader went away (`| head`): not an error.
            Err(e) if is_broken_pipe(&e) => Ok(()),
            Err(e) => Err(Failure {
                code: exit::USAGE,
                message: format!("cannot write the export: {e}"),
            }),
        }
    })();
    match result {
        Ok(()) => exit::OK,
        Err(f) => fail(false, "export", f),
    }
}

fn is_broken_pipe(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Outcomes `till resolve --as` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ResolveAs {
    /// Money was taken.
    Approved,
    /// The card was declined.
    Declined,
    /// Authorised, then voided.
    Voided,
    /// The device never had it.
    #[value(name = "not_found")]
    NotFound,
}

impl ResolveAs {
    fn state(self) -> PaymentState {
        match self {
            ResolveAs::Approved => PaymentState::Approved,
            ResolveAs::Declined => PaymentState::Declined,
            ResolveAs::Voided => PaymentState::Voided,
            ResolveAs::NotFound => PaymentState::NotFound,
        }
    }
}

/// Close by hand, with a note on the record, a payment recovery could not decide.
///
/// For when the device is gone and the Clover dashboard was checked. Never sends anything. Only for a payment that is not final and has had at least one recovery attempt (`till
/// recover`); refused with exit 2, changing nothing, otherwise. Needs the data directory to
/// itself (exit 5 while another till holds it). A later device answer contradicting the
/// resolution is recorded as a conflict, shown by `till payment`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  till resolve 3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d --as approved --note \"approved on the Clover dashboard, checked by Sam\""
)]
pub struct ResolveArgs {
    /// The payment's external id (in full).
    external_id: String,
    /// The outcome found.
    #[arg(
        long = "as",
        value_enum,
        value_name = "approved|declined|voided|not_found"
    )]
    outcome: ResolveAs,
    /// Who checked what (kept in the payment's history).
    #[arg(long)]
    note: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// `till resolve`.
pub fn resolve(global: &GlobalArgs, args: ResolveArgs) -> u8 {
    let result = (|| {
        let config = composition::load_config(global)?;
        let ledger = composition::open_ledger(&config)?;
        ledger
            .resolve(&args.external_id, args.outcome.state(), &args.note)
            .map_err(usage)
    })();
    let record = match result {
        Ok(r) => r,
        Err(f) => return fail(args.json, "resolve", f),
    };
    if args.json {
        let mut v = record_json(&record);
        v["command"] = json!("resolve");
        v["exit_code"] = json!(exit::OK);
        print_out(&format!("{v}\n"));
    } else {
        print_out(&format!(
            "Resolved by hand as {}: {}\n",
            record.state,
            record_line(&record)
        ));
    }
    exit::OK
}
