//! What the app can ask of the device.

use crate::protocol::{Cents, Challenge, Payment, SaleRequest};

/// A request for the device.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceCommand {
    /// Start a sale.
    Sale(SaleRequest),
    /// Start a manual refund (TX_START `CREDIT`) of the request's amount.
    Credit(SaleRequest),
    /// REFUND_REQUEST of `amount` of a device payment.
    Refund {
        /// The device's payment id.
        payment_id: String,
        /// Its order id.
        order_id: Option<String>,
        /// The amount to give back.
        amount: Cents,
    },
    /// VOID_PAYMENT of a device payment.
    Void {
        /// The device's payment id.
        payment_id: String,
        /// Its order id.
        order_id: Option<String>,
    },
    /// Accept every challenge.
    AcceptPayment(Payment),
    /// Reject with the challenge's reason.
    RejectPayment(Payment, Challenge),
    /// Accept the signature.
    AcceptSignature(Payment),
    /// Reject the signature.
    RejectSignature(Payment),
    /// Look up a payment by external id.
    RetrievePayment(String),
    /// Ask what the device is doing; with `send_last_message`, re-send what it waits on.
    DeviceStatus {
        /// Re-send the last actionable frame.
        send_last_message: bool,
    },
    /// BREAK.
    Reset,
    /// KEY_PRESS ESC.
    Cancel,
    /// TERMINAL_MESSAGE.
    ShowMessage(String),
    /// SHOW_THANK_YOU_SCREEN.
    ShowThankYou,
    /// SHOW_WELCOME_SCREEN.
    ShowWelcome,
    /// SHOW_ORDER_SCREEN: the order and what changed (`app::order_desk`).
    ShowOrder(crate::protocol::display::OrderUpdate),
    /// Not a frame: connect again now if the connector waits to reconnect.
    Reconnect,
}

impl DeviceCommand {
    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            DeviceCommand::Sale(_) => "sale",
            DeviceCommand::Credit(_) => "credit",
            DeviceCommand::Refund { .. } => "refund",
            DeviceCommand::Void { .. } => "void",
            DeviceCommand::AcceptPayment(_) => "accept payment",
            DeviceCommand::RejectPayment(..) => "reject payment",
            DeviceCommand::AcceptSignature(_) => "accept signature",
            DeviceCommand::RejectSignature(_) => "reject signature",
            DeviceCommand::RetrievePayment(_) => "retrieve payment",
            DeviceCommand::DeviceStatus { .. } => "device status",
            DeviceCommand::Reset => "reset",
            DeviceCommand::Cancel => "cancel",
            DeviceCommand::ShowMessage(_) => "show message",
            DeviceCommand::ShowThankYou => "thank-you screen",
            DeviceCommand::ShowOrder(_) => "order display",
            DeviceCommand::ShowWelcome => "welcome screen",
            DeviceCommand::Reconnect => "reconnect",
        }
    }
}
