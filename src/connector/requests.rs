//! The messages the POS sends, built and validated before anything reaches the wire.
//!
//! Each function either returns the [`Message`] the connector frames and sends, or a
//! [`CommandError::Invalid`] naming the field. The golden test frames these same messages.

use crate::protocol::{
    Challenge, DiscoveryRequest, KeyPress, KeyPressMessage, Message, NoFields, PairingRequest,
    Payment, PaymentConfirmed, PaymentRejected, RefundRequest, RetrieveDeviceStatusRequest,
    RetrievePaymentRequest, SaleRequest, SignatureVerified, TerminalMessage, VoidPayment,
    validate_external_id,
};

/// Longest text accepted by [`show_message`].
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Why a command was not sent. Nothing went on the wire unless the variant says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The device is not connected or not ready; the command was refused, not queued.
    #[error("not sent: the device is not ready ({0}); try again once it is")]
    NotConnected(String),
    /// A parameter is invalid; nothing was sent.
    #[error("not sent: {field}: {problem}")]
    Invalid {
        /// The parameter, e.g. `payment.id`.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The connector was disposed (or its task ended).
    #[error("not sent: the connector has been shut down")]
    Disposed,
    /// Writing to the socket failed: the device may or may not have received the frame.
    #[error(
        "the connection broke while sending: the device may or may not have received it ({0}); check the payment status before retrying"
    )]
    SendFailed(String),
}

fn invalid(field: &'static str, problem: impl Into<String>) -> CommandError {
    CommandError::Invalid {
        field,
        problem: problem.into(),
    }
}

/// PAIRING_REQUEST with the stored token (`null` the first time, like the JS SDK).
pub fn pairing_request(pos_name: &str, serial_number: &str, token: Option<&str>) -> Message {
    Message::PairingRequest(PairingRequest {
        name: Some(pos_name.to_owned()),
        serial_number: Some(serial_number.to_owned()),
        application_name: Some(pos_name.to_owned()),
        authentication_token: token.map(str::to_owned),
    })
}

/// DISCOVERY_REQUEST (`supportsOrderModification: false`, as every SDK).
pub fn discovery_request() -> Message {
    Message::DiscoveryRequest(DiscoveryRequest {
        supports_order_modification: Some(false),
    })
}

/// TX_START for a validated sale.
pub fn sale(request: &SaleRequest) -> Message {
    request.to_message()
}

fn payment_id(payment: &Payment) -> Result<(), CommandError> {
    match payment.id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => Ok(()),
        _ => Err(invalid(
            "payment.id",
            "required (use the payment from the device's request)",
        )),
    }
}

/// REFUND_REQUEST for the device payment `payment_id` of order `order_id`: `amount` cents, or
/// the whole refundable remainder (`fullRefund`) when `None`.
pub fn refund(
    payment_id: &str,
    order_id: Option<&str>,
    amount: Option<i64>,
) -> Result<Message, CommandError> {
    if payment_id.trim().is_empty() {
        return Err(invalid(
            "payment_id",
            "required: the device's id of the payment to refund",
        ));
    }
    if let Some(a) = amount.filter(|a| *a <= 0) {
        return Err(invalid("amount", format!("{a} is not more than zero")));
    }
    Ok(Message::RefundRequest(RefundRequest {
        order_id: order_id.map(str::to_owned),
        payment_id: Some(payment_id.to_owned()),
        amount,
        full_refund: Some(amount.is_none()),
        ..RefundRequest::default()
    }))
}

/// VOID_PAYMENT of the device payment `payment_id` (of order `order_id`), reason USER_CANCEL.
pub fn void_payment(payment_id: &str, order_id: Option<&str>) -> Result<Message, CommandError> {
    if payment_id.trim().is_empty() {
        return Err(invalid(
            "payment.id",
            "required: the device's id of the payment to void",
        ));
    }
    let payment = Payment {
        id: Some(payment_id.to_owned()),
        order: order_id.map(|o| crate::protocol::Reference {
            id: Some(o.to_owned()),
            ..Default::default()
        }),
        ..Payment::default()
    };
    Ok(Message::VoidPayment(VoidPayment {
        payment: Some(payment),
        void_reason: Some(crate::protocol::VoidReason::UserCancel),
        ..VoidPayment::default()
    }))
}

