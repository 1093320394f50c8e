//! The POS state machine: `update(&mut State, Event) -> Vec<Effect>`.
//!
//! Pure: no I/O, no clock reads (the runtime stamps `State::now_ms`), no tokio. It owns the
//! sale lifecycle, the recovery procedure (PROTOCOL.md §6.5) and the guarded reset, and drives
//! both the TUI and the headless commands. Effects are executed by the runtime **in order**; a
//! failed `Persist` stops the batch so nothing is sent after it.
//!
//! This file is the dispatcher: it routes each event to the file that handles it and decides
//! what runs after a recovery round (`RoundEnd`). Below it, no file
//! imports one above it (`tests/import_circles.rs`): key handling (`screens`, `keymap`, the
//! `*_keys` boxes) → `actions` → the flows (`sale*`, `auth`, `refund*`, `printing`; what auth and
//! refund share in `txn_lifecycle`) → `reset` → `recovery` (and its kind-specific
//! `*_recovery`) → the shared steps (`settle`, `guards`, `steps`) → the data (`events`, `state`,
//! `ui_state`, `ui_entries`, …).

mod actions;
mod adjust_judge;
mod adjust_recovery;
mod answer;
pub mod auth;
mod events;
mod guards;
pub mod keymap;
mod ledger_ops;
mod linked_txn;
pub mod manual;
pub mod order_desk;
mod order_edits;
pub mod payment_lines;
mod print_job;
pub mod printing;
pub mod receipt_box;
mod recovery;
mod recovery_state;
pub mod refund;
mod refund_judge;
pub mod refund_keys;
mod refund_late;
mod refund_recovery;
mod reset;
mod reset_state;
mod sale;
mod sale_finish;
mod sale_interrupts;
pub mod screens;
mod settle;
mod state;
#[cfg(feature = "fixtures")]
mod state_fixtures;
mod state_read;
mod steps;
pub mod tab_keys;
mod timers;
mod txn_lifecycle;
mod ui_entries;
mod ui_state;
pub mod verdict;

pub use crate::device::{DeviceCommand, DeviceInfo, DeviceInput};
pub use answer::{Answer, Refusal};
pub use events::{Action, Effect, Event, LedgerRead};
pub use ledger_ops::{LedgerOp, PaymentFacts, PaymentHistory, PendingPayment, PersistError};
pub use linked_txn::{SaleLink, TxnInfo};
pub use recovery_state::{Recovery, RecoveryReason, RecoveryStep, StepRecord};
pub use reset_state::{ResetFlow, ResetPhase};
pub use state::*;
pub use timers::{TimerId, TimerPurpose};
pub use ui_state::{Key, Modal, Screen, Ui};

use recovery_state::RoundEnd;
use steps::start_timer;

/// Stamps the time (ms since the Unix epoch, read by the runtime: the app reads no clock), then
/// applies one event like [`update`].
pub fn update_at(state: &mut State, now_ms: i64, event: Event) -> Vec<Effect> {
    state.now_ms = now_ms;
    update(state, event)
}

/// Applies one event and returns the effects to run, in order.
pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    let mut fx = Vec::new();
    // Requests are answered; a key press is the TUI's, which shows the notice instead.
    let request = matches!(event, Event::Action(_));
    let key = matches!(event, Event::Key(_));
    state.refusal = None;
    match event {
        Event::Action(action) => actions::on_action(state, action, &mut fx),
        Event::Key(key) => screens::on_key(state, key, &mut fx),
        Event::Device(input) => on_device(state, input, &mut fx),
        Event::Timer(id) => on_timer(state, id, &mut fx),
        Event::PersistFailed { op, error } => {
            sale_interrupts::on_persist_failed(state, &op, &error)
        }
        Event::Pending(list) => sale_interrupts::on_pending(state, list, &mut fx),
        Event::PendingTxn { payment, txn } => refund::on_pending(state, payment, txn, &mut fx),
        Event::Resize { width, height } => state.ui.size = (width, height),
        Event::FreshExternalId(id) => state.ui.next_external_id = id,
        Event::RestPayments {
            external_id,
            result,
        } => {
            let end = recovery::on_rest(state, &external_id, result, &mut fx);
            after_recovery_round(state, end, &mut fx);
        }
        Event::History {
            rows,
            offset,
            total,
        } => {
            state.ui.history = rows;
            state.ui.history_offset = offset;
            state.ui.history_total = total;
            state.ui.history_selected = state.ui.history_selected.min(total.saturating_sub(1));
        }
        Event::RefundOffer(offer) => refund_keys::on_offer(state, offer),
        Event::Tabs(tabs) => tab_keys::on_tabs(state, tabs),
        Event::PaymentEvents(h) => {
            state.ui.history_detail =
                Some(payment_lines::payment_lines(&h.events, h.order.as_ref()))
        }
        Event::Report(report) => state.ui.report = Some(report),
        Event::Receipt(receipt) => receipt_box::on_loaded(state, receipt),
        Event::LedgerReadFailed { read, error } => state.error(
            NoticeKind::General,
            format!("The ledger could not be read ({}): {error}", read.label()),
        ),
    }
    // A record was created under the fresh external id the runtime handed in: ask for the next
    // one (the app makes no ids).
    let fresh = &state.ui.next_external_id;
    if !fresh.is_empty()
        && fx.iter().any(|e| match e {
            Effect::Persist(op) => op.creates().is_some_and(|id| id == fresh),
            _ => false,
        })
    {
        state.ui.next_external_id.clear();
        fx.push(Effect::FreshExternalId);
    }
    match state.refusal.take() {
        Some((why, text)) if !key => fx.push(Effect::Answer(Answer::Refused { why, text })),
        None if request => fx.push(Effect::Answer(Answer::Accepted)),
        _ => {}
    }
    fx
}

