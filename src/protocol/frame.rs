//! The envelope (`RemoteMessage`), decoding a text frame into a typed [`Frame`], and encoding
//! frames the way each side of the wire writes them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use super::enums::MessageType;
use super::messages::Message;
use super::sender::Sender;

/// Envelope `packageName` on the direct (SNPD) transport.
pub const SNPD_PACKAGE: &str = "com.clover.remote_protocol_broadcast.app";
/// Envelope `packageName` on the cloud (CPD) transport.
pub const CLOUD_PACKAGE: &str = "com.clover.remote.protocol.websocket";

/// The envelope of one WebSocket text frame (PROTOCOL.md §2.1). Every member is optional
/// because different SDKs omit different ones; `payload` is a JSON string on the wire.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RemoteMessage {
    #[serde(with = "super::nested::lenient_string")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<MessageType>,
    pub package_name: Option<String>,
    pub method: Option<String>,
    /// The payload: a JSON string (an object is tolerated on decode).
    pub payload: Option<Value>,
    #[serde(rename = "remoteSourceSDK")]
    pub remote_source_sdk: Option<String>,
    #[serde(rename = "remoteApplicationID")]
    pub remote_application_id: Option<String>,
    pub version: Option<i64>,
    pub fragment_index: Option<i64>,
    pub last_fragment: Option<bool>,
    pub attachment_encoding: Option<String>,
    pub attachment: Option<String>,
    pub attachment_uri: Option<String>,
    pub remote_pay_compatibility_version: Option<i64>,
    pub request_id: Option<String>,
}

/// A decoded frame: the envelope plus, for COMMAND/EVENT frames, the typed message.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The envelope as received (its `payload` untouched).
    pub envelope: RemoteMessage,
    /// The message; `None` for PING/PONG and for fragments of a larger message.
    pub message: Option<Message>,
    /// The payload's `messageId` (JS SDK 4.x writes the envelope id there).
    pub message_id: Option<String>,
    /// The payload's `version` (schema version of the message).
    pub payload_version: Option<i64>,
}

/// Why a text frame is not a usable Remote Pay frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not JSON at all.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error("not a Remote Pay envelope: expected a JSON object, got {0}")]
    NotAnObject(&'static str),
    /// An object with none of `type`, `method`, `payload`.
    #[error("not a Remote Pay envelope: it has no type, method or payload")]
    NotAnEnvelope,
    /// An envelope member has the wrong JSON type.
    #[error("malformed envelope: {0}")]
    BadEnvelope(String),
    /// A COMMAND/EVENT without a method in the envelope or the payload.
    #[error("envelope has no method")]
    NoMethod,
    /// The payload is not a JSON object (or a string holding one).
    #[error("{method}: payload is not a JSON object: {reason}")]
    PayloadNotObject {
        /// The frame's method.
        method: String,
        /// What was wrong.
        reason: String,
    },
    /// The payload is an object but a member does not fit the message.
    #[error("{method}: bad payload: {reason}")]
    BadPayload {
        /// The frame's method.
        method: String,
        /// What was wrong.
        reason: String,
    },
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Frame {
    /// Decodes one text frame, tolerantly (PROTOCOL.md §2.11): unknown members are ignored,
    /// `null` is absent, a missing `type` means COMMAND, nested objects may be strings, unknown
    /// methods become [`Message::Unknown`]. Never panics.
    pub fn decode(text: &str) -> Result<Frame, DecodeError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| DecodeError::NotJson(e.to_string()))?;
        Frame::from_value(value)
    }

    /// Decodes an already parsed JSON value (see [`Frame::decode`]).
    pub fn from_value(value: Value) -> Result<Frame, DecodeError> {
        let Value::Object(obj) = &value else {
            return Err(DecodeError::NotAnObject(json_kind(&value)));
        };
        if !["type", "method", "payload"]
            .iter()
            .any(|k| obj.contains_key(*k))
        {
            return Err(DecodeError::NotAnEnvelope);
        }
        let envelope: RemoteMessage =
            serde_json::from_value(value).map_err(|e| DecodeError::BadEnvelope(e.to_string()))?;
        let kind = envelope.kind.clone().unwrap_or(MessageType::Command);
        let mut frame = Frame {
            envelope,
            message: None,
            message_id: None,
            payload_version: None,
        };
        if matches!(kind, MessageType::Ping | MessageType::Pong) || frame.is_fragment() {
            return Ok(frame);
        }

        let payload_method =
            |p: &Map<String, Value>| p.get("method").and_then(Value::as_str).map(str::to_owned);
        let payload: Map<String, Value> = match &frame.envelope.payload {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(map)) => map,
                Ok(other) => {
                    return Err(DecodeError::PayloadNotObject {
                        method: frame.envelope.method.clone().unwrap_or_default(),
                        reason: format!("it holds {}", json_kind(&other)),
                    });
                }
                Err(e) => {
                    return Err(DecodeError::PayloadNotObject {
                        method: frame.envelope.method.clone().unwrap_or_default(),
                        reason: e.to_string(),
                    });
                }
            },
            Some(other) => {
                return Err(DecodeError::PayloadNotObject {
                    method: frame.envelope.method.clone().unwrap_or_default(),
                    reason: format!("it is {}", json_kind(other)),
                });
            }
        };
        // The envelope's method wins when the two disagree (§2.11).
        let method = frame
            .envelope
            .method
            .clone()
            .or_else(|| payload_method(&payload))
            .ok_or(DecodeError::NoMethod)?;
        frame.message_id = match payload.get("messageId") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        frame.payload_version = payload.get("version").and_then(Value::as_i64);
        let message = Message::from_payload(&method, Value::Object(payload)).map_err(|e| {
            DecodeError::BadPayload {
                method: method.clone(),
                reason: e.to_string(),
            }
        })?;
        frame.message = Some(message);
        Ok(frame)
    }

    /// The envelope type; a missing `type` is COMMAND.
    pub fn kind(&self) -> MessageType {
        self.envelope.kind.clone().unwrap_or(MessageType::Command)
    }

    /// The method: the message's, else the envelope's.
    pub fn method(&self) -> Option<&str> {
        match &self.message {
            Some(m) => Some(m.method()),
            None => self.envelope.method.as_deref(),
        }
    }

    /// True for one piece of a fragmented message (§2.10).
    pub fn is_fragment(&self) -> bool {
        self.envelope.fragment_index.is_some() || self.envelope.attachment_encoding.is_some()
    }

    /// Re-encodes this frame: the envelope as received, with the payload rebuilt from the typed
    /// message, `messageId` and `version` (used to check the codec against recorded frames).
    pub fn encode(&self) -> String {
        let mut envelope = self.envelope.clone();
        if let Some(message) = &self.message {
            let payload = payload_text(
                message,
                self.message_id.as_deref(),
                self.payload_version.unwrap_or(0),
            );
            envelope.payload = Some(Value::String(payload));
        }
        serde_json::to_string(&envelope).unwrap_or_default()
    }
}

