//! What the device (or the connection to it) did, as the app hears it.

use std::fmt;

use super::{CommandKind, DeviceErrorCode, DeviceInfo, Disconnect};
use crate::protocol::Sender;
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
    /// The socket is open (pairing or discovery follows).
    Connected,
    /// The device shows a pairing code that must be typed on it.
    PairingCode(String),
    /// Paired; the new token is already saved.
    Paired,
    /// Connected but not ready to take payments.
    NotReady(String),
    /// Ready to take payments.
    Ready(DeviceInfo),
    /// The connection is gone.
    Disconnected(Disconnect),
    /// Something went wrong with the device or the connection (TLS, already connected, the
    /// device's REMOTE_ERROR, an undecodable frame…); `message` says what and what to do.
    DeviceError {
        /// Typed code.
        code: DeviceErrorCode,
        /// Explanation.
        message: String,
    },
    /// An error the operator must see that is not the device's (a ledger read at start-up).
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
    /// PARTIAL_AUTH: approved for this much only (informational: the FINISH_OK's payment says
    /// what was taken).
    PartialAuth(Cents),
    /// The device acknowledged the frame with this envelope id.
    Ack {
        /// The acknowledged envelope id.
        message_id: String,
        /// The acknowledged method, when the device said.
        method: Option<String>,
    },
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
        batch: Option<crate::payment::Batch>,
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
    /// PRINT_JOB_STATUS_RESPONSE.
    PrintJobStatus {
        /// The job (`externalPrintJobId`).
        job_id: Option<String>,
        /// `IN_QUEUE`, `PRINTING`, `DONE`, `ERROR`, `UNKNOWN`, `NOT_FOUND` (kept as text).
        status: String,
    },
    /// A command could not be handed to the transport.
    CommandFailed {
        /// Which command.
        command: CommandKind,
        /// Why.
        error: String,
        /// True when nothing reached the wire (e.g. not connected).
        not_sent: bool,
    },
    /// A frame crossed the wire, for the frames screen and the logs.
    Frame {
        /// Who sent it: `Pos` for a frame we sent, `Device` for one we received.
        direction: Sender,
        /// The envelope method; `PING`/`PONG` for heartbeat envelopes; `None` if undecodable.
        method: Option<String>,
        /// One-line summary (method and the fields worth showing), capped.
        summary: String,
        /// The frame text, redacted and capped.
        text: String,
    },
}

fn card(payment: &Payment) -> String {
    match (payment.card_brand(), payment.last4()) {
        (Some(b), Some(l)) => format!(" {b} …{l}"),
        (Some(b), None) => format!(" {b}"),
        _ => String::new(),
    }
}

fn amount(cents: Option<i64>) -> String {
    match cents {
        Some(c) => format!("{}", Cents(c)),
        None => "?".to_owned(),
    }
}

