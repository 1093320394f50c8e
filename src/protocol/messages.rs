//! The typed messages of Remote Pay: one payload struct per `method`, and the `Message` enum.
//!
//! Payload structs hold only the message's own fields; the base members `method`, `messageId`
//! and `version` live in [`super::Frame`]. Nested Clover objects use [`super::nested`]: messages
//! the device sends encode them as JSON strings (like real devices), messages the POS sends encode
//! them as objects (like the JS SDK). Both forms are accepted on decode.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use super::enums::*;
use super::objects::*;
use super::sender::Sender;

/// A message with no fields beyond the base members (BREAK, SHOW_WELCOME_SCREEN, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NoFields {}

/// PAIRING_REQUEST (POS → device). `authenticationToken` is always written, `null` the first time,
/// exactly like the JS SDK.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PairingRequest {
    pub name: Option<String>,
    pub serial_number: Option<String>,
    pub application_name: Option<String>,
    #[serialize_always]
    pub authentication_token: Option<String>,
}

/// PAIRING_CODE (device → POS): the code the merchant types on the device.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PairingCode {
    pub pairing_code: Option<String>,
}

/// PAIRING_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PairingResponse {
    pub name: Option<String>,
    pub serial_number: Option<String>,
    pub application_name: Option<String>,
    pub authentication_token: Option<String>,
    pub pairing_state: Option<PairingState>,
    pub millis: Option<i64>,
}

/// DISCOVERY_REQUEST (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DiscoveryRequest {
    pub supports_order_modification: Option<bool>,
}

/// DISCOVERY_RESPONSE (device → POS). A device must send every flag explicitly (§4.2).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DiscoveryResponse {
    pub merchant_id: Option<String>,
    pub merchant_name: Option<String>,
    #[serde(rename = "merchantMId")]
    pub merchant_mid: Option<String>,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub model: Option<String>,
    pub ready: Option<bool>,
    pub supports_tip_adjust: Option<bool>,
    pub supports_manual_refund: Option<bool>,
    pub supports_multi_pay_token: Option<bool>,
    pub supports_acknowledgement: Option<bool>,
    pub supports_remote_confirmation: Option<bool>,
    pub supports_naked_credit: Option<bool>,
    pub supports_void_payment_response: Option<bool>,
    pub supports_pre_auth: Option<bool>,
    pub supports_auth: Option<bool>,
    pub supports_vault_card: Option<bool>,
}

/// ACK (device → POS): `sourceMessageId` is the acknowledged envelope id.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Ack {
    #[serde(with = "super::nested::lenient_string")]
    pub source_message_id: Option<String>,
    pub source_method: Option<String>,
}

/// TERMINAL_MESSAGE (POS → device): `showMessage`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TerminalMessage {
    pub text: Option<String>,
}

/// TX_START (POS → device). `order` is always written (`null` from the sale path, like JS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TxStart {
    #[serialize_always]
    pub order: Option<Value>,
    pub pay_intent: Option<PayIntent>,
    pub request_info: Option<RequestInfo>,
    pub suppress_on_screen_tips: Option<bool>,
}

/// TX_START_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TxStartResponse {
    pub success: Option<bool>,
    pub result: Option<TxStartResponseResult>,
    pub external_payment_id: Option<String>,
    pub request_info: Option<RequestInfo>,
    pub reason: Option<String>,
    pub message: Option<String>,
    #[serde(with = "super::nested::string")]
    pub order: Option<Value>,
}

impl TxStartResponse {
    /// The outcome, falling back to the deprecated `success` flag when `result` is absent.
    pub fn outcome(&self) -> TxStartResponseResult {
        match (&self.result, self.success) {
            (Some(r), _) => r.clone(),
            (None, Some(false)) => TxStartResponseResult::Fail,
            (None, _) => TxStartResponseResult::Success,
        }
    }
}

/// UI_STATE (device → POS): mirror of the device screen. Never drive logic from it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UiStateMessage {
    pub ui_state: Option<UiState>,
    pub ui_text: Option<String>,
    pub ui_direction: Option<UiDirection>,
    pub input_options: Option<Vec<InputOption>>,
}

/// TX_STATE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TxStateMessage {
    pub tx_state: Option<TxState>,
}

/// PARTIAL_AUTH (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PartialAuth {
    pub partial_auth_amount: Option<i64>,
}

/// TIP_ADDED (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TipAdded {
    pub tip_amount: Option<i64>,
}