fn device_payment(payment_id: &str, what: &str) -> Result<(), CommandError> {
    if payment_id.trim().is_empty() {
        return Err(invalid(
            "payment_id",
            format!("required: the device's id of the payment to {what}"),
        ));
    }
    Ok(())
}

/// CAPTURE_PREAUTH of the pre-auth `payment_id` for `amount` cents plus `tip` cents.
pub fn capture_preauth(payment_id: &str, amount: i64, tip: i64) -> Result<Message, CommandError> {
    device_payment(payment_id, "capture")?;
    if amount <= 0 {
        return Err(invalid("amount", format!("{amount} is not more than zero")));
    }
    if tip < 0 {
        return Err(invalid("tipAmount", format!("{tip} is negative")));
    }
    Ok(Message::CapturePreAuth(crate::protocol::CapturePreAuth {
        amount: Some(amount),
        tip_amount: Some(tip),
        payment_id: Some(payment_id.to_owned()),
    }))
}

/// INCREMENT_PREAUTH_REQUEST of the pre-auth `payment_id` by `amount` cents.
pub fn increment_preauth(payment_id: &str, amount: i64) -> Result<Message, CommandError> {
    device_payment(payment_id, "increment")?;
    if amount <= 0 {
        return Err(invalid("amount", format!("{amount} is not more than zero")));
    }
    Ok(Message::IncrementPreAuth(
        crate::protocol::IncrementPreAuth {
            amount: Some(amount),
            payment_id: Some(payment_id.to_owned()),
        },
    ))
}

/// TIP_ADJUST of the auth `payment_id` (of order `order_id`) to `tip` cents.
pub fn tip_adjust(
    payment_id: &str,
    order_id: Option<&str>,
    tip: i64,
) -> Result<Message, CommandError> {
    device_payment(payment_id, "adjust")?;
    if tip < 0 {
        return Err(invalid("tipAmount", format!("{tip} is negative")));
    }
    Ok(Message::TipAdjust(crate::protocol::TipAdjust {
        tip_amount: Some(tip),
        order_id: order_id.map(str::to_owned),
        payment_id: Some(payment_id.to_owned()),
    }))
}

/// CLOSEOUT_REQUEST of the open batch.
pub fn closeout(allow_open_tabs: bool) -> Message {
    Message::CloseoutRequest(crate::protocol::CloseoutRequest {
        allow_open_tabs: Some(allow_open_tabs),
        ..Default::default()
    })
}

/// PAYMENT_CONFIRMED: accept every challenge on `payment`.
pub fn accept_payment(payment: &Payment) -> Result<Message, CommandError> {
    payment_id(payment)?;
    Ok(Message::PaymentConfirmed(PaymentConfirmed {
        payment: Some(payment.clone()),
    }))
}

/// PAYMENT_REJECTED with the challenge's void reason.
pub fn reject_payment(payment: &Payment, challenge: &Challenge) -> Result<Message, CommandError> {
    payment_id(payment)?;
    let reason = challenge.reason.clone().ok_or_else(|| {
        invalid(
            "challenge.reason",
            "required (the void reason of the challenge being rejected)",
        )
    })?;
    Ok(Message::PaymentRejected(PaymentRejected {
        payment: Some(payment.clone()),
        reason: Some(reason),
    }))
}

/// SIGNATURE_VERIFIED with `verified`.
pub fn verify_signature(payment: &Payment, verified: bool) -> Result<Message, CommandError> {
    payment_id(payment)?;
    Ok(Message::SignatureVerified(SignatureVerified {
        payment: Some(payment.clone()),
        verified: Some(verified),
    }))
}

/// RETRIEVE_PAYMENT_REQUEST for an external id (1–32 printable ASCII characters).
pub fn retrieve_payment(external_id: &str) -> Result<Message, CommandError> {
    validate_external_id(external_id).map_err(|e| {
        let text = e.to_string();
        let problem = text
            .strip_prefix("external id: ")
            .unwrap_or(&text)
            .to_owned();
        invalid("external_id", problem)
    })?;
    Ok(Message::RetrievePaymentRequest(RetrievePaymentRequest {
        external_payment_id: Some(external_id.to_owned()),
    }))
}

