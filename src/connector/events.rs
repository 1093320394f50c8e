//! What the connector reports: [`DeviceEvent`] and the typed results it carries.
//!
//! Events never hold secrets: no pairing token (only [`DeviceEvent::Paired`]), no access token,
//! and payments are stripped of card data beyond brand and last4 (`first6`, cardholder name and
//! card token are removed before an event is built). [`DeviceEvent`]'s `Display` is a one-line
//! summary safe for logs.

use std::fmt;
use std::time::Duration;

use crate::protocol::{
    Challenge, Credit, ExternalDeviceState, ExternalDeviceSubState, InputOption, Payment,
    QueryStatus, Refund, RequestInfo, ResponseCode, ResultStatus, Signature, TxStartResponseResult,
    TxState, UiDirection, UiState, VoidReason,
};

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameDirection {
    /// POS → device.
    Sent,
    /// Device → POS.
    Received,
}

/// One frame on the wire, for the frames inspector and logs. `text` is already redacted with
/// [`crate::protocol::redact::redact_frame_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameTap {
    /// Sent or received.
    pub direction: FrameDirection,
    /// The envelope method; `PING`/`PONG` for heartbeat envelopes; `None` if undecodable.
    pub method: Option<String>,
    /// The redacted frame text.
    pub text: String,
}

/// Typed device error codes (PROTOCOL.md §8.4, plus the transport problems `till` can name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceErrorCode {
    /// A connection attempt failed, or a command needs a ready device.
    NotConnected,
    /// Cloud: another POS holds the device and `force_connect` is off.
    AccessDenied,
    /// Cloud: another POS took the device over (FORCECONNECT).
    Interrupted,
    /// The device sent REMOTE_ERROR.
    UnknownError,
    /// The device refused a request in its current state (INVALID_STATE_TRANSITION).
    InvalidStateTransition,
    /// The TLS handshake failed (certificate not trusted, wrong name, …).
    Tls,
    /// Pairing was refused on the device.
    PairingFailed,
    /// The device did not say `ready:true` within `ready_timeout`.
    NotReady,
    /// The pairing token could not be saved or loaded.
    TokenStore,
    /// The cloud bootstrap (alert / probe) failed.
    Cloud,
    /// A frame from the device could not be decoded (it was skipped).
    Protocol,
}

impl fmt::Display for DeviceErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            DeviceErrorCode::NotConnected => "NotConnected",
            DeviceErrorCode::AccessDenied => "AccessDenied",
            DeviceErrorCode::Interrupted => "Interrupted",
            DeviceErrorCode::UnknownError => "UnknownError",
            DeviceErrorCode::InvalidStateTransition => "InvalidStateTransition",
            DeviceErrorCode::Tls => "Tls",
            DeviceErrorCode::PairingFailed => "PairingFailed",
            DeviceErrorCode::NotReady => "NotReady",
            DeviceErrorCode::TokenStore => "TokenStore",
            DeviceErrorCode::Cloud => "Cloud",
            DeviceErrorCode::Protocol => "Protocol",
        };
        f.write_str(s)
    }
}