/// The payload JSON text: `method`, `messageId` (when given), `version`, then the fields.
fn payload_text(message: &Message, message_id: Option<&str>, version: i64) -> String {
    let mut map = Map::new();
    map.insert("method".into(), Value::String(message.method().to_owned()));
    if let Some(id) = message_id {
        map.insert("messageId".into(), Value::String(id.to_owned()));
    }
    map.insert("version".into(), Value::from(version));
    // Serialising our own types cannot fail (string keys, no non-finite floats).
    if let Ok(fields) = message.fields() {
        map.extend(fields);
    }
    Value::Object(map).to_string()
}

/// Writes frames as one side of the wire: fixed `packageName`, `remoteSourceSDK`,
/// `remoteApplicationID`, and the envelope `version` currently negotiated.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoder {
    /// Which peer is writing. It decides payload versions, whether `messageId` is written,
    /// and how nested Clover objects are encoded.
    pub side: Sender,
    /// Envelope `packageName`.
    pub package_name: String,
    /// Envelope `remoteSourceSDK`.
    pub remote_source_sdk: String,
    /// Envelope `remoteApplicationID` (the POS writes it; devices do not).
    pub remote_application_id: Option<String>,
    /// Envelope `version`: the POS raises it to the highest version the device sent.
    pub version: i64,
}

impl Encoder {
    /// A POS-side encoder (envelope version starts at 1).
    pub fn pos(package_name: &str, remote_source_sdk: &str, remote_application_id: &str) -> Self {
        Encoder {
            side: Sender::Pos,
            package_name: package_name.to_owned(),
            remote_source_sdk: remote_source_sdk.to_owned(),
            remote_application_id: Some(remote_application_id.to_owned()),
            version: 1,
        }
    }

    /// A device-side encoder (envelope version 2, like current Pay Display apps).
    pub fn device(package_name: &str, remote_source_sdk: &str) -> Self {
        Encoder {
            side: Sender::Device,
            package_name: package_name.to_owned(),
            remote_source_sdk: remote_source_sdk.to_owned(),
            remote_application_id: None,
            version: 2,
        }
    }

    /// A COMMAND frame carrying `message` under envelope `id`.
    pub fn command(&self, id: &str, message: &Message) -> String {
        self.frame(MessageType::Command, id, message)
    }

    /// A frame of the given type carrying `message`. POS frames repeat `id` as the payload
    /// `messageId`; nested objects follow the message's own encoding.
    pub fn frame(&self, kind: MessageType, id: &str, message: &Message) -> String {
        let message_id = (self.side == Sender::Pos).then_some(id);
        let payload = payload_text(message, message_id, message.payload_version(self.side));
        let envelope = RemoteMessage {
            id: Some(id.to_owned()),
            kind: Some(kind),
            package_name: Some(self.package_name.clone()),
            method: Some(message.method().to_owned()),
            payload: Some(Value::String(payload)),
            remote_source_sdk: Some(self.remote_source_sdk.clone()),
            remote_application_id: self.remote_application_id.clone(),
            version: Some(self.version),
            ..RemoteMessage::default()
        };
        serde_json::to_string(&envelope).unwrap_or_default()
    }

    /// A PING envelope (no id, method or payload).
    pub fn ping(&self) -> String {
        self.control(MessageType::Ping)
    }

    /// A PONG envelope (no id, method or payload).
    pub fn pong(&self) -> String {
        self.control(MessageType::Pong)
    }

    fn control(&self, kind: MessageType) -> String {
        let envelope = RemoteMessage {
            kind: Some(kind),
            package_name: Some(self.package_name.clone()),
            remote_source_sdk: Some(self.remote_source_sdk.clone()),
            remote_application_id: self.remote_application_id.clone(),
            ..RemoteMessage::default()
        };
        serde_json::to_string(&envelope).unwrap_or_default()
    }
}
