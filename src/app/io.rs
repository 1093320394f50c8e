//! What the POS state machine hears from the device and the ledger, and asks of them.
//!
//! These are the app's own types: the runtime maps connector events to [`DeviceInput`] and
//! executes [`DeviceCommand`]s and [`LedgerOp`]s, so the app stays pure and testable.

use crate::ledger::PaymentState;
use crate::protocol::{
    Cents, Challenge, ExternalDeviceState, ExternalDeviceSubState, Payment, QueryStatus,
    RequestInfo, SaleRequest, Signature, TxStartResponseResult, TxState, UiDirection,
};

/// Merchant and device names from the device's DISCOVERY_RESPONSE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Merchant name.
    pub merchant_name: String,
    /// Device name.
    pub device_name: String,
    /// Device serial.
    pub serial: String,
}

/// Something the device (or the connection to it) did.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceInput {
    /// A connection attempt started.
    Connecting {
        /// 1 for the first attempt.
        attempt: u32,
    },
    /// The device shows a pairing code that must be typed on it.
    PairingCode(String),
    /// Paired; the new token is already saved.
    Paired,
    /// Connected but not ready to take payments.
    NotReady(String),
    /// Ready to take payments.
    Ready(DeviceInfo),
    /// The connection is gone.
    Disconnected(String),
    /// An error the operator must see (TLS, already connected, remote error…).
    Error(String),
    /// The device's screen changed (display only).
    UiState {
        /// Screen text.
        text: String,
        /// Appears or disappears.
        direction: Option<UiDirection>,
        /// True when the screen is the device's DECLINED screen.
        declined: bool,
        /// True while the device waits for the customer's signature (ADD_SIGNATURE shown): it
        /// ignores cancel then.
        signing: bool,
        /// True when the screen is the device's card time-out screen (TIMED_OUT).
        timed_out: bool,
    },
    /// TX_STATE.
    TxState(TxState),
    /// TX_START_RESPONSE.
    TxStartResponse {
        /// The verdict.
        result: TxStartResponseResult,
        /// Echoed external id.
        external_id: Option<String>,
        /// Device text.
        message: Option<String>,
    },
    /// CONFIRM_PAYMENT_MESSAGE: challenges on an authorised payment.
    ConfirmPayment {
        /// The authorised payment.
        payment: Payment,
        /// The challenges.
        challenges: Vec<Challenge>,
    },
    /// VERIFY_SIGNATURE.
    VerifySignature {
        /// The authorised payment.
        payment: Payment,
        /// The strokes.
        signature: Signature,
    },
    /// FINISH_OK.
    FinishOk {
        /// The payment, when the transaction was a payment.
        payment: Option<Payment>,
        /// Echoed request type.
        request_info: Option<RequestInfo>,
    },
    /// FINISH_CANCEL.
    FinishCancel {
        /// Echoed request type.
        request_info: Option<RequestInfo>,
    },
    /// RETRIEVE_PAYMENT_RESPONSE.
    RetrievePayment {
        /// FOUND / NOT_FOUND / IN_PROGRESS.
        query: QueryStatus,
        /// Echoed external id.
        external_id: Option<String>,
        /// The payment when found.
        payment: Option<Payment>,
    },
    /// RETRIEVE_DEVICE_STATUS_RESPONSE.
    DeviceStatus {
        /// What the device is doing.
        state: ExternalDeviceState,
        /// Detail.
        substate: Option<ExternalDeviceSubState>,
        /// The external id it is working on.
        external_id: Option<String>,
    },
    /// RESET_DEVICE_RESPONSE.
    ResetDone {
        /// State after the reset.
        state: Option<ExternalDeviceState>,
    },
    /// A command could not be handed to the transport.
    CommandFailed {
        /// Which command.
        command: &'static str,
        /// Why.
        error: String,
        /// True when nothing reached the wire (e.g. not connected).
        not_sent: bool,
    },
    /// A frame crossed the wire (already redacted), for the frames screen.
    Frame {
        /// `pos->device` or `device->pos`.
        direction: &'static str,
        /// One-line summary.
        summary: String,
    },
}

/// A request for the device.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceCommand {
    /// Start a sale.
    Sale(SaleRequest),
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
    /// Not a frame: connect again now if the connector waits to reconnect.
    Reconnect,
}

impl DeviceCommand {
    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            DeviceCommand::Sale(_) => "sale",
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
            DeviceCommand::ShowWelcome => "welcome screen",
            DeviceCommand::Reconnect => "reconnect",
        }
    }
}

/// What a finished or recovered payment looked like on the device (brand and last4 only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFacts {
    /// Clover payment id.
    pub device_payment_id: Option<String>,
    /// Clover order id.
    pub order_id: Option<String>,
    /// Card brand.
    pub card_brand: Option<String>,
    /// Last four digits.
    pub last4: Option<String>,
    /// Authorisation code.
    pub auth_code: Option<String>,
    /// Payment result as the device reported it.
    pub result: Option<String>,
    /// Amount actually charged (partial auth), when it differs.
    pub amount_charged: Option<Cents>,
}

impl PaymentFacts {
    /// Facts from a device payment (never the cardholder name, first6 or tokens).
    pub fn from_payment(p: &Payment) -> PaymentFacts {
        PaymentFacts {
            device_payment_id: p.id.clone(),
            order_id: p.order.as_ref().and_then(|o| o.id.clone()),
            card_brand: p.card_brand().map(|b| b.to_string()),
            last4: p.last4().map(str::to_owned),
            auth_code: p.auth_code().map(str::to_owned),
            result: p.result.as_ref().map(|r| r.to_string()),
            amount_charged: p.amount.map(Cents),
        }
    }
}

/// A write to the ledger. The runtime runs these in order and stops the batch at the first
/// failure (so nothing is sent after a failed persist), reporting [`super::Event::PersistFailed`].
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerOp {
    /// Record a new sale in state `created`, before its frame exists.
    Create {
        /// External id.
        external_id: String,
        /// Amount.
        amount: Cents,
        /// Tip.
        tip: Option<Cents>,
        /// Tax.
        tax: Option<Cents>,
    },
    /// Move a payment to a new state and record why.
    Transition {
        /// External id.
        external_id: String,
        /// New state.
        to: PaymentState,
        /// The frame method or recovery step that caused it.
        cause: String,
        /// Human detail.
        detail: String,
        /// What the device told us about the payment.
        facts: PaymentFacts,
    },
    /// Record an event (a recovery step, a reset request) without a state change.
    Note {
        /// External id.
        external_id: String,
        /// What happened.
        cause: String,
        /// Detail.
        detail: String,
    },
}

/// A non-final payment loaded from the ledger at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPayment {
    /// External id.
    pub external_id: String,
    /// Amount.
    pub amount: Cents,
    /// Tip.
    pub tip: Option<Cents>,
    /// Tax.
    pub tax: Option<Cents>,
    /// Stored state.
    pub state: PaymentState,
}
