//! The running sale interrupted: the connection drops, a command cannot be sent, no answer comes
//! in time, a ledger write fails — and sales found open at start-up (till restarted while one
//! was open). Each leaves the sale `unknown` for recovery, never failed.

use super::Effect;
use super::ledger_ops::{LedgerOp, PaymentFacts, PendingPayment, PersistError};
use super::recovery;
use super::recovery_state::RecoveryReason;
use super::state::*;
use super::steps::{cancel_timer, transition};
use super::timers::TimerPurpose;
use crate::payment::PaymentState;

pub(super) fn on_disconnected(state: &mut State, why: &str, fx: &mut Vec<Effect>) {
    state.prompt = None;
    state.ui.after_prompt();
    cancel_timer(state, TimerPurpose::SaleResponse);
    cancel_timer(state, TimerPurpose::RecoveryResponse);
    if let Some(r) = state.recovery.as_mut() {
        r.suspend();
    }
    if let Some(p) = state.pending()
        && matches!(
            p.state,
            PaymentState::Sent | PaymentState::InProgress | PaymentState::Created
        )
    {
        transition(
            state,
            PaymentState::Unknown,
            "disconnected",
            format!("connection lost ({why}); will recover on reconnect"),
            PaymentFacts::default(),
            fx,
        );
    }
}

pub(super) fn on_command_failed(
    state: &mut State,
    command: crate::device::CommandKind,
    error: &str,
    not_sent: bool,
    fx: &mut Vec<Effect>,
) {
    let sale_unsent = command.starts_transaction()
        && state
            .pending()
            .is_some_and(|p| matches!(p.state, PaymentState::Created | PaymentState::Sent));
    if sale_unsent && not_sent {
        transition(
            state,
            PaymentState::NotFound,
            "not sent",
            format!("the sale never reached the device: {error}"),
            PaymentFacts::default(),
            fx,
        );
        state.refuse(
            super::Refusal::NotSent,
            format!("Nothing was charged: the sale could not be sent ({error})."),
        );
        return;
    }
    if sale_unsent {
        transition(
            state,
            PaymentState::Unknown,
            "send failed",
            format!("sending the sale failed: {error}"),
            PaymentFacts::default(),
            fx,
        );
    }
    if let Some(r) = state.recovery.as_mut() {
        r.suspend();
    }
    let answer = command.answers_a_prompt();
    if answer && let Some((prompt, void_before)) = state.answering.take() {
        // The answer did not go out: the question comes back, and a rejection proves nothing.
        if let Some(p) = state.payment.as_mut().filter(|p| !p.state.is_final()) {
            p.evidence.void_proven = void_before;
            state.prompt = Some(prompt);
            state.ui.show_prompt();
        }
        state.error(
            NoticeKind::General,
            format!("Could not send {command}: {error}. The question is open again: answer it once the device is back."),
        );
        return;
    }
    let text = format!("Could not send {command}: {error}.");
    if command == crate::device::CommandKind::ShowMessage {
        // A message is sent as its request is handled: the request was not carried out.
        state.refuse(super::Refusal::NotSent, text);
    } else {
        state.error(NoticeKind::General, text);
    }
}

pub(super) fn on_response_timeout(state: &mut State, fx: &mut Vec<Effect>) {
    if state
        .pending()
        .is_some_and(|p| p.state == PaymentState::Sent)
    {
        transition(
            state,
            PaymentState::Unknown,
            "timeout",
            "no answer to the sale in time; checking the device",
            PaymentFacts::default(),
            fx,
        );
        recovery::start(state, RecoveryReason::Timeout, fx);
    }
}

