//! Refunds and manual refunds (PROTOCOL.md §7.2, issue #15): REFUND_REQUEST → REFUND_RESPONSE
//! then FINISH_OK `{refund}` or FINISH_CANCEL, refused (with the §7.2 reason codes) for unknown,
//! voided or fully refunded payments and for amounts above the refundable remainder; and the end
//! of a manual refund (TX_START `requestInfo:"CREDIT"`) with FINISH_OK `{credit}`. A payment's
//! refunds stay on it (`refunds: {"elements": […]}`), so RETRIEVE_PAYMENT and the cloud REST
//! endpoint show them.

use crate::protocol::{
    Cents, ErrorCode, FinishCancel, FinishOk, Message, PaymentResult, RefundRequest,
    RefundResponse, RequestInfo, TxState, UiDirection, UiState,
};
use crate::sim::cards::Card;
use crate::sim::customer::Scenario;

use super::flow::invalid_transition;
use super::io::ConnId;
use super::outbox::ui_state;
use super::payment_factory;
use super::sale::tx_state;
use super::{Device, Display, Fx};

/// Why a refund is refused: the REFUND_RESPONSE `reason` and `message`.
type Refusal = (ErrorCode, String);

impl Device {
    /// REFUND_REQUEST: refund part or all of a remembered payment, or refuse with a reason.
    /// Refused as INVALID_STATE_TRANSITION while a transaction runs.
    pub(super) fn on_refund_request(&mut self, fx: &mut Fx, conn: ConnId, m: RefundRequest) {
        if self.tx.is_some() {
            let (state, substate, data) = self.device_state();
            fx.note("REFUND_REQUEST refused: a transaction is running");
            let reply = invalid_transition("REFUND_REQUEST", state, substate, data);
            return self.send(fx, conn, &reply);
        }
        self.pos = Some(conn);
        let payment_id = m.payment_id.clone().unwrap_or_default();
        let (index, amount) = match self.refundable(&m) {
            Ok(found) => found,
            Err((reason, why)) => {
                fx.note(format!("REFUND_REQUEST refused: {why}"));
                let response = RefundResponse {
                    order_id: m.order_id.clone(),
                    payment_id: Some(payment_id),
                    refund: None,
                    reason: Some(reason),
                    message: Some(why),
                    code: Some(TxState::Fail),
                };
                self.send(fx, conn, &Message::RefundResponse(response));
                let cancel = Message::FinishCancel(FinishCancel {
                    request_info: Some(RequestInfo::Refund),
                });
                return self.end(fx, cancel, false, self.config.faults.late_frames);
            }
        };
        let mut payment = self.payments[index].clone();
        let refund = self.factory.refund(&mut self.rng, &payment, amount, fx.now);
        payment_factory::add_refund(&mut payment, &refund, fx.now);
        self.payments[index] = payment.clone();
        self.memory_changed();
        fx.note(format!(
            "refunded ${} of payment {payment_id} (refund {})",
            Cents(amount),
            refund.id.as_deref().unwrap_or("?")
        ));
        let text = "Processing refund";
        self.send(
            fx,
            conn,
            &ui_state(UiState::Processing, text, UiDirection::Enter),
        );
        self.send(
            fx,
            conn,
            &ui_state(UiState::Processing, text, UiDirection::Exit),
        );
        let scenario = Scenario::for_amount(amount);
        let response = RefundResponse {
            order_id: payment.order.as_ref().and_then(|o| o.id.clone()),
            payment_id: Some(payment_id),
            refund: Some(refund.clone()),
            reason: None,
            message: None,
            code: Some(TxState::Success),
        };
        let finish = Message::FinishOk(FinishOk {
            payment: None,
            credit: None,
            refund: Some(refund),
            signature: None,
            request_info: Some(RequestInfo::Refund),
        });
        if scenario.goes_half_open() {
            // The amount table's .10: the connection drops before REFUND_RESPONSE; the refund is
            // made and sendLastMessage re-sends its FINISH_OK.
            fx.note(format!("dropping POS {conn} just before REFUND_RESPONSE"));
            self.last_outcome = Some(finish);
            self.memory_changed();
            return self.close(fx, conn, None, "connection dropped before REFUND_RESPONSE");
        }
        self.send(fx, conn, &Message::RefundResponse(response));
        // The amount table's .06 (and the run-wide fault) drop the connection before FINISH_OK.
        let drop = scenario.drops_before_finish_ok() || self.config.faults.drop_before_finish_ok;
        self.end(fx, finish, drop, self.config.faults.late_frames);
    }

