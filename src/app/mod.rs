//! The POS state machine: `update(&mut State, Event) -> Vec<Effect>`.
//!
//! Pure: no I/O, no clock reads (the runtime stamps `State::now_ms`), no tokio. It owns the
//! sale lifecycle, the recovery procedure (PROTOCOL.md §6.5) and the guarded reset, and drives
//! both the TUI and the headless commands. Effects are executed by the runtime **in order**; a
//! failed `Persist` stops the batch so nothing is sent after it.

pub mod amounts;
mod answer;
pub mod auth;
mod events;
pub mod keymap;
mod ledger_ops;
mod linked_txn;
pub mod order_desk;
mod order_edits;
pub mod payment_lines;
mod print_job;
pub mod printing;
pub mod receipt_box;
mod recovery;
mod recovery_state;
pub mod refund;
pub mod refund_keys;
mod refund_late;
mod refund_recovery;
mod reset;
mod reset_state;
mod sale;
pub mod screens;
mod state;
#[cfg(feature = "fixtures")]
mod state_fixtures;
mod state_read;
pub mod tab_keys;
mod timers;
mod ui_entries;
mod ui_state;
pub mod verdict;

pub use crate::device::{DeviceCommand, DeviceInfo, DeviceInput};
pub use answer::{Answer, Refusal};
pub use events::{Action, Effect, Event};
pub use ledger_ops::{LedgerOp, PaymentFacts, PaymentHistory, PendingPayment, PersistError};
pub use linked_txn::{SaleLink, TxnInfo};
pub use recovery_state::{Recovery, RecoveryReason, RecoveryStep, StepRecord};
pub use reset_state::{ResetFlow, ResetPhase};
pub use state::*;
pub use timers::{TimerId, TimerPurpose};
pub use ui_state::{Key, Screen, Ui};

use crate::ledger::PaymentState;

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
        Event::Action(action) => on_action(state, action, &mut fx),
        Event::Key(key) => screens::on_key(state, key, &mut fx),
        Event::Device(input) => on_device(state, input, &mut fx),
        Event::Timer(id) => on_timer(state, id, &mut fx),
        Event::PersistFailed { op, error } => sale::on_persist_failed(state, &op, &error),
        Event::Pending(list) => sale::on_pending(state, list, &mut fx),
        Event::PendingTxn { payment, txn } => refund::on_pending(state, payment, txn, &mut fx),
        Event::Resize { width, height } => state.ui.size = (width, height),
        Event::FreshExternalId(id) => state.ui.next_external_id = id,
        Event::RestPayments {
            external_id,
            result,
        } => recovery::on_rest(state, &external_id, result, &mut fx),
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
    }
    match state.refusal.take() {
        Some((why, text)) if !key => fx.push(Effect::Answer(Answer::Refused { why, text })),
        None if request => fx.push(Effect::Answer(Answer::Accepted)),
        _ => {}
    }
    fx
}

