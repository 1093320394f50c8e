//! Late and re-delivered answers for the refund or void that just ended (a `late_frames` device,
//! a re-sent frame after a reconnect): the same answer is only noted; an answer that says the
//! device did what was recorded as not done (or another refund) reopens it as `unknown`, named.
//! Nothing is ever sent again.

use super::ledger_ops::LedgerOp;
use super::refund_judge::judge_refund;
use super::settle::Judgement;
use super::state::State;
use super::txn_lifecycle::{Reopened, just_ended, noted_again, reopen};
use super::{Effect, verdict};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::{Cents, Payment, Refund};

/// A refund object when no refund is open: a re-delivered frame for the refund that just
/// ended. The same refund is only noted; another outcome reopens it as `unknown`.
pub(super) fn late_refund(
    state: &mut State,
    refund: Option<&Refund>,
    cause: &str,
    fx: &mut Vec<Effect>,
) {
    let Some((o, link)) = just_ended(state, PaymentKind::Refund) else {
        return;
    };
    let Some(refund) = refund else {
        // A refusal (or an answer without a refund) again: it changes nothing.
        noted_again(&o, cause, fx);
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
        noted_again(&o, cause, fx);
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
    let reopened = Reopened {
        ended: o,
        kind: PaymentKind::Refund,
        link,
        tip: None,
        cause,
        why,
        title: "Refund",
    };
    reopen(state, reopened, fx);
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
    let Some((o, link)) = just_ended(state, PaymentKind::Void) else {
        return;
    };
    if payment.is_some_and(|p| p.id.as_deref() != Some(link.device_payment_id.as_str())) {
        return;
    }
    let recorded_done = o.state == PaymentState::Approved;
    if success == recorded_done {
        noted_again(&o, CAUSE, fx);
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
    let reopened = Reopened {
        ended: o,
        kind: PaymentKind::Void,
        link,
        tip: None,
        cause: CAUSE,
        why,
        title: "Void",
    };
    reopen(state, reopened, fx);
}
