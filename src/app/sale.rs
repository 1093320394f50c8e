//! The sale lifecycle of the current payment: start, device answers, prompts, the end.

use super::guards::validated_request;
use super::ledger_ops::{LedgerOp, PaymentFacts, PendingPayment, PersistError};
use super::recovery;
use super::recovery_state::RecoveryReason;
use super::settle::resolve_with_payment;
use super::state::*;
use super::steps::{cancel_timer, note, require_ready, start_timer, transition};
use super::timers::TimerPurpose;
use super::{Effect, verdict};
use crate::device::DeviceCommand;
use crate::ledger::PaymentState;
use crate::protocol::{
    Cents, Challenge, ChallengeType, Payment, RequestInfo, TxStartResponseResult, VoidReason,
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

/// True when a FINISH_* `requestInfo` (when given) is the one of the open payment's kind (or,
/// with none open, of the last one's): SALE for a sale, AUTH for an auth, PREAUTH for a
/// pre-auth.
fn request_info_fits(state: &State, request_info: Option<&RequestInfo>) -> bool {
    use crate::ledger::PaymentKind;
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
        let what = if kind == crate::ledger::PaymentKind::Sale {
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
