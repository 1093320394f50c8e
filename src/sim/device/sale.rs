//! A sale from TX_START to authorisation (PROTOCOL.md §5.3–5.5, §5.8): the verdict on the
//! TX_START (busy, invalid, duplicate), the card prompt, the customer's card, processing, tip,
//! partial authorisation, declines (restart or FINISH_CANCEL), cancel and card time-out.

use rand::Rng;

use crate::protocol::{
    Cents, Challenge, ChallengeType, DeviceStateData, InvalidStateTransition, KeyPress,
    KeyPressMessage, MAX_EXTERNAL_ID_LEN, Message, PartialAuth, Payment, RequestInfo, ResultStatus,
    TipAdded, TipMode, TransactionType, TxStart, TxStartResponse, TxStartResponseResult, TxState,
    TxStateMessage, UiDirection, UiState, VoidReason,
};
use crate::sim::cards::{Card, CardOutcome};
use crate::sim::customer::{PromptMove, Scenario, on_screen_tip};

use super::config::{BusyAnswer, CustomerMode};
use super::io::ConnId;
use super::payment_factory::Authorisation;
use super::timers::Timer;
use super::tx::{Phase, Plan, Tx, TxSettings};
use super::{Device, Fx};

/// Text of the card prompt.
pub(super) const CARD_PROMPT: &str = "Insert, tap or swipe card";
/// Text of the card prompt on real devices (recorded frame `"id":"172"`).
pub(super) const REAL_CARD_PROMPT: &str = "Customer is choosing payment method…";
/// Text of the CONFIGURING screen on real devices (recorded frames 167–171).
const REAL_CONFIGURING: &str = "Processing…";

impl Device {
    /// TX_START: refuse it (busy, invalid, duplicate, not ready) or start the sale.
    pub(super) fn on_tx_start(&mut self, fx: &mut Fx, conn: ConnId, m: TxStart) {
        if self.tx.is_some() {
            return self.refuse_busy(fx, conn, &m);
        }
        let pi = m.pay_intent.clone().unwrap_or_default();
        let external_id = pi.external_payment_id.clone().unwrap_or_default();
        // A manual refund (CREDIT) carries a negative amount (JS SDK `manualRefund`).
        let credit = m.request_info == Some(RequestInfo::Credit)
            || pi.transaction_type == Some(TransactionType::Credit);
        let amount = match pi.amount.unwrap_or(0) {
            a if credit => a.saturating_abs(),
            a => a,
        };
        let respond = |result, reason: Option<&str>, message: Option<String>| {
            tx_start_response(
                result,
                &external_id,
                m.request_info.as_ref(),
                reason,
                message,
            )
        };
        let checked = validate(&m, amount, &external_id, self.config.faults.never_ready)
            .and_then(|()| self.flow_enabled(m.request_info.as_ref()));
        if let Err(why) = checked {
            fx.note(format!("TX_START refused: {why}"));
            let reply = respond(
                TxStartResponseResult::Fail,
                Some("Request Validation Error"),
                Some(why),
            );
            return self.send(fx, conn, &reply);
        }
        if self.completed_payment(&external_id).is_some() {
            fx.note(format!(
                "TX_START refused: {external_id} already has a completed payment"
            ));
            let why = "externalPaymentId already used".to_owned();
            let reply = respond(
                TxStartResponseResult::Duplicate,
                Some("DUPLICATE"),
                Some(why),
            );
            return self.send(fx, conn, &reply);
        }
        let accepted = respond(TxStartResponseResult::Success, None, None);

        let settings = TxSettings::from_pay_intent(&pi);
        let mut plan = self.plan(amount, &settings);
        if credit {
            // A credit is no authorisation: no challenge, no signature.
            plan.challenge = None;
            plan.signature = false;
        }
        let kind = match &m.request_info {
            _ if credit => "manual refund",
            Some(RequestInfo::Auth) => "auth",
            Some(RequestInfo::Preauth) => "pre-auth",
            _ => "sale",
        };
        // The outcome is logged when it happens; here only what is planned.
        let plan_text = match self.config.customer {
            CustomerMode::Manual => "waiting for the customer".to_owned(),
            _ => format!("the automatic customer plays: {}", plan.scenario.describe()),
        };
        fx.note(format!(
            "{kind} {external_id} of ${} started; {plan_text}",
            Cents(amount)
        ));
        self.next_tx_seq += 1;
        let half_open = plan.half_open;
        self.tx = Some(Tx {
            seq: self.next_tx_seq,
            step: 0,
            external_id,
            request_info: m.request_info.clone(),
            credit,
            amount,
            tip: pi.tip_amount.unwrap_or(0).max(0),
            tax: pi.tax_amount.unwrap_or(0).max(0),
            started_ms: fx.now,
            settings,
            plan,
            phase: Phase::CardPrompt,
            declined_once: false,
            walked_away: false,
            card: None,
            payment: None,
            signature: None,
            challenges: Vec::new(),
            challenges_done: false,
            partial_challenge: false,
            signature_done: false,
            waiting: None,
        });
        self.pos = Some(conn);
        self.send(fx, conn, &accepted);
        if half_open {
            self.stall(fx, conn);
        }
        if self.config.profile.is_real() {
            self.configuring(fx);
        }
        self.show_card_prompt(fx);
    }