/// CONFIRM_PAYMENT_MESSAGE (device → POS): challenges on an authorised payment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConfirmPayment {
    #[serde(with = "super::nested::string")]
    pub payment: Option<Payment>,
    pub challenges: Option<Vec<Challenge>>,
}

/// PAYMENT_CONFIRMED (POS → device): accept every challenge.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PaymentConfirmed {
    #[serde(with = "super::nested::object")]
    pub payment: Option<Payment>,
}

/// PAYMENT_REJECTED (POS → device): reject with the challenge's reason.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PaymentRejected {
    #[serde(with = "super::nested::object")]
    pub payment: Option<Payment>,
    pub reason: Option<VoidReason>,
}

/// VERIFY_SIGNATURE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VerifySignature {
    #[serde(with = "super::nested::string")]
    pub payment: Option<Payment>,
    pub signature: Option<Signature>,
}

/// SIGNATURE_VERIFIED (POS → device): accept (`verified:true`) or reject the signature.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SignatureVerified {
    #[serde(with = "super::nested::object")]
    pub payment: Option<Payment>,
    pub verified: Option<bool>,
}

/// FINISH_OK (device → POS): the transaction completed.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FinishOk {
    #[serde(with = "super::nested::string")]
    pub payment: Option<Payment>,
    #[serde(with = "super::nested::string")]
    pub credit: Option<Credit>,
    #[serde(with = "super::nested::string")]
    pub refund: Option<Refund>,
    pub signature: Option<Signature>,
    pub request_info: Option<RequestInfo>,
}

/// FINISH_CANCEL (device → POS): the transaction ended without a payment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FinishCancel {
    pub request_info: Option<RequestInfo>,
}

/// KEY_PRESS (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct KeyPressMessage {
    pub key_press: Option<KeyPress>,
}

/// RETRIEVE_PAYMENT_REQUEST (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RetrievePaymentRequest {
    pub external_payment_id: Option<String>,
}

/// RETRIEVE_PAYMENT_RESPONSE (device → POS). Decide on `queryStatus`, never on `status`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RetrievePaymentResponse {
    pub status: Option<ResultStatus>,
    pub query_status: Option<QueryStatus>,
    pub external_payment_id: Option<String>,
    #[serde(with = "super::nested::string")]
    pub payment: Option<Payment>,
    pub reason: Option<String>,
    pub message: Option<String>,
}

/// RETRIEVE_DEVICE_STATUS_REQUEST (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RetrieveDeviceStatusRequest {
    pub send_last_message: Option<bool>,
}

/// RETRIEVE_DEVICE_STATUS_RESPONSE (device → POS). Devices send `result`, the JS model `status`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RetrieveDeviceStatusResponse {
    pub result: Option<ResultStatus>,
    pub status: Option<ResultStatus>,
    pub reason: Option<String>,
    pub state: Option<ExternalDeviceState>,
    pub substate: Option<ExternalDeviceSubState>,
    pub data: Option<DeviceStateData>,
}

impl RetrieveDeviceStatusResponse {
    /// `status`, else `result`.
    pub fn outcome(&self) -> Option<&ResultStatus> {
        self.status.as_ref().or(self.result.as_ref())
    }
}

/// RESET_DEVICE_RESPONSE (device → POS), the answer to BREAK.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResetDeviceResponse {
    pub result: Option<ResultStatus>,
    pub status: Option<ResultStatus>,
    pub reason: Option<String>,
    pub state: Option<ExternalDeviceState>,
}

impl ResetDeviceResponse {
    /// `status`, else `result`.
    pub fn outcome(&self) -> Option<&ResultStatus> {
        self.status.as_ref().or(self.result.as_ref())
    }
}

/// PAYMENT_VOIDED (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PaymentVoided {
    #[serde(with = "super::nested::string")]
    pub payment: Option<Payment>,
    pub void_reason: Option<VoidReason>,
}

/// VOID_PAYMENT (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VoidPayment {
    #[serde(with = "super::nested::object")]
    pub payment: Option<Payment>,
    pub void_reason: Option<VoidReason>,
    pub disable_clover_printing: Option<bool>,
    pub disable_receipt_selection: Option<bool>,
    pub extras: Option<Map<String, Value>>,
}