/// A one-line summary safe for logs (no secrets, card data brand and last4 only).
impl fmt::Display for DeviceInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceInput::Connecting { attempt } => write!(f, "connecting (attempt {attempt})"),
            DeviceInput::Connected => f.write_str("connected"),
            DeviceInput::PairingCode(code) => write!(f, "pairing code {code}"),
            DeviceInput::Paired => f.write_str("paired (token saved)"),
            DeviceInput::NotReady(why) => write!(f, "not ready: {why}"),
            DeviceInput::Ready(d) => write!(
                f,
                "ready: {} ({}) at {}",
                d.device_name, d.serial, d.merchant_name
            ),
            DeviceInput::Disconnected(d) if d.retry_in.is_none() => {
                write!(f, "disconnected: {}; stopped", d.reason)
            }
            DeviceInput::Disconnected(d) => write!(f, "disconnected: {d}"),
            DeviceInput::DeviceError { code, message } => {
                write!(f, "device error {code}: {message}")
            }
            DeviceInput::Error(e) => write!(f, "error: {e}"),
            DeviceInput::PrintJobStatus { job_id, status } => write!(
                f,
                "print job {}: {status}",
                job_id.as_deref().unwrap_or("?")
            ),
            DeviceInput::UiState {
                text, direction, ..
            } => write!(
                f,
                "ui {} \"{text}\"",
                direction.as_ref().map(|d| d.as_str()).unwrap_or("?")
            ),
            DeviceInput::TxState(s) => write!(f, "tx state {s}"),
            DeviceInput::TxStartResponse { result, .. } => write!(f, "tx start {result}"),
            DeviceInput::ConfirmPayment {
                payment,
                challenges,
            } => write!(
                f,
                "confirm payment {}{}: {}",
                amount(payment.amount),
                card(payment),
                challenges
                    .iter()
                    .map(|c| c.kind.as_ref().map(|k| k.as_str()).unwrap_or("?"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            DeviceInput::VerifySignature { payment, signature } => write!(
                f,
                "verify signature {}{} ({} points)",
                amount(payment.amount),
                card(payment),
                signature.point_count()
            ),
            DeviceInput::FinishOk { payment, .. } => write!(
                f,
                "finish ok {}{}",
                payment
                    .as_ref()
                    .map(|p| amount(p.amount))
                    .unwrap_or_default(),
                payment.as_ref().map(card).unwrap_or_default()
            ),
            DeviceInput::FinishCancel { .. } => f.write_str("finish cancel"),
            DeviceInput::PaymentVoided { payment, reason } => write!(
                f,
                "payment voided {}{}",
                payment
                    .as_ref()
                    .map(|p| amount(p.amount))
                    .unwrap_or_default(),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            DeviceInput::TipAdded(t) => write!(f, "tip added {t}"),
            DeviceInput::PartialAuth(a) => write!(f, "partial auth {a}"),
            DeviceInput::Ack { message_id, .. } => write!(f, "ack {message_id}"),
            DeviceInput::Busy(why) => write!(f, "busy: {why}"),
            DeviceInput::RefundResponse { success, .. } => {
                write!(f, "refund {}", if *success { "done" } else { "refused" })
            }
            DeviceInput::RefundFinished(r) => write!(f, "refund finished {}", amount(r.amount)),
            DeviceInput::CreditFinished(c) => write!(f, "credit finished {}", amount(c.amount)),
            DeviceInput::VoidResponse { success, .. } => {
                write!(f, "void {}", if *success { "done" } else { "refused" })
            }
            DeviceInput::CaptureResponse {
                success, amount: a, ..
            } => write!(
                f,
                "capture {} {}",
                if *success { "done" } else { "refused" },
                amount(a.map(|c| c.get()))
            ),
            DeviceInput::IncrementResponse { success, .. } => {
                write!(f, "increment {}", if *success { "done" } else { "refused" })
            }
            DeviceInput::TipAdjustResponse { success, tip, .. } => write!(
                f,
                "tip adjust {} {}",
                if *success { "done" } else { "refused" },
                amount(tip.map(|c| c.get()))
            ),
            DeviceInput::CloseoutResponse { success, .. } => {
                write!(f, "closeout {}", if *success { "done" } else { "refused" })
            }
            DeviceInput::RetrievePayment {
                query, external_id, ..
            } => write!(
                f,
                "payment {}: {}",
                external_id.as_deref().unwrap_or("?"),
                query.as_str()
            ),
            DeviceInput::DeviceStatus {
                state, substate, ..
            } => write!(
                f,
                "device status {}/{}",
                state.as_str(),
                substate.as_ref().map(|q| q.as_str()).unwrap_or("-")
            ),
            DeviceInput::ResetDone { state } => write!(
                f,
                "reset done {}",
                state.as_ref().map(|q| q.as_str()).unwrap_or("?")
            ),
            DeviceInput::CommandFailed { command, error, .. } => {
                write!(f, "{command} failed: {error}")
            }
            DeviceInput::Frame {
                direction, method, ..
            } => write!(
                f,
                "{} {}",
                match direction {
                    Sender::Pos => "->",
                    Sender::Device => "<-",
                },
                method.as_deref().unwrap_or("?")
            ),
        }
    }
}
