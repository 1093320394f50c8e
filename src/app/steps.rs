//! The steps every flow takes on the current transaction: record a ledger transition or a note,
//! start and cancel timers, refuse when the device is not ready. Below every flow.

use super::events::Effect;
use super::ledger_ops::{LedgerOp, PaymentFacts};
use super::reset_state::ResetPhase;
use super::state::{Connection, NoticeKind, Outcome, State};
use super::timers::TimerPurpose;
use super::ui_state::Screen;
use crate::payment::PaymentState;

/// True when ready; otherwise sets a notice saying why nothing was sent.
pub(crate) fn require_ready(state: &mut State) -> bool {
    if state.is_ready() {
        return true;
    }
    let why = match &state.connection {
        Connection::Pairing { code } => {
            format!("the device is waiting for pairing code {code} to be entered on it")
        }
        Connection::NotReady(why) => format!("the device is connected but not ready ({why})"),
        Connection::Disconnected(why) => format!("the device is not connected ({why})"),
        _ => "the device is not connected yet".to_owned(),
    };
    state.refuse(
        super::Refusal::NotConnected,
        format!("Nothing was sent: {why}."),
    );
    false
}

/// Starts a timer, replacing any running timer with the same purpose.
pub(crate) fn start_timer(
    state: &mut State,
    purpose: TimerPurpose,
    after_ms: u64,
    fx: &mut Vec<Effect>,
) {
    cancel_timer(state, purpose);
    let id = state.next_timer;
    state.next_timer += 1;
    state.timers.insert(id, purpose);
    fx.push(Effect::StartTimer { id, after_ms });
}

/// Forgets the running timer with this purpose (when it fires it is stale and ignored).
pub(crate) fn cancel_timer(state: &mut State, purpose: TimerPurpose) {
    state.timers.retain(|_, p| *p != purpose);
}

/// Records a ledger transition of the current payment and applies it to the state.
pub(crate) fn transition(
    state: &mut State,
    to: PaymentState,
    cause: &str,
    detail: impl Into<String>,
    facts: PaymentFacts,
    fx: &mut Vec<Effect>,
) {
    let Some(p) = state.payment.as_mut() else {
        return;
    };
    if p.state == to && !to.is_final() {
        return;
    }
    p.state = to;
    let detail = detail.into();
    fx.push(Effect::Persist(LedgerOp::Transition {
        external_id: p.external_id.clone(),
        to,
        cause: cause.to_owned(),
        detail: detail.clone(),
        facts: facts.clone(),
    }));
    if to.is_final() {
        let p = state.payment.take().expect("checked above");
        state.last_txn = state.txn.take();
        state.prompt = None;
        state.answering = None;
        state.recovery = None;
        forget_unconfirmed_reset(state);
        if to == PaymentState::Approved {
            super::order_edits::on_paid(state, fx);
        }
        cancel_timer(state, TimerPurpose::SaleResponse);
        cancel_timer(state, TimerPurpose::RecoveryResponse);
        cancel_timer(state, TimerPurpose::RecoveryPoll);
        cancel_timer(state, TimerPurpose::Clock);
        let outcome = Outcome {
            external_id: p.external_id,
            state: to,
            amount: p.amount,
            tip: p.tip,
            tax: p.tax,
            facts,
            message: detail,
        };
        // What recovery was polling for has ended: its "checking again" notice with it.
        state.expire(NoticeKind::Progress);
        if state.from_restart.as_deref() == Some(outcome.external_id.as_str()) {
            state.from_restart = None;
            state.recovered.push(outcome.clone());
            let excess = state.recovered.len().saturating_sub(RECOVERED_SHOWN);
            state.recovered.drain(..excess);
        }
        state.last_outcome = Some(outcome);
        if matches!(state.ui.screen, Screen::InProgress | Screen::Prompt) {
            state.ui.screen = Screen::Result;
        }
        fx.push(Effect::LoadHistory);
    }
}

/// Recovered outcomes kept on screen at most.
const RECOVERED_SHOWN: usize = 5;

/// Records an event on the current payment without a state change.
pub(crate) fn note(state: &State, cause: &str, detail: impl Into<String>, fx: &mut Vec<Effect>) {
    if let Some(p) = &state.payment {
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: p.external_id.clone(),
            cause: cause.to_owned(),
            detail: detail.into(),
        }));
    }
}

/// The payment at risk ended: a reset waiting for the operator's confirmation needs none now
/// (a new request checks again).
fn forget_unconfirmed_reset(state: &mut State) {
    if state
        .reset
        .as_ref()
        .is_some_and(|r| r.phase == ResetPhase::NeedsConfirmation)
    {
        state.reset = None;
    }
}
