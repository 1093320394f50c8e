//! Recovery of an open refund, void or credit from what the device (RETRIEVE_PAYMENT of the
//! sale) or, in cloud mode, Clover's REST payments show: a refund is ours when a refund id not
//! known before appears with our amount; a void when the sale reads voided. What cannot be
//! decided stays `unknown`, named (EVIDENCE.md #1: a voided payment may read SUCCESS).

use super::ledger_ops::PaymentFacts;
use super::refund_judge::{current, judge_sale, link};
use super::settle::{Judgement, apply};
use super::state::*;
use super::steps::transition;
use super::{Effect, verdict};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Payment;

/// RETRIEVE_PAYMENT found the sale of the open refund or void: true when that decided it.
pub(super) fn on_sale_found(state: &mut State, sale: &Payment, fx: &mut Vec<Effect>) -> bool {
    let kind = state.kind();
    let Some((link, asked)) = current(state, kind) else {
        return false;
    };
    let j = judge_sale(kind, &link, asked, sale);
    apply(state, "RETRIEVE_PAYMENT_RESPONSE", j, fx)
}

/// RETRIEVE_PAYMENT did not find what the open refund, void or credit is about, with the device
/// idle: a refund or void whose sale the device does not know, or a credit (the device looks
/// credits up by nothing), cannot be decided by the device. It stays `unknown`, named.
pub(super) fn on_not_found_idle(state: &mut State, fx: &mut Vec<Effect>) {
    let kind = state.kind();
    let why = match link(state) {
        Some(l) => format!(
            "the device has no record of payment {}, so it cannot say whether this {kind} was done: {}",
            l.external_id,
            verdict::CHECK_DASHBOARD
        ),
        None => format!(
            "the device cannot look up a {kind} and did not re-send its answer: {}",
            verdict::CHECK_DASHBOARD
        ),
    };
    super::settle::conflict(state, "RETRIEVE_PAYMENT_RESPONSE", &why, fx);
}

/// Clover's REST payments with the sale's external id (cloud mode), after the idle device could
/// not decide the open refund or void: the sale there decides as RETRIEVE_PAYMENT would (a
/// refund id not known before with our amount; the sale voided). A sale there without a new
/// refund means none was made; a void Clover does not show, or a sale Clover does not have,
/// stays `unknown`, named. True when recorded.
pub(super) fn on_rest_payments(state: &mut State, list: &[Payment], fx: &mut Vec<Effect>) -> bool {
    const CAUSE: &str = "REST payments";
    let kind = state.kind();
    let Some((link, asked)) = current(state, kind) else {
        return false;
    };
    let sale = list
        .iter()
        .find(|p| p.id.as_deref() == Some(link.device_payment_id.as_str()));
    let Some(sale) = sale else {
        let why = format!(
            "neither the device nor Clover's payment records have payment {} ({}), so whether \
             this {kind} was done cannot be told: {}",
            link.external_id,
            link.device_payment_id,
            verdict::CHECK_DASHBOARD
        );
        super::settle::conflict(state, CAUSE, &why, fx);
        return true;
    };
    match judge_sale(kind, &link, asked, sale) {
        Judgement::NotFinal if kind == PaymentKind::Refund => {
            transition(
                state,
                PaymentState::NotFound,
                CAUSE,
                "neither the idle device nor Clover shows a new refund of the payment: nothing \
                 was given back",
                PaymentFacts::default(),
                fx,
            );
            true
        }
        Judgement::NotFinal => {
            let why = format!(
                "Clover still shows payment {} as {}, and real devices may show voided payments \
                 as SUCCESS: {}",
                link.external_id,
                sale.result
                    .as_ref()
                    .map_or("without a result".to_owned(), |r| r.to_string()),
                verdict::CHECK_DASHBOARD
            );
            super::settle::conflict(state, CAUSE, &why, fx);
            true
        }
        j => apply(state, CAUSE, j, fx),
    }
}

/// The sale of an open void still reads SUCCESS with the device idle: on real devices a voided
/// payment may read SUCCESS too (EVIDENCE.md #1), so that proves nothing. Stays `unknown`.
pub(super) fn on_void_undecided(state: &mut State, fx: &mut Vec<Effect>) {
    let why = format!(
        "the device still shows the payment as SUCCESS, which real devices also show for voided payments: {}",
        verdict::CHECK_DASHBOARD
    );
    super::settle::conflict(state, "RETRIEVE_PAYMENT_RESPONSE", &why, fx);
}
