//! Receipt options on demand (PROTOCOL.md §7.2): SHOW_PAYMENT_RECEIPT_OPTIONS (payload v2) and
//! SHOW_RECEIPT_OPTIONS (the JS SDK 4.x `displayReceiptOptions`, which may name a refund) →
//! UI_STATE RECEIPT_OPTIONS on the screen, the customer's choice, SHOW_RECEIPT_OPTIONS_RESPONSE.
//!
//! The simulated customer chooses "No receipt" at once (SUCCESS). A payment or refund the device
//! does not remember is FAIL `PAYMENT_NOT_FOUND` / `REFUND_NOT_FOUND`; a credit is not kept by
//! the simulator, so a credit id alone is FAIL `CREDIT_NOT_FOUND`; while a transaction runs the
//! screen belongs to it: FAIL `DEVICE_BUSY`. A request naming nothing is refused with
//! REMOTE_ERROR 422.

use crate::protocol::display::{
    ShowPaymentReceiptOptions, ShowReceiptOptions, ShowReceiptOptionsResponse,
};
use crate::protocol::{Message, UiDirection, UiState};

use super::io::ConnId;
use super::outbox::{ERROR_BAD_REQUEST, ui_state};
use super::payment_factory;
use super::{Device, Fx};

/// What the customer is asked on the receipt screen.
pub const RECEIPT_QUESTION: &str = "How would you like your receipt?";

/// Which receipt is asked for.
enum Subject<'a> {
    Payment(&'a str),
    Refund(&'a str),
    Credit,
}

fn non_empty(id: &Option<String>) -> Option<&str> {
    id.as_deref().filter(|s| !s.is_empty())
}

impl Device {
    /// SHOW_PAYMENT_RECEIPT_OPTIONS: the receipt choice for a payment.
    pub(super) fn on_payment_receipt_options(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: ShowPaymentReceiptOptions,
    ) {
        let subject = non_empty(&m.payment_id).map(Subject::Payment);
        self.receipt_options(fx, conn, subject);
    }

    /// SHOW_RECEIPT_OPTIONS: the receipt choice for a refund (when named), else a payment, else
    /// a credit.
    pub(super) fn on_receipt_options(&mut self, fx: &mut Fx, conn: ConnId, m: ShowReceiptOptions) {
        let subject = non_empty(&m.refund_id)
            .map(Subject::Refund)
            .or_else(|| non_empty(&m.payment_id).map(Subject::Payment))
            .or_else(|| non_empty(&m.credit_id).map(|_| Subject::Credit));
        self.receipt_options(fx, conn, subject);
    }

    fn receipt_options(&mut self, fx: &mut Fx, conn: ConnId, subject: Option<Subject<'_>>) {
        let Some(subject) = subject else {
            let why = "receipt options need a paymentId, refundId or creditId";
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, why);
        };
        let failure = if self.tx.is_some() {
            Some("DEVICE_BUSY")
        } else {
            match subject {
                Subject::Payment(id) => {
                    (!self.payments.iter().any(|p| p.id.as_deref() == Some(id)))
                        .then_some("PAYMENT_NOT_FOUND")
                }
                Subject::Refund(id) => (!self.payments.iter().any(|p| {
                    payment_factory::refunds(p)
                        .iter()
                        .any(|r| r.id.as_deref() == Some(id))
                }))
                .then_some("REFUND_NOT_FOUND"),
                Subject::Credit => Some("CREDIT_NOT_FOUND"),
            }
        };
        let response = match failure {
            Some(reason) => {
                fx.note(format!("receipt options refused: {reason}"));
                ShowReceiptOptionsResponse {
                    status: Some("FAIL".into()),
                    reason: Some(reason.into()),
                }
            }
            None => {
                let enter = ui_state(
                    UiState::ReceiptOptions,
                    RECEIPT_QUESTION,
                    UiDirection::Enter,
                );
                self.send(fx, conn, &enter);
                fx.note("receipt options shown; the customer chose no receipt");
                let exit = ui_state(UiState::ReceiptOptions, RECEIPT_QUESTION, UiDirection::Exit);
                self.send(fx, conn, &exit);
                ShowReceiptOptionsResponse {
                    status: Some("SUCCESS".into()),
                    reason: None,
                }
            }
        };
        self.send(fx, conn, &Message::ShowReceiptOptionsResponse(response));
    }
}
