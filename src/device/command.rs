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

/// Which command, without its data: what a failed send reports, what the app matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    /// [`DeviceCommand::Sale`].
    Sale,
    /// [`DeviceCommand::Credit`].
    Credit,
    /// [`DeviceCommand::Refund`].
    Refund,
    /// [`DeviceCommand::Void`].
    Void,
    /// [`DeviceCommand::Auth`].
    Auth,
    /// [`DeviceCommand::PreAuth`].
    PreAuth,
    /// [`DeviceCommand::Capture`].
    Capture,
    /// [`DeviceCommand::Increment`].
    Increment,
    /// [`DeviceCommand::TipAdjust`].
    TipAdjust,
    /// [`DeviceCommand::Closeout`].
    Closeout,
    /// [`DeviceCommand::AcceptPayment`].
    AcceptPayment,
    /// [`DeviceCommand::RejectPayment`].
    RejectPayment,
    /// [`DeviceCommand::AcceptSignature`].
    AcceptSignature,
    /// [`DeviceCommand::RejectSignature`].
    RejectSignature,
    /// [`DeviceCommand::RetrievePayment`].
    RetrievePayment,
    /// [`DeviceCommand::DeviceStatus`].
    DeviceStatus,
    /// [`DeviceCommand::Reset`].
    Reset,
    /// [`DeviceCommand::Cancel`].
    Cancel,
    /// [`DeviceCommand::ShowMessage`].
    ShowMessage,
    /// [`DeviceCommand::ShowThankYou`].
    ShowThankYou,
    /// [`DeviceCommand::ShowWelcome`].
    ShowWelcome,
    /// [`DeviceCommand::ShowOrder`].
    ShowOrder,
    /// [`DeviceCommand::PrintText`].
    PrintText,
    /// [`DeviceCommand::PrintJobStatus`].
    PrintJobStatus,
    /// [`DeviceCommand::Reconnect`].
    Reconnect,
}

impl CommandKind {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            CommandKind::Sale => "sale",
            CommandKind::Credit => "credit",
            CommandKind::Refund => "refund",
            CommandKind::Void => "void",
            CommandKind::Auth => "auth",
            CommandKind::PreAuth => "preauth",
            CommandKind::Capture => "capture",
            CommandKind::Increment => "increment",
            CommandKind::TipAdjust => "tip adjust",
            CommandKind::Closeout => "closeout",
            CommandKind::AcceptPayment => "accept payment",
            CommandKind::RejectPayment => "reject payment",
            CommandKind::AcceptSignature => "accept signature",
            CommandKind::RejectSignature => "reject signature",
            CommandKind::RetrievePayment => "retrieve payment",
            CommandKind::DeviceStatus => "device status",
            CommandKind::Reset => "reset",
            CommandKind::Cancel => "cancel",
            CommandKind::ShowMessage => "show message",
            CommandKind::ShowThankYou => "thank-you screen",
            CommandKind::ShowOrder => "order display",
            CommandKind::PrintText => "print",
            CommandKind::PrintJobStatus => "print job status",
            CommandKind::ShowWelcome => "welcome screen",
            CommandKind::Reconnect => "reconnect",
        }
    }

    /// True for a command that starts a transaction (one the ledger recorded before sending).
    pub fn starts_transaction(self) -> bool {
        matches!(
            self,
            CommandKind::Sale
                | CommandKind::Refund
                | CommandKind::Void
                | CommandKind::Credit
                | CommandKind::Auth
                | CommandKind::PreAuth
                | CommandKind::Capture
                | CommandKind::Increment
                | CommandKind::TipAdjust
        )
    }
}

impl CommandKind {
    /// True for the POS's answer to a challenge or a signature.
    pub fn answers_a_prompt(self) -> bool {
        matches!(
            self,
            CommandKind::AcceptPayment
                | CommandKind::RejectPayment
                | CommandKind::AcceptSignature
                | CommandKind::RejectSignature
        )
    }
}

impl std::fmt::Display for CommandKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl DeviceCommand {
    /// Which command this is.
    pub fn kind(&self) -> CommandKind {
        match self {
            DeviceCommand::Sale(_) => CommandKind::Sale,
            DeviceCommand::Credit(_) => CommandKind::Credit,
            DeviceCommand::Refund { .. } => CommandKind::Refund,
            DeviceCommand::Void { .. } => CommandKind::Void,
            DeviceCommand::Auth(_) => CommandKind::Auth,
            DeviceCommand::PreAuth(_) => CommandKind::PreAuth,
            DeviceCommand::Capture { .. } => CommandKind::Capture,
            DeviceCommand::Increment { .. } => CommandKind::Increment,
            DeviceCommand::TipAdjust { .. } => CommandKind::TipAdjust,
            DeviceCommand::Closeout { .. } => CommandKind::Closeout,
            DeviceCommand::AcceptPayment(_) => CommandKind::AcceptPayment,
            DeviceCommand::RejectPayment(..) => CommandKind::RejectPayment,
            DeviceCommand::AcceptSignature(_) => CommandKind::AcceptSignature,
            DeviceCommand::RejectSignature(_) => CommandKind::RejectSignature,
            DeviceCommand::RetrievePayment(_) => CommandKind::RetrievePayment,
            DeviceCommand::DeviceStatus { .. } => CommandKind::DeviceStatus,
            DeviceCommand::Reset => CommandKind::Reset,
            DeviceCommand::Cancel => CommandKind::Cancel,
            DeviceCommand::ShowMessage(_) => CommandKind::ShowMessage,
            DeviceCommand::ShowThankYou => CommandKind::ShowThankYou,
            DeviceCommand::ShowOrder(_) => CommandKind::ShowOrder,
            DeviceCommand::PrintText { .. } => CommandKind::PrintText,
            DeviceCommand::PrintJobStatus(_) => CommandKind::PrintJobStatus,
            DeviceCommand::ShowWelcome => CommandKind::ShowWelcome,
            DeviceCommand::Reconnect => CommandKind::Reconnect,
        }
    }

    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}
