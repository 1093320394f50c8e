//! Encodes as a JSON string (device style); decodes a string or an object.

use serde::de::DeserializeOwned;
use serde::{Deserializer, Serialize, Serializer};

use super::decode_either;

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
