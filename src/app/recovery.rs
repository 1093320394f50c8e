//! The recovery procedure (PROTOCOL.md §6.5) for the payment whose outcome we do not know:
//! device status with `sendLastMessage` (a re-delivered challenge, signature or FINISH is handled
//! by the sale code), then RETRIEVE_PAYMENT by external id: FOUND → the payment's own result;
//! IN_PROGRESS → poll with backoff and say what the device waits for; NOT_FOUND → final
//! `not_found` only when the device is IDLE. Every step is recorded in the ledger.

use super::Effect;
use super::ledger_ops::PaymentFacts;
use super::recovery_state::{Recovery, RecoveryReason, RecoveryStep, RoundEnd, StepRecord};
use super::settle::resolve_with_payment;
use super::state::*;
use super::steps::{cancel_timer, note, require_ready, start_timer, transition};
use super::timers::TimerPurpose;
use crate::device::DeviceCommand;
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::{ExternalDeviceState, Payment, QueryStatus};

/// The external id RETRIEVE_PAYMENT asks about for the current transaction: the sale's for a
/// refund or void, its own for a sale or credit.
fn lookup_id(state: &State) -> Option<String> {
    let p = state.pending()?;
    Some(
        state
            .txn
            .as_ref()
            .and_then(|t| t.link.as_ref())
            .map_or_else(|| p.external_id.clone(), |l| l.external_id.clone()),
    )
}

/// Starts (or restarts) recovery of the pending payment.
pub(super) fn start(state: &mut State, reason: RecoveryReason, fx: &mut Vec<Effect>) {
    let Some(p) = state.pending() else { return };
    let ext = p.external_id.clone();
    let steps = state.recovery.take().map(|r| r.steps).unwrap_or_default();
    state.recovery = Some(Recovery {
        reason,
        step: RecoveryStep::Suspended,
        steps,
        rounds: 0,
        device_state: None,
        device_external_id: None,
    });
    note(
        state,
        "recovery",
        format!("recovery of {ext} started ({})", reason.as_str()),
        fx,
    );
    if state.is_ready() {
        ask_status(state, fx);
    }
}

fn record(state: &mut State, what: impl Into<String>, answer: impl Into<String>) {
    if let Some(r) = state.recovery.as_mut() {
        r.steps.push(StepRecord {
            what: what.into(),
            answer: answer.into(),
        });
    }
}

fn ask_status(state: &mut State, fx: &mut Vec<Effect>) {
    if !require_ready(state) {
        if let Some(r) = state.recovery.as_mut() {
            r.suspend();
        }
        return;
    }
    if let Some(r) = state.recovery.as_mut() {
        r.step = RecoveryStep::AwaitStatus;
        r.rounds += 1;
    }
    record(state, "device status (send last message)", "asked");
    fx.push(Effect::Send(DeviceCommand::DeviceStatus {
        send_last_message: true,
    }));
    let t = state.settings.response_timeout_ms;
    start_timer(state, TimerPurpose::RecoveryResponse, t, fx);
}

/// A device status answer arrived (recovery or a plain status query).
pub(super) fn on_status(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(status) = state.device_status.clone() else {
        return;
    };
    let awaiting = state
        .recovery
        .as_ref()
        .is_some_and(|r| r.step == RecoveryStep::AwaitStatus);
    if !awaiting {
        return;
    }
    cancel_timer(state, TimerPurpose::RecoveryResponse);
    let answer = format!(
        "{}{}{}",
        status.state,
        status
            .substate
            .as_ref()
            .map(|s| format!("/{s}"))
            .unwrap_or_default(),
        status
            .external_id
            .as_ref()
            .map(|e| format!(", working on {e}"))
            .unwrap_or_default()
    );
    if let Some(r) = state.recovery.as_mut() {
        r.device_state = Some(status.state.clone());
        r.device_external_id = status.external_id.clone();
        r.step = RecoveryStep::AwaitPayment;
    }
    if let Some(last) = state.recovery.as_mut().and_then(|r| r.steps.last_mut()) {
        last.answer = answer.clone();
    }
    note(state, "RETRIEVE_DEVICE_STATUS_RESPONSE", answer, fx);
    let Some(ext) = lookup_id(state) else {
        return;
    };
    record(state, format!("retrieve payment {ext}"), "asked");
    fx.push(Effect::Send(DeviceCommand::RetrievePayment(ext)));
    let t = state.settings.response_timeout_ms;
    start_timer(state, TimerPurpose::RecoveryResponse, t, fx);
}

