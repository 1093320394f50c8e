//! Redaction of secrets and card data wherever frames or payments are shown or logged.
//!
//! Tokens (pairing auth tokens, OAuth access tokens) keep their first 4 characters followed by
//! `…`; cardholder names and card data other than brand and last4 are replaced entirely.
//!
//! Members are matched by pattern as well as by name: any key containing `token` is masked like
//! a token; any key containing `secret`, `password` or `track` is replaced entirely; and a
//! PAN-like digit run (13–19 digits, spaces or dashes allowed, passing the Luhn check) in any
//! string is replaced, whatever its key.

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
                let lower = key.to_ascii_lowercase();
                if TOKEN_KEYS.contains(&key.as_str()) || lower.contains("token") {
                    match v {
                        Value::String(s) => *s = mask_secret(s),
                        Value::Null | Value::Bool(_) => {}
                        other => *other = Value::String("[redacted]".into()),
                    }
                } else if CARD_KEYS.contains(&key.as_str())
                    || ["secret", "password", "passwd", "track"]
                        .iter()
                        .any(|p| lower.contains(p))
                {
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
        Value::String(s) => {
            // JSON carried as text (a payload, a nested Clover object) is redacted as JSON: a
            // digit-run pass over its text could break it (a 13-digit timestamp is PAN-shaped)
            // and leave the names inside it unredacted.
            let trimmed = s.trim_start();
            if (trimmed.starts_with('{') || trimmed.starts_with('['))
                && let Ok(mut inner) = serde_json::from_str::<Value>(s)
            {
                redact_value(&mut inner);
                *s = inner.to_string();
            } else if let Some(clean) = redact_pan_runs(s) {
                *s = clean;
            }
        }
        _ => {}
    }
}

/// `s` with every PAN-like digit run replaced by `[redacted]`, or `None` when it has none.
/// A run is 13–19 digits, single spaces or dashes allowed between them, not touching a letter
/// or digit on either side, that passes the Luhn check (so timestamps and ids rarely match).
pub fn redact_pan_runs(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_run =
            bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !starts_run {
            i += 1;
            continue;
        }
        let (end, digits) = digit_run(bytes, i);
        let bounded = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if bounded && (13..=19).contains(&digits.len()) && luhn(&digits) {
            out.push_str(&s[copied..i]);
            out.push_str("[redacted]");
            copied = end;
        }
        i = end.max(i + 1);
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&s[copied..]);
    Some(out)
}

/// The end of the digit run starting at `start` (digits with single ` `/`-` between them) and
/// its digits.
fn digit_run(bytes: &[u8], start: usize) -> (usize, Vec<u8>) {
    let mut digits = Vec::new();
    let mut end = start;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            digits.push(bytes[i] - b'0');
            i += 1;
            end = i;
        } else if matches!(bytes[i], b' ' | b'-')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            i += 1;
        } else {
            break;
        }
    }
    (end, digits)
}

/// The Luhn checksum test card numbers pass.
fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
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

/// The most bytes of one frame's redacted text kept for the frames inspector and logs: 8 KiB.
/// With the inspector's 2 000 frames that bounds what it retains to about 16 MiB.
pub const MAX_KEPT_FRAME_BYTES: usize = 8 * 1024;

/// [`redact_frame_text`], cut to at most [`MAX_KEPT_FRAME_BYTES`] (on a character boundary)
/// with a note of how much was left out: what a frame tap or log line keeps.
pub fn kept_frame_text(text: &str) -> String {
    let mut redacted = redact_frame_text(text);
    if redacted.len() > MAX_KEPT_FRAME_BYTES {
        let note = format!("… [{} bytes not kept]", redacted.len());
        let mut cut = MAX_KEPT_FRAME_BYTES - note.len();
        while !redacted.is_char_boundary(cut) {
            cut -= 1;
        }
        redacted.truncate(cut);
        redacted.push_str(&note);
    }
    redacted
}

