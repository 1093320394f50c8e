//! Auths, pre-auths, captures, increments, tip adjusts and closeout (PROTOCOL.md §7.2).
//!
//! Facts from the JS SDK 4.1.2 (`CloverConnector.auth`/`preAuth`/`capturePreAuth`/
//! `incrementPreAuth`/`tipAdjustAuth`/`closeout`, `DefaultCloverDevice.do*`) and the
//! remote-pay-cloud-api message classes; the POS frames are recorded in
//! `tests/fixtures/official-js-sdk-4.1.2-auth-frames.jsonl`:
//!
//! * **Auth** (tip-adjustable sale): TX_START `requestInfo:"AUTH"`, `payIntent.transactionType:
//!   "PAYMENT"`, `transactionSettings.tipMode:"ON_PAPER"`, no `tipAmount`. The payment comes back
//!   in FINISH_OK `requestInfo:"AUTH"` with `cardTransaction.type:"PREAUTH"`, `result:"SUCCESS"`
//!   (the SDK's `isAuth`).
//! * **Pre-auth** (a hold): TX_START `requestInfo:"PREAUTH"`, `transactionType:"AUTH"`, no tip,
//!   no tax, no tip mode. FINISH_OK `requestInfo:"PREAUTH"`, payment `cardTransaction.type:
//!   "PREAUTH"`, `result:"AUTH"` (the SDK's `isPreAuth`).
//! * CAPTURE_PREAUTH v1 `{amount, tipAmount, paymentId}` → CAPTURE_PREAUTH_RESPONSE
//!   `{status, reason, message, paymentId, amount, tipAmount}`.
//! * INCREMENT_PREAUTH_REQUEST v1 `{amount, paymentId}` → INCREMENT_PREAUTH_RESPONSE
//!   `{status, reason, authorization}` (an Authorization object, a string from devices).
//! * TIP_ADJUST v0 `{tipAmount, orderId, paymentId}` → TIP_ADJUST_RESPONSE
//!   `{success, amount, orderId, paymentId, message, reason}` (`amount` is the new tip).
//! * CLOSEOUT_REQUEST v0 `{allowOpenTabs, batchId}` → CLOSEOUT_RESPONSE `{status, reason, batch}`
//!   (a Batch object, a string from devices).
//!
//! The SDK maps `status` SUCCESS → success, CANCEL → cancel, anything else → fail; TIP_ADJUST_RESPONSE
//! and closeout use the `success` flag / `status == SUCCESS`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use super::enums::{CardType, ResultStatus};
use super::objects::{Payment, Reference};
use super::wire_enum::wire_enum;

wire_enum! {
    /// A batch's state (`payments.BatchState`).
    BatchState {
        /// Still taking payments.
        Open = "OPEN",
        /// Closeout asked for, waiting for the processor.
        QueuedForProcessing = "QUEUED_FOR_PROCESSING",
        /// The processor is settling it.
        Processing = "PROCESSING",
        /// Settled.
        Closed = "CLOSED",
        /// Settlement failed.
        Failed = "FAILED",
    }
}

wire_enum! {
    /// How a batch was closed (`payments.BatchType`).
    BatchType {
        /// Closed on request (CLOSEOUT_REQUEST).
        ManualClose = "MANUAL_CLOSE",
        /// Closed by the merchant's daily schedule.
        AutoClose = "AUTO_CLOSE",
    }
}

/// A count and a total (`payments.BatchTotalType`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchTotalType {
    /// How many.
    pub count: Option<i64>,
    /// Their total, in cents.
    pub total: Option<i64>,
}

/// The batch's totals by kind (`payments.BatchTotalStats`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchTotalStats {
    /// Payments.
    pub sales: Option<BatchTotalType>,
    /// Refunds.
    pub refunds: Option<BatchTotalType>,
    /// Sales minus refunds.
    pub net: Option<BatchTotalType>,
    /// Tax.
    pub tax: Option<BatchTotalType>,
    /// Tips.
    pub tips: Option<BatchTotalType>,
    /// Members not modelled above (giftCardLoads, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Details of a batch (`payments.BatchDetail`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchDetail {
    /// Terminal id at the processor.
    pub terminal_id: Option<String>,
    /// Totals by kind.
    pub batch_totals: Option<BatchTotalStats>,
    /// Auths still waiting for their tip.
    pub open_tips: Option<i64>,
    /// Pre-auths (tabs) still open.
    pub open_tabs: Option<i64>,
    /// Members not modelled above (serverTotals, cardTotals, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A closed-out batch (`payments.Batch`), the `batch` of CLOSEOUT_RESPONSE.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Batch {
    /// The batch id.
    pub id: Option<String>,
    /// Number of transactions in it.
    pub tx_count: Option<i64>,
    /// Their total, in cents.
    pub total_batch_amount: Option<i64>,
    /// The devices that took part (text).
    pub devices: Option<String>,
    /// Its state.
    pub state: Option<BatchState>,
    /// How it was closed.
    pub batch_type: Option<BatchType>,
    /// Milliseconds since the epoch.
    pub created_time: Option<i64>,
    /// Milliseconds since the epoch.
    pub modified_time: Option<i64>,
    /// Milliseconds between the closeout request and the close.
    pub closeout_time_difference: Option<i64>,
    /// Totals and open tips/tabs.
    pub batch_details: Option<BatchDetail>,
    /// Members not modelled above (batchTransactions, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An authorization (`payments.Authorization`), the `authorization` of
