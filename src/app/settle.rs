//! Settling the current transaction from the device's evidence: a device payment through the
//! verdict rules (`app::verdict`), a linked transaction's [`Judgement`], a conflict (the
//! transaction goes `unknown`, named). Below the flows and recovery.

use super::events::Effect;
use super::ledger_ops::PaymentFacts;
use super::state::{NoticeKind, State};
use super::steps::{note, transition};
use super::verdict;
use crate::payment::PaymentState;
use crate::protocol::Payment;

/// What a device object says about the current refund, void, credit, capture, increment or
/// tip adjust.
// Judged one at a time and applied at once; boxing the facts would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// Final, with the facts to record.
    Final(PaymentState, PaymentFacts, String),
    /// Not decided by this object.
    NotFinal,
    /// About another transaction: ignored.
    Foreign(String),
    /// The facts conflict: the transaction goes `unknown`, named.
    Conflict(String),
}

/// Applies a judgement to the current transaction; true when it reached a final state or a
/// conflict was recorded.
pub(super) fn apply(
    state: &mut State,
    cause: &str,
    judgement: Judgement,
    fx: &mut Vec<Effect>,
) -> bool {
    match judgement {
        Judgement::Final(to, facts, detail) => {
            transition(state, to, cause, detail, facts, fx);
            true
        }
        Judgement::NotFinal => false,
        Judgement::Foreign(what) => {
            note(state, cause, format!("about {what}; ignored"), fx);
            false
        }
        Judgement::Conflict(why) => {
            conflict(state, cause, &why, fx);
            true
        }
    }
}

/// Applies a device payment about the current sale through the verdict rules: a final verdict
/// is recorded; a conflict makes the sale `unknown` with the conflict named. Returns true when
/// the payment reached a final state, or a conflict was recorded that asking again cannot settle
/// (`recheck` false).
pub(super) fn resolve_with_payment(
    state: &mut State,
    payment: &Payment,
    cause: &str,
    recheck: bool,
    fx: &mut Vec<Effect>,
) -> bool {
    let Some(cur) = state.pending() else {
        return false;
    };
    let diffs = verdict::differences(cur, payment);
    match verdict::judge(cur, payment) {
        verdict::Verdict::Final(to, facts) => {
            if let Some(d) = diffs {
                note(state, cause, d, fx);
            }
            let detail = verdict::detail(to, &facts);
            transition(state, to, cause, detail, facts, fx);
            true
        }
        verdict::Verdict::NotFinal => false,
        verdict::Verdict::Foreign(ext) => {
            note(
                state,
                cause,
                format!("about another payment ({ext}); ignored"),
                fx,
            );
            false
        }
        verdict::Verdict::Conflict(why) => {
            conflict(state, cause, &why, fx);
            !recheck
        }
    }
}

/// Records a conflict in the device's facts: the sale goes `unknown`, named.
pub(super) fn conflict(state: &mut State, cause: &str, why: &str, fx: &mut Vec<Effect>) {
    let text = format!("conflict: {why}; not recorded as approved");
    if let Some(p) = state.payment.as_mut() {
        p.evidence.conflict = Some(why.to_owned());
        // Unknown → unknown is not a change: say it as an event.
        if p.state == PaymentState::Unknown {
            note(state, cause, text.clone(), fx);
        }
    }
    transition(
        state,
        PaymentState::Unknown,
        cause,
        text,
        PaymentFacts::default(),
        fx,
    );
    state.error(
        NoticeKind::General,
        format!(
            "Outcome unknown: {why}. The payment stays open: {}.",
            verdict::CHECK_DASHBOARD
        ),
    );
}

/// A FINISH_CANCEL names no payment: it only counts for a live flow. During recovery or a reset
/// the device's own lookup decides (a reset may have voided an authorised payment): the frame
/// is noted and true returned.
pub(super) fn cancel_left_to_lookup(state: &State, fx: &mut Vec<Effect>) -> bool {
    if state.recovery.is_none() && state.reset.is_none() {
        return false;
    }
    note(
        state,
        "FINISH_CANCEL",
        "received during recovery; the device lookup decides",
        fx,
    );
    true
}
