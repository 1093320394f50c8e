//! The sale lifecycle of the current payment: start, device answers, prompts, the end.

use super::io::{DeviceCommand, LedgerOp, PaymentFacts, PendingPayment};
use super::recovery::{self, RecoveryReason};
use super::state::*;
use super::{Effect, cancel_timer, note, require_ready, start_timer, transition};
use crate::ledger::PaymentState;
use crate::protocol::{
    Cents, Payment, PaymentResult, RequestInfo, SaleRequest, TxStartResponseResult,
};

/// Starts a sale: validate, persist (`created`), send TX_START, record `sent`.
pub(super) fn start(
    state: &mut State,
    amount: Cents,
    tip: Option<Cents>,
    tax: Option<Cents>,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if let Some(p) = state.pending() {
        let text = format!(
            "Refused: payment {} of {} is still {}. Resolve it first: run `till recover`, or press s \
             (Check Payment Status).",
            p.external_id, p.amount, p.state
        );
        state.error(NoticeKind::PendingPayment, text);
        if state.recovery.is_none() && state.is_ready() {
            recovery::start(state, RecoveryReason::BeforeSale, fx);
        }
        return;
    }
    let mut builder = SaleRequest::builder()
        .amount(amount)
        .options(state.settings.sale_options.clone());
    if let Some(t) = tip {
        builder = builder.tip(t);
    }
    if let Some(t) = tax {
        builder = builder.tax(t);
    }
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    if let Some(max) = state.settings.max_amount {
        builder = builder.max_amount(max);
    }
    let request = match builder.build() {
        Ok(r) => r,
        Err(e) => {
            state.error(NoticeKind::Validation, format!("Nothing was sent: {e}."));
            return;
        }
    };
    if !require_ready(state) {
        return;
    }
    let external_id = request.external_id().to_owned();
    state.payment = Some(CurrentPayment {
        external_id: external_id.clone(),
        amount,
        tip,
        tax,
        state: PaymentState::Created,
        started_ms: state.now_ms,
        decline_seen: false,
        authorised: None,
    });
    state.prompt = None;
    state.last_outcome = None;
    state.device_text = None;
    state.device_wants_signature = false;
    state.card_timed_out = false;
    state.notice = None;
    fx.push(Effect::Persist(LedgerOp::Create {
        external_id,
        amount,
        tip,
        tax,
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
            // The device already has a payment with this external id: find out what it is.
            note(
                state,
                "TX_START_RESPONSE",
                "DUPLICATE: the external id was used before; checking it",
                fx,
            );
            transition(
                state,
                PaymentState::Unknown,
                "TX_START_RESPONSE",
                "duplicate external id",
                PaymentFacts::default(),
                fx,
            );
            recovery::start(state, RecoveryReason::Duplicate, fx);
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
    if !is_ours(state, payment.external_payment_id.as_deref()) {
        let what = payment
            .external_payment_id
            .as_deref()
            .unwrap_or("an unknown payment");
        state.error(
            NoticeKind::General,
            format!("The device asks about {what}, which is not the payment in progress; it was not answered."),
        );
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    let (cause, detail) = match &prompt {
        Prompt::Challenge { challenges, .. } => (
            "CONFIRM_PAYMENT_MESSAGE",
            challenges
                .iter()
                .filter_map(|c| c.kind.as_ref().map(|k| k.to_string()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Prompt::Signature { .. } => ("VERIFY_SIGNATURE", "signature to verify".to_owned()),
    };
    let facts = PaymentFacts::from_payment(payment);
    if let Some(p) = state.payment.as_mut() {
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
    note(
        state,
        cause,
        format!("waiting for the operator: {detail}"),
        fx,
    );
    state.prompt = Some(prompt);
    state.ui.show_prompt();
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
                challenges.into_iter().next().unwrap_or_default(),
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
            state.error(
                NoticeKind::Validation,
                format!("No {what} is waiting for an answer."),
            );
            return;
        }
    };
    if !require_ready(state) {
        return;
    }
    state.prompt = None;
    note(state, cause, format!("{what} by the operator"), fx);
    fx.push(Effect::Send(command));
    state.ui.after_prompt();
}

pub(super) fn cancel(state: &mut State, fx: &mut Vec<Effect>) {
    if state.pending().is_none() {
        state.error(NoticeKind::Validation, "No sale is running.");
        return;
    }
    if require_ready(state) {
        note(state, "KEY_PRESS", "cancel pressed by the operator", fx);
        fx.push(Effect::Send(DeviceCommand::Cancel));
    }
}

/// The final state a device payment's `result` stands for; `None` when it is not final yet.
pub(super) fn state_of(payment: &Payment) -> Option<PaymentState> {
    match payment.result.as_ref()? {
        PaymentResult::Success | PaymentResult::Auth | PaymentResult::AuthCompleted => {
            Some(PaymentState::Approved)
        }
        PaymentResult::Voided => Some(PaymentState::Voided),
        PaymentResult::Fail => Some(PaymentState::Declined),
        _ => None,
    }
}

/// Applies a device payment that names our external id: final when its result is final.
pub(super) fn resolve_with_payment(
    state: &mut State,
    payment: &Payment,
    cause: &str,
    fx: &mut Vec<Effect>,
) -> bool {
    let facts = PaymentFacts::from_payment(payment);
    match state_of(payment) {
        Some(to) => {
            let detail = match to {
                PaymentState::Approved => {
                    let card = match (&facts.card_brand, &facts.last4) {
                        (Some(b), Some(l)) => format!(" on {b} ending {l}"),
                        _ => String::new(),
                    };
                    format!("approved{card}")
                }
                PaymentState::Voided => "authorised, then voided: no money taken".to_owned(),
                _ => "declined: no money taken".to_owned(),
            };
            transition(state, to, cause, detail, facts, fx);
            true
        }
        None => false,
    }
}

pub(super) fn on_finish_ok(
    state: &mut State,
    payment: Option<crate::protocol::Payment>,
    request_info: Option<RequestInfo>,
    fx: &mut Vec<Effect>,
) {
    if !matches!(request_info, None | Some(RequestInfo::Sale)) {
        return;
    }
    let Some(payment) = payment else { return };
    let ext = payment.external_payment_id.clone();
    // During recovery only a FINISH_OK naming our external id counts (a re-sent frame may be old).
    if state.recovery.is_some() && ext.is_none() {
        return;
    }
    if !is_ours(state, ext.as_deref()) {
        return;
    }
    if !resolve_with_payment(state, &payment, "FINISH_OK", fx) {
        transition(
            state,
            PaymentState::Unknown,
            "FINISH_OK",
            "finished with a result that is not final yet",
            PaymentFacts::from_payment(&payment),
            fx,
        );
        recovery::start(state, RecoveryReason::Timeout, fx);
    } else if state
        .last_outcome
        .as_ref()
        .is_some_and(|o| o.state == PaymentState::Approved)
    {
        fx.push(Effect::Send(DeviceCommand::ShowThankYou));
    }
}

pub(super) fn on_finish_cancel(
    state: &mut State,
    request_info: Option<RequestInfo>,
    fx: &mut Vec<Effect>,
) {
    if !matches!(request_info, None | Some(RequestInfo::Sale)) {
        return;
    }
    // FINISH_CANCEL names no payment: it only counts for a live flow. During recovery or a
    // reset the device's own lookup decides (a reset may have voided an authorised payment).
    if state.recovery.is_some() || state.reset.is_some() {
        note(
            state,
            "FINISH_CANCEL",
            "received during recovery; the device lookup decides",
            fx,
        );
        return;
    }
    let Some(p) = state.pending() else { return };
    if !matches!(p.state, PaymentState::Sent | PaymentState::InProgress) {
        return;
    }
    let (to, detail, facts) = match (&p.authorised, p.decline_seen) {
        (Some(facts), _) => (
            PaymentState::Voided,
            "authorised, then voided on the device: no money taken",
            PaymentFacts {
                result: Some("VOIDED".into()),
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
    command: &'static str,
    error: &str,
    not_sent: bool,
    fx: &mut Vec<Effect>,
) {
    let sale_unsent = command == "sale"
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
        state.error(
            NoticeKind::NotConnected,
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
    state.error(
        NoticeKind::General,
        format!("Could not send {command}: {error}."),
    );
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

pub(super) fn on_persist_failed(state: &mut State, op: &LedgerOp, error: &str) {
    // The batch stopped at the failed write: nothing after it ran.
    if let LedgerOp::Create { external_id, .. } = op {
        if state
            .payment
            .as_ref()
            .is_some_and(|p| &p.external_id == external_id)
        {
            state.payment = None;
            cancel_timer(state, TimerPurpose::SaleResponse);
            cancel_timer(state, TimerPurpose::Clock);
            state.ui.screen = super::screens::Screen::Sale;
        }
        state.error(
            NoticeKind::PersistFailed,
            format!("The sale was not recorded ({error}), so nothing was sent. Check the disk and the data directory."),
        );
        return;
    }
    state.error(
        NoticeKind::PersistFailed,
        format!("The ledger could not be written ({error}). Check the disk and the data directory, then run recovery (s)."),
    );
}

pub(super) fn on_pending(state: &mut State, list: Vec<PendingPayment>, fx: &mut Vec<Effect>) {
    let Some(p) = list.into_iter().next() else {
        return;
    };
    state.from_restart = Some(p.external_id.clone());
    state.payment = Some(CurrentPayment {
        external_id: p.external_id,
        amount: p.amount,
        tip: p.tip,
        tax: p.tax,
        state: p.state,
        started_ms: state.now_ms,
        decline_seen: false,
        authorised: None,
    });
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
