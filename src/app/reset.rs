//! The guarded reset: recovery first; if a payment is still at risk, the operator must confirm
//! with its external id; then BREAK; afterwards the payment is checked again.

use super::recovery;
use super::recovery_state::RecoveryReason;
use super::reset_state::{ResetFlow, ResetPhase};
use super::state::*;
use super::steps::{note, require_ready};
use super::{DeviceCommand, Effect};
use crate::protocol::ExternalDeviceState;

/// The operator asked for a reset.
pub(super) fn request(state: &mut State, confirm: Option<String>, fx: &mut Vec<Effect>) {
    if !require_ready(state) {
        return;
    }
    if state.pending().is_none() {
        send_break(state, confirm, fx);
        return;
    }
    let already_checked = state
        .reset
        .as_ref()
        .is_some_and(|r| r.phase == ResetPhase::NeedsConfirmation);
    state.reset = Some(ResetFlow {
        phase: ResetPhase::Recovering,
        confirm,
    });
    if already_checked {
        decide(state, fx);
    } else {
        recovery::start(state, RecoveryReason::BeforeReset, fx);
    }
}

/// Called when a recovery round ends; returns true when the reset took over.
pub(super) fn after_recovery(state: &mut State, fx: &mut Vec<Effect>) -> bool {
    if state
        .reset
        .as_ref()
        .is_some_and(|r| r.phase == ResetPhase::Recovering)
    {
        decide(state, fx);
        return true;
    }
    false
}

fn decide(state: &mut State, fx: &mut Vec<Effect>) {
    let confirm = state.reset.as_ref().and_then(|r| r.confirm.clone());
    let Some(p) = state.pending().cloned() else {
        send_break(state, confirm, fx);
        return;
    };
    if confirm.as_deref() == Some(p.external_id.as_str()) {
        note(
            state,
            "reset",
            format!(
                "reset confirmed by the operator with payment {} ({}) at risk",
                p.external_id, p.amount
            ),
            fx,
        );
        send_break(state, confirm, fx);
        return;
    }
    if let Some(r) = state.recovery.as_mut() {
        r.suspend();
    }
    state.reset = Some(ResetFlow {
        phase: ResetPhase::NeedsConfirmation,
        confirm: None,
    });
    let how = format!(
        "To reset anyway, confirm with its external id {} (R on the status screen, then type it; \
         or till reset --yes-void-pending {}).",
        p.external_id, p.external_id
    );
    let text = match confirm.as_deref() {
        Some(typed) => format!(
            "Not reset: the id given ({}) does not match the payment at risk, {} of {}, still {} on \
             the device; a reset may void it. {how}",
            shown_id(typed),
            p.external_id,
            p.amount,
            p.state
        ),
        None => format!(
            "Payment {} of {} is still {} on the device; a reset may void it. {how}",
            p.external_id, p.amount, p.state
        ),
    };
    state.refuse(super::Refusal::ResetNeedsConfirmation, text);
}

/// An operator-typed id as it can be shown: printable ASCII only, at most 40 characters.
fn shown_id(typed: &str) -> String {
    let clean: String = typed
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .take(40)
        .collect();
    if clean.is_empty() {
        "nothing".to_owned()
    } else {
        format!("\"{clean}\"")
    }
}

fn send_break(state: &mut State, confirm: Option<String>, fx: &mut Vec<Effect>) {
    state.reset = Some(ResetFlow {
        phase: ResetPhase::Sent,
        confirm,
    });
    state.prompt = None;
    fx.push(Effect::Send(DeviceCommand::Reset));
}

/// The connection dropped. A BREAK in flight may or may not have reached the device, and its
/// answer will not come: the reset ends unconfirmed, and a pending payment is checked again
/// when the device is back (recovery runs on every ready).
pub(super) fn on_disconnected(state: &mut State, fx: &mut Vec<Effect>) {
    if state
        .reset
        .as_ref()
        .is_none_or(|r| r.phase != ResetPhase::Sent)
    {
        return;
    }
    state.reset = None;
    note(
        state,
        "reset",
        "the connection dropped before the device answered the reset: not confirmed; the payment \
         is checked again on reconnect",
        fx,
    );
    state.refuse(
        super::Refusal::ResetUnconfirmed,
        "The device did not confirm the reset: the connection dropped after it was sent. A pending \
         payment is checked again on reconnect; if the device is not idle, reset it again.",
    );
}

/// RESET_DEVICE_RESPONSE arrived: check the payment again.
pub(super) fn on_done(state: &mut State, dev: Option<ExternalDeviceState>, fx: &mut Vec<Effect>) {
    if state
        .reset
        .as_ref()
        .is_none_or(|r| r.phase != ResetPhase::Sent)
    {
        return;
    }
    state.reset = None;
    state.info(format!(
        "The device was reset{}.",
        dev.map(|d| format!(" and is {d}")).unwrap_or_default()
    ));
    if state.pending().is_some() {
        note(
            state,
            "RESET_DEVICE_RESPONSE",
            "device reset; checking the payment again",
            fx,
        );
        recovery::start(state, RecoveryReason::AfterReset, fx);
    }
}