/// Why a connection ended (or never started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The connection attempt failed (message says why).
    ConnectFailed(String),
    /// The device or proxy closed the socket.
    Closed {
        /// WebSocket close code, if a close frame came.
        code: Option<u16>,
        /// Close reason text.
        reason: String,
    },
    /// Nothing arrived after a heartbeat: a half-open connection.
    HeartbeatTimeout {
        /// Time since the last frame from the device.
        silent_for: Duration,
    },
    /// Cloud: another POS took the device over. The connector stops.
    ForceConnected {
        /// The other POS's friendlyId, when the proxy said.
        by: Option<String>,
    },
    /// Direct: the device closed a ready connection (a second POS connected and took it over).
    /// The connector waits the longest backoff, or until asked to reconnect, before taking it
    /// back.
    TakenOver {
        /// WebSocket close code.
        code: u16,
        /// Close reason text.
        reason: String,
    },
    /// Cloud: the server sent SHUTDOWN (Cloud Pay Display stopped).
    ServerShutdown,
    /// Cloud: the server sent RESET (cycling long-lived connections).
    ServerReset,
    /// A problem that reconnecting cannot fix (TLS trust, already connected, pairing refused…);
    /// the connector stops. The message says what to change.
    Fatal(String),
    /// [`super::ConnectorHandle::dispose`] was called.
    Disposed,
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DisconnectReason::ConnectFailed(m) => write!(f, "connection failed: {m}"),
            DisconnectReason::Closed {
                code: Some(c),
                reason,
            } if !reason.is_empty() => {
                write!(f, "closed by the device ({c} {reason})")
            }
            DisconnectReason::Closed { code: Some(c), .. } => {
                write!(f, "closed by the device ({c})")
            }
            DisconnectReason::Closed { code: None, .. } => f.write_str("connection lost"),
            DisconnectReason::HeartbeatTimeout { silent_for } => write!(
                f,
                "the device stopped answering (nothing received for {:.1} s)",
                silent_for.as_secs_f64()
            ),
            DisconnectReason::ForceConnected { by: Some(by) } => {
                write!(f, "another POS ('{by}') took over the device")
            }
            DisconnectReason::ForceConnected { by: None } => {
                f.write_str("another POS took over the device")
            }
            DisconnectReason::TakenOver { code, reason } => {
                write!(
                    f,
                    "another POS took the device (closed by the device: {code}"
                )?;
                if !reason.is_empty() {
                    write!(f, " {reason}")?;
                }
                f.write_str(")")
            }
            DisconnectReason::ServerShutdown => f.write_str("Cloud Pay Display shut down"),
            DisconnectReason::ServerReset => f.write_str("the cloud server asked to reconnect"),
            DisconnectReason::Fatal(m) => f.write_str(m),
            DisconnectReason::Disposed => f.write_str("disposed"),
        }
    }
}

/// The device and merchant, from DISCOVERY_RESPONSE (PROTOCOL.md §4.4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerchantInfo {
    /// Clover merchant id.
    pub merchant_id: Option<String>,
    /// Merchant name.
    pub merchant_name: Option<String>,
    /// Processor merchant number (MID).
    pub merchant_mid: Option<String>,
    /// Device name.
    pub device_name: Option<String>,
    /// Device serial number.
    pub device_serial: Option<String>,
    /// Device model.
    pub device_model: Option<String>,
    /// The device sends ACKs.
    pub supports_acks: bool,
    /// The device answers VOID_PAYMENT with VOID_PAYMENT_RESPONSE.
    pub supports_void_payment_response: bool,
    /// Auths allowed (absent = true, like the JS SDK).
    pub supports_auths: bool,
    /// Pre-auths allowed (absent = true).
    pub supports_pre_auths: bool,
    /// Tip adjust allowed (absent = true).
    pub supports_tip_adjust: bool,
    /// Manual refunds allowed (absent = true).
    pub supports_manual_refunds: bool,
    /// Card vaulting allowed (absent = true).
    pub supports_vault_cards: bool,
}

/// A UI_STATE: what the device screen shows. Informational only; never drive logic from it.
#[derive(Debug, Clone, PartialEq)]
pub struct UiStateEvent {
    /// Screen id.
    pub state: Option<UiState>,
    /// Text on the device.
    pub text: Option<String>,
    /// Screen appears (`ENTER`) or disappears (`EXIT`).
    pub direction: Option<UiDirection>,
    /// Buttons the POS may press (e.g. ESC = Cancel).
    pub input_options: Vec<InputOption>,
}

/// TX_START_RESPONSE: the device's verdict on a TX_START.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxStartResponseEvent {
    /// Outcome (`result`, else derived from `success`).
    pub result: TxStartResponseResult,
    /// True when the transaction started.
    pub success: bool,
    /// Echo of the external payment id.
    pub external_id: Option<String>,
    /// Echo of `requestInfo`.
    pub request_info: Option<RequestInfo>,
    /// Device reason.
    pub reason: Option<String>,
    /// Device message.
    pub message: Option<String>,
}