/// A RETRIEVE_PAYMENT_RESPONSE arrived.
pub(super) fn on_retrieve(
    state: &mut State,
    query: QueryStatus,
    external_id: Option<String>,
    payment: Option<Payment>,
    fx: &mut Vec<Effect>,
) -> RoundEnd {
    let Some(lookup) = lookup_id(state) else {
        return RoundEnd::Waiting;
    };
    if external_id.as_deref().is_some_and(|e| e != lookup) {
        return RoundEnd::Waiting; // an answer about another payment
    }
    let awaiting = state
        .recovery
        .as_ref()
        .is_some_and(|r| r.step == RecoveryStep::AwaitPayment);
    if !awaiting {
        return RoundEnd::Waiting;
    }
    cancel_timer(state, TimerPurpose::RecoveryResponse);
    let device_idle = state
        .recovery
        .as_ref()
        .is_some_and(|r| r.device_state == Some(ExternalDeviceState::Idle));
    let authorised = state
        .pending()
        .is_some_and(|p| p.evidence.authorisation_seen() || p.evidence.void_proven.is_some());
    let answer = match (&query, &payment) {
        (QueryStatus::Found, Some(p)) => format!(
            "FOUND, result {}",
            p.result
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "absent".into())
        ),
        _ => query.to_string(),
    };
    if let Some(last) = state.recovery.as_mut().and_then(|r| r.steps.last_mut()) {
        last.answer = answer.clone();
    }
    note(state, "RETRIEVE_PAYMENT_RESPONSE", answer, fx);
    let kind = state.kind();
    let resolved = match (query, payment) {
        (QueryStatus::Found, Some(p)) if kind.is_adjustment() => {
            if super::adjust_recovery::on_payment_found(state, &p, fx) {
                true
            } else if device_idle {
                super::adjust_recovery::on_unchanged_idle(state, fx);
                true
            } else {
                false
            }
        }
        (QueryStatus::Found, Some(p)) if !kind.is_payment() => {
            if super::refund_recovery::on_sale_found(state, &p, fx) {
                true
            } else if device_idle && kind == PaymentKind::Refund {
                transition(
                    state,
                    PaymentState::NotFound,
                    "RETRIEVE_PAYMENT_RESPONSE",
                    "the idle device shows no new refund of the payment: nothing was given back",
                    PaymentFacts::default(),
                    fx,
                );
                true
            } else if device_idle && kind == PaymentKind::Void && state.settings.rest_lookup {
                ask_rest(state, fx);
                return RoundEnd::Waiting;
            } else if device_idle && kind == PaymentKind::Void {
                super::refund_recovery::on_void_undecided(state, fx);
                true
            } else {
                false
            }
        }
        (QueryStatus::NotFound | QueryStatus::Found, _)
            if device_idle
                && state.settings.rest_lookup
                && matches!(kind, PaymentKind::Refund | PaymentKind::Void) =>
        {
            ask_rest(state, fx);
            return RoundEnd::Waiting;
        }
        (QueryStatus::NotFound | QueryStatus::Found, _) if device_idle && !kind.is_payment() => {
            super::refund_recovery::on_not_found_idle(state, fx);
            true
        }
        (QueryStatus::Found, Some(p)) => {
            resolve_with_payment(state, &p, "RETRIEVE_PAYMENT_RESPONSE", false, fx)
        }
        (QueryStatus::NotFound, _) if device_idle && authorised => {
            // The device showed an authorisation for this payment and now has no record of it:
            // that is no proof that no money was taken.
            super::settle::conflict(
                state,
                "RETRIEVE_PAYMENT_RESPONSE",
                &format!(
                    "the device authorised this payment but now says it has no such payment: {}",
                    super::verdict::CHECK_DASHBOARD
                ),
                fx,
            );
            true
        }
        (QueryStatus::NotFound, _) if device_idle && state.settings.rest_lookup => {
            ask_rest(state, fx);
            return RoundEnd::Waiting;
        }
        (QueryStatus::NotFound, _) if device_idle => {
            transition(
                state,
                PaymentState::NotFound,
                "RETRIEVE_PAYMENT_RESPONSE",
                "the device has no such payment and is idle: no money taken",
                PaymentFacts::default(),
                fx,
            );
            true
        }
        (QueryStatus::InProgress, _) => {
            transition(
                state,
                PaymentState::InProgress,
                "RETRIEVE_PAYMENT_RESPONSE",
                "the device is still working on it",
                PaymentFacts::default(),
                fx,
            );
            false
        }
        _ => false,
    };
    if resolved {
        state.recovery = None;
        return RoundEnd::Resolved;
    }
    // Not final yet: say what the device waits for, and ask again later.
    let waiting = match state.device_status.as_ref() {
        Some(s) => format!(
            "The device is {}{}.",
            s.state,
            s.substate
                .as_ref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ),
        None => String::new(),
    };
    let prompt_open = state.prompt.is_some();
    state.progress(if prompt_open {
        format!("{waiting} It waits for your answer.")
    } else {
        format!("{waiting} Checking again shortly.")
    });
    // With a prompt open the operator's answer moves things on; no need to ask again.
    end_round(state, !prompt_open)
}

