//! Late and re-delivered answers for the refund or void that just ended (a `late_frames` device,
//! a re-sent frame after a reconnect): the same answer is only noted; an answer that says the
//! device did what was recorded as not done (or another refund) reopens it as `unknown`, named.
//! Nothing is ever sent again.

use super::ledger_ops::LedgerOp;
use super::linked_txn::TxnInfo;
use super::refund_judge::judge_refund;
use super::settle::Judgement;
use super::state::*;
use super::{Effect, verdict};
use crate::ledger::{PaymentKind, PaymentState};
use crate::protocol::{Cents, Payment, Refund};

/// A refund object when no refund is open: a re-delivered frame for the refund that just
/// ended. The same refund is only noted; another outcome reopens it as `unknown`.
pub(super) fn late_refund(
    state: &mut State,
    refund: Option<&Refund>,
    cause: &str,
    fx: &mut Vec<Effect>,
) {
    let (Some(o), Some(txn)) = (state.last_outcome.clone(), state.last_txn.clone()) else {
        return;
    };
    let Some(link) = txn.link.filter(|_| txn.kind == PaymentKind::Refund) else {
        return;
    };
    let Some(refund) = refund else {
        // A refusal (or an answer without a refund) again: it changes nothing.
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: o.external_id,
            cause: cause.into(),
            detail: format!("re-delivered; recorded as {}", o.state),
        }));
        return;
    };
    let judged = judge_refund(&link, o.amount, refund);
    let same = match &judged {
        Judgement::Final(to, facts, _) => {
            *to == o.state && facts.device_payment_id == o.facts.device_payment_id
        }
        Judgement::Foreign(_) | Judgement::NotFinal => true,
        Judgement::Conflict(_) => false,
    };
    if same {
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: o.external_id,
            cause: cause.into(),
            detail: format!("re-delivered; recorded as {}", o.state),
        }));
        return;
    }
    let why = format!(
        "recorded {}, but a later {cause} shows refund {} of {}: {}",
        o.state,
        refund.id.as_deref().unwrap_or("?"),
        refund
            .amount
            .map_or("?".to_owned(), |a| Cents(a).to_string()),
        verdict::CHECK_DASHBOARD
    );
    fx.push(Effect::Persist(LedgerOp::Reopen {
        external_id: o.external_id.clone(),
        cause: cause.into(),
        detail: format!("reopened: {why}"),
    }));
    let mut cur = CurrentPayment::new(
        o.external_id.clone(),
        o.amount,
        None,
        None,
        PaymentState::Unknown,
        state.now_ms,
    );
    cur.evidence.conflict = Some(why.clone());
    state.payment = Some(cur);
    state.txn = Some(TxnInfo {
        kind: PaymentKind::Refund,
        link: Some(link),
        accepted: true,
    });
    state.last_outcome = Some(Outcome {
        state: PaymentState::Unknown,
        message: format!("reopened: {why}"),
        ..o
    });
    state.error(
        NoticeKind::General,
        format!("Refund reopened as unknown: {why}."),
    );
}

/// A VOID_PAYMENT_RESPONSE when no void is open: a re-delivered answer for the void that just
/// ended. The same answer is only noted. A success after the void was recorded as not done
/// reopens it as `unknown` (the sale may be voided after all); a failure after it was recorded
/// as done is noted with what to check.
pub(super) fn late_void(
    state: &mut State,
    success: bool,
    payment: Option<&Payment>,
    fx: &mut Vec<Effect>,
) {
    const CAUSE: &str = "VOID_PAYMENT_RESPONSE";
    let (Some(o), Some(txn)) = (state.last_outcome.clone(), state.last_txn.clone()) else {
        return;
    };
    let Some(link) = txn.link.filter(|_| txn.kind == PaymentKind::Void) else {
        return;
    };
    if payment.is_some_and(|p| p.id.as_deref() != Some(link.device_payment_id.as_str())) {
        return;
    }
    let recorded_done = o.state == PaymentState::Approved;
    if success == recorded_done {
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: o.external_id,
            cause: CAUSE.into(),
            detail: format!("re-delivered; recorded as {}", o.state),
        }));
        return;
    }
    if !success {
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: o.external_id,
            cause: CAUSE.into(),
            detail: format!(
                "a later answer says the void failed, after the device said it voided payment \
                 {}: {}",
                link.external_id,
                verdict::CHECK_DASHBOARD
            ),
        }));
        return;
    }
    let why = format!(
        "recorded {}, but a later {CAUSE} says payment {} was voided: {}",
        o.state,
        link.external_id,
        verdict::CHECK_DASHBOARD
    );
    fx.push(Effect::Persist(LedgerOp::Reopen {
        external_id: o.external_id.clone(),
        cause: CAUSE.into(),
        detail: format!("reopened: {why}"),
    }));
    let mut cur = CurrentPayment::new(
        o.external_id.clone(),
        o.amount,
        None,
        None,
        PaymentState::Unknown,
        state.now_ms,
    );
    cur.evidence.conflict = Some(why.clone());
    state.payment = Some(cur);
    state.txn = Some(TxnInfo {
        kind: PaymentKind::Void,
        link: Some(link),
        accepted: true,
    });
    state.last_outcome = Some(Outcome {
        state: PaymentState::Unknown,
        message: format!("reopened: {why}"),
        ..o
    });
    state.error(
        NoticeKind::General,
        format!("Void reopened as unknown: {why}."),
    );
}
