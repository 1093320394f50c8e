//! The command side: a cloneable handle whose methods validate, hand the message to the
//! connector task and return as soon as it is on the wire (or refused). Replies arrive as events.
//!
//! A command is sent on the current connection immediately or refused with
//! [`CommandError::NotConnected`]; it is never queued and replayed after a reconnect, so the
//! transport can never send a sale twice.

use tokio::sync::{mpsc, oneshot};

use crate::protocol::{Challenge, KeyPress, Message, Payment, SaleRequest};

use super::requests::{self, CommandError};

/// What the handle asks of the connector task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Send this message now (device must be ready), answer with its envelope id.
    Send {
        message: Box<Message>,
        reply: oneshot::Sender<Result<String, CommandError>>,
    },
    /// Close and stop; `done` fires when the socket is closed.
    Dispose { done: oneshot::Sender<()> },
    /// Cut the wait before the next connection attempt short (no effect while connected).
    Reconnect,
}

/// Commands to the device. Cheap to clone; every method returns the envelope id of the frame
/// sent (ACKs refer to it), or why nothing was sent.
#[derive(Debug, Clone)]
pub struct ConnectorHandle {
    tx: mpsc::Sender<Command>,
}

impl ConnectorHandle {
    pub(crate) fn new(tx: mpsc::Sender<Command>) -> Self {
        ConnectorHandle { tx }
    }

