//! What headless commands print: one human line (or a few) or exactly one JSON object.

use serde_json::{Value, json};

use crate::app::{Outcome, State};
use crate::ledger::PaymentState;

use super::exit;
use super::out;

/// The exit code for a payment's state: approved 0, a definitive no 1, unknown 4.
pub fn exit_for(state: PaymentState) -> u8 {
    match state {
        PaymentState::Approved => exit::OK,
        PaymentState::Declined
        | PaymentState::Canceled
        | PaymentState::Voided
        | PaymentState::NotFound => exit::NEGATIVE,
        _ => exit::UNKNOWN,
    }
}

/// A finished payment as JSON (brand and last4 only).
pub fn outcome_json(o: &Outcome) -> Value {
    json!({
        "external_id": o.external_id,
        "state": o.state.as_str(),
        "amount": o.amount.to_string(),
        "tip": o.tip.map(|t| t.to_string()),
        "tax": o.tax.map(|t| t.to_string()),
        "charged": o.facts.amount_charged.map(|c| c.to_string()),
        "card_brand": o.facts.card_brand,
        "last4": o.facts.last4,
        "auth_code": o.facts.auth_code,
        "device_payment_id": o.facts.device_payment_id,
        "message": o.message,
    })
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
    if let Some(c) = o.facts.amount_charged.filter(|c| *c != o.amount) {
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

/// Prints `value` (with `exit_code` added) as one JSON line, or `human` lines.
pub fn emit(json_mode: bool, mut value: Value, human: &[String], code: u8) -> u8 {
    if json_mode {
        if let Value::Object(map) = &mut value {
            map.insert("exit_code".into(), json!(code));
        }
        out::line!("{value}");
    } else {
        for line in human {
            out::line!("{line}");
        }
    }
    code
}
