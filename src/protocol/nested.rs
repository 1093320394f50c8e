//! Serde helpers for Clover domain objects nested in a payload (PROTOCOL.md §2.8).
//!
//! Devices send `payment`, `credit`, `refund`, `order`… as a JSON *string* holding the object; the
//! JS SDK sends them back as plain objects. Both are accepted on decode. On encode, `string` writes
//! the device form and `object` the JS SDK form. An `{"elements": […]}` wrapper is a plain object
//! field and needs nothing special.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
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

/// Encodes as a JSON string (device style); decodes a string or an object.
pub mod string {
    use super::*;

    /// Serde `serialize_with` for `Option<T>`.
    pub fn serialize<S: Serializer, T: Serialize>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(inner) => {
                let text = serde_json::to_string(inner).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }
        }
    }

    /// Serde `deserialize_with` for `Option<T>`.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        decode_either(d)
    }
}

/// Encodes as a nested object (JS SDK style); decodes a string or an object.
pub mod object {
    use super::*;

    /// Serde `serialize_with` for `Option<T>`.
    pub fn serialize<S: Serializer, T: Serialize>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Serde `deserialize_with` for `Option<T>`.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        decode_either(d)
    }
}

/// Accepts a string or a number (some SDKs send numeric ids) and yields a string.
pub mod lenient_string {
    use super::*;

    /// Serde `serialize_with` for `Option<String>`.
    pub fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Serde `deserialize_with` for `Option<String>`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
        })
    }
}
