//! What headless commands print: one human line (or a few) or exactly one JSON object.

use serde_json::{Value, json};

use crate::app::{Outcome, State};
use crate::payment::PaymentState;

use super::exit;
use super::out;

/// The exit code for an outcome: approved 0, partially approved 6, a definitive no 1,
/// unknown 4.
pub fn exit_for(o: &Outcome) -> u8 {
    match o.state {
        PaymentState::Approved if o.facts.remaining.is_some() => exit::PARTIAL,
        PaymentState::Approved => exit::OK,
        PaymentState::Declined
        | PaymentState::Canceled
        | PaymentState::Voided
        | PaymentState::NotFound => exit::NEGATIVE,
        _ => exit::UNKNOWN,
    }
}

/// A finished payment as JSON (brand and last4 only). `charged` (tip included) appears only
/// for money actually taken; a partial approval adds `"partial": true` and `remaining`.
pub fn outcome_json(o: &Outcome) -> Value {
    let taken = o.state == PaymentState::Approved;
    let mut v = json!({
        "external_id": o.external_id,
        "state": o.state.as_str(),
        "amount": o.amount.to_string(),
        "tip": o.tip.map(|t| t.to_string()),
        "tax": o.tax.map(|t| t.to_string()),
        "total": o.amounts().total().to_string(),
        "charged": o.facts.amount_charged.filter(|_| taken).map(|c| c.to_string()),
        "charged_tip": o.facts.tip.filter(|_| taken).map(|c| c.to_string()),
        "card_brand": o.facts.card_brand,
        "last4": o.facts.last4,
        "auth_code": o.facts.auth_code,
        "device_payment_id": o.facts.device_payment_id,
        "message": o.message,
    });
    if let Some(rem) = o.facts.remaining.filter(|_| taken) {
        v["partial"] = json!(true);
        v["remaining"] = json!(rem.to_string());
    }
    v
}

/// A finished payment as one human line.
pub fn outcome_line(o: &Outcome) -> String {
    let mut line = format!(
        "{} {} (external id {})",
        o.state.as_str(),
        o.amount,
        o.external_id
    );
    if let (Some(b), Some(l)) = (&o.facts.card_brand, &o.facts.last4) {
        line.push_str(&format!(", {b} ending {l}"));
    }
    if let Some(a) = &o.facts.auth_code {
        line.push_str(&format!(", auth {a}"));
    }
    let total = o.amounts().total();
    if let Some(c) = o
        .facts
        .amount_charged
        .filter(|c| o.state == PaymentState::Approved && *c != total)
    {
        line.push_str(&format!(", charged {c}"));
    }
    if !o.message.is_empty() && !o.message.starts_with("approved") {
        line.push_str(&format!(": {}", o.message));
    }
    line
}

/// The payment still open, as JSON.
pub fn pending_json(state: &State) -> Value {
    match state.pending() {
        Some(p) => json!({
            "external_id": p.external_id,
            "state": p.state.as_str(),
            "amount": p.amount.to_string(),
        }),
        None => Value::Null,
    }
}

/// Open payments of other devices (or not yet tied to the connected one), as JSON.
pub fn elsewhere_json(state: &State) -> Value {
    Value::Array(
        state
            .open_elsewhere()
            .iter()
            .map(|p| {
                json!({
                    "external_id": p.external_id,
                    "state": p.state.as_str(),
                    "amount": p.amount.to_string(),
                    "device": p.device,
                })
            })
            .collect(),
    )
}

/// Open payments of other devices, one human line each.
pub fn elsewhere_lines(state: &State) -> Vec<String> {
    state
        .open_elsewhere()
        .iter()
        .map(|p| {
            format!(
                "open on another device ({}): {} of {} ({}); run `till recover` connected to that device",
                p.device, p.external_id, p.amount, p.state
            )
        })
        .collect()
}

/// Prints `value` (with `exit_code` added) as one JSON line, or `human` lines.
pub fn emit(json_mode: bool, mut value: Value, human: &[String], code: u8) -> u8 {
    if json_mode {
        if let Value::Object(map) = &mut value {
            map.insert("exit_code".into(), json!(code));
        }
        crate::protocol::text::sanitise_json(&mut value);
        out::line!("{value}");
    } else {
        for line in human {
            out::line!("{}", crate::protocol::text::terminal_safe(line));
        }
    }
    code
}