/// VOID_PAYMENT_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VoidPaymentResponse {
    #[serde(with = "super::nested::string")]
    pub payment: Option<Payment>,
    pub void_reason: Option<VoidReason>,
    pub status: Option<ResultStatus>,
    pub success: Option<bool>,
    pub reason: Option<String>,
    pub message: Option<String>,
}

/// REFUND_REQUEST (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RefundRequest {
    pub order_id: Option<String>,
    pub payment_id: Option<String>,
    pub amount: Option<i64>,
    pub full_refund: Option<bool>,
    pub disable_clover_printing: Option<bool>,
    pub disable_receipt_selection: Option<bool>,
    pub extras: Option<Map<String, Value>>,
}

/// REFUND_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RefundResponse {
    pub order_id: Option<String>,
    pub payment_id: Option<String>,
    #[serde(with = "super::nested::string")]
    pub refund: Option<Refund>,
    pub reason: Option<ErrorCode>,
    pub message: Option<String>,
    pub code: Option<TxState>,
}

/// FORCECONNECT (cloud proxy → POS, type EVENT): another POS took the device.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ForceConnect {
    pub friendly_id: Option<String>,
}

/// REMOTE_ERROR (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RemoteError {
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
    pub error_detail: Option<String>,
}

/// INVALID_STATE_TRANSITION (device → POS): e.g. a second TX_START while busy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct InvalidStateTransition {
    pub result: Option<ResultStatus>,
    pub reason: Option<String>,
    pub requested_transition: Option<String>,
    pub state: Option<ExternalDeviceState>,
    pub substate: Option<ExternalDeviceSubState>,
    pub data: Option<DeviceStateData>,
}

/// The sender named in the message table: `Pos`, `Device`, or `Either` (no one sender).
macro_rules! sent_by {
    (Pos) => {
        Some(Sender::Pos)
    };
    (Device) => {
        Some(Sender::Device)
    };
    (Either) => {
        None
    };
}

