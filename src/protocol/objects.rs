//! Clover domain objects carried inside payloads: Payment and friends, Signature, Challenge,
//! PayIntent, TransactionSettings, device-state data.
//!
//! Every field is optional (`null` ≡ absent) and unknown members of the big Clover objects are
//! kept in `extra`, so a payment the device sent can be echoed back unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use super::enums::*;

/// A reference to another Clover object: `{"id": …}`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Reference {
    /// The referenced object's id.
    pub id: Option<String>,
    /// Anything else the sender included.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Reference {
    /// A reference to `id`.
    pub fn to(id: impl Into<String>) -> Self {
        Reference {
            id: Some(id.into()),
            extra: Map::new(),
        }
    }
}

/// The tender a payment was taken with.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Tender {
    pub id: Option<String>,
    pub label_key: Option<String>,
    pub label: Option<String>,
    pub opens_cash_drawer: Option<bool>,
    pub supports_tipping: Option<bool>,
    pub enabled: Option<bool>,
    pub visible: Option<bool>,
    pub editable: Option<bool>,
    pub instructions: Option<String>,
    /// Anything else the sender included.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The card side of a payment. `first6`, `cardholderName` and `token` are decoded because they are
/// on the wire, but `till` never stores or shows them (brand and last4 only).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CardTransaction {
    pub card_type: Option<CardType>,
    pub entry_type: Option<CardEntryType>,
    pub first6: Option<String>,
    pub last4: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<CardTransactionType>,
    pub auth_code: Option<String>,
    pub reference_id: Option<String>,
    pub transaction_no: Option<String>,
    pub state: Option<CardTransactionState>,
    pub extra: Option<Map<String, Value>>,
    pub cardholder_name: Option<String>,
    pub token: Option<String>,
    pub gateway_tx_state: Option<GatewayTxState>,
    pub currency: Option<String>,
    pub captured: Option<bool>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A Clover Payment (PROTOCOL.md §5.7).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Payment {
    pub id: Option<String>,
    pub order: Option<Reference>,
    pub device: Option<Reference>,
    pub tender: Option<Tender>,
    pub amount: Option<i64>,
    pub tip_amount: Option<i64>,
    pub tax_amount: Option<i64>,
    pub cashback_amount: Option<i64>,
    pub cash_tendered: Option<i64>,
    pub external_payment_id: Option<String>,
    pub employee: Option<Reference>,
    pub created_time: Option<i64>,
    pub client_created_time: Option<i64>,
    pub modified_time: Option<i64>,
    pub offline: Option<bool>,
    pub result: Option<PaymentResult>,
    pub card_transaction: Option<CardTransaction>,
    pub void_reason: Option<VoidReason>,
    /// Members not modelled above (taxRates, transactionInfo, …), kept for a faithful echo.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Payment {
    /// The payment's refunds as the device or Clover lists them (`refunds: {"elements": […]}`
    /// or a plain list); empty when absent or unreadable.
    pub fn refunds(&self) -> Vec<Refund> {
        let Some(value) = self.extra.get("refunds") else {
            return Vec::new();
        };
        let list = value.get("elements").unwrap_or(value);
        serde_json::from_value::<Vec<Refund>>(list.clone()).unwrap_or_default()
    }

    /// Card brand, e.g. `VISA`.
    pub fn card_brand(&self) -> Option<&CardType> {
        self.card_transaction.as_ref()?.card_type.as_ref()
    }

    /// Last four digits of the card, as the device sent them (see [`is_last4`]).
    pub fn last4(&self) -> Option<&str> {
        self.card_transaction.as_ref()?.last4.as_deref()
    }

    /// Authorisation code.
    pub fn auth_code(&self) -> Option<&str> {
        self.card_transaction.as_ref()?.auth_code.as_deref()
    }
}

