//! What a device object decides for the current refund or void: a refund object, or the sale
//! as the device (or Clover) has it now. Pure judging; applying is `app::settle`.

use super::ledger_ops::{PaymentFacts, card_facts};
use super::linked_txn::SaleLink;
use super::settle::Judgement;
use super::state::State;
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::{Cents, Payment, PaymentResult, Refund};

/// The earlier payment the current transaction acts on, if any.
pub(super) fn link(state: &State) -> Option<&SaleLink> {
    state.txn.as_ref()?.link.as_ref()
}

/// The open transaction of `kind`: its sale (empty for a credit) and amount.
pub(super) fn current(state: &State, kind: PaymentKind) -> Option<(SaleLink, Cents)> {
    let p = state.pending()?;
    if state.kind() != kind {
        return None;
    }
    Some((link(state).cloned().unwrap_or_default(), p.amount))
}

/// Judges a refund object against the current refund: ours when it is about our sale, its id
/// was not known before, and its amount is within what we asked.
pub fn judge_refund(link: &SaleLink, asked: Cents, refund: &Refund) -> Judgement {
    let id = refund.id.clone().unwrap_or_default();
    if let Some(pid) = refund.payment.as_ref().and_then(|p| p.id.as_deref())
        && pid != link.device_payment_id
    {
        return Judgement::Foreign(format!("a refund of payment {pid}"));
    }
    if !id.is_empty() && link.known_refunds.contains(&id) {
        return Judgement::Foreign(format!("refund {id}, recorded before this one"));
    }
    let Some(amount) = refund.amount else {
        return Judgement::NotFinal;
    };
    if amount <= 0 || Cents(amount) > asked {
        return Judgement::Conflict(format!(
            "the device reports a refund of {} for this sale, but {asked} was asked",
            Cents(amount)
        ));
    }
    let facts = PaymentFacts {
        device_payment_id: (!id.is_empty()).then(|| id.clone()),
        result: Some("SUCCESS".into()),
        amount_charged: Some(Cents(amount)),
        ..card_facts(refund.card_transaction.as_ref())
    };
    let partial = if Cents(amount) < asked {
        format!(" (less than the {asked} asked)")
    } else {
        String::new()
    };
    Judgement::Final(
        PaymentState::Approved,
        facts,
        format!("refunded {}{partial}", Cents(amount)),
    )
}

/// Judges the sale as the device (or Clover) has it now, for the current refund or void.
pub fn judge_sale(kind: PaymentKind, link: &SaleLink, asked: Cents, sale: &Payment) -> Judgement {
    if sale.id.as_deref() != Some(link.device_payment_id.as_str()) {
        return Judgement::Foreign(format!(
            "payment {}",
            sale.id.as_deref().unwrap_or("without an id")
        ));
    }
    match kind {
        PaymentKind::Refund => {
            let mut found: Vec<Judgement> = sale
                .refunds()
                .iter()
                .map(|r| judge_refund(link, asked, r))
                .filter(|j| !matches!(j, Judgement::Foreign(_) | Judgement::NotFinal))
                .collect();
            match found.len() {
                0 => Judgement::NotFinal,
                1 => found.remove(0),
                n => Judgement::Conflict(format!(
                    "the sale shows {n} new refunds; which one is ours cannot be told"
                )),
            }
        }
        PaymentKind::Void => {
            let voided = sale.result == Some(PaymentResult::Voided) || sale.void_reason.is_some();
            if voided {
                let facts = PaymentFacts {
                    result: Some("VOIDED".into()),
                    ..PaymentFacts::default()
                };
                Judgement::Final(
                    PaymentState::Approved,
                    facts,
                    format!("payment {} voided: no money taken", link.external_id),
                )
            } else {
                Judgement::NotFinal
            }
        }
        _ => Judgement::NotFinal,
    }
}