macro_rules! messages {
    ($($(#[$vmeta:meta])* $variant:ident($ty:ty) = $method:literal, $dir:ident;)+) => {
        /// A decoded Remote Pay message: one variant per known `method`, `Unknown` for the rest.
        // Messages are decoded once per frame and then matched by reference; boxing the big
        // payment-carrying variants would cost every reader more than the moves cost.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Message {
            $($(#[$vmeta])* $variant($ty),)+
            /// A method this version does not model; the payload object is kept whole.
            Unknown {
                /// The wire method.
                method: String,
                /// The payload object as received.
                raw: Value,
            },
        }

        impl Message {
            /// Every method with a typed variant.
            pub const KNOWN_METHODS: &'static [&'static str] = &[$($method),+];

            /// The wire `method` of this message.
            pub fn method(&self) -> &str {
                match self {
                    $(Message::$variant(_) => $method,)+
                    Message::Unknown { method, .. } => method,
                }
            }

            /// Who sends this message in normal operation; `None` when either side may
            /// (SHUTDOWN, KEY_PRESS…) or the method is not known.
            pub fn sender(&self) -> Option<Sender> {
                match self {
                    $(Message::$variant(_) => sent_by!($dir),)+
                    Message::Unknown { .. } => None,
                }
            }

            /// Builds the typed message for `method` from its payload object.
            pub fn from_payload(method: &str, payload: Value) -> Result<Message, serde_json::Error> {
                match method {
                    $($method => serde_json::from_value(payload).map(Message::$variant),)+
                    _ => Ok(Message::Unknown { method: method.to_owned(), raw: payload }),
                }
            }

            /// The message's own payload fields (without the base members).
            pub fn fields(&self) -> Result<Map<String, Value>, serde_json::Error> {
                let value = match self {
                    $(Message::$variant(m) => serde_json::to_value(m)?,)+
                    Message::Unknown { raw, .. } => raw.clone(),
                };
                let mut map = match value {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                for base in ["method", "messageId", "version"] {
                    map.remove(base);
                }
                Ok(map)
            }
        }
    };
}

messages! {
    /// ACK.
    Ack(Ack) = "ACK", Device;
    /// PAIRING_REQUEST.
    PairingRequest(PairingRequest) = "PAIRING_REQUEST", Pos;
    /// PAIRING_CODE.
    PairingCode(PairingCode) = "PAIRING_CODE", Device;
    /// PAIRING_RESPONSE.
    PairingResponse(PairingResponse) = "PAIRING_RESPONSE", Device;
    /// DISCOVERY_REQUEST.
    DiscoveryRequest(DiscoveryRequest) = "DISCOVERY_REQUEST", Pos;
    /// DISCOVERY_RESPONSE.
    DiscoveryResponse(DiscoveryResponse) = "DISCOVERY_RESPONSE", Device;
    /// TERMINAL_MESSAGE (showMessage).
    TerminalMessage(TerminalMessage) = "TERMINAL_MESSAGE", Pos;
    /// SHOW_WELCOME_SCREEN.
    ShowWelcomeScreen(NoFields) = "SHOW_WELCOME_SCREEN", Pos;
    /// SHOW_THANK_YOU_SCREEN.
    ShowThankYouScreen(NoFields) = "SHOW_THANK_YOU_SCREEN", Pos;
    /// TX_START.
    TxStart(TxStart) = "TX_START", Pos;
    /// TX_START_RESPONSE.
    TxStartResponse(TxStartResponse) = "TX_START_RESPONSE", Device;
    /// UI_STATE.
    UiState(UiStateMessage) = "UI_STATE", Device;
    /// TX_STATE.
    TxState(TxStateMessage) = "TX_STATE", Device;
    /// PARTIAL_AUTH.
    PartialAuth(PartialAuth) = "PARTIAL_AUTH", Device;
    /// TIP_ADDED.
    TipAdded(TipAdded) = "TIP_ADDED", Device;
    /// CONFIRM_PAYMENT_MESSAGE.
    ConfirmPayment(ConfirmPayment) = "CONFIRM_PAYMENT_MESSAGE", Device;
    /// PAYMENT_CONFIRMED.
    PaymentConfirmed(PaymentConfirmed) = "PAYMENT_CONFIRMED", Pos;
    /// PAYMENT_REJECTED.
    PaymentRejected(PaymentRejected) = "PAYMENT_REJECTED", Pos;
    /// VERIFY_SIGNATURE.
    VerifySignature(VerifySignature) = "VERIFY_SIGNATURE", Device;
    /// SIGNATURE_VERIFIED.
    SignatureVerified(SignatureVerified) = "SIGNATURE_VERIFIED", Pos;
    /// FINISH_OK.
    FinishOk(FinishOk) = "FINISH_OK", Device;
    /// FINISH_CANCEL.
    FinishCancel(FinishCancel) = "FINISH_CANCEL", Device;
    /// KEY_PRESS.
    KeyPress(KeyPressMessage) = "KEY_PRESS", Either;
    /// RETRIEVE_PAYMENT_REQUEST.
    RetrievePaymentRequest(RetrievePaymentRequest) = "RETRIEVE_PAYMENT_REQUEST", Pos;
    /// RETRIEVE_PAYMENT_RESPONSE.
    RetrievePaymentResponse(RetrievePaymentResponse) = "RETRIEVE_PAYMENT_RESPONSE", Device;
    /// RETRIEVE_DEVICE_STATUS_REQUEST.
    RetrieveDeviceStatusRequest(RetrieveDeviceStatusRequest) = "RETRIEVE_DEVICE_STATUS_REQUEST", Pos;
    /// RETRIEVE_DEVICE_STATUS_RESPONSE.
    RetrieveDeviceStatusResponse(RetrieveDeviceStatusResponse) = "RETRIEVE_DEVICE_STATUS_RESPONSE", Device;
    /// BREAK (resetDevice).
    Break(NoFields) = "BREAK", Pos;
    /// RESET_DEVICE_RESPONSE.
    ResetDeviceResponse(ResetDeviceResponse) = "RESET_DEVICE_RESPONSE", Device;
    /// PAYMENT_VOIDED.
    PaymentVoided(PaymentVoided) = "PAYMENT_VOIDED", Device;
    /// VOID_PAYMENT.
    VoidPayment(VoidPayment) = "VOID_PAYMENT", Pos;
    /// VOID_PAYMENT_RESPONSE.
    VoidPaymentResponse(VoidPaymentResponse) = "VOID_PAYMENT_RESPONSE", Device;
    /// REFUND_REQUEST.
    RefundRequest(RefundRequest) = "REFUND_REQUEST", Pos;
    /// REFUND_RESPONSE.
    RefundResponse(RefundResponse) = "REFUND_RESPONSE", Device;
    /// SHUTDOWN.
    Shutdown(NoFields) = "SHUTDOWN", Either;
    /// RESET (cloud proxy: cycle the connection).
    Reset(NoFields) = "RESET", Device;
    /// FORCECONNECT.
    ForceConnect(ForceConnect) = "FORCECONNECT", Device;
    /// REMOTE_ERROR.
    RemoteError(RemoteError) = "REMOTE_ERROR", Device;
    /// INVALID_STATE_TRANSITION.
    InvalidStateTransition(InvalidStateTransition) = "INVALID_STATE_TRANSITION", Device;
    /// SHOW_ORDER_SCREEN (showDisplayOrder / removeDisplayOrder and the order operations).
    ShowOrderScreen(super::display::OrderUpdate) = "SHOW_ORDER_SCREEN", Pos;
    /// PRINT_TEXT.
    PrintText(super::display::TextPrint) = "PRINT_TEXT", Pos;
    /// PRINT_JOB_STATUS_REQUEST.
    PrintJobStatusRequest(super::display::PrintJobStatusRequest) = "PRINT_JOB_STATUS_REQUEST", Pos;
    /// PRINT_JOB_STATUS_RESPONSE.
    PrintJobStatusResponse(super::display::PrintJobStatusResponse) = "PRINT_JOB_STATUS_RESPONSE", Device;
    /// GET_PRINTERS_REQUEST.
    GetPrintersRequest(super::display::GetPrintersRequest) = "GET_PRINTERS_REQUEST", Pos;
    /// GET_PRINTERS_RESPONSE.
    GetPrintersResponse(super::display::GetPrintersResponse) = "GET_PRINTERS_RESPONSE", Device;
    /// SHOW_PAYMENT_RECEIPT_OPTIONS.
    ShowPaymentReceiptOptions(super::display::ShowPaymentReceiptOptions) = "SHOW_PAYMENT_RECEIPT_OPTIONS", Pos;
    /// SHOW_RECEIPT_OPTIONS (displayReceiptOptions).
    ShowReceiptOptions(super::display::ShowReceiptOptions) = "SHOW_RECEIPT_OPTIONS", Pos;
    /// SHOW_RECEIPT_OPTIONS_RESPONSE.
    ShowReceiptOptionsResponse(super::display::ShowReceiptOptionsResponse) = "SHOW_RECEIPT_OPTIONS_RESPONSE", Device;
    /// CAPTURE_PREAUTH.
    CapturePreAuth(super::auth::CapturePreAuth) = "CAPTURE_PREAUTH", Pos;
    /// CAPTURE_PREAUTH_RESPONSE.
    CapturePreAuthResponse(super::auth::CapturePreAuthResponse) = "CAPTURE_PREAUTH_RESPONSE", Device;
    /// INCREMENT_PREAUTH_REQUEST.
    IncrementPreAuth(super::auth::IncrementPreAuth) = "INCREMENT_PREAUTH_REQUEST", Pos;
    /// INCREMENT_PREAUTH_RESPONSE.
    IncrementPreAuthResponse(super::auth::IncrementPreAuthResponse) = "INCREMENT_PREAUTH_RESPONSE", Device;
    /// TIP_ADJUST (tipAdjustAuth).
    TipAdjust(super::auth::TipAdjust) = "TIP_ADJUST", Pos;
    /// TIP_ADJUST_RESPONSE.
    TipAdjustResponse(super::auth::TipAdjustResponse) = "TIP_ADJUST_RESPONSE", Device;
    /// CLOSEOUT_REQUEST.
    CloseoutRequest(super::auth::CloseoutRequest) = "CLOSEOUT_REQUEST", Pos;
    /// CLOSEOUT_RESPONSE.
    CloseoutResponse(super::auth::CloseoutResponse) = "CLOSEOUT_RESPONSE", Device;
}

impl Message {
    /// The payload `version` the given side writes for this message (PROTOCOL.md §2.6): the JS
    /// SDK writes 0 except TX_START and REFUND_REQUEST (2), VOID_PAYMENT (3) and CAPTURE_PREAUTH /
    /// INCREMENT_PREAUTH_REQUEST (1); devices write 1.
    pub fn payload_version(&self, side: Sender) -> i64 {
        match side {
            Sender::Device => 1,
            Sender::Pos => match self {
                Message::TxStart(_) | Message::RefundRequest(_) => 2,
                Message::VoidPayment(_) => 3,
                Message::ShowPaymentReceiptOptions(_) => 2,
                Message::CapturePreAuth(_) | Message::IncrementPreAuth(_) => 1,
                _ => 0,
            },
        }
    }
}
