//! What the device (or the connection to it) did, as the app hears it.

use super::DeviceInfo;
use crate::protocol::{
    Cents, Challenge, Credit, ExternalDeviceState, ExternalDeviceSubState, Payment, QueryStatus,
    Refund, RequestInfo, Signature, TxStartResponseResult, TxState, UiDirection,
};

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
    /// CAPTURE_PREAUTH_RESPONSE.
    CaptureResponse {
        /// The device says the pre-auth was captured.
        success: bool,
        /// The device payment captured.
        payment_id: Option<String>,
        /// The amount captured (before tip).
        amount: Option<Cents>,
        /// The tip captured.
        tip: Option<Cents>,
        /// The reason code of a refusal, and the device's message.
        message: Option<String>,
    },
    /// INCREMENT_PREAUTH_RESPONSE.
    IncrementResponse {
        /// The device says the hold was incremented.
        success: bool,
        /// The device payment incremented (from the authorization), when given.
        payment_id: Option<String>,
        /// The authorization's amount, when given.
        amount: Option<Cents>,
        /// The reason code of a refusal, and the device's message.
        message: Option<String>,
    },
    /// TIP_ADJUST_RESPONSE.
    TipAdjustResponse {
        /// The device says the tip was set.
        success: bool,
        /// The device payment adjusted.
        payment_id: Option<String>,
        /// The tip the device set (TIP_ADJUST_RESPONSE `amount`).
        tip: Option<Cents>,
        /// The reason code of a refusal, and the device's message.
        message: Option<String>,
    },
    /// CLOSEOUT_RESPONSE.
    CloseoutResponse {
        /// The device says the batch was closed.
        success: bool,
        /// The batch it closed.
        batch: Option<crate::ledger::Batch>,
        /// The reason code of a refusal, and the device's message.
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
