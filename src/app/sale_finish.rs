//! The end of the running sale on the device: FINISH_OK (the payment through the verdict rules,
//! or a late one for a sale that already ended), PAYMENT_VOIDED, FINISH_CANCEL, and the one
//! screen command after each.

use super::ledger_ops::{LedgerOp, PaymentFacts};
use super::recovery;
use super::recovery_state::RecoveryReason;
use super::settle::{cancel_left_to_lookup, resolve_with_payment};
use super::state::*;
use super::steps::{note, transition};
use super::{Effect, verdict};
use crate::device::DeviceCommand;
use crate::payment::PaymentState;
use crate::protocol::{Payment, RequestInfo};

/// The one screen command after a FINISH_* that ended our sale: thank-you after money was
/// taken, welcome otherwise.
fn finish_screen(state: &State, fx: &mut Vec<Effect>) {
    let approved = state
        .last_outcome
        .as_ref()
        .is_some_and(|o| o.state == PaymentState::Approved);
    fx.push(Effect::Send(if approved {
        DeviceCommand::ShowThankYou
    } else {
        DeviceCommand::ShowWelcome
    }));
}

pub(super) fn on_finish_ok(
    state: &mut State,
    payment: Option<crate::protocol::Payment>,
    request_info: Option<RequestInfo>,
    fx: &mut Vec<Effect>,
) {
    if !matches!(
        request_info,
        None | Some(RequestInfo::Sale | RequestInfo::Auth | RequestInfo::Preauth)
    ) {
        return;
    }
    let Some(payment) = payment else { return };
    if !state.kind().is_payment() {
        // A sale's FINISH_OK (re-sent or old) while a refund, void or credit runs: says
        // nothing about it.
        note(
            state,
            "FINISH_OK",
            "a sale's FINISH_OK while another kind of transaction runs; ignored",
            fx,
        );
        return;
    }
    if !request_info_fits(state, request_info.as_ref()) {
        note(
            state,
            "FINISH_OK",
            "a FINISH_OK of another kind of payment (its requestInfo); ignored",
            fx,
        );
        return;
    }
    let Some(cur) = state.pending() else {
        finish_after_end(state, &payment, fx);
        return;
    };
    let ext = payment.external_payment_id.clone();
    if ext.as_deref().is_some_and(|e| e != cur.external_id) {
        // Another sale's FINISH_OK (a re-delivered old one): not ours, no screen command.
        return;
    }
    if ext.is_none() && (cur.state == PaymentState::Sent || state.recovery.is_some()) {
        // Before the device accepted our sale, or re-sent during recovery: an old frame.
        note(
            state,
            "FINISH_OK",
            "a FINISH_OK without an external id before the device accepted this sale (stale); ignored",
            fx,
        );
        return;
    }
    // Without an id the device can still be asked by ours; other conflicts stand as they are.
    let recheck = ext.is_none();
    let settled = resolve_with_payment(state, &payment, "FINISH_OK", recheck, fx);
    if state.pending().is_none() {
        finish_screen(state, fx);
        return;
    }
    let conflicted = state
        .pending()
        .is_some_and(|p| p.evidence.conflict.is_some());
    if !conflicted {
        transition(
            state,
            PaymentState::Unknown,
            "FINISH_OK",
            "finished with a result that is not final yet",
            PaymentFacts::from_payment(&payment),
            fx,
        );
    }
    // The device says it finished: back to the welcome screen, then find out if it can help.
    fx.push(Effect::Send(DeviceCommand::ShowWelcome));
    if !settled {
        recovery::start(state, RecoveryReason::Timeout, fx);
    }
}

/// A FINISH_OK arriving when no sale is open: a re-delivered frame for the sale that just ended.
/// When it changes the money it reopens that sale as `unknown`; otherwise it is only recorded.
fn finish_after_end(state: &mut State, payment: &Payment, fx: &mut Vec<Effect>) {
    let Some(o) = state.last_outcome.clone() else {
        return;
    };
    if payment.external_payment_id.as_deref() != Some(o.external_id.as_str()) {
        return;
    }
    let mut cur = CurrentPayment::new(
        o.external_id.clone(),
        o.amount,
        o.tip,
        o.tax,
        PaymentState::InProgress,
        state.now_ms,
    );
    cur.evidence.device_payment_id = o.facts.device_payment_id.clone();
    let (new_state, charged) = match verdict::judge(&cur, payment) {
        verdict::Verdict::Final(to, facts) => (Some(to), facts.amount_charged),
        verdict::Verdict::Conflict(_) => (None, None),
        _ => return,
    };
    let same = new_state == Some(o.state)
        && (o.state != PaymentState::Approved || charged == o.facts.amount_charged);
    let said = format!(
        "a later FINISH_OK says {}",
        new_state.map_or("something conflicting".to_owned(), |s| s.to_string())
    );
    let owed = state.screen_owed.take() == Some(o.external_id.clone());
    if same {
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: o.external_id,
            cause: "FINISH_OK".into(),
            detail: format!("{said}, as recorded"),
        }));
        if owed {
            finish_screen(state, fx);
        }
        return;
    }
    let why = format!(
        "recorded {}, but {said}: {}",
        o.state,
        verdict::CHECK_DASHBOARD
    );
    fx.push(Effect::Persist(LedgerOp::Reopen {
        external_id: o.external_id.clone(),
        cause: "FINISH_OK".into(),
        detail: format!("reopened: {why}"),
    }));
    cur.state = PaymentState::Unknown;
    cur.evidence.conflict = Some(why.clone());
    state.payment = Some(cur);
    state.last_outcome = Some(super::state::Outcome {
        state: PaymentState::Unknown,
        message: format!("reopened: {why}"),
        ..o
    });
    state.error(
        NoticeKind::General,
        format!("Payment reopened as unknown: {why}."),
    );
    if owed {
        fx.push(Effect::Send(DeviceCommand::ShowWelcome));
    }
}

