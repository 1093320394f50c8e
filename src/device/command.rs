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
    /// Start an auth (TX_START `AUTH`, tip on paper).
    Auth(SaleRequest),
    /// Start a pre-auth (TX_START `PREAUTH`).
    PreAuth(SaleRequest),
    /// CAPTURE_PREAUTH of a device payment for `amount` plus `tip`.
    Capture {
        /// The device's payment id of the pre-auth.
        payment_id: String,
        /// The final amount.
        amount: Cents,
        /// The tip.
        tip: Cents,
    },
    /// INCREMENT_PREAUTH_REQUEST of a device payment by `amount`.
    Increment {
        /// The device's payment id of the pre-auth.
        payment_id: String,
        /// How much more to hold.
        amount: Cents,
    },
    /// TIP_ADJUST of a device payment to `tip`.
    TipAdjust {
        /// The device's payment id of the auth.
        payment_id: String,
        /// Its order id.
        order_id: Option<String>,
        /// The new tip.
        tip: Cents,
    },
    /// CLOSEOUT_REQUEST.
    Closeout {
        /// Close the batch even while auths wait for their tips.
        allow_open_tabs: bool,
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
    /// PRINT_TEXT: lines for the device's printer, as our job `job_id`.
    PrintText {
        /// The lines.
        lines: Vec<String>,
        /// `externalPrintJobId`.
        job_id: String,
    },
    /// PRINT_JOB_STATUS_REQUEST for our job.
    PrintJobStatus(String),
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
            DeviceCommand::Auth(_) => "auth",
            DeviceCommand::PreAuth(_) => "preauth",
            DeviceCommand::Capture { .. } => "capture",
            DeviceCommand::Increment { .. } => "increment",
            DeviceCommand::TipAdjust { .. } => "tip adjust",
            DeviceCommand::Closeout { .. } => "closeout",
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
            DeviceCommand::PrintText { .. } => "print",
            DeviceCommand::PrintJobStatus(_) => "print job status",
            DeviceCommand::Reconnect => "reconnect",
        }
    }
}
