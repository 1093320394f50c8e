//! What a device answer or record decides for the open capture, increment or tip adjust: a
//! response's amounts, or the auth or pre-auth as the device has it now. Pure judging; applying
//! is `app::settle`.

use super::ledger_ops::PaymentFacts;
use super::linked_txn::SaleLink;
use super::settle::Judgement;
use super::state::State;
use crate::payment::{Amounts, PaymentKind, PaymentState};
use crate::protocol::{Cents, Payment, PaymentResult};

/// The open capture, increment or tip adjust of `kind`: its payment, amount and tip asked.
pub(super) fn current(state: &State, kind: PaymentKind) -> Option<(SaleLink, Cents, Cents)> {
    let p = state.pending()?;
    if state.kind() != kind {
        return None;
    }
    let link = state.txn.as_ref()?.link.clone()?;
    Some((link, p.amount, p.tip.unwrap_or_default()))
}

/// Facts to record for an approved adjustment: what the payment now charges.
fn facts(kind: PaymentKind, link: &SaleLink, amount: Cents, tip: Cents) -> PaymentFacts {
    let (base, tip) = match kind {
        PaymentKind::TipAdjust => (link.amount, tip),
        PaymentKind::Capture => (amount, tip),
        _ => (amount, Cents::ZERO),
    };
    PaymentFacts {
        device_payment_id: Some(link.device_payment_id.clone()),
        result: Some("SUCCESS".into()),
        amount_charged: Some(Amounts::new(base, Some(tip), None).total()),
        tip: Some(tip),
        ..PaymentFacts::default()
    }
}

/// Judges a response's amounts for the open `kind` (`success` already true).
pub fn judge_response(
    kind: PaymentKind,
    link: &SaleLink,
    asked: Cents,
    asked_tip: Cents,
    payment_id: Option<&str>,
    amount: Option<Cents>,
    tip: Option<Cents>,
) -> Judgement {
    if let Some(pid) = payment_id.filter(|p| *p != link.device_payment_id) {
        return Judgement::Foreign(format!("payment {pid}"));
    }
    match kind {
        PaymentKind::TipAdjust => match tip {
            Some(t) if t != asked_tip => Judgement::Conflict(format!(
                "the device reports a tip of {t} set on payment {}, but {asked_tip} was asked",
                link.external_id
            )),
            _ => Judgement::Final(
                PaymentState::Approved,
                facts(kind, link, asked, asked_tip),
                format!("tip set to {asked_tip} on auth {}", link.external_id),
            ),
        },
        PaymentKind::Capture => {
            if let Some(a) = amount.filter(|a| *a > asked) {
                return Judgement::Conflict(format!(
                    "the device reports a capture of {a}, more than the {asked} asked"
                ));
            }
            if let Some(t) = tip.filter(|t| *t != asked_tip) {
                return Judgement::Conflict(format!(
                    "the device reports a captured tip of {t}, but {asked_tip} was asked"
                ));
            }
            let taken = amount.unwrap_or(asked);
            let less = if taken < asked {
                format!(" (less than the {asked} asked)")
            } else {
                String::new()
            };
            Judgement::Final(
                PaymentState::Approved,
                facts(kind, link, taken, asked_tip),
                format!(
                    "pre-auth {} captured for {taken} + tip {asked_tip}{less}",
                    link.external_id
                ),
            )
        }
        _ => {
            // The authorization's amount is the increment or the new hold, as devices differ.
            let new_hold = Cents(link.amount.get().saturating_add(asked.get()));
            if let Some(a) = amount.filter(|a| *a != asked && *a != new_hold) {
                return Judgement::Conflict(format!(
                    "the device reports an authorization of {a}, but an increment of {asked} (a hold of {new_hold}) was asked"
                ));
            }
            Judgement::Final(
                PaymentState::Approved,
                facts(kind, link, asked, Cents::ZERO),
                format!(
                    "hold of pre-auth {} raised by {asked} to {new_hold}",
                    link.external_id
                ),
            )
        }
    }
}

/// Judges the auth or pre-auth as the device has it now (RETRIEVE_PAYMENT) for the open
/// capture, increment or tip adjust: its new amounts decide.
pub fn judge_payment(
    kind: PaymentKind,
    link: &SaleLink,
    asked: Cents,
    asked_tip: Cents,
    payment: &Payment,
) -> Judgement {
    if payment.id.as_deref() != Some(link.device_payment_id.as_str()) {
        return Judgement::Foreign(format!(
            "payment {}",
            payment.id.as_deref().unwrap_or("without an id")
        ));
    }
    let amount = Cents(payment.amount.unwrap_or(0));
    let tip = Cents(payment.tip_amount.unwrap_or(0));
    let held = payment.result == Some(PaymentResult::Auth);
    let says = format!(
        "the device shows payment {} at {amount} + tip {tip} ({})",
        link.external_id,
        payment
            .result
            .as_ref()
            .map_or("no result".to_owned(), |r| r.to_string())
    );
    let found = |detail: String| {
        Judgement::Final(
            PaymentState::Approved,
            facts(kind, link, asked, asked_tip),
            detail,
        )
    };
    match kind {
        PaymentKind::TipAdjust if tip == asked_tip => found(format!("{says}: the tip was set")),
        PaymentKind::TipAdjust if tip == link.tip => Judgement::NotFinal,
        PaymentKind::Capture if !held && amount == asked && tip == asked_tip => {
            found(format!("{says}: captured"))
        }
        PaymentKind::Capture if held && amount == link.amount => Judgement::NotFinal,
        PaymentKind::Increment
            if held && amount == Cents(link.amount.get().saturating_add(asked.get())) =>
        {
            found(format!("{says}: the hold was raised"))
        }
        PaymentKind::Increment if held && amount == link.amount => Judgement::NotFinal,
        _ => Judgement::Conflict(format!(
            "{says}, which is neither before nor after the {} asked",
            kind.label()
        )),
    }
}