/// The final answer to a sale (PROTOCOL.md §5.6), built from FINISH_OK, FINISH_CANCEL or a
/// non-SUCCESS TX_START_RESPONSE.
#[derive(Debug, Clone, PartialEq)]
pub struct SaleResponse {
    /// True only for an approved payment.
    pub success: bool,
    /// SUCCESS, FAIL, CANCEL, UNSUPPORTED or ERROR.
    pub result: ResponseCode,
    /// Short reason.
    pub reason: String,
    /// Human message.
    pub message: String,
    /// The payment (FINISH_OK), card data reduced to brand and last4.
    pub payment: Option<Payment>,
    /// The signature captured on screen, if any.
    pub signature: Option<Signature>,
    /// `requestInfo` echoed by the device (SALE for sales).
    pub request_info: Option<RequestInfo>,
    /// External payment id: the payment's, or TX_START_RESPONSE's echo.
    pub external_id: Option<String>,
    /// `cardTransaction.type == AUTH` and `result == SUCCESS`.
    pub is_sale: bool,
    /// `cardTransaction.type == PREAUTH` and `result == SUCCESS`.
    pub is_auth: bool,
    /// `cardTransaction.type == PREAUTH` and `result == AUTH`.
    pub is_pre_auth: bool,
}

/// RETRIEVE_PAYMENT_RESPONSE. Decide on `query_status` (and the payment's own result).
#[derive(Debug, Clone, PartialEq)]
pub struct RetrievePaymentResult {
    /// `status == SUCCESS`.
    pub success: bool,
    /// Query outcome as sent (`status`).
    pub status: Option<ResultStatus>,
    /// FOUND, NOT_FOUND or IN_PROGRESS.
    pub query_status: Option<QueryStatus>,
    /// Echo of the external id asked for.
    pub external_id: Option<String>,
    /// The payment when found, card data reduced to brand and last4.
    pub payment: Option<Payment>,
    /// Device reason.
    pub reason: Option<String>,
    /// Device message.
    pub message: Option<String>,
}

/// RETRIEVE_DEVICE_STATUS_RESPONSE.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceStatus {
    /// `status` (else `result`) is SUCCESS, or absent.
    pub success: bool,
    /// `status`, else `result`.
    pub result: Option<ResultStatus>,
    /// What the device is doing.
    pub state: Option<ExternalDeviceState>,
    /// Detail of `state`.
    pub substate: Option<ExternalDeviceSubState>,
    /// The external payment id the device is working on.
    pub external_payment_id: Option<String>,
    /// Device reason.
    pub reason: Option<String>,
}

/// RESET_DEVICE_RESPONSE (the answer to BREAK).
#[derive(Debug, Clone, PartialEq)]
pub struct ResetResult {
    /// `status`, else `result`.
    pub result: Option<ResultStatus>,
    /// Device reason.
    pub reason: Option<String>,
    /// Device state after the reset.
    pub state: Option<ExternalDeviceState>,
}

