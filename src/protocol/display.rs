//! The customer display and printing messages (PROTOCOL.md §7.1, §7.2): `SHOW_ORDER_SCREEN` with
//! its `DisplayOrder` and operations, `PRINT_TEXT`, printers, print-job status and receipt options.
//!
//! Shapes follow the JS SDK (remote-pay-cloud-api `order/DisplayOrder.js`, `DisplayLineItem.js`,
//! `DisplayDiscount.js`, `order/operation/*.js`, `remotemessage/OrderUpdateMessage.js`): money on a
//! display order is *text* as the customer reads it (`"$3.50"`), arrays nested inside the order or
//! an operation travel wrapped as `{"elements": […]}` (the SDK's `stringifyClover`), while an array
//! that is a message's own field (`textLines`, `printers`) is plain. Decoding accepts both forms.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_with::skip_serializing_none;

/// A list that travels as `{"elements": […]}` inside Clover objects; a plain array is accepted too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Elements<T>(pub Vec<T>);

impl<T: Serialize> Serialize for Elements<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wrapped<'a, T> {
            elements: &'a [T],
        }
        Wrapped { elements: &self.0 }.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Elements<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form<T> {
            Wrapped {
                #[serde(default = "Vec::new")]
                elements: Vec<T>,
            },
            Plain(Vec<T>),
        }
        Ok(match Form::deserialize(d)? {
            Form::Wrapped { elements } => Elements(elements),
            Form::Plain(v) => Elements(v),
        })
    }
}

/// `DisplayOrder`: what the customer display shows. Amounts are display text (`"$3.50"`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DisplayOrder {
    /// The order's id (never our external payment id).
    pub id: Option<String>,
    /// ISO currency code.
    pub currency: Option<String>,
    /// Subtotal text.
    pub subtotal: Option<String>,
    /// Tax text.
    pub tax: Option<String>,
    /// Total text.
    pub total: Option<String>,
    /// Title shown above the lines.
    pub title: Option<String>,
    /// Note shown with the order.
    pub note: Option<String>,
    /// Order discounts.
    pub discounts: Option<Elements<DisplayDiscount>>,
    /// The lines.
    pub line_items: Option<Elements<DisplayLineItem>>,
    /// Amount still due, text.
    pub amount_remaining: Option<String>,
}

/// `DisplayLineItem`. The SDK's constructor sets `printed`, `exchanged` and `refunded` to the
/// *string* `"false"`, so they are on every SDK frame; they are kept as raw values.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DisplayLineItem {
    /// Line id, unique in the order.
    pub id: Option<String>,
    /// The order it belongs to.
    pub order_id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Line price text (quantity × unit price).
    pub price: Option<String>,
    /// Unit price text.
    pub unit_price: Option<String>,
    /// Quantity text.
    pub quantity: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// SDK default `"false"`.
    pub printed: Option<Value>,
    /// Line discounts.
    pub discounts: Option<Elements<DisplayDiscount>>,
    /// Discount text.
    pub discount_amount: Option<String>,
    /// SDK default `"false"`.
    pub exchanged: Option<Value>,
    /// SDK default `"false"`.
    pub refunded: Option<Value>,
    /// Percent text.
    pub percent: Option<String>,
}

impl DisplayLineItem {
    /// A line with the SDK constructor's defaults.
    pub fn sdk_default() -> DisplayLineItem {
        let no = || Some(Value::String("false".into()));
        DisplayLineItem {
            printed: no(),
            exchanged: no(),
            refunded: no(),
            ..DisplayLineItem::default()
        }
    }
}

/// `DisplayDiscount`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DisplayDiscount {
    /// Discount id.
    pub id: Option<String>,
    /// The line it applies to; absent for an order discount.
    pub line_item_id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Amount text (`"-$1.00"`).
    pub amount: Option<String>,
    /// Percentage text (`"10"`).
    pub percentage: Option<String>,
}

/// `LineItemsAdded/DeletedOperation`, `DiscountsAdded/DeletedOperation`: the ids and the order.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IdsOperation {
    /// The ids added or deleted.
    pub ids: Option<Elements<String>>,
    /// The order.
    pub order_id: Option<String>,
}

/// `OrderDeletedOperation`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderDeletedOperation {
    /// The order removed from the display.
    pub id: Option<String>,
}

/// SHOW_ORDER_SCREEN (POS → device): the order and at most one operation saying what changed.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderUpdate {
    /// The whole display order.
    pub order: Option<DisplayOrder>,
    /// Lines added.
    pub line_items_added_operation: Option<IdsOperation>,
    /// Lines deleted.
    pub line_items_deleted_operation: Option<IdsOperation>,
    /// Discounts added.
    pub discounts_added_operation: Option<IdsOperation>,
    /// Discounts deleted.
    pub discounts_deleted_operation: Option<IdsOperation>,
    /// The order is removed from the display.
    pub order_deleted_operation: Option<OrderDeletedOperation>,
}