/// INCREMENT_PREAUTH_RESPONSE: the pre-auth's payment with its new amount.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Authorization {
    /// The authorization id.
    pub id: Option<String>,
    /// The pre-auth payment, with its amount after the increment.
    pub payment: Option<Payment>,
    /// Tab name.
    pub tab_name: Option<String>,
    /// The authorised amount after the increment, in cents.
    pub amount: Option<i64>,
    /// Card brand.
    pub card_type: Option<CardType>,
    /// Last four digits of the card.
    pub last4: Option<String>,
    /// Authorisation code (lower-case `c` on the wire).
    pub authcode: Option<String>,
    /// `TAB` or `AUTH`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// The POS's reference.
    pub external_reference_id: Option<String>,
    /// The payment that closed the tab.
    pub closing_payment: Option<Reference>,
    /// Milliseconds since the epoch.
    pub created_time: Option<i64>,
    /// Members not modelled above (`token` is decoded into here and never stored).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// CAPTURE_PREAUTH (POS → device, payload version 1): capture a pre-auth for its final `amount`
/// and `tipAmount`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CapturePreAuth {
    /// The final amount (without tip), in cents.
    pub amount: Option<i64>,
    /// The tip, in cents.
    pub tip_amount: Option<i64>,
    /// The pre-auth's payment id.
    pub payment_id: Option<String>,
}

/// CAPTURE_PREAUTH_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CapturePreAuthResponse {
    /// SUCCESS when captured.
    pub status: Option<ResultStatus>,
    /// Why not, when not.
    pub reason: Option<String>,
    /// Human text.
    pub message: Option<String>,
    /// The payment captured.
    pub payment_id: Option<String>,
    /// The amount captured (without tip), in cents.
    pub amount: Option<i64>,
    /// The tip captured, in cents.
    pub tip_amount: Option<i64>,
}

/// INCREMENT_PREAUTH_REQUEST (POS → device, payload version 1): raise a pre-auth's hold by
/// `amount`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IncrementPreAuth {
    /// The increment (added to the hold), in cents.
    pub amount: Option<i64>,
    /// The pre-auth's payment id.
    pub payment_id: Option<String>,
}

/// INCREMENT_PREAUTH_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IncrementPreAuthResponse {
    /// SUCCESS when incremented.
    pub status: Option<ResultStatus>,
    /// Why not, when not.
    pub reason: Option<String>,
    /// The authorization after the increment (a JSON string from devices).
    #[serde(with = "super::nested::string")]
    pub authorization: Option<Authorization>,
}

/// TIP_ADJUST (POS → device): set an auth's tip.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TipAdjust {
    /// The new tip, in cents (it replaces any earlier tip).
    pub tip_amount: Option<i64>,
    /// The payment's order id.
    pub order_id: Option<String>,
    /// The auth's payment id.
    pub payment_id: Option<String>,
}

/// TIP_ADJUST_RESPONSE (device → POS). `amount` is the tip now on the payment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TipAdjustResponse {
    /// True when adjusted.
    pub success: Option<bool>,
    /// The tip now on the payment, in cents.
    pub amount: Option<i64>,
    /// The payment's order id.
    pub order_id: Option<String>,
    /// Human text.
    pub message: Option<String>,
    /// Why not, when not.
    pub reason: Option<String>,
    /// The payment adjusted.
    pub payment_id: Option<String>,
}

/// CLOSEOUT_REQUEST (POS → device): close the current batch.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CloseoutRequest {
    /// Close even while auths wait for tips or pre-auths are open.
    pub allow_open_tabs: Option<bool>,
    /// A specific batch (absent: the current one).
    pub batch_id: Option<String>,
}

/// CLOSEOUT_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CloseoutResponse {
    /// Why not, when not.
    pub reason: Option<String>,
    /// SUCCESS when the batch was closed.
    pub status: Option<ResultStatus>,
    /// The batch closed (a JSON string from devices).
    #[serde(with = "super::nested::string")]
    pub batch: Option<Batch>,
}

/// What a payment on the device is, read the way the JS SDK's `setResponseFlags` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentFlavor {
    /// `cardTransaction.type:"AUTH"`, `result:"SUCCESS"`.
    Sale,
    /// `cardTransaction.type:"PREAUTH"`, `result:"SUCCESS"`: tip-adjustable (or a captured
    /// pre-auth).
    Auth,
    /// `cardTransaction.type:"PREAUTH"`, `result:"AUTH"`: a hold awaiting capture.
    PreAuth,
    /// Anything else (declined, voided, unknown).
    Other,
}

