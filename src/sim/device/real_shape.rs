//! Frames as real Clover devices write them (the real profile; EVIDENCE.md rows 1, 3, 4, 7 and
//! `fixtures/real/`): envelopes `{id, type, method, packageName, payload}` only, payloads with
//! `method` and `version:1`, and the members real devices leave out or send as `null`.

use serde_json::{Map, Value};

use crate::protocol::Message;

/// The discovery flags Clover's message library writes (besides `ready`).
const DISCOVERY_FLAGS: [&str; 4] = [
    "supportsTipAdjust",
    "supportsManualRefund",
    "supportsMultiPayToken",
    "supportsAcknowledgement",
];

/// Payment members real devices send as explicit `null` (recorded FINISH_OK / VERIFY_SIGNATURE /
/// PAYMENT_VOIDED payments).
const NULL_PAYMENT_MEMBERS: [&str; 3] = ["taxRates", "cashTendered", "lineItemPayments"];

/// A COMMAND frame in the real-device form.
pub(super) fn command(package: &str, id: &str, message: &Message) -> String {
    let method = message.method();
    let mut payload = Map::new();
    payload.insert("method".into(), Value::String(method.to_owned()));
    payload.insert("version".into(), Value::from(1));
    // Serialising our own types cannot fail (string keys, no non-finite floats).
    let mut fields = message.fields().unwrap_or_default();
    shape(method, &mut fields);
    payload.extend(fields);
    let mut envelope = Map::new();
    envelope.insert("id".into(), Value::String(id.to_owned()));
    envelope.insert("type".into(), Value::String("COMMAND".into()));
    envelope.insert("method".into(), Value::String(method.to_owned()));
    envelope.insert("packageName".into(), Value::String(package.to_owned()));
    envelope.insert(
        "payload".into(),
        Value::String(Value::Object(payload).to_string()),
    );
    Value::Object(envelope).to_string()
}

/// A PING or PONG envelope in the real-device form: `{type, packageName}`.
pub(super) fn control(package: &str, ping: bool) -> String {
    let kind = if ping { "PING" } else { "PONG" };
    let mut envelope = Map::new();
    envelope.insert("type".into(), Value::String(kind.into()));
    envelope.insert("packageName".into(), Value::String(package.to_owned()));
    Value::Object(envelope).to_string()
}

/// Removes or nulls the members real devices do not write, per method.
fn shape(method: &str, fields: &mut Map<String, Value>) {
    match method {
        "TX_START_RESPONSE" => fields.retain(|k, _| k == "success"),
        "FINISH_OK" | "FINISH_CANCEL" => {
            fields.remove("requestInfo");
        }
        "DISCOVERY_RESPONSE" => fields
            .retain(|k, _| !k.starts_with("supports") || DISCOVERY_FLAGS.contains(&k.as_str())),
        "RETRIEVE_DEVICE_STATUS_RESPONSE" | "RESET_DEVICE_RESPONSE" => {
            fields.remove("status");
        }
        "ACK" => fields.retain(|k, _| k == "sourceMessageId"),
        _ => {}
    }
    let voided = method == "PAYMENT_VOIDED";
    if let Some(payment) = fields.get_mut("payment") {
        map_nested(payment, |p| real_payment(p, voided));
    }
}

/// Applies `f` to a nested object, whether it is written as a JSON string (device form) or an
/// object; the string form is kept.
fn map_nested(value: &mut Value, f: impl FnOnce(&mut Map<String, Value>)) {
    match value {
        Value::String(text) => {
            if let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) {
                f(&mut map);
                *text = Value::Object(map).to_string();
            }
        }
        Value::Object(map) => f(map),
        _ => {}
    }
}

/// A payment as a real device writes it: explicit `null`s, no tip written as `null`, a closed
/// AUTH card transaction — and, in PAYMENT_VOIDED, still `result:"SUCCESS"` with the card
/// transaction CLOSED (the recorded frame `"id":"474"`).
fn real_payment(p: &mut Map<String, Value>, voided: bool) {
    for key in NULL_PAYMENT_MEMBERS {
        p.insert(key.into(), Value::Null);
    }
    p.entry("externalPaymentId").or_insert(Value::Null);
    let no_tip = p.get("tipAmount").is_none_or(|t| t.as_i64() == Some(0));
    if no_tip {
        p.insert("tipAmount".into(), Value::Null);
    }
    if p.get("cashbackAmount")
        .is_none_or(|c| c.as_i64() == Some(0))
    {
        p.insert("cashbackAmount".into(), Value::Null);
    }
    if voided {
        p.insert("result".into(), Value::String("SUCCESS".into()));
        p.remove("voidReason");
    }
    if let Some(Value::Object(ct)) = p.get_mut("cardTransaction") {
        let auth = ct.get("type").and_then(Value::as_str) == Some("AUTH");
        if voided || auth {
            ct.insert("state".into(), Value::String("CLOSED".into()));
        }
    }
}
