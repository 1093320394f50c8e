//! The one place that decides what a device payment proves about the current sale.
//!
//! A device payment counts for a transaction only when it carries our external id and takes no
//! more than we asked for. (PAYMENT_VOIDED may also name our payment by the device payment id
//! seen with our external id: a void takes no money.) Its
//! `result` then gives the verdict, unless a void was already proven (PAYMENT_VOIDED, or our own
//! rejection of a challenge or signature): a later SUCCESS is a conflict, never `approved`.
//! The connector decides nothing about money; it only hands the device's facts over.

use super::ledger_ops::PaymentFacts;
use super::state::CurrentPayment;
use crate::payment::{Amounts, PaymentState};
use crate::protocol::{Cents, Payment, PaymentResult};

/// Text that tells the operator where the truth can be checked.
pub const CHECK_DASHBOARD: &str = "check it on the Clover dashboard";

/// Whether a device payment is about the current sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// It carries our external id and amounts within the request.
    Ours,
    /// It names another external id: not about this sale.
    Foreign(String),
    /// It cannot be tied to this sale, or takes more than asked: the conflict, for people.
    Conflict(String),
}

/// What a device payment proves about the current sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A final outcome with the facts to record (`remaining` set for a partial approval).
    Final(PaymentState, PaymentFacts),
    /// The payment is ours but not finished yet.
    NotFinal,
    /// Not about this sale.
    Foreign(String),
    /// The device's facts conflict: the sale must go `unknown`, with this text.
    Conflict(String),
}

/// Ties `payment` to `cur`, checking the external id and the amounts.
pub fn bind(cur: &CurrentPayment, payment: &Payment) -> Binding {
    match payment.external_payment_id.as_deref() {
        Some(ext) if ext == cur.external_id => {}
        Some(ext) => return Binding::Foreign(ext.to_owned()),
        // Even with the device payment id seen earlier: money counts only on our external id.
        None => {
            return Binding::Conflict(
                "the device's payment carries no external id, so it cannot be tied to this sale"
                    .to_owned(),
            );
        }
    }
    let Some(amount) = payment.amount.filter(|a| *a > 0) else {
        return Binding::Conflict("the device's payment has no valid amount".to_owned());
    };
    let tip = payment.tip_amount.unwrap_or(0);
    if tip < 0 {
        return Binding::Conflict("the device's payment has a negative tip".to_owned());
    }
    let taken = Amounts::new(Cents(amount), Some(Cents(tip)), None).total();
    let ceiling = cur.amounts().ceiling(cur.evidence.tip_added);
    if taken > ceiling {
        return Binding::Conflict(format!(
            "the device reports {taken} taken, more than the {ceiling} asked for"
        ));
    }
    Binding::Ours
}

/// The verdict `payment` gives for `cur`.
pub fn judge(cur: &CurrentPayment, payment: &Payment) -> Verdict {
    match bind(cur, payment) {
        Binding::Ours => {}
        Binding::Foreign(ext) => return Verdict::Foreign(ext),
        Binding::Conflict(why) => return Verdict::Conflict(why),
    }
    let mut facts = PaymentFacts::from_payment(payment);
    if has_voids(payment) {
        // Clover's REST answer with `expand=voids`: a void recorded against the payment.
        facts.amount_charged = None;
        return Verdict::Final(PaymentState::Voided, facts);
    }
    match payment.result.as_ref() {
        Some(PaymentResult::Success | PaymentResult::Auth | PaymentResult::AuthCompleted) => {
            if let Some(void) = &cur.evidence.void_proven {
                return Verdict::Conflict(format!(
                    "{void}, but the device now says the payment succeeded: {CHECK_DASHBOARD}"
                ));
            }
            let amount = payment.amount.unwrap_or(0);
            if amount < cur.amount.0 {
                facts.remaining = Some(Cents(cur.amount.0 - amount));
            }
            Verdict::Final(PaymentState::Approved, facts)
        }
        Some(PaymentResult::Voided) => Verdict::Final(PaymentState::Voided, facts),
        Some(PaymentResult::Fail) => Verdict::Final(PaymentState::Declined, facts),
        _ => Verdict::NotFinal,
    }
}

/// True when the payment lists a void (`voids.elements` from a REST lookup with `expand=voids`).
fn has_voids(payment: &Payment) -> bool {
    payment
        .extra
        .get("voids")
        .and_then(|v| v.get("elements").or(Some(v)))
        .and_then(|e| e.as_array())
        .is_some_and(|a| !a.is_empty())
}

/// Differences between what the device's payment says and what was asked, for the record;
/// `None` when they agree.
pub fn differences(cur: &CurrentPayment, payment: &Payment) -> Option<String> {
    let mut diffs = Vec::new();
    let asked = |v: Option<Cents>| v.unwrap_or(Cents::ZERO);
    if let Some(a) = payment.amount.filter(|a| *a != cur.amount.0) {
        diffs.push(format!("amount {} (asked {})", Cents(a), cur.amount));
    }
    if let Some(t) = payment.tip_amount.filter(|t| *t != asked(cur.tip).0) {
        diffs.push(format!("tip {} (asked {})", Cents(t), asked(cur.tip)));
    }
    if let Some(t) = payment.tax_amount.filter(|t| *t != asked(cur.tax).0) {
        diffs.push(format!("tax {} (asked {})", Cents(t), asked(cur.tax)));
    }
    (!diffs.is_empty()).then(|| format!("the device's amounts differ: {}", diffs.join(", ")))
}

/// The human line for a final state reached from a device payment.
pub fn detail(to: PaymentState, facts: &PaymentFacts) -> String {
    match to {
        PaymentState::Approved => {
            let card = match (&facts.card_brand, &facts.last4) {
                (Some(b), Some(l)) => format!(" on {b} ending {l}"),
                _ => String::new(),
            };
            match (facts.remaining, facts.amount_charged) {
                (Some(rem), Some(taken)) => {
                    format!("partially approved{card}: {taken} taken, {rem} still due")
                }
                _ => format!("approved{card}"),
            }
        }
        PaymentState::Voided => "authorised, then voided: no money taken".to_owned(),
        _ => "declined: no money taken".to_owned(),
    }
}
