//! Redaction of secrets and card data wherever frames or payments are shown or logged.
//!
//! Tokens (pairing auth tokens, OAuth access tokens) keep their first 4 characters followed by
//! `…`; cardholder names and card data other than brand and last4 are replaced entirely.

use serde_json::Value;

/// Members whose value is a secret token.
const TOKEN_KEYS: &[&str] = &[
    "authenticationToken",
    "accessToken",
    "access_token",
    "token",
    "connectionToken",
    "bearer",
];

/// Members that hold cardholder or card data beyond brand and last4.
const CARD_KEYS: &[&str] = &[
    "cardholderName",
    "firstName",
    "lastName",
    "first6",
    "pan",
    "track1",
    "track2",
    "track3",
    "maskedTrack1",
    "maskedTrack2",
    "maskedTrack3",
    "exp",
    "expirationDate",
    "cvv",
];

/// Members that hold nested Clover objects as JSON strings.
const NESTED_KEYS: &[&str] = &[
    "payment",
    "credit",
    "refund",
    "order",
    "batch",
    "card",
    "authorization",
    "transactionSettings",
    "vaultedCard",
];

/// A secret (a pairing or OAuth access token). `Debug` and `Display` show it masked with
/// [`mask_secret`]; [`Secret::expose`] gives the real value to the one place that sends it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value: only for putting it on the wire, never for printing or logging.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", mask_secret(&self.0))
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&mask_secret(&self.0))
    }
}

/// `c3f1b1f2-…` → `c3f1…`. Short secrets (≤ 8 chars) are hidden entirely.
pub fn mask_secret(secret: &str) -> String {
    if secret.chars().count() <= 8 {
        return "…".to_owned();
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

/// Redacts a JSON value in place: tokens masked, card data removed, recursively, including
/// nested objects carried as JSON strings.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if TOKEN_KEYS.contains(&key.as_str()) {
                    if let Value::String(s) = v {
                        *s = mask_secret(s);
                    }
                } else if CARD_KEYS.contains(&key.as_str()) {
                    if !v.is_null() {
                        *v = Value::String("[redacted]".into());
                    }
                } else if NESTED_KEYS.contains(&key.as_str()) {
                    if let Value::String(text) = v {
                        if let Ok(mut inner @ Value::Object(_)) =
                            serde_json::from_str::<Value>(text)
                        {
                            redact_value(&mut inner);
                            *text = inner.to_string();
                        }
                    } else {
                        redact_value(v);
                    }
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// Replaces nested Clover objects carried as JSON strings by the objects themselves, so a
/// human (or `jq`) sees one JSON tree.
pub fn expand_nested(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if NESTED_KEYS.contains(&key.as_str())
                    && let Value::String(text) = v
                    && let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(text)
                {
                    *v = inner;
                }
                expand_nested(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(expand_nested),
        _ => {}
    }
}

/// A frame's text with its payload (and the payload's nested objects) redacted. Text that is
/// not JSON is not shown at all, since it could hold anything.
pub fn redact_frame_text(text: &str) -> String {
    let Ok(mut envelope) = serde_json::from_str::<Value>(text) else {
        return format!("[not JSON: {} bytes]", text.len());
    };
    redact_value(&mut envelope);
    if let Some(Value::String(payload)) = envelope.get_mut("payload") {
        match serde_json::from_str::<Value>(payload) {
            Ok(mut inner) => {
                redact_value(&mut inner);
                *payload = inner.to_string();
            }
            Err(_) => *payload = format!("[not JSON: {} bytes]", payload.len()),
        }
    }
    envelope.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_tokens_and_card_data_in_nested_strings() {
        let frame = r#"{"method":"PAIRING_RESPONSE","payload":"{\"authenticationToken\":\"c3f1b1f2-8a7e\",\"payment\":\"{\\\"cardTransaction\\\":{\\\"cardholderName\\\":\\\"DOE/JANE\\\",\\\"last4\\\":\\\"0119\\\",\\\"first6\\\":\\\"476173\\\"}}\"}"}"#;
        let out = redact_frame_text(frame);
        assert!(!out.contains("8a7e"), "{out}");
        assert!(out.contains("c3f1…"), "{out}");
        assert!(!out.contains("DOE/JANE"), "{out}");
        assert!(!out.contains("476173"), "{out}");
        assert!(out.contains("0119"), "{out}");
    }

    #[test]
    fn short_secrets_are_hidden_whole() {
        assert_eq!(mask_secret("abcd"), "…");
        assert_eq!(mask_secret("abcdefghij"), "abcd…");
    }

    #[test]
    fn garbage_is_not_echoed() {
        assert_eq!(redact_frame_text("secret garbage"), "[not JSON: 14 bytes]");
    }
}