/// Everything the connector reports, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceEvent {
    /// A connection attempt starts (1 = first attempt since the last ready connection).
    Connecting {
        /// Attempt number.
        attempt: u32,
    },
    /// The socket is open (pairing/discovery follow).
    Connected,
    /// Show this code to the merchant, who types it on the device.
    PairingCode(String),
    /// Paired; the new token has been saved in the token store.
    Paired,
    /// The device is ready for requests.
    Ready(MerchantInfo),
    /// The device is connected but not ready (requests are refused until it is).
    NotReady {
        /// What the device said about itself, if it answered discovery.
        merchant: Option<MerchantInfo>,
        /// Why.
        reason: String,
    },
    /// The connection ended. `retry_in` is the reconnect delay, `None` when the connector stopped.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
        /// When the next attempt is made.
        retry_in: Option<Duration>,
    },
    /// UI_STATE.
    UiState(UiStateEvent),
    /// TX_STATE.
    TxState(TxState),
    /// TX_START_RESPONSE (a non-SUCCESS one is followed by [`DeviceEvent::SaleFinished`]).
    TxStartResponse(TxStartResponseEvent),
    /// CONFIRM_PAYMENT_MESSAGE: accept or reject with the handle.
    ConfirmPayment {
        /// The authorised payment.
        payment: Payment,
        /// The questions.
        challenges: Vec<Challenge>,
    },
    /// VERIFY_SIGNATURE: accept or reject with the handle.
    VerifySignature {
        /// The payment.
        payment: Payment,
        /// The strokes.
        signature: Option<Signature>,
    },
    /// TIP_ADDED, in cents.
    TipAdded(i64),
    /// PARTIAL_AUTH: approved for this many cents only.
    PartialAuth(i64),
    /// The final answer to a sale.
    SaleFinished(SaleResponse),
    /// RETRIEVE_PAYMENT_RESPONSE.
    RetrievePaymentResponse(RetrievePaymentResult),
    /// RETRIEVE_DEVICE_STATUS_RESPONSE.
    DeviceStatusResponse(DeviceStatus),
    /// RESET_DEVICE_RESPONSE.
    ResetResponse(ResetResult),
    /// PAYMENT_VOIDED.
    PaymentVoided {
        /// The voided payment, if sent.
        payment: Option<Payment>,
        /// Why.
        reason: Option<VoidReason>,
    },
    /// REFUND_RESPONSE: the device's answer to a REFUND_REQUEST (FINISH_OK or FINISH_CANCEL
    /// follows).
    RefundResponse {
        /// True when the refund was made (`code` SUCCESS, or a refund object present).
        success: bool,
        /// The device payment refunded.
        payment_id: Option<String>,
        /// The refund made.
        refund: Option<Refund>,
        /// The reason code of a refusal.
        reason: Option<String>,
        /// The device's message.
        message: Option<String>,
    },
    /// FINISH_OK `{refund}`: a refund finished.
    RefundFinished(Refund),
    /// FINISH_OK `{credit}`: a manual refund finished.
    CreditFinished(Credit),
    /// VOID_PAYMENT_RESPONSE.
    VoidPaymentResponse {
        /// True when the void was done.
        success: bool,
        /// The payment as the device has it now, card data reduced to brand and last4.
        payment: Option<Payment>,
        /// The device's reason or message for a refusal.
        message: Option<String>,
    },
    /// CAPTURE_PREAUTH_RESPONSE.
    CaptureResponse {
        /// True when the device captured (`status` SUCCESS).
        success: bool,
        /// The pre-auth captured.
        payment_id: Option<String>,
        /// The amount captured, cents.
        amount: Option<i64>,
        /// The tip captured, cents.
        tip: Option<i64>,
        /// The reason code and message of a refusal.
        message: Option<String>,
    },
    /// INCREMENT_PREAUTH_RESPONSE.
    IncrementResponse {
        /// True when the device raised the hold (`status` SUCCESS).
        success: bool,
        /// The pre-auth, from the authorization.
        payment_id: Option<String>,
        /// The authorization's amount, cents.
        amount: Option<i64>,
        /// The reason code of a refusal.
        message: Option<String>,
    },
    /// TIP_ADJUST_RESPONSE.
    TipAdjustResponse {
        /// True when the device set the tip.
        success: bool,
        /// The auth adjusted.
        payment_id: Option<String>,
        /// The tip set, cents.
        tip: Option<i64>,
        /// The reason code and message of a refusal.
        message: Option<String>,
    },
    /// CLOSEOUT_RESPONSE.
    CloseoutResponse {
        /// True when the device closed the batch (`status` SUCCESS).
        success: bool,
        /// The batch closed.
        batch: Option<crate::protocol::Batch>,
        /// The reason code of a refusal.
        message: Option<String>,
    },
    /// Something went wrong; `message` says what and what to do.
    DeviceError {
        /// Typed code.
        code: DeviceErrorCode,
        /// Explanation.
        message: String,
    },
    /// The device acknowledged the frame with this envelope id.
    Ack {
        /// The acknowledged envelope id.
        message_id: String,
        /// The acknowledged method, when the device said.
        method: Option<String>,
    },
    /// A frame went over the wire (redacted).
    Frame(FrameTap),
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
        Some(c) => format!("{}", crate::protocol::Cents(c)),
        None => "?".to_owned(),
    }
}