fn on_device(state: &mut State, input: DeviceInput, fx: &mut Vec<Effect>) {
    match input {
        DeviceInput::Connecting { attempt } => {
            state.connection = Connection::Connecting { attempt }
        }
        DeviceInput::PairingCode(code) => state.connection = Connection::Pairing { code },
        DeviceInput::Paired => state.progress("Paired with the device; the new token is saved."),
        DeviceInput::NotReady(why) => state.connection = Connection::NotReady(why),
        DeviceInput::Ready(info) => {
            state.connection = Connection::Ready;
            state.device = Some(info);
            if state.pending().is_some() {
                recovery::start(state, RecoveryReason::Ready, fx);
            } else {
                // An open payment of this device under its identity: recovered now.
                sale_interrupts::adopt_by_identity(state, fx);
                refund::adopt_by_identity(state, fx);
            }
        }
        DeviceInput::Disconnected(gone) => {
            let why = gone.to_string();
            state.connection = Connection::Disconnected(why.clone());
            // What the device showed is no longer true once it is gone.
            state.device_text = None;
            state.device_wants_signature = false;
            state.expire(NoticeKind::Progress);
            reset::on_disconnected(state, fx);
            sale_interrupts::on_disconnected(state, &why, fx);
            auth::on_closeout_lost(state, &format!("connection lost: {why}"), fx);
        }
        DeviceInput::Error(text) => {
            printing::on_error(state, &text);
            state.error(NoticeKind::General, text)
        }
        DeviceInput::PrintJobStatus { job_id, status } => {
            printing::on_status(state, job_id, status)
        }
        DeviceInput::DeviceError { code, message } => {
            let text = format!("{message} ({code})");
            printing::on_error(state, &text);
            state.error(NoticeKind::General, text)
        }
        // Informational: the socket opening, ACKs, PARTIAL_AUTH (the FINISH_OK's payment says
        // what was taken).
        DeviceInput::Connected | DeviceInput::Ack { .. } | DeviceInput::PartialAuth(_) => {}
        DeviceInput::UiState {
            text,
            declined,
            signing,
            timed_out,
            ..
        } => {
            if declined && let Some(p) = state.payment.as_mut() {
                p.decline_seen = true;
            }
            if timed_out && state.payment.is_some() {
                state.card_timed_out = true;
            }
            state.device_wants_signature = signing;
            state.device_text = Some(text);
        }
        DeviceInput::TxState(_) => {}
        DeviceInput::TxStartResponse {
            result,
            external_id,
            message,
        } => sale::on_tx_start_response(state, result, external_id, message, fx),
        DeviceInput::ConfirmPayment {
            payment,
            challenges,
        } => sale::on_prompt(
            state,
            Prompt::Challenge {
                payment,
                challenges,
            },
            fx,
        ),
        DeviceInput::VerifySignature { payment, signature } => {
            sale::on_prompt(state, Prompt::Signature { payment, signature }, fx)
        }
        DeviceInput::FinishOk {
            payment,
            request_info,
        } => sale_finish::on_finish_ok(state, payment, request_info, fx),
        DeviceInput::PaymentVoided { payment, reason } => {
            if !refund::on_payment_voided(state, payment.as_ref(), fx) {
                sale_finish::on_payment_voided(state, payment, reason, fx)
            }
        }
        DeviceInput::TipAdded(tip) => sale::on_tip_added(state, tip, fx),
        DeviceInput::Busy(text) => sale::on_busy(state, &text, fx),
        DeviceInput::FinishCancel { request_info } => {
            if state.kind().is_payment() {
                sale_finish::on_finish_cancel(state, request_info, fx)
            } else {
                refund::on_finish_cancel(state, request_info, fx)
            }
        }
        DeviceInput::RefundResponse {
            success,
            payment_id,
            refund,
            message,
        } => refund::on_refund_response(state, success, payment_id, refund, message, fx),
        DeviceInput::RefundFinished(r) => refund::on_refund_finished(state, r, fx),
        DeviceInput::CreditFinished(c) => refund::on_credit_finished(state, c, fx),
        DeviceInput::VoidResponse {
            success,
            payment,
            message,
        } => refund::on_void_response(state, success, payment, message, fx),
        DeviceInput::CaptureResponse {
            success,
            payment_id,
            amount,
            tip,
            message,
        } => auth::on_response(
            state,
            crate::payment::PaymentKind::Capture,
            "CAPTURE_PREAUTH_RESPONSE",
            success,
            payment_id,
            amount,
            tip,
            message,
            fx,
        ),
        DeviceInput::IncrementResponse {
            success,
            payment_id,
            amount,
            message,
        } => auth::on_response(
            state,
            crate::payment::PaymentKind::Increment,
            "INCREMENT_PREAUTH_RESPONSE",
            success,
            payment_id,
            amount,
            None,
            message,
            fx,
        ),
        DeviceInput::TipAdjustResponse {
            success,
            payment_id,
            tip,
            message,
        } => auth::on_response(
            state,
            crate::payment::PaymentKind::TipAdjust,
            "TIP_ADJUST_RESPONSE",
            success,
            payment_id,
            None,
            tip,
            message,
            fx,
        ),
        DeviceInput::CloseoutResponse {
            success,
            batch,
            message,
        } => auth::on_closeout_response(state, success, batch, message, fx),
        DeviceInput::RetrievePayment {
            query,
            external_id,
            payment,
        } => {
            let end = recovery::on_retrieve(state, query, external_id, payment, fx);
            after_recovery_round(state, end, fx);
        }
        DeviceInput::DeviceStatus {
            state: dev,
            substate,
            external_id,
        } => {
            state.device_status = Some(DeviceStatusView {
                state: dev,
                substate,
                external_id,
            });
            recovery::on_status(state, fx);
        }
        DeviceInput::ResetDone { state: dev } => reset::on_done(state, dev, fx),
        DeviceInput::CommandFailed {
            command,
            error,
            not_sent,
        } => {
            if !printing::on_command_failed(state, command, &error) {
                sale_interrupts::on_command_failed(state, command, &error, not_sent, fx)
            }
        }
        DeviceInput::Frame {
            direction, summary, ..
        } => {
            state.frames.push((direction, summary));
            if state.frames.len() > FRAME_HISTORY {
                let excess = state.frames.len() - FRAME_HISTORY;
                state.frames.drain(..excess);
            }
        }
    }
}

