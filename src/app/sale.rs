//! The running sale: its start, the device accepting it (TX_START_RESPONSE), the prompts the
//! operator answers, cancel, the tip chosen on the device and a busy device. How it ends is
//! `app::sale_finish`; what interrupts it, `app::sale_interrupts`.

use super::guards::validated_request;
use super::ledger_ops::{LedgerOp, PaymentFacts};
use super::recovery;
use super::recovery_state::RecoveryReason;
use super::state::*;
use super::steps::{cancel_timer, note, require_ready, start_timer, transition};
use super::timers::TimerPurpose;
use super::{Effect, verdict};
use crate::device::DeviceCommand;
use crate::payment::PaymentState;
use crate::protocol::{Cents, Challenge, ChallengeType, TxStartResponseResult, VoidReason};

/// Starts a sale: validate, persist (`created`), send TX_START, record `sent`.
pub(super) fn start(
    state: &mut State,
    amount: Cents,
    tip: Option<Cents>,
    tax: Option<Cents>,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if super::guards::closeout_running(state, "sale") {
        return;
    }
    if let Some(p) = state.pending() {
        let text = format!(
            "Refused: payment {} of {} is still {}. Resolve it first: run `till recover`, or press s \
             (Check Payment Status).",
            p.external_id, p.amount, p.state
        );
        state.refuse(super::Refusal::PendingPayment, text);
        if state.recovery.is_none() && state.is_ready() {
            recovery::start(state, RecoveryReason::BeforeSale, fx);
        }
        return;
    }
    let Some(request) = validated_request(state, amount, tip, tax, external_id) else {
        return;
    };
    let external_id = request.external_id().to_owned();
    state.payment = Some(CurrentPayment::new(
        external_id.clone(),
        amount,
        tip,
        tax,
        PaymentState::Created,
        state.now_ms,
    ));
    state.clear_for_new_transaction();
    // The order on the desk is what this sale charges when its total and tax are the sale's.
    let order = crate::ledger::OrderRecord::of(&state.desk.order)
        .filter(|o| o.total == amount && Some(o.tax) == tax);
    fx.push(Effect::Persist(LedgerOp::Create {
        device: state.device.as_ref().and_then(|d| d.identity()),
        external_id,
        amount,
        tip,
        tax,
        order,
    }));
    fx.push(Effect::Send(DeviceCommand::Sale(request)));
    transition(
        state,
        PaymentState::Sent,
        "TX_START",
        "sale sent to the device",
        PaymentFacts::default(),
        fx,
    );
    let timeout = state.settings.response_timeout_ms;
    start_timer(state, TimerPurpose::SaleResponse, timeout, fx);
    start_timer(state, TimerPurpose::Clock, 1_000, fx);
}

