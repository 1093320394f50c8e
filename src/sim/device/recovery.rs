//! Recovery (PROTOCOL.md §6): the device's memory of payments (24 h, by externalPaymentId),
//! RETRIEVE_PAYMENT, RETRIEVE_DEVICE_STATUS with `sendLastMessage`, BREAK → RESET_DEVICE_RESPONSE,
//! VOID_PAYMENT, and the reboot that forgets the transaction in flight.

use crate::protocol::{
    ExternalDeviceState, Message, Payment, PaymentResult, QueryStatus, ResetDeviceResponse,
    ResultStatus, RetrieveDeviceStatusRequest, RetrieveDeviceStatusResponse,
    RetrievePaymentRequest, RetrievePaymentResponse, VoidPayment, VoidPaymentResponse, VoidReason,
};

use super::io::{ConnId, Output};
use super::payment_factory;
use super::tx::Phase;
use super::{Device, Display, Fx, PAYMENT_MEMORY_MS};

impl Device {
    /// Forgets payments older than 24 h.
    pub(super) fn forget_old_payments(&mut self, now_ms: i64) {
        let horizon = now_ms.saturating_sub(PAYMENT_MEMORY_MS);
        let before = (self.payments.len(), self.credits.len());
        self.payments
            .retain(|p| p.created_time.unwrap_or(now_ms) >= horizon);
        self.credits
            .retain(|c| c.credit.created_time.unwrap_or(now_ms) >= horizon);
        if before != (self.payments.len(), self.credits.len()) {
            self.memory_changed();
        }
    }

    /// Remembers a finished payment (replacing an earlier state of the same payment).
    pub(super) fn remember(&mut self, payment: Payment) {
        self.payments
            .retain(|p| p.id.is_none() || p.id != payment.id);
        self.payments.push(payment);
        self.memory_changed();
    }

    /// The completed payment (SUCCESS, or a pre-auth's AUTH hold) of an externalPaymentId, if
    /// the device remembers one.
    pub(super) fn completed_payment(&self, external_id: &str) -> Option<&Payment> {
        self.payments.iter().rev().find(|p| {
            p.external_payment_id.as_deref() == Some(external_id)
                && matches!(p.result, Some(PaymentResult::Success | PaymentResult::Auth))
        })
    }

    /// RETRIEVE_PAYMENT_REQUEST: IN_PROGRESS while its flow runs, FOUND (any result), NOT_FOUND.
    /// `status` is SUCCESS whenever the lookup ran.
    pub(super) fn on_retrieve_payment(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: RetrievePaymentRequest,
    ) {
        let external_id = m.external_payment_id.unwrap_or_default();
        let in_flight = self
            .tx
            .as_ref()
            .filter(|t| t.external_id == external_id && !external_id.is_empty());
        let (query_status, payment) = match in_flight {
            Some(tx) => (QueryStatus::InProgress, tx.payment.clone()),
            None => match self
                .payments
                .iter()
                .rev()
                .find(|p| p.external_payment_id.as_deref() == Some(external_id.as_str()))
            {
                Some(p) => (QueryStatus::Found, Some(p.clone())),
                None => (QueryStatus::NotFound, None),
            },
        };
        let payment = match payment {
            Some(p) if self.config.faults.voided_reads_success => {
                Some(payment_factory::reads_success(p))
            }
            other => other,
        };
        fx.note(format!("RETRIEVE_PAYMENT {external_id}: {query_status}"));
        let response = RetrievePaymentResponse {
            status: Some(ResultStatus::Success),
            query_status: Some(query_status),
            external_payment_id: Some(external_id),
            payment,
            reason: None,
            message: None,
        };
        self.send(fx, conn, &Message::RetrievePaymentResponse(response));
    }

    /// RETRIEVE_DEVICE_STATUS_REQUEST: the state (both `result` and `status`), then with
    /// `sendLastMessage` the frame the device waits on, or — when idle — the last FINISH frame.
    pub(super) fn on_retrieve_device_status(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: RetrieveDeviceStatusRequest,
    ) {
        let (state, substate, data) = self.device_state();
        let response = RetrieveDeviceStatusResponse {
            result: Some(ResultStatus::Success),
            status: Some(ResultStatus::Success),
            reason: None,
            state: Some(state),
            substate: Some(substate),
            data: Some(data),
        };
        self.send(fx, conn, &Message::RetrieveDeviceStatusResponse(response));
        if m.send_last_message != Some(true) {
            return;
        }
        // While a transaction runs only what it waits on is re-sent: an older FINISH frame would
        // be taken for the running sale's result.
        let last = match &self.tx {
            Some(tx) => tx.waiting.clone(),
            None => self.last_outcome.clone(),
        };
        if let Some(message) = last {
            fx.note(format!("re-sending {} to POS {conn}", message.method()));
            self.send(fx, conn, &message);
        }
    }