/// RETRIEVE_DEVICE_STATUS_REQUEST.
pub fn retrieve_device_status(send_last_message: bool) -> Message {
    Message::RetrieveDeviceStatusRequest(RetrieveDeviceStatusRequest {
        send_last_message: Some(send_last_message),
    })
}

/// BREAK (reset the device).
pub fn reset_device() -> Message {
    Message::Break(NoFields {})
}

/// TERMINAL_MESSAGE: non-empty text of at most [`MAX_MESSAGE_CHARS`] characters.
pub fn show_message(text: &str) -> Result<Message, CommandError> {
    if text.trim().is_empty() {
        return Err(invalid("text", "must not be empty"));
    }
    let n = text.chars().count();
    if n > MAX_MESSAGE_CHARS {
        return Err(invalid(
            "text",
            format!("at most {MAX_MESSAGE_CHARS} characters (got {n})"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            "text",
            "control characters are not allowed (line breaks are)",
        ));
    }
    Ok(Message::TerminalMessage(TerminalMessage {
        text: Some(text.to_owned()),
    }))
}

/// SHOW_WELCOME_SCREEN.
pub fn show_welcome() -> Message {
    Message::ShowWelcomeScreen(NoFields {})
}

/// SHOW_THANK_YOU_SCREEN.
pub fn show_thank_you() -> Message {
    Message::ShowThankYouScreen(NoFields {})
}

/// KEY_PRESS of a known key (`ESC` is the device's Cancel button).
pub fn key_press(key: KeyPress) -> Result<Message, CommandError> {
    if !key.is_known() {
        return Err(invalid("key", format!("unknown key '{key}'")));
    }
    Ok(Message::KeyPress(KeyPressMessage {
        key_press: Some(key),
    }))
}

/// KEY_PRESS ESC: cancel what the device is waiting for.
pub fn cancel() -> Message {
    Message::KeyPress(KeyPressMessage {
        key_press: Some(KeyPress::Esc),
    })
}

/// SHUTDOWN (sent to the cloud proxy on dispose, like the JS SDK).
pub fn shutdown() -> Message {
    Message::Shutdown(NoFields {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::VoidReason;

    #[test]
    fn refuses_payments_without_id() {
        let p = Payment::default();
        let err = accept_payment(&p).unwrap_err();
        assert_eq!(
            err,
            CommandError::Invalid {
                field: "payment.id",
                problem: err_problem(&err)
            }
        );
        assert!(err.to_string().contains("payment.id"), "{err}");
        assert!(
            verify_signature(
                &Payment {
                    id: Some(" ".into()),
                    ..p.clone()
                },
                true
            )
            .is_err()
        );
        let with_id = Payment {
            id: Some("PAY1".into()),
            ..p
        };
        assert!(accept_payment(&with_id).is_ok());
        let e = reject_payment(&with_id, &Challenge::default()).unwrap_err();
        assert!(matches!(
            e,
            CommandError::Invalid {
                field: "challenge.reason",
                ..
            }
        ));
        let ch = Challenge {
            reason: Some(VoidReason::RejectDuplicate),
            ..Challenge::default()
        };
        assert!(reject_payment(&with_id, &ch).is_ok());
    }

    fn err_problem(e: &CommandError) -> String {
        match e {
            CommandError::Invalid { problem, .. } => problem.clone(),
            _ => String::new(),
        }
    }

    #[test]
    fn refuses_bad_texts_and_ids() {
        assert!(matches!(
            show_message("  "),
            Err(CommandError::Invalid { field: "text", .. })
        ));
        assert!(show_message(&"x".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(show_message("bell\u{7}").is_err());
        assert!(show_message("two\nlines").is_ok());
        let e = retrieve_payment("").unwrap_err();
        assert_eq!(
            e.to_string(),
            "not sent: external_id: must not be empty (leave it out to get a fresh one)"
        );
        assert!(retrieve_payment(&"x".repeat(33)).is_err());
        assert!(retrieve_payment("EXT0000000001").is_ok());
        assert!(key_press(KeyPress::Unknown("WARP".into())).is_err());
    }
}