fn on_timer(state: &mut State, id: TimerId, fx: &mut Vec<Effect>) {
    let Some(purpose) = state.timers.remove(&id) else {
        return; // stale timer
    };
    match purpose {
        TimerPurpose::SaleResponse => sale_interrupts::on_response_timeout(state, fx),
        TimerPurpose::RecoveryResponse => {
            let end = recovery::on_response_timeout(state, fx);
            after_recovery_round(state, end, fx);
        }
        TimerPurpose::RecoveryPoll => recovery::on_poll(state, fx),
        TimerPurpose::PrintPoll => printing::on_poll(state, fx),
        TimerPurpose::CloseoutResponse => {
            auth::on_closeout_lost(state, "no CLOSEOUT_RESPONSE in time", fx)
        }
        TimerPurpose::Clock => {
            if state.pending().is_some() {
                start_timer(state, TimerPurpose::Clock, 1_000, fx);
            }
        }
    }
}

/// What runs after a recovery answer: a reset waiting on recovery decides first; otherwise an
/// unsettled round asks the device again after the backoff delay.
fn after_recovery_round(state: &mut State, end: RoundEnd, fx: &mut Vec<Effect>) {
    match end {
        RoundEnd::Waiting => {}
        RoundEnd::Resolved => {
            reset::after_recovery(state, fx);
        }
        RoundEnd::Unsettled { poll } => {
            if !reset::after_recovery(state, fx) && poll {
                recovery::poll_later(state, fx);
            }
        }
    }
}

#[cfg(test)]
mod tests;