impl OrderUpdate {
    /// How many operations the message carries (a well-formed one carries 0 or 1).
    pub fn operation_count(&self) -> usize {
        [
            self.line_items_added_operation.is_some(),
            self.line_items_deleted_operation.is_some(),
            self.discounts_added_operation.is_some(),
            self.discounts_deleted_operation.is_some(),
            self.order_deleted_operation.is_some(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count()
    }
}

/// A printer reference or description (`printer.Printer`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Printer {
    /// Printer id.
    pub id: Option<String>,
    /// MAC address.
    pub mac: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// `LOCAL`, `NETWORK`, …
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// PRINT_TEXT (POS → device): plain-text lines for the device printer.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TextPrint {
    /// The lines, a plain array.
    pub text_lines: Option<Vec<String>>,
    /// Our id for the print job, to ask its status.
    pub external_print_job_id: Option<String>,
    /// Which printer; the device's default when absent.
    pub printer: Option<Printer>,
}

/// PRINT_JOB_STATUS_REQUEST (POS → device).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrintJobStatusRequest {
    /// The job asked about.
    pub external_print_job_id: Option<String>,
}

/// PRINT_JOB_STATUS_RESPONSE (device → POS). `status`: IN_QUEUE, PRINTING, DONE, ERROR,
/// UNKNOWN, NOT_FOUND (kept as text; unknown values survive).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrintJobStatusResponse {
    /// The job.
    pub external_print_job_id: Option<String>,
    /// Its state.
    pub status: Option<String>,
}

/// GET_PRINTERS_REQUEST (POS → device). `category`: ORDER, RECEIPT, FISCAL, LABEL.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetPrintersRequest {
    /// Which printers.
    pub category: Option<String>,
}

/// GET_PRINTERS_RESPONSE (device → POS): each printer travels as a JSON string, like every
/// Clover object a device sends (§2.8); objects are accepted too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetPrintersResponse {
    /// The printers.
    #[serde(with = "printer_strings")]
    pub printers: Vec<Printer>,
}

mod printer_strings {
    use crate::protocol::display::Printer;
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(v: &[Printer], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for p in v {
            let text = serde_json::to_string(p).map_err(serde::ser::Error::custom)?;
            seq.serialize_element(&text)?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Printer>, D::Error> {
        let raw = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
        raw.into_iter()
            .map(|v| match v {
                Value::String(s) => serde_json::from_str(&s).map_err(serde::de::Error::custom),
                other => serde_json::from_value(other).map_err(serde::de::Error::custom),
            })
            .collect()
    }
}

/// SHOW_PAYMENT_RECEIPT_OPTIONS (POS → device, payload version 2).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ShowPaymentReceiptOptions {
    /// The payment's order.
    pub order_id: Option<String>,
    /// The payment.
    pub payment_id: Option<String>,
    /// True when the POS prints itself.
    pub disable_clover_printing: Option<bool>,
}

/// SHOW_RECEIPT_OPTIONS (POS → device; the JS SDK 4.x `displayReceiptOptions`): the receipt
/// choice for a payment, a refund or a credit.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ShowReceiptOptions {
    /// The order.
    pub order_id: Option<String>,
    /// The payment.
    pub payment_id: Option<String>,
    /// The refund.
    pub refund_id: Option<String>,
    /// The credit (manual refund).
    pub credit_id: Option<String>,
    /// True when the POS prints itself.
    pub disable_clover_printing: Option<bool>,
}

/// SHOW_RECEIPT_OPTIONS_RESPONSE (device → POS).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ShowReceiptOptionsResponse {
    /// SUCCESS, CANCEL, FAIL.
    pub status: Option<String>,
    /// Why, when not SUCCESS.
    pub reason: Option<String>,
}

/// The key fields of a SHOW_ORDER_SCREEN for frame summaries: the operation, its ids, the line
/// count and the total text (sanitised by the caller's output path).
pub fn summarize_order_update(m: &OrderUpdate, put: &mut dyn FnMut(&str, String)) {
    let ids = |op: &IdsOperation| op.ids.as_ref().map(|e| e.0.join(",")).unwrap_or_default();
    if let Some(op) = &m.line_items_added_operation {
        put("linesAdded", ids(op));
    }
    if let Some(op) = &m.line_items_deleted_operation {
        put("linesDeleted", ids(op));
    }
    if let Some(op) = &m.discounts_added_operation {
        put("discountsAdded", ids(op));
    }
    if let Some(op) = &m.discounts_deleted_operation {
        put("discountsDeleted", ids(op));
    }
    if let Some(op) = &m.order_deleted_operation {
        put("orderDeleted", op.id.clone().unwrap_or_default());
    }
    if let Some(o) = &m.order {
        put(
            "lines",
            o.line_items.as_ref().map_or(0, |l| l.0.len()).to_string(),
        );
        if let Some(t) = &o.total {
            put("total", format!("{t:?}"));
        }
    }
}