pub(super) fn on_persist_failed(state: &mut State, op: &LedgerOp, error: &PersistError) {
    // The batch stopped at the failed write: nothing after it ran.
    if let LedgerOp::Create { external_id, .. } | LedgerOp::CreateLinked { external_id, .. } = op {
        let kind = state.kind();
        if state
            .payment
            .as_ref()
            .is_some_and(|p| &p.external_id == external_id)
        {
            state.payment = None;
            state.txn = None;
            state.recovery = None;
            cancel_timer(state, TimerPurpose::RecoveryResponse);
            cancel_timer(state, TimerPurpose::SaleResponse);
            cancel_timer(state, TimerPurpose::Clock);
            state.ui.screen = super::screens::Screen::Sale;
        }
        // The ledger's own one-open-payment-per-device rule: another payment is pending.
        if let PersistError::PendingPayment(error) = error {
            state.refuse(
                super::Refusal::PendingPayment,
                format!("Refused, nothing was sent: {error}."),
            );
            return;
        }
        let what = if kind == crate::payment::PaymentKind::Sale {
            "sale".to_owned()
        } else {
            kind.to_string()
        };
        state.refuse(
            super::Refusal::PersistFailed,
            format!("The {what} was not recorded ({error}), so nothing was sent. Check the disk and the data directory."),
        );
        return;
    }
    if let LedgerOp::Transition {
        external_id, to, ..
    } = op
        && to.is_final()
        && let Some(o) = state
            .last_outcome
            .as_mut()
            .filter(|o| &o.external_id == external_id)
    {
        // The device's outcome is not in the ledger: never report it as done. The ledger still
        // holds the payment open, so `till recover` finds it again.
        let text = format!(
            "{} on the device — NOT recorded: run `till recover` ({error})",
            to.as_str().replace('_', " ")
        );
        let mut cur = CurrentPayment::new(
            o.external_id.clone(),
            o.amount,
            o.tip,
            o.tax,
            PaymentState::Unknown,
            state.now_ms,
        );
        cur.evidence.conflict = Some(text.clone());
        o.state = PaymentState::Unknown;
        o.message = text.clone();
        state.payment = Some(cur);
        state.unrecorded = Some(external_id.clone());
        state.error(NoticeKind::NotRecorded, text);
        return;
    }
    state.error(
        NoticeKind::PersistFailed,
        format!("The ledger could not be written ({error}). Check the disk and the data directory, then run recovery (s)."),
    );
}

pub(super) fn on_pending(state: &mut State, list: Vec<PendingPayment>, fx: &mut Vec<Effect>) {
    let identity = state.device.as_ref().and_then(|d| d.identity());
    let (mine, others): (Vec<_>, Vec<_>) = list
        .into_iter()
        .partition(|p| p.this_endpoint || identity.as_ref() == Some(&p.device));
    state.open_elsewhere = others;
    if let Some(p) = mine.into_iter().next() {
        adopt(state, p, fx);
    }
}

/// On discovery: an open payment of this device, keyed by its identity, becomes the current one.
pub(super) fn adopt_by_identity(state: &mut State, fx: &mut Vec<Effect>) {
    if state.pending().is_some() {
        return;
    }
    let Some(identity) = state.device.as_ref().and_then(|d| d.identity()) else {
        return;
    };
    let Some(i) = state
        .open_elsewhere
        .iter()
        .position(|p| p.device == identity)
    else {
        return;
    };
    let p = state.open_elsewhere.remove(i);
    adopt(state, p, fx);
}

fn adopt(state: &mut State, p: PendingPayment, fx: &mut Vec<Effect>) {
    // Found open at start-up: its outcome is shown as "from before the restart" when known.
    state.from_restart = Some(p.external_id.clone());
    state.payment = Some(CurrentPayment::new(
        p.external_id,
        p.amount,
        p.tip,
        p.tax,
        p.state,
        state.now_ms,
    ));
    if p.state != PaymentState::Unknown {
        transition(
            state,
            PaymentState::Unknown,
            "restart",
            "till restarted while the payment was open; will recover",
            PaymentFacts::default(),
            fx,
        );
    }
    if state.is_ready() {
        recovery::start(state, RecoveryReason::Ready, fx);
    }
}