/// Asks Clover's REST payments endpoint (cloud mode) about the payment the current transaction
/// is about: its own external id for a sale, the sale's for a refund or void (answered with
/// `Event::RestPayments`).
fn ask_rest(state: &mut State, fx: &mut Vec<Effect>) {
    let ext = lookup_id(state).unwrap_or_default();
    if let Some(r) = state.recovery.as_mut() {
        r.step = RecoveryStep::AwaitRest;
    }
    record(state, format!("Clover REST payments for {ext}"), "asked");
    fx.push(Effect::RestLookup(ext));
}

/// Ends a recovery round that did not reach a final state: the procedure waits to be asked
/// again. Reports whether to poll (`poll`); the flow above decides (a waiting reset first).
fn end_round(state: &mut State, poll: bool) -> RoundEnd {
    if let Some(r) = state.recovery.as_mut() {
        r.step = RecoveryStep::Polling;
    }
    RoundEnd::Unsettled { poll }
}

/// Asks the device again after the backoff delay (a round ended `Unsettled { poll: true }` and
/// nothing else took over).
pub(super) fn poll_later(state: &mut State, fx: &mut Vec<Effect>) {
    let rounds = state.recovery.as_ref().map_or(1, |r| r.rounds);
    let delay = poll_delay(&state.settings, rounds);
    start_timer(state, TimerPurpose::RecoveryPoll, delay, fx);
}

/// Capped exponential backoff: initial, 2×, 4×… up to the cap.
pub(super) fn poll_delay(settings: &AppSettings, rounds: u32) -> u64 {
    let factor = 1u64 << rounds.saturating_sub(1).min(16);
    settings
        .poll_initial_ms
        .saturating_mul(factor)
        .min(settings.poll_max_ms)
}

pub(super) fn on_poll(state: &mut State, fx: &mut Vec<Effect>) {
    if state.pending().is_some() && state.recovery.is_some() {
        ask_status(state, fx);
    }
}

pub(super) fn on_response_timeout(state: &mut State, fx: &mut Vec<Effect>) -> RoundEnd {
    if state.recovery.is_none() || state.pending().is_none() {
        return RoundEnd::Waiting;
    }
    record(state, "answer", "none in time");
    if let Some(p) = state.pending()
        && p.state != PaymentState::Unknown
    {
        transition(
            state,
            PaymentState::Unknown,
            "timeout",
            "the device did not answer in time",
            PaymentFacts::default(),
            fx,
        );
    }
    end_round(state, true)
}

/// Clover's REST API answered (cloud mode, the idle device had no such payment).
pub(super) fn on_rest(
    state: &mut State,
    external_id: &str,
    result: Result<Vec<Payment>, String>,
    fx: &mut Vec<Effect>,
) -> RoundEnd {
    let awaiting = state
        .recovery
        .as_ref()
        .is_some_and(|r| r.step == RecoveryStep::AwaitRest);
    if !awaiting || lookup_id(state).as_deref() != Some(external_id) {
        return RoundEnd::Waiting;
    }
    let answer = match &result {
        Ok(list) => format!("{} payment(s)", list.len()),
        Err(e) => format!("failed: {e}"),
    };
    if let Some(last) = state.recovery.as_mut().and_then(|r| r.steps.last_mut()) {
        last.answer = answer.clone();
    }
    note(state, "REST payments", answer, fx);
    let kind = state.kind();
    let resolved = match result {
        // A capture, increment or tip adjust: the payment it acted on, as Clover has it now.
        Ok(list) if kind.is_adjustment() => list
            .iter()
            .find(|p| p.external_payment_id.as_deref() == Some(external_id))
            .is_some_and(|p| super::adjust_recovery::on_payment_found(state, p, fx)),
        Ok(list) if !kind.is_payment() => {
            super::refund_recovery::on_rest_payments(state, &list, fx)
        }
        Ok(list) => {
            let ours: Vec<&Payment> = list
                .iter()
                .filter(|p| {
                    p.external_payment_id
                        .as_deref()
                        .is_none_or(|e| e == external_id)
                })
                .collect();
            // An approved payment wins over voided ones (a voided retry must not hide a charge).
            let approved = |p: &&&Payment| {
                state.pending().is_some_and(|cur| {
                    matches!(
                        super::verdict::judge(cur, p),
                        super::verdict::Verdict::Final(PaymentState::Approved, _)
                    )
                })
            };
            let pick = ours
                .iter()
                .find(approved)
                .or_else(|| ours.first())
                .map(|p| (*p).clone());
            match pick {
                Some(p) => resolve_with_payment(state, &p, "REST payments", false, fx),
                None => {
                    transition(
                        state,
                        PaymentState::NotFound,
                        "REST payments",
                        "neither the idle device nor Clover has such a payment: no money taken",
                        PaymentFacts::default(),
                        fx,
                    );
                    true
                }
            }
        }
        Err(_) => false,
    };
    if resolved {
        state.recovery = None;
        return RoundEnd::Resolved;
    }
    state.info("Clover's payment records could not be checked; the payment stays open and will be checked again.");
    end_round(state, true)
}
