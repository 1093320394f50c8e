//! Framing outgoing messages: envelope ids, package name, SDK ids and the negotiated envelope
//! version. The connector sends exactly what [`FrameWriter`] returns.

use crate::protocol::{CLOUD_PACKAGE, Encoder, Message, SNPD_PACKAGE};

use super::settings::REMOTE_SOURCE_SDK;

/// One framed message ready for the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Envelope id (also the payload `messageId`); ACKs refer to it.
    pub id: String,
    /// The frame text.
    pub text: String,
}

/// Frames POS messages like the JS SDK 4.1.2: ids from a counter that keeps counting across
/// reconnects (`"1"`, `"2"`, …), envelope `version` = the highest version the device sent (≥ 1).
#[derive(Debug, Clone)]
pub struct FrameWriter {
    encoder: Encoder,
    last_id: u64,
}

impl FrameWriter {
    /// A writer for the direct transport (SNPD package name).
    pub fn direct(remote_application_id: &str) -> Self {
        Self::with_package(SNPD_PACKAGE, remote_application_id)
    }

    /// A writer for the cloud transport (CPD package name).
    pub fn cloud(remote_application_id: &str) -> Self {
        Self::with_package(CLOUD_PACKAGE, remote_application_id)
    }

    fn with_package(package: &str, remote_application_id: &str) -> Self {
        FrameWriter {
            encoder: Encoder::pos(package, REMOTE_SOURCE_SDK, remote_application_id),
            last_id: 0,
        }
    }

    /// A COMMAND frame for `message` with the next id.
    pub fn command(&mut self, message: &Message) -> Outgoing {
        self.last_id += 1;
        let id = self.last_id.to_string();
        let text = self.encoder.command(&id, message);
        Outgoing { id, text }
    }

    /// A PING envelope (heartbeat).
    pub fn ping(&self) -> String {
        self.encoder.ping()
    }

    /// A PONG envelope (answer to the device's PING).
    pub fn pong(&self) -> String {
        self.encoder.pong()
    }

    /// Raises the envelope version to `version` if the device sent a higher one.
    pub fn observe_version(&mut self, version: i64) {
        if version > self.encoder.version {
            self.encoder.version = version;
        }
    }

    /// The envelope version currently written.
    pub fn version(&self) -> i64 {
        self.encoder.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::requests;
    use serde_json::Value;

    #[test]
    fn ids_count_up_and_version_only_rises() {
        let mut w = FrameWriter::direct("com.example.pos");
        let a = w.command(&requests::discovery_request());
        let b = w.command(&requests::show_welcome());
        assert_eq!((a.id.as_str(), b.id.as_str()), ("1", "2"));
        w.observe_version(2);
        w.observe_version(1);
        assert_eq!(w.version(), 2);
        let c: Value = serde_json::from_str(&w.command(&requests::show_thank_you()).text).unwrap();
        assert_eq!(c["version"], 2);
        assert_eq!(c["remoteSourceSDK"], REMOTE_SOURCE_SDK);
        assert_eq!(c["packageName"], SNPD_PACKAGE);
        let p: Value = serde_json::from_str(&w.pong()).unwrap();
        assert_eq!(p["type"], "PONG");
        assert!(p.get("id").is_none());
    }
}
