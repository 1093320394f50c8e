//! Facts about the connection to the device: why it ended, what went wrong, which way a frame
//! went.

use std::fmt;
use std::time::Duration;

/// Typed device error codes (PROTOCOL.md §8.4, plus the transport problems `till` can name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceErrorCode {
    /// A connection attempt failed, or a command needs a ready device.
    NotConnected,
    /// Cloud: another POS holds the device and `force_connect` is off.
    AccessDenied,
    /// Cloud: another POS took the device over (FORCECONNECT).
    Interrupted,
    /// The device sent REMOTE_ERROR.
    UnknownError,
    /// The TLS handshake failed (certificate not trusted, wrong name, …).
    Tls,
    /// Pairing was refused on the device.
    PairingFailed,
    /// The device did not say `ready:true` within `ready_timeout`.
    NotReady,
    /// The pairing token could not be saved or loaded.
    TokenStore,
    /// The cloud bootstrap (alert / probe) failed.
    Cloud,
    /// A frame from the device could not be decoded (it was skipped).
    Protocol,
}

impl fmt::Display for DeviceErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            DeviceErrorCode::NotConnected => "NotConnected",
            DeviceErrorCode::AccessDenied => "AccessDenied",
            DeviceErrorCode::Interrupted => "Interrupted",
            DeviceErrorCode::UnknownError => "UnknownError",
            DeviceErrorCode::Tls => "Tls",
            DeviceErrorCode::PairingFailed => "PairingFailed",
            DeviceErrorCode::NotReady => "NotReady",
            DeviceErrorCode::TokenStore => "TokenStore",
            DeviceErrorCode::Cloud => "Cloud",
            DeviceErrorCode::Protocol => "Protocol",
        };
        f.write_str(s)
    }
}

/// Why a connection ended (or never started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The connection attempt failed (message says why).
    ConnectFailed(String),
    /// The device or proxy closed the socket.
    Closed {
        /// WebSocket close code, if a close frame came.
        code: Option<u16>,
        /// Close reason text.
        reason: String,
    },
    /// Nothing arrived after a heartbeat: a half-open connection.
    HeartbeatTimeout {
        /// Time since the last frame from the device.
        silent_for: Duration,
    },
    /// Cloud: another POS took the device over. The connector stops.
    ForceConnected {
        /// The other POS's friendlyId, when the proxy said.
        by: Option<String>,
    },
    /// Direct: the device closed a ready connection (a second POS connected and took it over).
    /// The connector waits the longest backoff, or until asked to reconnect, before taking it
    /// back.
    TakenOver {
        /// WebSocket close code.
        code: u16,
        /// Close reason text.
        reason: String,
    },
    /// Cloud: the server sent SHUTDOWN (Cloud Pay Display stopped).
    ServerShutdown,
    /// Cloud: the server sent RESET (cycling long-lived connections).
    ServerReset,
    /// A problem that reconnecting cannot fix (TLS trust, already connected, pairing refused…);
    /// the connector stops. The message says what to change.
    Fatal(String),
    /// The connector was disposed (`ConnectorHandle::dispose`).
    Disposed,
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DisconnectReason::ConnectFailed(m) => write!(f, "connection failed: {m}"),
            DisconnectReason::Closed {
                code: Some(c),
                reason,
            } if !reason.is_empty() => {
                write!(f, "closed by the device ({c} {reason})")
            }
            DisconnectReason::Closed { code: Some(c), .. } => {
                write!(f, "closed by the device ({c})")
            }
            DisconnectReason::Closed { code: None, .. } => f.write_str("connection lost"),
            DisconnectReason::HeartbeatTimeout { silent_for } => write!(
                f,
                "the device stopped answering (nothing received for {:.1} s)",
                silent_for.as_secs_f64()
            ),
            DisconnectReason::ForceConnected { by: Some(by) } => {
                write!(f, "another POS ('{by}') took over the device")
            }
            DisconnectReason::ForceConnected { by: None } => {
                f.write_str("another POS took over the device")
            }
            DisconnectReason::TakenOver { code, reason } => {
                write!(
                    f,
                    "another POS took the device (closed by the device: {code}"
                )?;
                if !reason.is_empty() {
                    write!(f, " {reason}")?;
                }
                f.write_str(")")
            }
            DisconnectReason::ServerShutdown => f.write_str("Cloud Pay Display shut down"),
            DisconnectReason::ServerReset => f.write_str("the cloud server asked to reconnect"),
            DisconnectReason::Fatal(m) => f.write_str(m),
            DisconnectReason::Disposed => f.write_str("disposed"),
        }
    }
}

/// The connection ended: why, and when the connector tries again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disconnect {
    /// Why.
    pub reason: DisconnectReason,
    /// The delay before the next attempt; `None` when the connector stopped.
    pub retry_in: Option<Duration>,
}

impl Disconnect {
    /// The connector stopped for good (`why` says what to do).
    pub fn stopped(why: impl Into<String>) -> Disconnect {
        Disconnect {
            reason: DisconnectReason::Fatal(why.into()),
            retry_in: None,
        }
    }
}

impl fmt::Display for Disconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.retry_in {
            Some(d) => write!(f, "{}; retrying in {:.1} s", self.reason, d.as_secs_f64()),
            None => write!(f, "{}", self.reason),
        }
    }
}