    /// What a real device shows between TX_START_RESPONSE and the card prompt (recorded frames
    /// 167–171): CONFIGURING enter, exit, enter, TX_STATE START, CONFIGURING exit.
    fn configuring(&mut self, fx: &mut Fx) {
        let text = REAL_CONFIGURING;
        self.ui_pos(fx, UiState::Configuring, text, UiDirection::Enter);
        self.ui_pos(fx, UiState::Configuring, text, UiDirection::Exit);
        self.ui_pos(fx, UiState::Configuring, text, UiDirection::Enter);
        self.send_pos(fx, &tx_state(TxState::Start));
        self.ui_pos(fx, UiState::Configuring, text, UiDirection::Exit);
    }

    /// The card prompt's text in this device's profile.
    pub(super) fn card_prompt_text(&self) -> &'static str {
        if self.config.profile.is_real() {
            REAL_CARD_PROMPT
        } else {
            CARD_PROMPT
        }
    }

    /// What the sale will go through: the amount's scenario, the request's own signature
    /// threshold, run-wide faults and (with `random_rate`) one random fault.
    fn plan(&mut self, amount: i64, settings: &TxSettings) -> Plan {
        let scenario = Scenario::for_amount(amount);
        let faults = &self.config.faults;
        let mut plan = Plan {
            scenario,
            challenge: scenario.challenge(),
            signature: scenario.needs_signature() || settings.threshold_wants_signature(amount),
            drop_before_finish_ok: scenario.drops_before_finish_ok()
                || faults.drop_before_finish_ok,
            half_open: scenario.goes_half_open() || faults.half_open_after_tx_start,
            late_frame: faults.late_frames,
        };
        if faults.random_rate > 0.0 && self.rng.random_bool(faults.random_rate.clamp(0.0, 1.0)) {
            match self.rng.random_range(0..3) {
                0 => plan.drop_before_finish_ok = true,
                1 => plan.half_open = true,
                _ => plan.late_frame = true,
            }
        }
        if plan.challenge == Some(ChallengeType::DuplicateChallenge)
            && settings.disable_duplicate_check
        {
            plan.challenge = None;
        }
        plan
    }

    /// A second TX_START while a transaction runs (§8.3); the running one is untouched.
    fn refuse_busy(&mut self, fx: &mut Fx, conn: ConnId, m: &TxStart) {
        let (state, substate, data) = self.device_state();
        let running = data.external_payment_id.clone().unwrap_or_default();
        fx.note(format!("TX_START refused: busy with {running}"));
        let reason = "Device is busy processing another transaction".to_owned();
        let reply = match self.config.busy_answer {
            BusyAnswer::InvalidStateTransition => {
                Message::InvalidStateTransition(InvalidStateTransition {
                    result: Some(ResultStatus::Fail),
                    reason: Some(reason),
                    requested_transition: Some("TX_START".into()),
                    state: Some(state),
                    substate: Some(substate),
                    data: Some(DeviceStateData {
                        external_payment_id: Some(running),
                        ..data
                    }),
                })
            }
            BusyAnswer::TxStartFail => Message::TxStartResponse(TxStartResponse {
                success: Some(false),
                result: Some(TxStartResponseResult::Fail),
                external_payment_id: m
                    .pay_intent
                    .as_ref()
                    .and_then(|p| p.external_payment_id.clone()),
                request_info: m.request_info.clone(),
                reason: Some("BUSY".into()),
                message: Some(reason),
                order: None,
            }),
        };
        self.send(fx, conn, &reply);
    }

    /// "Insert, tap or swipe card" (again after a decline or time-out); the auto customer and the
    /// card time-out are armed for this prompt.
    pub(super) fn show_card_prompt(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_mut() else { return };
        tx.enter(Phase::CardPrompt);
        let (seq, step) = (tx.seq, tx.step);
        self.ui_pos(
            fx,
            UiState::Start,
            self.card_prompt_text(),
            UiDirection::Enter,
        );
        if let CustomerMode::Auto { card_delay_ms, .. } = self.config.customer {
            self.schedule(fx, card_delay_ms, Timer::Customer { tx: seq, step });
        }
        let still_here = self
            .tx
            .as_ref()
            .is_some_and(|t| t.seq == seq && t.step == step);
        if still_here && self.config.card_timeout_ms > 0 {
            self.start_timer(
                fx,
                self.config.card_timeout_ms,
                Timer::CardTimeout { tx: seq, step },
            );
        }
    }

    /// The auto customer's turn in the current phase.
    pub(super) fn auto_customer(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_ref() else { return };
        if tx.walked_away {
            return;
        }
        match tx.phase {
            Phase::CardPrompt => {
                let prompt_move = if tx.declined_once {
                    PromptMove::Cancel
                } else {
                    tx.plan.scenario.prompt_move()
                };
                match prompt_move {
                    PromptMove::Present(number) => self.card_presented(fx, Card::test_card(number)),
                    PromptMove::Cancel => self.customer_cancels(fx),
                    PromptMove::WalkAway => self.customer_walks_away(fx),
                    PromptMove::Reboot => self.reboot(fx),
                }
            }
            Phase::Signing => self.customer_signs(fx),
            Phase::Challenge | Phase::VerifySignature => {}
        }
    }

    /// The customer presented a card at the prompt: processing, then declined or authorised.
    pub(super) fn card_presented(&mut self, fx: &mut Fx, card: Card) {
        let Some(tx) = self.tx.as_ref() else { return };
        let credit = tx.credit;
        let tip_mode = tx.settings.tip_mode.clone().filter(|_| !credit);
        let allow_partial = tx.settings.allow_partial_auth;
        fx.note(format!("card presented: {} {}", card.brand, card.last4));
        self.ui_pos(
            fx,
            UiState::Start,
            self.card_prompt_text(),
            UiDirection::Exit,
        );
        if tip_mode == Some(TipMode::OnScreenBeforePayment) {
            self.add_tip(fx);
        }
        let real = self.config.profile.is_real();
        self.ui_pos(fx, UiState::Processing, "Processing", UiDirection::Enter);
        if !real {
            // Real devices sent TX_STATE START before the card prompt (see `configuring`).
            self.send_pos(fx, &tx_state(TxState::Start));
        }
        self.ui_pos(fx, UiState::Processing, "Processing", UiDirection::Exit);
        let approved = match card.outcome {
            CardOutcome::Decline => return self.declined(fx),
            // A manual refund: the card gets the whole amount back (no partial credits).
            _ if credit => return self.credit_approved(fx, card),
            CardOutcome::PartialAuth if !allow_partial => return self.declined(fx),
            CardOutcome::PartialAuth if real => {
                // Clover's library: the POS must accept or reject a PARTIAL_AUTH_CHALLENGE.
                let half = self.tx.as_ref().map_or(0, |t| t.amount / 2);
                if let Some(tx) = self.tx.as_mut() {
                    tx.partial_challenge = true;
                }
                half
            }
            CardOutcome::PartialAuth => {
                let half = self.tx.as_ref().map_or(0, |t| t.amount / 2);
                let message = PartialAuth {
                    partial_auth_amount: Some(half),
                };
                self.send_pos(fx, &Message::PartialAuth(message));
                half
            }
            CardOutcome::Approve => self.tx.as_ref().map_or(0, |t| t.amount),
        };
        if tip_mode == Some(TipMode::OnScreenAfterPayment) {
            self.add_tip(fx);
        }
        self.authorise(fx, card, approved);
    }

    /// The issuer approved `amount`: the payment exists from now on.
    fn authorise(&mut self, fx: &mut Fx, card: Card, amount: i64) {
        let Some(tx) = self.tx.as_mut() else { return };
        let offline = tx.plan.challenge == Some(ChallengeType::OfflineChallenge);
        let payment = self.factory.authorised(
            &mut self.rng,
            &Authorisation {
                external_id: &tx.external_id,
                request_info: tx.request_info.as_ref(),
                amount,
                tip: tx.tip,
                tax: tx.tax,
                card: &card,
                offline,
                signature: tx.plan.signature,
                started_ms: tx.started_ms,
                now_ms: fx.now,
            },
        );
        let partial = tx
            .partial_challenge
            .then_some(ChallengeType::PartialAuthChallenge);
        tx.challenges = partial
            .iter()
            .chain(tx.plan.challenge.iter())
            .map(|kind| challenge(kind, &payment, &card, tx.amount))
            .collect();
        tx.challenges_done = tx.settings.auto_accept_confirmations;
        tx.payment = Some(payment);
        tx.card = Some(card);
        self.next_step(fx);
    }

    /// On-screen tip: ADD_TIP, then TIP_ADDED with the tip the customer chooses by the
    /// amount's cents ([`crate::sim::customer::on_screen_tip`]).
    fn add_tip(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_mut() else { return };
        tx.tip = on_screen_tip(tx.amount, &tx.settings.tip_suggestions);
        let tip = tx.tip;
        fx.note(format!("customer tips ${} on screen", Cents(tip)));
        self.ui_pos(fx, UiState::AddTip, "Add a tip?", UiDirection::Enter);
        self.send_pos(
            fx,
            &Message::TipAdded(TipAdded {
                tip_amount: Some(tip),
            }),
        );
        self.ui_pos(fx, UiState::AddTip, "Add a tip?", UiDirection::Exit);
    }

    /// Declined: back to the card prompt, or FINISH_CANCEL when restarts are disabled.
    fn declined(&mut self, fx: &mut Fx) {
        fx.note("card declined");
        self.ui_pos(fx, UiState::Declined, "Declined", UiDirection::Enter);
        self.ui_pos(fx, UiState::Declined, "Declined", UiDirection::Exit);
        self.send_pos(fx, &tx_state(TxState::Fail));
        let Some(tx) = self.tx.as_mut() else { return };
        tx.declined_once = true;
        if tx.settings.disable_restart {
            self.finish_cancel(fx);
        } else {
            self.show_card_prompt(fx);
        }
    }

    /// The customer pressed Cancel at the card prompt (or the POS pressed ESC for them).
    pub(super) fn customer_cancels(&mut self, fx: &mut Fx) {
        fx.note("customer canceled at the card prompt");
        self.ui_pos(
            fx,
            UiState::Start,
            self.card_prompt_text(),
            UiDirection::Exit,
        );
        self.finish_cancel(fx);
    }

    /// The customer walked away: nothing happens until the card time-out or the POS acts.
    pub(super) fn customer_walks_away(&mut self, fx: &mut Fx) {
        if let Some(tx) = self.tx.as_mut() {
            tx.walked_away = true;
            fx.note("customer walked away");
        }
    }

    /// Nobody presented a card in time: TIMED_OUT, then restart or FINISH_CANCEL.
    pub(super) fn card_timed_out(&mut self, fx: &mut Fx) {
        fx.note("card prompt timed out");
        self.ui_pos(
            fx,
            UiState::Start,
            self.card_prompt_text(),
            UiDirection::Exit,
        );
        self.ui_pos(fx, UiState::TimedOut, "Timed out", UiDirection::Enter);
        self.ui_pos(fx, UiState::TimedOut, "Timed out", UiDirection::Exit);
        let restart = self
            .tx
            .as_ref()
            .is_some_and(|t| !t.settings.disable_restart);
        if restart {
            self.show_card_prompt(fx);
        } else {
            self.finish_cancel(fx);
        }
    }

    /// KEY_PRESS: ESC at the card prompt cancels; any other key or moment is ignored.
    pub(super) fn on_key_press(&mut self, fx: &mut Fx, conn: ConnId, m: KeyPressMessage) {
        let at_prompt = self
            .tx
            .as_ref()
            .is_some_and(|t| t.phase == Phase::CardPrompt);
        match m.key_press {
            Some(KeyPress::Esc) if at_prompt => self.customer_cancels(fx),
            key => {
                let key = key.map_or("(none)".to_owned(), |k| k.to_string());
                fx.note(format!("POS {conn}: KEY_PRESS {key} has no effect now"));
            }
        }
    }
}

