//! Recovery of an open capture, increment or tip adjust from what RETRIEVE_PAYMENT (or Clover's
//! REST payments) shows of its auth or pre-auth: the new amounts decide; unchanged on an idle
//! device means it was not done.

use super::adjust_judge::{current, judge_payment};
use super::events::Effect;
use super::ledger_ops::PaymentFacts;
use super::settle::apply;
use super::state::State;
use super::steps::transition;
use crate::payment::PaymentState;
use crate::protocol::Payment;

/// RETRIEVE_PAYMENT found the payment of the open adjustment: true when that decided it.
pub(super) fn on_payment_found(state: &mut State, payment: &Payment, fx: &mut Vec<Effect>) -> bool {
    let kind = state.kind();
    let Some((link, asked, asked_tip)) = current(state, kind) else {
        return false;
    };
    let j = judge_payment(kind, &link, asked, asked_tip, payment);
    apply(state, "RETRIEVE_PAYMENT_RESPONSE", j, fx)
}

/// The idle device shows the payment unchanged: the open adjustment was not done.
pub(super) fn on_unchanged_idle(state: &mut State, fx: &mut Vec<Effect>) {
    let kind = state.kind();
    let what = state
        .txn
        .as_ref()
        .and_then(|t| t.link.as_ref())
        .map_or(String::new(), |l| format!(" {}", l.external_id));
    transition(
        state,
        PaymentState::NotFound,
        "RETRIEVE_PAYMENT_RESPONSE",
        format!(
            "the idle device shows payment{what} unchanged: the {} was not done",
            kind.label()
        ),
        PaymentFacts::default(),
        fx,
    );
}