impl fmt::Display for DeviceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceEvent::Connecting { attempt } => write!(f, "connecting (attempt {attempt})"),
            DeviceEvent::Connected => f.write_str("connected"),
            DeviceEvent::PairingCode(code) => write!(f, "pairing code {code}"),
            DeviceEvent::Paired => f.write_str("paired (token saved)"),
            DeviceEvent::Ready(m) => write!(
                f,
                "ready: {} ({}) at {}",
                m.device_name.as_deref().unwrap_or("?"),
                m.device_serial.as_deref().unwrap_or("?"),
                m.merchant_name.as_deref().unwrap_or("?")
            ),
            DeviceEvent::NotReady { reason, .. } => write!(f, "not ready: {reason}"),
            DeviceEvent::Disconnected {
                reason,
                retry_in: Some(d),
            } => {
                write!(
                    f,
                    "disconnected: {reason}; retrying in {:.1} s",
                    d.as_secs_f64()
                )
            }
            DeviceEvent::Disconnected {
                reason,
                retry_in: None,
            } => write!(f, "disconnected: {reason}; stopped"),
            DeviceEvent::UiState(ui) => write!(
                f,
                "ui {} {}{}",
                ui.state.as_ref().map(|s| s.as_str()).unwrap_or("?"),
                ui.direction.as_ref().map(|d| d.as_str()).unwrap_or("?"),
                ui.text
                    .as_deref()
                    .map(|t| format!(" \"{t}\""))
                    .unwrap_or_default()
            ),
            DeviceEvent::TxState(s) => write!(f, "tx state {s}"),
            DeviceEvent::TxStartResponse(r) => write!(f, "tx start {}", r.result),
            DeviceEvent::ConfirmPayment {
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
            DeviceEvent::VerifySignature { payment, signature } => write!(
                f,
                "verify signature {}{} ({} points)",
                amount(payment.amount),
                card(payment),
                signature.as_ref().map(Signature::point_count).unwrap_or(0)
            ),
            DeviceEvent::TipAdded(t) => write!(f, "tip added {}", amount(Some(*t))),
            DeviceEvent::PartialAuth(a) => write!(f, "partial auth {}", amount(Some(*a))),
            DeviceEvent::SaleFinished(r) => write!(
                f,
                "sale {}: {}{}",
                r.result,
                r.payment
                    .as_ref()
                    .map(|p| amount(p.amount))
                    .unwrap_or_default(),
                r.payment.as_ref().map(card).unwrap_or_default()
            ),
            DeviceEvent::RetrievePaymentResponse(r) => write!(
                f,
                "payment {}: {}",
                r.external_id.as_deref().unwrap_or("?"),
                r.query_status.as_ref().map(|q| q.as_str()).unwrap_or("?")
            ),
            DeviceEvent::DeviceStatusResponse(s) => write!(
                f,
                "device status {}/{}",
                s.state.as_ref().map(|q| q.as_str()).unwrap_or("?"),
                s.substate.as_ref().map(|q| q.as_str()).unwrap_or("-")
            ),
            DeviceEvent::ResetResponse(r) => write!(
                f,
                "reset {}",
                r.result.as_ref().map(|q| q.as_str()).unwrap_or("?")
            ),
            DeviceEvent::PaymentVoided { payment, reason } => write!(
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
            DeviceEvent::RefundResponse { success, .. } => {
                write!(f, "refund {}", if *success { "done" } else { "refused" })
            }
            DeviceEvent::RefundFinished(r) => write!(f, "refund finished {}", amount(r.amount)),
            DeviceEvent::CreditFinished(c) => write!(f, "credit finished {}", amount(c.amount)),
            DeviceEvent::VoidPaymentResponse { success, .. } => {
                write!(f, "void {}", if *success { "done" } else { "refused" })
            }
            DeviceEvent::CaptureResponse {
                success, amount: a, ..
            } => write!(
                f,
                "capture {} {}",
                if *success { "done" } else { "refused" },
                amount(*a)
            ),
            DeviceEvent::IncrementResponse { success, .. } => {
                write!(f, "increment {}", if *success { "done" } else { "refused" })
            }
            DeviceEvent::TipAdjustResponse { success, tip, .. } => write!(
                f,
                "tip adjust {} {}",
                if *success { "done" } else { "refused" },
                amount(*tip)
            ),
            DeviceEvent::CloseoutResponse { success, .. } => {
                write!(f, "closeout {}", if *success { "done" } else { "refused" })
            }
            DeviceEvent::DeviceError { code, message } => {
                write!(f, "device error {code}: {message}")
            }
            DeviceEvent::Ack { message_id, .. } => write!(f, "ack {message_id}"),
            DeviceEvent::Frame(t) => write!(
                f,
                "{} {}",
                match t.direction {
                    FrameDirection::Sent => "->",
                    FrameDirection::Received => "<-",
                },
                t.method.as_deref().unwrap_or("?")
            ),
        }
    }
}