    async fn send(&self, message: Message) -> Result<String, CommandError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Send {
                message: Box::new(message),
                reply,
            })
            .await
            .map_err(|_| CommandError::Disposed)?;
        answer.await.map_err(|_| CommandError::Disposed)?
    }

    /// Starts a sale (TX_START). The outcome arrives as [`super::DeviceEvent::SaleFinished`].
    pub async fn sale(&self, request: &SaleRequest) -> Result<String, CommandError> {
        self.send(requests::sale(request)).await
    }

    /// Starts a manual refund (TX_START `CREDIT`) of `request`'s amount. The outcome arrives as
    /// [`super::DeviceEvent::CreditFinished`] or a FINISH_CANCEL.
    pub async fn credit(&self, request: &SaleRequest) -> Result<String, CommandError> {
        self.send(request.to_credit_message()).await
    }

    /// Refunds `amount` cents (the whole remainder when `None`) of the device payment
    /// `payment_id` (REFUND_REQUEST). Answered with [`super::DeviceEvent::RefundResponse`] then
    /// [`super::DeviceEvent::RefundFinished`] or a FINISH_CANCEL.
    pub async fn refund(
        &self,
        payment_id: &str,
        order_id: Option<&str>,
        amount: Option<i64>,
    ) -> Result<String, CommandError> {
        self.send(requests::refund(payment_id, order_id, amount)?)
            .await
    }

    /// Voids the device payment `payment_id` (VOID_PAYMENT). Answered with
    /// [`super::DeviceEvent::VoidPaymentResponse`] when the device supports it, else only an ACK.
    pub async fn void_payment(
        &self,
        payment_id: &str,
        order_id: Option<&str>,
    ) -> Result<String, CommandError> {
        self.send(requests::void_payment(payment_id, order_id)?)
            .await
    }

    /// Starts an auth (TX_START `AUTH`, tip on paper). The outcome arrives as
    /// [`super::DeviceEvent::SaleFinished`].
    pub async fn auth(&self, request: &SaleRequest) -> Result<String, CommandError> {
        self.send(request.to_auth_message()).await
    }

    /// Starts a pre-auth (TX_START `PREAUTH`). The outcome arrives as
    /// [`super::DeviceEvent::SaleFinished`].
    pub async fn preauth(&self, request: &SaleRequest) -> Result<String, CommandError> {
        self.send(request.to_preauth_message()).await
    }

    /// Captures the pre-auth `payment_id` for `amount` plus `tip` cents (CAPTURE_PREAUTH).
    /// Answered with [`super::DeviceEvent::CaptureResponse`].
    pub async fn capture_preauth(
        &self,
        payment_id: &str,
        amount: i64,
        tip: i64,
    ) -> Result<String, CommandError> {
        self.send(requests::capture_preauth(payment_id, amount, tip)?)
            .await
    }

    /// Raises the pre-auth `payment_id`'s hold by `amount` cents (INCREMENT_PREAUTH_REQUEST).
    /// Answered with [`super::DeviceEvent::IncrementResponse`].
    pub async fn increment_preauth(
        &self,
        payment_id: &str,
        amount: i64,
    ) -> Result<String, CommandError> {
        self.send(requests::increment_preauth(payment_id, amount)?)
            .await
    }

    /// Sets the auth `payment_id`'s tip to `tip` cents (TIP_ADJUST). Answered with
    /// [`super::DeviceEvent::TipAdjustResponse`].
    pub async fn tip_adjust(
        &self,
        payment_id: &str,
        order_id: Option<&str>,
        tip: i64,
    ) -> Result<String, CommandError> {
        self.send(requests::tip_adjust(payment_id, order_id, tip)?)
            .await
    }

    /// Closes the open batch (CLOSEOUT_REQUEST). Answered with
    /// [`super::DeviceEvent::CloseoutResponse`].
    pub async fn closeout(&self, allow_open_tabs: bool) -> Result<String, CommandError> {
        self.send(requests::closeout(allow_open_tabs)).await
    }

    /// Accepts the challenges on `payment` (PAYMENT_CONFIRMED).
    pub async fn accept_payment(&self, payment: &Payment) -> Result<String, CommandError> {
        self.send(requests::accept_payment(payment)?).await
    }

    /// Rejects `payment` for `challenge` (PAYMENT_REJECTED with the challenge's reason).
    pub async fn reject_payment(
        &self,
        payment: &Payment,
        challenge: &Challenge,
    ) -> Result<String, CommandError> {
        self.send(requests::reject_payment(payment, challenge)?)
            .await
    }

    /// Accepts the signature on `payment` (SIGNATURE_VERIFIED true).
    pub async fn accept_signature(&self, payment: &Payment) -> Result<String, CommandError> {
        self.send(requests::verify_signature(payment, true)?).await
    }

    /// Rejects the signature on `payment` (SIGNATURE_VERIFIED false).
    pub async fn reject_signature(&self, payment: &Payment) -> Result<String, CommandError> {
        self.send(requests::verify_signature(payment, false)?).await
    }

    /// Asks for the payment with this external id (RETRIEVE_PAYMENT_REQUEST).
    pub async fn retrieve_payment(&self, external_id: &str) -> Result<String, CommandError> {
        self.send(requests::retrieve_payment(external_id)?).await
    }

    /// Asks what the device is doing; with `send_last_message` the device also re-sends the
    /// last message the POS must act on (RETRIEVE_DEVICE_STATUS_REQUEST).
    pub async fn retrieve_device_status(
        &self,
        send_last_message: bool,
    ) -> Result<String, CommandError> {
        self.send(requests::retrieve_device_status(send_last_message))
            .await
    }

    /// Resets the device (BREAK). May void an authorised, unfinished payment.
    pub async fn reset_device(&self) -> Result<String, CommandError> {
        self.send(requests::reset_device()).await
    }

    /// Shows `text` on the device (TERMINAL_MESSAGE).
    pub async fn show_message(&self, text: &str) -> Result<String, CommandError> {
        self.send(requests::show_message(text)?).await
    }

    /// Shows the order on the customer display (SHOW_ORDER_SCREEN with one operation).
    pub async fn show_order(
        &self,
        update: &crate::protocol::display::OrderUpdate,
    ) -> Result<String, CommandError> {
        self.send(super::display_requests::show_order(update.clone())?)
            .await
    }

    /// Shows the welcome screen.
    pub async fn show_welcome(&self) -> Result<String, CommandError> {
        self.send(requests::show_welcome()).await
    }

    /// Shows the thank-you screen.
    pub async fn show_thank_you(&self) -> Result<String, CommandError> {
        self.send(requests::show_thank_you()).await
    }

    /// Presses the device's Cancel button (KEY_PRESS ESC).
    pub async fn cancel(&self) -> Result<String, CommandError> {
        self.send(requests::cancel()).await
    }

    /// Presses a device button offered in a UI_STATE's input options (KEY_PRESS).
    pub async fn press_key(&self, key: KeyPress) -> Result<String, CommandError> {
        self.send(requests::key_press(key)?).await
    }

    /// Connects again now when the connector is waiting to reconnect (the operator asked: no
    /// need to wait out the backoff). Does nothing while connected or connecting.
    pub async fn reconnect_now(&self) {
        let _ = self.tx.send(Command::Reconnect).await;
    }

    /// Closes the connection (cloud: after SHUTDOWN, like the JS SDK) and stops the connector.
    /// Returns once the socket is closed. Later commands fail with [`CommandError::Disposed`].
    pub async fn dispose(&self) {
        let (done, closed) = oneshot::channel();
        if self.tx.send(Command::Dispose { done }).await.is_ok() {
            let _ = closed.await;
        }
    }
}