    /// The payment a refund request names and the amount to refund, or why not (§7.2 codes).
    /// Amounts include the tip: the refunds of a payment never exceed what it charged.
    fn refundable(&self, m: &RefundRequest) -> Result<(usize, i64), Refusal> {
        let id = m.payment_id.as_deref().unwrap_or_default();
        let Some(index) = self
            .payments
            .iter()
            .rposition(|p| !id.is_empty() && p.id.as_deref() == Some(id))
        else {
            let why = format!("payment {id} is not known on this device");
            return Err((ErrorCode::PaymentNotFound, why));
        };
        let payment = &self.payments[index];
        let order = payment.order.as_ref().and_then(|o| o.id.as_deref());
        if let Some(asked) = m.order_id.as_deref().filter(|o| !o.is_empty())
            && order != Some(asked)
        {
            let why = format!("order {asked} is not the order of payment {id}");
            return Err((ErrorCode::OrderNotFound, why));
        }
        if payment.result != Some(PaymentResult::Success) {
            let state = payment
                .result
                .as_ref()
                .map_or("not approved".to_owned(), |r| r.to_string());
            let why = format!("payment {id} is {state}: there is nothing to refund");
            return Err((ErrorCode::Fail, why));
        }
        let charged = payment
            .amount
            .unwrap_or(0)
            .saturating_add(payment.tip_amount.unwrap_or(0));
        let refunded: i64 = payment_factory::refunds(payment)
            .iter()
            .map(|r| r.amount.unwrap_or(0))
            .fold(0, i64::saturating_add);
        let remainder = charged.saturating_sub(refunded);
        if remainder <= 0 {
            let why = format!("payment {id} is already refunded in full");
            return Err((ErrorCode::Fail, why));
        }
        let amount = if m.full_refund == Some(true) {
            remainder
        } else {
            m.amount.unwrap_or(0)
        };
        if amount <= 0 {
            let why = "the refund amount must be above zero (or ask for a full refund)".to_owned();
            return Err((ErrorCode::Fail, why));
        }
        if amount > remainder {
            let why = format!(
                "a refund of ${} is more than the ${} left to refund on payment {id}",
                Cents(amount),
                Cents(remainder)
            );
            return Err((ErrorCode::Fail, why));
        }
        Ok((index, amount))
    }

    /// A manual refund's card was accepted: the credit is made, FINISH_OK `{credit}` (or the
    /// dropped connection of the drop fault — the credit is made either way).
    pub(super) fn credit_approved(&mut self, fx: &mut Fx, card: Card) {
        self.send_pos(fx, &tx_state(TxState::Success));
        let Some(tx) = self.tx.take() else { return };
        let credit = self.factory.credit(&mut self.rng, &card, tx.amount, fx.now);
        self.credits.push(super::memory::CreditRecord {
            external_id: tx.external_id.clone(),
            credit: credit.clone(),
        });
        if self.credits.len() > super::memory::MEMORY_MAX_RECORDS {
            self.credits.remove(0);
        }
        self.memory_changed();
        fx.note(format!(
            "credited ${} to {} {} ({})",
            Cents(tx.amount),
            card.brand,
            card.last4,
            tx.external_id
        ));
        let message = Message::FinishOk(FinishOk {
            payment: None,
            credit: Some(credit),
            refund: None,
            signature: None,
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
}