/// Why a TX_START cannot run, as the TX_START_RESPONSE message.
fn validate(m: &TxStart, amount: i64, external_id: &str, never_ready: bool) -> Result<(), String> {
    if never_ready {
        return Err("The device is not ready to take payments.".into());
    }
    if m.pay_intent.is_none() {
        return Err("TX_START has no payIntent.".into());
    }
    match &m.request_info {
        None
        | Some(RequestInfo::Sale)
        | Some(RequestInfo::Auth)
        | Some(RequestInfo::Preauth)
        | Some(RequestInfo::Credit) => {}
        Some(other) => {
            return Err(format!(
                "{other} transactions are not supported by the simulator."
            ));
        }
    }
    if amount <= 0 {
        return Err("The request amount cannot be zero or negative.".into());
    }
    if external_id.trim().is_empty() || external_id.len() > MAX_EXTERNAL_ID_LEN {
        return Err("The externalId is required and the max length is 32 characters.".into());
    }
    Ok(())
}

/// A TX_START_RESPONSE echoing the request's externalPaymentId and requestInfo.
fn tx_start_response(
    result: TxStartResponseResult,
    external_id: &str,
    request_info: Option<&RequestInfo>,
    reason: Option<&str>,
    message: Option<String>,
) -> Message {
    Message::TxStartResponse(TxStartResponse {
        success: Some(result == TxStartResponseResult::Success),
        result: Some(result),
        external_payment_id: Some(external_id.to_owned()),
        request_info: request_info.cloned(),
        reason: reason.map(str::to_owned),
        message,
        order: None,
    })
}

/// A TX_STATE message.
pub(super) fn tx_state(state: TxState) -> Message {
    Message::TxState(TxStateMessage {
        tx_state: Some(state),
    })
}

/// The challenge of `kind` about `payment`, with the void reason to use on rejection.
fn challenge(kind: &ChallengeType, payment: &Payment, card: &Card, requested: i64) -> Challenge {
    let amount = Cents(payment.amount.unwrap_or(0));
    let (message, reason) = match kind {
        ChallengeType::PartialAuthChallenge => (
            format!(
                "Only ${amount} of ${} was approved on {} ending in {}.",
                Cents(requested),
                card.brand,
                card.last4
            ),
            VoidReason::RejectPartialAuth,
        ),
        ChallengeType::OfflineChallenge => (
            format!("The payment of ${amount} was taken offline and may be declined later."),
            VoidReason::RejectOffline,
        ),
        _ => (
            format!(
                "A payment for ${amount} on {} ending in {} was taken in the last hour.",
                card.brand, card.last4
            ),
            VoidReason::RejectDuplicate,
        ),
    };
    Challenge {
        kind: Some(kind.clone()),
        message: Some(message),
        reason: Some(reason),
    }
}