    /// BREAK: abort the transaction (voiding an authorised payment) and answer
    /// RESET_DEVICE_RESPONSE{SUCCESS, IDLE}, before or after the FINISH_CANCEL as configured.
    pub(super) fn on_break(&mut self, fx: &mut Fx, conn: ConnId) {
        let response = Message::ResetDeviceResponse(ResetDeviceResponse {
            result: Some(ResultStatus::Success),
            status: Some(ResultStatus::Success),
            reason: None,
            state: Some(ExternalDeviceState::Idle),
        });
        let Some(tx) = self.tx.as_ref() else {
            fx.note("BREAK while idle");
            return self.send(fx, conn, &response);
        };
        fx.note(format!("BREAK: aborting sale {}", tx.external_id));
        let at_prompt = tx.phase == Phase::CardPrompt;
        let authorised = tx.authorised();
        if self.config.reset_response_first {
            self.send(fx, conn, &response);
        }
        if at_prompt {
            self.ui_pos(
                fx,
                crate::protocol::UiState::Start,
                self.card_prompt_text(),
                crate::protocol::UiDirection::Exit,
            );
        }
        if authorised {
            self.void_and_cancel(fx, VoidReason::UserCancel);
        } else {
            self.finish_cancel(fx);
        }
        if !self.config.reset_response_first {
            self.send(fx, conn, &response);
        }
    }

    /// VOID_PAYMENT of a remembered, successful payment without refunds. The answer is a
    /// VOID_PAYMENT_RESPONSE (success or why not) when the device advertises
    /// `supportsVoidPaymentResponse`; otherwise the ACK was all the POS gets.
    pub(super) fn on_void_payment(&mut self, fx: &mut Fx, conn: ConnId, m: VoidPayment) {
        let id = m
            .payment
            .as_ref()
            .and_then(|p| p.id.clone())
            .unwrap_or_default();
        let reason = m.void_reason.unwrap_or(VoidReason::UserCancel);
        let found = self
            .payments
            .iter()
            .position(|p| p.id.as_deref() == Some(id.as_str()));
        let refunded =
            found.is_some_and(|i| !payment_factory::refunds(&self.payments[i]).is_empty());
        let response = match found {
            Some(i) if refunded => {
                let why = format!("payment {id} has refunds: refund the rest instead of voiding");
                void_response(Some(self.payments[i].clone()), reason, Some(why))
            }
            // A pre-auth's hold (result AUTH) is released by a void too.
            Some(i)
                if matches!(
                    self.payments[i].result,
                    Some(PaymentResult::Success | PaymentResult::Auth)
                ) =>
            {
                let mut payment = self.payments[i].clone();
                payment_factory::void(&mut payment, reason.clone(), fx.now);
                self.remember(payment.clone());
                fx.note(format!("payment {id} voided on request ({reason})"));
                void_response(Some(payment), reason, None)
            }
            Some(i) => {
                let why = format!("payment {id} is {}", display_result(&self.payments[i]));
                void_response(Some(self.payments[i].clone()), reason, Some(why))
            }
            None => void_response(None, reason, Some(format!("payment {id} not found"))),
        };
        if let Some(why) = &response.message {
            fx.note(format!("VOID_PAYMENT refused: {why}"));
        }
        if !self.config.supports_void_payment_response {
            return fx.note("no VOID_PAYMENT_RESPONSE (not advertised): the ACK was the answer");
        }
        self.send(fx, conn, &Message::VoidPaymentResponse(response));
    }

    /// Power cycle: the transaction in flight and its id are forgotten (RETRIEVE_PAYMENT then
    /// answers NOT_FOUND), every connection drops; tokens and finished payments survive.
    pub(super) fn reboot(&mut self, fx: &mut Fx) {
        fx.note("device reboots");
        self.tx = None;
        self.last_outcome = None;
        self.memory_changed();
        self.timers.clear();
        self.slow_queue.clear();
        let conns: Vec<ConnId> = self.conns.keys().copied().collect();
        self.conns.clear();
        self.pos = None;
        for conn in conns {
            fx.out.push(Output::Close {
                conn,
                code: None,
                reason: "device rebooted".into(),
            });
        }
        self.display = Display {
            title: "Welcome".into(),
            detail: String::new(),
        };
    }
}

fn void_response(
    payment: Option<Payment>,
    reason: VoidReason,
    failure: Option<String>,
) -> VoidPaymentResponse {
    let status = if failure.is_none() {
        ResultStatus::Success
    } else {
        ResultStatus::Fail
    };
    VoidPaymentResponse {
        success: Some(failure.is_none()),
        status: Some(status),
        payment,
        void_reason: Some(reason),
        reason: failure.as_ref().map(|_| "FAIL".to_owned()),
        message: failure,
    }
}

fn display_result(payment: &Payment) -> String {
    payment
        .result
        .as_ref()
        .map_or("in an unknown state".to_owned(), |r| r.to_string())
}
