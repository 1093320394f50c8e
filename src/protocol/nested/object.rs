//! Encodes as a nested object (JS SDK style); decodes a string or an object.

use serde::de::DeserializeOwned;
use serde::{Deserializer, Serialize, Serializer};

use super::decode_either;

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
