//! Accepts a string or a number (some SDKs send numeric ids) and yields a string.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

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
