//! After authorisation (PROTOCOL.md §5.4–5.5, §5.8): challenges (CONFIRM_PAYMENT_MESSAGE ⇢
//! PAYMENT_CONFIRMED / PAYMENT_REJECTED), the signature (ADD_SIGNATURE, VERIFY_SIGNATURE ⇢
//! SIGNATURE_VERIFIED), the receipt screen and the end of the transaction: FINISH_OK, or a void
//! followed by FINISH_CANCEL.

use crate::protocol::{
    Cents, ConfirmPayment, DeviceStateData, ExternalDeviceState, ExternalDeviceSubState,
    FinishCancel, FinishOk, InvalidStateTransition, Message, Payment, PaymentConfirmed,
    PaymentRejected, PaymentVoided, ResultStatus, SignatureVerified, TxState, UiDirection, UiState,
    VerifySignature, VoidReason,
};

use super::config::CustomerMode;
use super::io::ConnId;
use super::outbox::ERROR_BAD_REQUEST;
use super::payment_factory;
use super::sale::tx_state;
use super::signature::scribble;
use super::timers::Timer;
use super::tx::Phase;
use super::{Device, Display, Fx};

impl Device {
    /// The next thing an authorised payment needs: a challenge, a signature, or nothing more.
    /// Challenge first unless `signature_before_challenge`.
    pub(super) fn next_step(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_ref() else { return };
        let challenge = !tx.challenges.is_empty() && !tx.challenges_done;
        let signature = tx.plan.signature && !tx.signature_done;
        let signature_first = self.config.signature_before_challenge;
        if challenge && !(signature && signature_first) {
            self.ask_confirmation(fx);
        } else if signature {
            self.ask_signature(fx);
        } else {
            self.finish_ok(fx);
        }
    }

    /// CONFIRM_PAYMENT_MESSAGE: the POS must accept or reject the challenges.
    fn ask_confirmation(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_mut() else { return };
        tx.enter(Phase::Challenge);
        let message = Message::ConfirmPayment(ConfirmPayment {
            payment: tx.payment.clone(),
            challenges: Some(tx.challenges.clone()),
        });
        tx.waiting = Some(message.clone());
        fx.note("waiting for the POS to confirm the payment");
        self.send_pos(fx, &message);
    }

    /// PAYMENT_CONFIRMED: every challenge accepted.
    pub(super) fn on_payment_confirmed(&mut self, fx: &mut Fx, conn: ConnId, m: PaymentConfirmed) {
        if !self.answer_fits(
            fx,
            conn,
            Phase::Challenge,
            m.payment.as_ref(),
            "PAYMENT_CONFIRMED",
        ) {
            return;
        }
        if let Some(tx) = self.tx.as_mut() {
            tx.challenges_done = true;
            tx.waiting = None;
        }
        fx.note("payment confirmed by the POS");
        self.next_step(fx);
    }

    /// PAYMENT_REJECTED: void with the POS's reason (or the challenge's), FINISH_CANCEL.
    pub(super) fn on_payment_rejected(&mut self, fx: &mut Fx, conn: ConnId, m: PaymentRejected) {
        if !self.answer_fits(
            fx,
            conn,
            Phase::Challenge,
            m.payment.as_ref(),
            "PAYMENT_REJECTED",
        ) {
            return;
        }
        let fallback = self
            .tx
            .as_ref()
            .and_then(|t| t.challenges.first())
            .and_then(|c| c.reason.clone())
            .unwrap_or(VoidReason::UserCancel);
        fx.note("payment rejected by the POS");
        self.void_and_cancel(fx, m.reason.unwrap_or(fallback));
    }

    /// "Please sign": the customer signs (manual `sign`, or the auto customer after its delay).
    fn ask_signature(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_mut() else { return };
        tx.enter(Phase::Signing);
        let (seq, step) = (tx.seq, tx.step);
        self.ui_pos(fx, UiState::AddSignature, "Please sign", UiDirection::Enter);
        if let CustomerMode::Auto { sign_delay_ms, .. } = self.config.customer {
            self.schedule(fx, sign_delay_ms, Timer::Customer { tx: seq, step });
        }
    }