impl PaymentFlavor {
    /// Reads a payment's flavour.
    pub fn of(payment: &Payment) -> PaymentFlavor {
        use super::enums::{CardTransactionType as T, PaymentResult as R};
        let kind = payment
            .card_transaction
            .as_ref()
            .and_then(|c| c.kind.as_ref());
        match (kind, payment.result.as_ref()) {
            (Some(T::Auth), Some(R::Success)) => PaymentFlavor::Sale,
            (Some(T::Preauth), Some(R::Success)) => PaymentFlavor::Auth,
            (Some(T::Preauth), Some(R::Auth)) => PaymentFlavor::PreAuth,
            _ => PaymentFlavor::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Cents, Message, RequestInfo, SaleRequest, TipMode, TransactionType};
    use crate::protocol::{Encoder, Frame, SNPD_PACKAGE};

    fn payload(line: &str) -> Value {
        let env: Value = serde_json::from_str(line).unwrap();
        serde_json::from_str(env["payload"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn closeout_response_decodes_the_batch_from_a_string_or_an_object() {
        let batch = r#"{"id":"B1","txCount":3,"totalBatchAmount":4200,"state":"CLOSED","batchType":"MANUAL_CLOSE","batchDetails":{"openTips":0,"openTabs":1,"batchTotals":{"tips":{"count":1,"total":300}}}}"#;
        let as_string = serde_json::json!({"status":"SUCCESS","batch":batch});
        let as_object = serde_json::json!({"status":"SUCCESS","batch":serde_json::from_str::<Value>(batch).unwrap()});
        for p in [as_string, as_object] {
            let Message::CloseoutResponse(r) =
                Message::from_payload("CLOSEOUT_RESPONSE", p).unwrap()
            else {
                panic!("not a closeout response")
            };
            let b = r.batch.unwrap();
            assert_eq!(b.id.as_deref(), Some("B1"));
            assert_eq!((b.tx_count, b.total_batch_amount), (Some(3), Some(4200)));
            assert_eq!(b.state, Some(BatchState::Closed));
            let d = b.batch_details.unwrap();
            assert_eq!((d.open_tips, d.open_tabs), (Some(0), Some(1)));
            assert_eq!(d.batch_totals.unwrap().tips.unwrap().total, Some(300));
        }
    }

    #[test]
    fn device_side_responses_encode_nested_objects_as_strings() {
        let msg = Message::IncrementPreAuthResponse(IncrementPreAuthResponse {
            status: Some(ResultStatus::Success),
            reason: None,
            authorization: Some(Authorization {
                id: Some("A1".into()),
                amount: Some(6000),
                ..Authorization::default()
            }),
        });
        let line = Encoder::device(SNPD_PACKAGE, "sim").command("9", &msg);
        let p = payload(&line);
        assert!(p["authorization"].is_string(), "{p}");
        assert_eq!(p["method"], "INCREMENT_PREAUTH_RESPONSE");
        let back = Frame::decode(&line).unwrap();
        assert_eq!(back.message, Some(msg));
    }

    #[test]
    fn auth_and_preauth_tx_start_carry_the_sdk_markers() {
        let sale = SaleRequest::builder()
            .amount(Cents(2000))
            .tip(Cents(100))
            .tax(Cents(50))
            .external_id("E1")
            .build()
            .unwrap();
        let Message::TxStart(auth) = sale.to_auth_message() else {
            panic!()
        };
        assert_eq!(auth.request_info, Some(RequestInfo::Auth));
        let intent = auth.pay_intent.unwrap();
        assert_eq!(intent.transaction_type, Some(TransactionType::Payment));
        assert_eq!(intent.tip_amount, None);
        assert_eq!(intent.tax_amount, Some(50));
        assert_eq!(
            intent.transaction_settings.unwrap().tip_mode,
            Some(TipMode::OnPaper)
        );
        let Message::TxStart(pre) = sale.to_preauth_message() else {
            panic!()
        };
        assert_eq!(pre.request_info, Some(RequestInfo::Preauth));
        let intent = pre.pay_intent.unwrap();
        assert_eq!(intent.transaction_type, Some(TransactionType::Auth));
        assert_eq!((intent.tip_amount, intent.tax_amount), (None, None));
        assert_eq!(intent.transaction_settings.unwrap().tip_mode, None);
    }

    #[test]
    fn payment_flavor_follows_the_sdk_flags() {
        let p = |kind: &str, result: &str| -> Payment {
            serde_json::from_value(serde_json::json!({
                "result": result, "cardTransaction": {"type": kind}
            }))
            .unwrap()
        };
        assert_eq!(
            PaymentFlavor::of(&p("AUTH", "SUCCESS")),
            PaymentFlavor::Sale
        );
        assert_eq!(
            PaymentFlavor::of(&p("PREAUTH", "SUCCESS")),
            PaymentFlavor::Auth
        );
        assert_eq!(
            PaymentFlavor::of(&p("PREAUTH", "AUTH")),
            PaymentFlavor::PreAuth
        );
        assert_eq!(PaymentFlavor::of(&p("AUTH", "FAIL")), PaymentFlavor::Other);
    }
}