/// PAYMENT_VOIDED: proof of a void when it is about our payment (its `result` may still say
/// SUCCESS, as on real devices).
pub(super) fn on_payment_voided(
    state: &mut State,
    payment: Option<Payment>,
    reason: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let Some(payment) = payment else { return };
    let Some(cur) = state.pending() else { return };
    let ext = cur.external_id.clone();
    let ours = match payment.external_payment_id.as_deref() {
        Some(e) => e == cur.external_id,
        None => {
            cur.evidence.device_payment_id.is_some() && cur.evidence.device_payment_id == payment.id
        }
    };
    if !ours {
        note(
            state,
            "PAYMENT_VOIDED",
            "about another payment; ignored",
            fx,
        );
        return;
    }
    let why = format!(
        "voided on the device ({}): no money taken",
        reason.as_deref().unwrap_or("no reason given")
    );
    if let Some(p) = state.payment.as_mut() {
        p.evidence.void_proven = Some("the device sent PAYMENT_VOIDED".into());
    }
    let facts = PaymentFacts {
        result: Some("VOIDED".into()),
        amount_charged: None,
        ..PaymentFacts::from_payment(&payment)
    };
    let live = state.recovery.is_none();
    transition(
        state,
        PaymentState::Voided,
        "PAYMENT_VOIDED",
        why,
        facts,
        fx,
    );
    if live {
        // Its FINISH_CANCEL is still to come: that frame gets the one screen command.
        state.screen_owed = Some(ext);
    }
}

/// True when a FINISH_* `requestInfo` (when given) is the one of the open payment's kind (or,
/// with none open, of the last one's): SALE for a sale, AUTH for an auth, PREAUTH for a
/// pre-auth.
fn request_info_fits(state: &State, request_info: Option<&RequestInfo>) -> bool {
    use crate::payment::PaymentKind;
    let kind = if state.pending().is_some() {
        state.kind()
    } else {
        state
            .last_txn
            .as_ref()
            .map_or(PaymentKind::Sale, |t| t.kind)
    };
    let expected = match kind {
        PaymentKind::Auth => RequestInfo::Auth,
        PaymentKind::PreAuth => RequestInfo::Preauth,
        _ => RequestInfo::Sale,
    };
    request_info.is_none_or(|r| *r == expected)
}

pub(super) fn on_finish_cancel(
    state: &mut State,
    request_info: Option<RequestInfo>,
    fx: &mut Vec<Effect>,
) {
    if !request_info_fits(state, request_info.as_ref()) {
        return;
    }
    if cancel_left_to_lookup(state, fx) {
        return;
    }
    let Some(p) = state.pending() else {
        // Our sale already ended by PAYMENT_VOIDED: this FINISH_CANCEL gets its screen command.
        if state.screen_owed.take().is_some() {
            fx.push(Effect::Send(DeviceCommand::ShowWelcome));
        }
        return;
    };
    if p.state == PaymentState::Sent {
        // Before the device accepted our sale: an old frame (the device may be busy with
        // another payment); it says nothing about ours and gets no screen command.
        note(
            state,
            "FINISH_CANCEL",
            "a FINISH_CANCEL before the device accepted this sale (stale); ignored",
            fx,
        );
        return;
    }
    if p.state != PaymentState::InProgress {
        return;
    }
    let (to, detail, facts) = match (&p.authorised, p.decline_seen) {
        (Some(facts), _) => (
            PaymentState::Voided,
            "authorised, then voided on the device: no money taken",
            PaymentFacts {
                result: Some("VOIDED".into()),
                amount_charged: None,
                remaining: None,
                ..facts.clone()
            },
        ),
        (None, true) => (
            PaymentState::Declined,
            "the card was declined: no money taken",
            PaymentFacts::default(),
        ),
        (None, false) if state.card_timed_out => (
            PaymentState::Canceled,
            "card timeout: no card was presented in time; no money taken",
            PaymentFacts::default(),
        ),
        (None, false) => (
            PaymentState::Canceled,
            "canceled on the device: no money taken",
            PaymentFacts::default(),
        ),
    };
    transition(state, to, "FINISH_CANCEL", detail, facts, fx);
    fx.push(Effect::Send(DeviceCommand::ShowWelcome));
}