    /// The customer signed: VERIFY_SIGNATURE to the POS, or straight on with autoAcceptSignature.
    pub(super) fn customer_signs(&mut self, fx: &mut Fx) {
        let signature = scribble(&mut self.rng);
        fx.note("customer signed");
        self.ui_pos(fx, UiState::AddSignature, "Please sign", UiDirection::Exit);
        let Some(tx) = self.tx.as_mut() else { return };
        tx.signature = Some(signature.clone());
        if tx.settings.auto_accept_signature {
            tx.signature_done = true;
            return self.next_step(fx);
        }
        tx.enter(Phase::VerifySignature);
        let message = Message::VerifySignature(VerifySignature {
            payment: tx.payment.clone(),
            signature: Some(signature),
        });
        tx.waiting = Some(message.clone());
        fx.note("waiting for the POS to verify the signature");
        self.send_pos(fx, &message);
    }

    /// SIGNATURE_VERIFIED: go on, or void (REJECT_SIGNATURE) and FINISH_CANCEL.
    pub(super) fn on_signature_verified(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: SignatureVerified,
    ) {
        if !self.answer_fits(
            fx,
            conn,
            Phase::VerifySignature,
            m.payment.as_ref(),
            "SIGNATURE_VERIFIED",
        ) {
            return;
        }
        let Some(verified) = m.verified else {
            let detail =
                "SIGNATURE_VERIFIED without `verified`: send true to accept, false to reject";
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, detail);
        };
        if verified {
            if let Some(tx) = self.tx.as_mut() {
                tx.signature_done = true;
                tx.waiting = None;
            }
            fx.note("signature accepted by the POS");
            self.next_step(fx);
        } else {
            fx.note("signature rejected by the POS");
            self.ui_pos(
                fx,
                UiState::SignatureReject,
                "Signature rejected",
                UiDirection::Enter,
            );
            self.ui_pos(
                fx,
                UiState::SignatureReject,
                "Signature rejected",
                UiDirection::Exit,
            );
            self.void_and_cancel(fx, VoidReason::RejectSignature);
        }
    }

    /// Checks that a POS answer fits what the device waits for: the phase (else
    /// INVALID_STATE_TRANSITION) and the payment id (else REMOTE_ERROR). Nothing changes on `false`.
    fn answer_fits(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        phase: Phase,
        payment: Option<&Payment>,
        method: &str,
    ) -> bool {
        let waiting = self.tx.as_ref().filter(|t| t.phase == phase);
        let Some(tx) = waiting else {
            let (state, substate, data) = self.device_state();
            fx.note(format!(
                "POS {conn}: {method} while nothing of the kind is pending"
            ));
            let reply = invalid_transition(method, state, substate, data);
            self.send(fx, conn, &reply);
            return false;
        };
        let expected = tx.payment.as_ref().and_then(|p| p.id.clone());
        let given = payment.and_then(|p| p.id.clone());
        if given.is_none() || given != expected {
            let detail = format!(
                "{method} names payment {} but the device waits on payment {}",
                given.as_deref().unwrap_or("(none)"),
                expected.as_deref().unwrap_or("(none)")
            );
            self.remote_error(fx, conn, ERROR_BAD_REQUEST, &detail);
            return false;
        }
        true
    }

    /// Voids the authorised payment (PAYMENT_VOIDED) and ends with FINISH_CANCEL; the voided
    /// payment is remembered (RETRIEVE_PAYMENT finds it as VOIDED).
    pub(super) fn void_and_cancel(&mut self, fx: &mut Fx, reason: VoidReason) {
        let voided = self
            .tx
            .as_mut()
            .and_then(|t| t.payment.take())
            .map(|mut payment| {
                payment_factory::void(&mut payment, reason.clone(), fx.now);
                payment
            });
        if let Some(payment) = voided {
            fx.note(format!(
                "payment {} voided ({reason})",
                payment.id.as_deref().unwrap_or("?")
            ));
            self.remember(payment.clone());
            let message = PaymentVoided {
                payment: Some(payment),
                void_reason: Some(reason),
            };
            self.send_pos(fx, &Message::PaymentVoided(message));
        }
        self.finish_cancel(fx);
    }

    /// The end of an approved sale: receipt screen, TX_STATE SUCCESS, FINISH_OK (or the
    /// dropped connection of the drop fault — the payment is completed either way).
    pub(super) fn finish_ok(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.as_ref() else { return };
        if !tx.settings.disable_receipt_selection {
            let text = "How would you like your receipt?";
            self.ui_pos(fx, UiState::ReceiptOptions, text, UiDirection::Enter);
            self.ui_pos(fx, UiState::ReceiptOptions, text, UiDirection::Exit);
        }
        self.send_pos(fx, &tx_state(TxState::Success));
        let Some(mut tx) = self.tx.take() else { return };
        let Some(mut payment) = tx.payment.take() else {
            return;
        };
        payment_factory::finish(&mut payment, fx.now);
        self.remember(payment.clone());
        fx.note(format!(
            "approved ${} {} {} auth {}",
            Cents(payment.amount.unwrap_or(0)),
            payment
                .card_brand()
                .map(|b| b.to_string())
                .unwrap_or_default(),
            payment.last4().unwrap_or(""),
            payment.auth_code().unwrap_or("")
        ));
        let message = Message::FinishOk(FinishOk {
            payment: Some(payment),
            credit: None,
            refund: None,
            signature: tx.signature,
            request_info: tx.request_info,
        });
        self.end(
            fx,
            message,
            tx.plan.drop_before_finish_ok,
            tx.plan.late_frame,
        );
        self.display = Display {
            title: "Thank you!".into(),
            detail: String::new(),
        };
    }

    /// The end of a transaction without a payment: FINISH_CANCEL{requestInfo}.
    pub(super) fn finish_cancel(&mut self, fx: &mut Fx) {
        let Some(tx) = self.tx.take() else { return };
        fx.note(format!("sale {} canceled", tx.external_id));
        let message = Message::FinishCancel(FinishCancel {
            request_info: tx.request_info,
        });
        self.end(fx, message, false, tx.plan.late_frame);
        self.display = Display {
            title: "Welcome".into(),
            detail: String::new(),
        };
    }

    /// Sends the final frame (remembered for `sendLastMessage`), or drops the connection instead.
    pub(super) fn end(
        &mut self,
        fx: &mut Fx,
        message: Message,
        drop_connection: bool,
        late_copy: bool,
    ) {
        self.last_outcome = Some(message.clone());
        self.memory_changed();
        match (drop_connection, self.pos) {
            (true, Some(conn)) => {
                fx.note(format!(
                    "dropping POS {conn} just before {}",
                    message.method()
                ));
                self.close(fx, conn, None, "connection dropped before FINISH_OK");
            }
            _ => self.send_pos(fx, &message),
        }
        if late_copy {
            self.start_timer(
                fx,
                LATE_FRAME_DELAY_MS,
                Timer::LateFrame {
                    message: Box::new(message),
                },
            );
        }
    }
}

/// How long after the end of a transaction the late-frame fault re-sends its FINISH frame.
pub(super) const LATE_FRAME_DELAY_MS: u64 = 1_500;

/// INVALID_STATE_TRANSITION for a request that does not fit the device state (§8.2).
pub(super) fn invalid_transition(
    requested: &str,
    state: ExternalDeviceState,
    substate: ExternalDeviceSubState,
    data: DeviceStateData,
) -> Message {
    Message::InvalidStateTransition(InvalidStateTransition {
        result: Some(ResultStatus::Fail),
        reason: Some(format!("{requested} does not apply in the current state")),
        requested_transition: Some(requested.to_owned()),
        state: Some(state),
        substate: Some(substate),
        data: Some(data),
    })
}