/// A frame's text with its payload (and the payload's nested objects) redacted. Text that is
/// not JSON is not shown at all, since it could hold anything.
pub fn redact_frame_text(text: &str) -> String {
    let Ok(mut envelope) = serde_json::from_str::<Value>(text) else {
        return format!("[not JSON: {} bytes]", text.len());
    };
    if let Some(Value::String(payload)) = envelope.get_mut("payload")
        && serde_json::from_str::<Value>(payload).is_err()
    {
        *payload = format!("[not JSON: {} bytes]", payload.len());
    }
    // A payload carried as JSON text is redacted as JSON by `redact_value`.
    redact_value(&mut envelope);
    envelope.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn keys_are_matched_by_pattern() {
        let mut v = serde_json::json!({
            "authToken": "abcdef123456789",
            "token_value": "zyxwvu987654321",
            "clientSecret": "s3cr3t-value",
            "adminPassword": "hunter22",
            "trackData": ";4761739001010119=25121011000012345678?",
            "nested": {"refresh_token": {"x": 1}, "note": "card 4761 7390 0101 0119 seen"},
            "createdTime": "1733060000000",
            "externalId": "POS-4761739001010119",
            "uuid": "4761739001010119abcdef",
            "amount": 2500,
        });
        redact_value(&mut v);
        let out = v.to_string();
        for leak in [
            "123456789",
            "987654321",
            "s3cr3t",
            "hunter22",
            "=2512",
            "0101 0119",
        ] {
            assert!(!out.contains(leak), "{leak} leaked: {out}");
        }
        assert_eq!(v["authToken"], "abcd…");
        assert_eq!(v["token_value"], "zyxw…");
        assert_eq!(v["clientSecret"], "[redacted]");
        assert_eq!(v["nested"]["refresh_token"], "[redacted]");
        assert_eq!(v["nested"]["note"], "card [redacted] seen");
        assert_eq!(v["externalId"], "POS-[redacted]");
        // Not PAN-like: fails Luhn, or glued to letters.
        assert_eq!(v["createdTime"], "1733060000000");
        assert_eq!(v["uuid"], "4761739001010119abcdef");
        assert_eq!(v["amount"], 2500);
    }

    #[test]
    fn pan_runs_need_length_and_luhn() {
        assert_eq!(redact_pan_runs("no digits"), None);
        assert_eq!(redact_pan_runs("476173900101011"), None); // 15 digits, bad check
        assert_eq!(
            redact_pan_runs("a 4111-1111-1111-1111 b 5555555555554444").as_deref(),
            Some("a [redacted] b [redacted]")
        );
        assert_eq!(redact_pan_runs("411111111111"), None); // 12 digits
    }

    #[test]
    fn json_text_with_pan_shaped_numbers_is_redacted_as_json() {
        // 4242424242424 passes the Luhn check: as a timestamp inside a nested payment it must not
        // break the nested JSON and let the cardholder name through.
        let payment = r#"{"createdTime":4242424242424,"cardTransaction":{"cardholderName":"ANN"}}"#;
        let payload = json!({"method": "VERIFY_SIGNATURE", "payment": payment}).to_string();
        let frame = json!({"method": "VERIFY_SIGNATURE", "payload": payload}).to_string();
        let out = redact_frame_text(&frame);
        assert!(!out.contains("ANN"), "{out}");
    }

    #[test]
    fn kept_text_is_bounded() {
        let big = format!(
            r#"{{"method":"UI_STATE","payload":"{{\"uiText\":\"{}\"}}"}}"#,
            "é".repeat(100_000)
        );
        let kept = kept_frame_text(&big);
        assert!(kept.len() <= MAX_KEPT_FRAME_BYTES, "{}", kept.len());
        assert!(
            kept.ends_with("bytes not kept]"),
            "{}",
            &kept[kept.len() - 40..]
        );
        let small = r#"{"method":"PING"}"#;
        assert_eq!(kept_frame_text(small), redact_frame_text(small));
    }

    #[test]
    fn garbage_is_not_echoed() {
        assert_eq!(redact_frame_text("secret garbage"), "[not JSON: 14 bytes]");
    }
}