/// True when a frame naming `external_id` (or naming none) may belong to the current payment.
fn is_ours(state: &State, external_id: Option<&str>) -> bool {
    match (state.pending(), external_id) {
        (Some(p), Some(id)) => p.external_id == id,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

pub(super) fn on_tx_start_response(
    state: &mut State,
    result: TxStartResponseResult,
    external_id: Option<String>,
    message: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if !is_ours(state, external_id.as_deref()) {
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    let message = message.unwrap_or_default();
    match result {
        TxStartResponseResult::Success => {
            if let Some(txn) = state.txn.as_mut() {
                txn.accepted = true;
            }
            transition(
                state,
                PaymentState::InProgress,
                "TX_START_RESPONSE",
                "the device accepted the sale",
                PaymentFacts::default(),
                fx,
            );
        }
        TxStartResponseResult::Duplicate => {
            // The device already has a payment with this external id: it belongs to another
            // sale, and is never taken over. This sale ends: nothing was charged for it.
            let text = "external id already used on the device: the device refused the sale, nothing was charged for it";
            transition(
                state,
                PaymentState::Canceled,
                "TX_START_RESPONSE",
                text,
                PaymentFacts::default(),
                fx,
            );
            state.error(
                NoticeKind::DeviceRefused,
                "Refused: external id already used on the device. Nothing was charged for this sale; ring it again with a new external id.",
            );
        }
        other => {
            let text = if message.is_empty() {
                format!("the device refused the sale ({other})")
            } else {
                format!("the device refused the sale ({other}): {message}")
            };
            transition(
                state,
                PaymentState::Canceled,
                "TX_START_RESPONSE",
                text,
                PaymentFacts::default(),
                fx,
            );
        }
    }
}

pub(super) fn on_prompt(state: &mut State, prompt: Prompt, fx: &mut Vec<Effect>) {
    let payment = match &prompt {
        Prompt::Challenge { payment, .. } | Prompt::Signature { payment, .. } => payment,
    };
    let binding = match state.pending() {
        Some(cur) => verdict::bind(cur, payment),
        None => verdict::Binding::Foreign(
            payment
                .external_payment_id
                .clone()
                .unwrap_or_else(|| "an unknown payment".into()),
        ),
    };
    if let verdict::Binding::Foreign(what) = &binding {
        state.error(
            NoticeKind::General,
            format!("The device asks about {what}, which is not the payment in progress; it was not answered."),
        );
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    let (cause, detail) = match &prompt {
        Prompt::Challenge { challenges, .. } => {
            let kinds: Vec<String> = challenges
                .iter()
                .filter_map(|c| c.kind.as_ref().map(|k| k.to_string()))
                .collect();
            let kinds = if kinds.is_empty() {
                "a challenge without a type".to_owned()
            } else {
                kinds.join(", ")
            };
            ("CONFIRM_PAYMENT_MESSAGE", kinds)
        }
        Prompt::Signature { .. } => ("VERIFY_SIGNATURE", "signature to verify".to_owned()),
    };
    let facts = PaymentFacts::from_payment(payment);
    if let Some(p) = state.payment.as_mut() {
        if binding == verdict::Binding::Ours {
            p.evidence.device_payment_id = facts.device_payment_id.clone();
        }
        p.authorised = Some(facts);
    }
    transition(
        state,
        PaymentState::InProgress,
        cause,
        detail.clone(),
        PaymentFacts::default(),
        fx,
    );
    if let verdict::Binding::Conflict(why) = &binding {
        note(state, cause, format!("conflict: {why}"), fx);
    }
    note(
        state,
        cause,
        format!("waiting for the operator: {detail}"),
        fx,
    );
    state.prompt = Some(prompt);
    state.ui.show_prompt();
}

/// The reason sent with a rejection: the challenge's own, or a default for its type.
fn reject_reason(challenge: &Challenge) -> Challenge {
    let mut c = challenge.clone();
    if c.reason.is_none() {
        c.reason = Some(match c.kind {
            Some(ChallengeType::PartialAuthChallenge) => VoidReason::RejectPartialAuth,
            Some(ChallengeType::OfflineChallenge) => VoidReason::RejectOffline,
            Some(ChallengeType::DuplicateChallenge) => VoidReason::RejectDuplicate,
            _ => VoidReason::UserCancel,
        });
    }
    c
}

/// Answers the open prompt if it is a challenge (`challenge` true) or a signature.
pub(super) fn answer(state: &mut State, challenge: bool, accept: bool, fx: &mut Vec<Effect>) {
    let (cause, what, command) = match (state.prompt.clone(), challenge, accept) {
        (Some(Prompt::Challenge { payment, .. }), true, true) => (
            "PAYMENT_CONFIRMED",
            "challenge accepted",
            DeviceCommand::AcceptPayment(payment),
        ),
        (
            Some(Prompt::Challenge {
                payment,
                challenges,
            }),
            true,
            false,
        ) => (
            "PAYMENT_REJECTED",
            "challenge rejected",
            DeviceCommand::RejectPayment(
                payment,
                reject_reason(&challenges.into_iter().next().unwrap_or_default()),
            ),
        ),
        (Some(Prompt::Signature { payment, .. }), false, true) => (
            "SIGNATURE_VERIFIED",
            "signature accepted",
            DeviceCommand::AcceptSignature(payment),
        ),
        (Some(Prompt::Signature { payment, .. }), false, false) => (
            "SIGNATURE_VERIFIED",
            "signature rejected",
            DeviceCommand::RejectSignature(payment),
        ),
        _ => {
            let what = if challenge { "challenge" } else { "signature" };
            state.refuse(
                super::Refusal::InvalidInput,
                format!("No {what} is waiting for an answer."),
            );
            return;
        }
    };
    if !require_ready(state) {
        return;
    }
    let prompt = state.prompt.take();
    let before = state
        .payment
        .as_ref()
        .and_then(|p| p.evidence.void_proven.clone());
    if !accept && let Some(p) = state.payment.as_mut() {
        // Our rejection voids the authorisation: a later success for it is a conflict.
        p.evidence.void_proven = Some(format!("{what} by the operator"));
    }
    state.answering = prompt.map(|p| (p, before));
    note(state, cause, format!("{what} by the operator"), fx);
    fx.push(Effect::Send(command));
    state.ui.after_prompt();
}

pub(super) fn cancel(state: &mut State, fx: &mut Vec<Effect>) {
    if state.pending().is_none() {
        state.refuse(super::Refusal::InvalidInput, "No sale is running.");
        return;
    }
    if require_ready(state) {
        note(state, "KEY_PRESS", "cancel pressed by the operator", fx);
        fx.push(Effect::Send(DeviceCommand::Cancel));
    }
}

/// TIP_ADDED: the customer chose a tip on the device.
pub(super) fn on_tip_added(state: &mut State, tip: Cents, fx: &mut Vec<Effect>) {
    if tip.0 < 0 {
        return;
    }
    let Some(p) = state.payment.as_mut().filter(|p| !p.state.is_final()) else {
        return;
    };
    p.evidence.tip_added = Some(tip);
    let asked = p.tip.unwrap_or(Cents::ZERO);
    let detail = if tip == asked {
        format!("tip {tip} chosen on the device")
    } else {
        format!("tip {tip} chosen on the device (asked {asked})")
    };
    note(state, "TIP_ADDED", detail, fx);
}

/// INVALID_STATE_TRANSITION: the device is busy with another payment. A sale it never
/// accepted ends at once: nothing was charged.
pub(super) fn on_busy(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    let unaccepted = state
        .pending()
        .is_some_and(|p| p.state == PaymentState::Sent && state.recovery.is_none());
    if !unaccepted {
        state.error(NoticeKind::General, text.to_owned());
        return;
    }
    transition(
        state,
        PaymentState::Canceled,
        "INVALID_STATE_TRANSITION",
        format!("device busy with another payment — nothing charged ({text})"),
        PaymentFacts::default(),
        fx,
    );
    state.error(
        NoticeKind::DeviceRefused,
        "Refused: device busy with another payment — nothing charged.",
    );
}