pub(in crate::app) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::StartSale {
            amount,
            tip,
            tax,
            external_id,
        } => sale::start(state, amount, tip, tax, external_id, fx),
        Action::Refund {
            sale,
            amount,
            remainder,
            external_id,
        } => refund::start_refund(state, sale, amount, remainder, external_id, fx),
        Action::Void {
            sale,
            amount,
            external_id,
        } => refund::start_void(state, sale, amount, external_id, fx),
        Action::Credit {
            amount,
            external_id,
        } => refund::start_credit(state, amount, external_id, fx),
        Action::StartAuth {
            kind,
            amount,
            external_id,
        } => auth::start_payment(state, kind, amount, external_id, fx),
        Action::Adjust {
            tab,
            adjust,
            external_id,
        } => auth::start_adjust(state, tab, adjust, external_id, fx),
        Action::Closeout {
            allow_open_tabs,
            open_tabs,
            request_id,
        } => auth::start_closeout(state, allow_open_tabs, open_tabs, request_id, fx),
        Action::AnswerChallenge { accept } => sale::answer(state, true, accept, fx),
        Action::AnswerSignature { accept } => sale::answer(state, false, accept, fx),
        Action::CancelSale => sale::cancel(state, fx),
        Action::QueryStatus => {
            // Asked anew: the last answer is no longer what the device is doing.
            state.device_status = None;
            if require_ready(state) {
                fx.push(Effect::Send(DeviceCommand::DeviceStatus {
                    send_last_message: false,
                }));
            }
        }
        Action::Recover => {
            if state.pending().is_some() {
                recovery::start(state, RecoveryReason::OnDemand, fx);
            } else if require_ready(state) {
                state.info("No payment is pending; asking the device what it is doing.");
                fx.push(Effect::Send(DeviceCommand::DeviceStatus {
                    send_last_message: false,
                }));
            }
        }
        Action::Reset { confirm } => reset::request(state, confirm, fx),
        Action::ShowMessage(text) => {
            if text.trim().is_empty() {
                state.refuse(Refusal::InvalidInput, "message: the text must not be empty");
            } else if require_ready(state) {
                fx.push(Effect::Send(DeviceCommand::ShowMessage(text)));
            }
        }
        Action::Print { lines, job_id } => printing::start(state, lines, job_id, fx),
        Action::CheckPrintJob => printing::check(state, fx),
        Action::AddItem(text) => order_edits::edit(state, fx, |d| d.add(&text)),
        Action::AbandonOrder => fx.extend(state.desk.clear()),
        Action::Quit => {
            state.quit = true;
            fx.push(Effect::Quit);
        }
    }
}

/// True when ready; otherwise sets a notice saying why nothing was sent.
pub(in crate::app) fn require_ready(state: &mut State) -> bool {
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
    state.refuse(Refusal::NotConnected, format!("Nothing was sent: {why}."));
    false
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
                sale::adopt_by_identity(state, fx);
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
            sale::on_disconnected(state, &why, fx);
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
        } => sale::on_finish_ok(state, payment, request_info, fx),
        DeviceInput::PaymentVoided { payment, reason } => {
            if !refund::on_payment_voided(state, payment.as_ref(), fx) {
                sale::on_payment_voided(state, payment, reason, fx)
            }
        }
        DeviceInput::TipAdded(tip) => sale::on_tip_added(state, tip, fx),
        DeviceInput::Busy(text) => sale::on_busy(state, &text, fx),
        DeviceInput::FinishCancel { request_info } => {
            if state.kind().is_payment() {
                sale::on_finish_cancel(state, request_info, fx)
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
            crate::ledger::PaymentKind::Capture,
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
            crate::ledger::PaymentKind::Increment,
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
            crate::ledger::PaymentKind::TipAdjust,
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
        } => recovery::on_retrieve(state, query, external_id, payment, fx),
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
                sale::on_command_failed(state, command, &error, not_sent, fx)
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
        TimerPurpose::SaleResponse => sale::on_response_timeout(state, fx),
        TimerPurpose::RecoveryResponse => recovery::on_response_timeout(state, fx),
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

/// Starts a timer, replacing any running timer with the same purpose.
pub(in crate::app) fn start_timer(
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
pub(in crate::app) fn cancel_timer(state: &mut State, purpose: TimerPurpose) {
    state.timers.retain(|_, p| *p != purpose);
}

/// Records a ledger transition of the current payment and applies it to the state.
pub(in crate::app) fn transition(
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
        reset::on_payment_final(state);
        if to == PaymentState::Approved {
            order_edits::on_paid(state, fx);
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
pub(in crate::app) fn note(
    state: &State,
    cause: &str,
    detail: impl Into<String>,
    fx: &mut Vec<Effect>,
) {
    if let Some(p) = &state.payment {
        fx.push(Effect::Persist(LedgerOp::Note {
            external_id: p.external_id.clone(),
            cause: cause.to_owned(),
            detail: detail.into(),
        }));
    }
}

pub mod manual;
#[cfg(test)]
mod tests;
