//! What the POS state machine hears from the device and the ledger, and asks of them.
//!
//! These are the app's own types: the runtime maps connector events to [`DeviceInput`] and
//! executes [`DeviceCommand`]s and [`LedgerOp`]s, so the app stays pure and testable.

use crate::ledger::{PaymentKind, PaymentState};
use crate::protocol::{
    Cents, Challenge, Credit, ExternalDeviceState, ExternalDeviceSubState, Payment, QueryStatus,
    Refund, RequestInfo, SaleRequest, Signature, TxStartResponseResult, TxState, UiDirection,
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
    /// Clover merchant id.
    pub merchant_id: String,
    /// The device answers VOID_PAYMENT with VOID_PAYMENT_RESPONSE (else only an ACK).
    pub supports_void_payment_response: bool,
}

impl DeviceInfo {
    /// The device's identity for the ledger (`device:SERIAL@MERCHANT`), the same however the
    /// device is reached (`localhost` or `127.0.0.1`, a new IP address); `None` when the device
    /// gave no serial.
    pub fn identity(&self) -> Option<String> {
        (!self.serial.trim().is_empty())
            .then(|| format!("device:{}@{}", self.serial.trim(), self.merchant_id.trim()))
    }
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
    /// PAYMENT_VOIDED: the device voided a payment (its `result` may still say SUCCESS).
    PaymentVoided {
        /// The voided payment.
        payment: Option<Payment>,
        /// The void reason, as the device named it.
        reason: Option<String>,
    },
    /// TIP_ADDED: the customer chose a tip on the device.
    TipAdded(Cents),
    /// The device refused a request because it is busy with another payment
    /// (INVALID_STATE_TRANSITION).
    Busy(String),
    /// REFUND_RESPONSE: the device's answer to our REFUND_REQUEST.
    RefundResponse {
        /// The device says the refund was made.
        success: bool,
        /// The device payment refunded.
        payment_id: Option<String>,
        /// The refund made.
        refund: Option<Refund>,
        /// The reason code of a refusal, and the device's message.
        message: Option<String>,
    },
    /// FINISH_OK `{refund}`.
    RefundFinished(Refund),
    /// FINISH_OK `{credit}`.
    CreditFinished(Credit),
    /// VOID_PAYMENT_RESPONSE.
    VoidResponse {
        /// The device says the payment was voided.
        success: bool,
        /// The payment as the device has it now.
        payment: Option<Payment>,
        /// The device's reason for a refusal.
        message: Option<String>,
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
    /// Money actually taken: the payment's amount plus its tip.
    pub amount_charged: Option<Cents>,
    /// The tip as the device's payment says.
    pub tip: Option<Cents>,
    /// The tax as the device's payment says.
    pub tax: Option<Cents>,
    /// For a partial approval: what is still due.
    pub remaining: Option<Cents>,
}

impl PaymentFacts {
    /// Facts from a device payment (never the cardholder name, first6 or tokens), sanitised to
    /// what the ledger stores: a device value the ledger would refuse is dropped, not fatal.
    pub fn from_payment(p: &Payment) -> PaymentFacts {
        let tip = p.tip_amount.filter(|t| *t >= 0);
        let charged = p
            .amount
            .filter(|a| *a >= 0)
            .map(|a| Cents(a.saturating_add(tip.unwrap_or(0))));
        PaymentFacts {
            device_payment_id: p.id.as_deref().and_then(|v| clean_id(v, 64)),
            order_id: p
                .order
                .as_ref()
                .and_then(|o| o.id.as_deref())
                .and_then(|v| clean_id(v, 64)),
            card_brand: p.card_brand().and_then(|b| clean_brand(&b.to_string())),
            last4: p.last4().filter(|l| is_last4(l)).map(str::to_owned),
            auth_code: p.auth_code().and_then(|v| clean_id(v, 32)),
            result: p.result.as_ref().and_then(|r| clean_id(&r.to_string(), 32)),
            amount_charged: charged,
            tip: tip.map(Cents),
            tax: p.tax_amount.filter(|t| *t >= 0).map(Cents),
            remaining: None,
        }
    }
}

/// True for exactly four ASCII digits.
fn is_last4(l: &str) -> bool {
    l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit())
}

/// An identifier the device gave, kept only when it is 1–`max` printable ASCII characters
/// without spaces or control codes.
fn clean_id(v: &str, max: usize) -> Option<String> {
    let ok = !v.is_empty() && v.len() <= max && v.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| v.to_owned())
}

/// A card brand as the ledger stores it: 1–32 characters, no digits, printable ASCII only. A
/// brand the device spells oddly (`VISA2`) keeps its letters (`VISA`); one with none is dropped.
fn clean_brand(v: &str) -> Option<String> {
    let kept: String = v
        .chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == '_' || *c == ' ')
        .take(32)
        .collect();
    let kept = kept.trim().to_owned();
    (!kept.is_empty()).then_some(kept)
}

/// A write to the ledger. The runtime runs these in order and stops the batch at the first
/// failure (so nothing is sent after a failed persist), reporting [`super::Event::PersistFailed`].
#[allow(clippy::large_enum_variant)] // one op at a time, never stored in bulk
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerOp {
    /// Record a new sale in state `created`, before its frame exists.
    Create {
        /// External id.
        external_id: String,
        /// The device's identity from discovery ([`DeviceInfo::identity`]); `None`: the
        /// ledger store's own key for the configured device.
        device: Option<String>,
        /// Amount.
        amount: Cents,
        /// Tip.
        tip: Option<Cents>,
        /// Tax.
        tax: Option<Cents>,
        /// The order rung for it (its total is the amount), recorded in the same transaction.
        order: Option<crate::ledger::OrderRecord>,
    },
    /// Record a new refund, void or credit in state `created`, before its frame exists (the
    /// ledger refuses it when the money rules forbid it).
    CreateLinked {
        /// The device's identity (`device:SERIAL@MERCHANT`), when it gave one; else the
        /// configured address is used.
        device: Option<String>,
        /// External id.
        external_id: String,
        /// Refund, void or credit.
        kind: PaymentKind,
        /// The sale a refund or void acts on.
        parent: Option<String>,
        /// Amount.
        amount: Cents,
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
    /// Reopen a final payment as `unknown`: the device later said something that changes the
    /// money (a second FINISH_OK with another result). Recorded as a correction event.
    Reopen {
        /// External id.
        external_id: String,
        /// The frame that conflicts.
        cause: String,
        /// What conflicts.
        detail: String,
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
    /// Close a payment by hand with a final outcome and the operator's note (see
    /// `Ledger::resolve`: refused unless recovery was tried).
    Resolve {
        /// External id.
        external_id: String,
        /// The final outcome.
        to: PaymentState,
        /// Who checked what.
        note: String,
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
    /// The device it is for, as the ledger keys it.
    pub device: String,
    /// True when it is keyed by the configured device address (or name), not by an identity.
    pub this_endpoint: bool,
}
