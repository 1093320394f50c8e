//! Serde helpers for Clover domain objects nested in a payload (PROTOCOL.md §2.8).
//!
//! Devices send `payment`, `credit`, `refund`, `order`… as a JSON *string* holding the object; the
//! JS SDK sends them back as plain objects. Both are accepted on decode. On encode, `string` writes
//! the device form and `object` the JS SDK form. An `{"elements": […]}` wrapper is a plain object
//! field and needs nothing special.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn decode_either<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Option::<Value>::deserialize(d)?;
    let value = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => {
            serde_json::from_str::<Value>(&text).map_err(serde::de::Error::custom)?
        }
        Some(other) => other,
    };
    if value.is_null() {
        return Ok(None);
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

pub mod lenient_string;
pub mod object;
pub mod string;