/// A Clover Credit (manual refund), sent by the device as a string in FINISH_OK.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Credit {
    pub id: Option<String>,
    pub order_ref: Option<Reference>,
    pub device: Option<Reference>,
    pub tender: Option<Tender>,
    pub employee: Option<Reference>,
    pub amount: Option<i64>,
    pub tax_amount: Option<i64>,
    pub created_time: Option<i64>,
    pub card_transaction: Option<CardTransaction>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Clover Refund of a payment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Refund {
    pub id: Option<String>,
    pub order_ref: Option<Reference>,
    pub device: Option<Reference>,
    pub amount: Option<i64>,
    pub tax_amount: Option<i64>,
    pub tip_amount: Option<i64>,
    pub created_time: Option<i64>,
    pub payment: Option<Reference>,
    pub employee: Option<Reference>,
    pub card_transaction: Option<CardTransaction>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One point of a signature stroke, in device pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// One pen-down-to-pen-up stroke.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stroke {
    pub points: Vec<Point>,
}

/// An on-screen signature (Signature2): canvas size and strokes.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Signature {
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub strokes: Vec<Stroke>,
}

impl Signature {
    /// Total number of points over all strokes.
    pub fn point_count(&self) -> usize {
        self.strokes.iter().map(|s| s.points.len()).sum()
    }
}

/// A question the device asks the merchant about an authorised payment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Challenge {
    #[serde(rename = "type")]
    pub kind: Option<ChallengeType>,
    pub message: Option<String>,
    /// The void reason to send back when the merchant rejects.
    pub reason: Option<VoidReason>,
}

/// A button the device offers, which the POS may press with KEY_PRESS.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct InputOption {
    pub key_press: Option<KeyPress>,
    pub description: Option<String>,
}

/// What the device is working on (`data` of status responses).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceStateData {
    pub external_payment_id: Option<String>,
    pub custom_activity_id: Option<String>,
}

/// Per-transaction settings inside a PayIntent (JS sends every boolean explicitly).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TransactionSettings {
    pub card_entry_methods: Option<i64>,
    pub disable_cash_back: Option<bool>,
    pub clover_should_handle_receipts: Option<bool>,
    pub force_pin_entry_on_swipe: Option<bool>,
    pub disable_restart_transaction_on_failure: Option<bool>,
    pub allow_offline_payment: Option<bool>,
    pub approve_offline_payment_without_prompt: Option<bool>,
    pub force_offline_payment: Option<bool>,
    pub disable_receipt_selection: Option<bool>,
    pub disable_duplicate_check: Option<bool>,
    pub auto_accept_payment_confirmations: Option<bool>,
    pub auto_accept_signature: Option<bool>,
    pub return_result_on_transaction_complete: Option<bool>,
    pub signature_entry_location: Option<DataEntryLocation>,
    pub signature_threshold: Option<i64>,
    pub tip_mode: Option<TipMode>,
    pub tippable_amount: Option<i64>,
    /// Members not modelled above (tipSuggestions, regionalExtras…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payment request inside TX_START (PROTOCOL.md §5.1).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PayIntent {
    pub action: Option<String>,
    pub amount: Option<i64>,
    pub tippable_amount: Option<i64>,
    pub tip_amount: Option<i64>,
    pub tax_amount: Option<i64>,
    pub order_id: Option<String>,
    pub payment_id: Option<String>,
    pub employee_id: Option<String>,
    pub transaction_type: Option<TransactionType>,
    pub is_disable_cash_back: Option<bool>,
    pub is_testing: Option<bool>,
    pub card_entry_methods: Option<i64>,
    pub is_card_not_present: Option<bool>,
    pub remote_print: Option<bool>,
    pub is_force_swipe_pin_entry: Option<bool>,
    pub disable_restart_transaction_when_failed: Option<bool>,
    pub external_payment_id: Option<String>,
    pub requires_remote_confirmation: Option<bool>,
    pub allow_partial_auth: Option<bool>,
    pub allow_offline_payment: Option<bool>,
    pub approve_offline_payment_without_prompt: Option<bool>,
    /// Java sends this as a JSON string, JS as an object; both are accepted.
    #[serde(with = "super::nested::object")]
    pub transaction_settings: Option<TransactionSettings>,
    pub external_reference_id: Option<String>,
    /// Members not modelled above (vaultedCard, passThroughValues, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The one last4 rule: exactly four ASCII digits (what `till` keeps, stores and searches by).
pub fn is_last4(text: &str) -> bool {
    text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())
}
