//! What the connector needs to know: where the device is, who the POS is, and the timings of
//! liveness, discovery and reconnects. [`ConnectorSettings::validate`] checks everything before
//! a socket is opened, with errors that name the setting to fix.

use std::path::PathBuf;
use std::time::Duration;

use super::endpoint::{Endpoint, EndpointError, Scheme};

/// `remoteSourceSDK` written on every envelope: this crate and its version.
pub const REMOTE_SOURCE_SDK: &str = concat!("com.till.pos:", env!("CARGO_PKG_VERSION"));

/// Default `remoteApplicationID` (the Clover "Remote App ID"; configure your own for a real device).
pub const DEFAULT_REMOTE_APPLICATION_ID: &str = concat!("com.till.pos:", env!("CARGO_PKG_VERSION"));

/// Default Clover server for the cloud bootstrap.
pub const DEFAULT_CLOUD_SERVER: &str = "https://www.clover.com/";

pub use crate::protocol::redact::Secret;

/// Cloud Pay Display (CPD) settings (PROTOCOL.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudSettings {
    /// Clover server base URL for the alert call, e.g. `https://www.clover.com/`.
    pub server: String,
    /// Clover merchant id.
    pub merchant_id: String,
    /// Clover device id (dashes are removed before sending, like the SDK).
    pub device_id: String,
    /// OAuth access token: `Authorization: Bearer` and the WebSocket sub-protocol.
    pub access_token: Secret,
    /// How this POS names itself to the proxy (`friendlyId`); shown to other terminals.
    pub friendly_id: String,
    /// Take the device over even when another POS is attached.
    pub force_connect: bool,
}

impl CloudSettings {
    /// Cloud settings with the default server and `force_connect = false`.
    pub fn new(
        merchant_id: impl Into<String>,
        device_id: impl Into<String>,
        access_token: Secret,
        friendly_id: impl Into<String>,
    ) -> Self {
        CloudSettings {
            server: DEFAULT_CLOUD_SERVER.to_owned(),
            merchant_id: merchant_id.into(),
            device_id: device_id.into(),
            access_token,
            friendly_id: friendly_id.into(),
            force_connect: false,
        }
    }
}

/// How the POS reaches the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportSettings {
    /// Secure Network Pay Display: `ws://` or `wss://host:port/remote_pay`, pairing first.
    Direct {
        /// The device URL, e.g. `wss://10.0.0.5:12345/remote_pay`. Also the token-store key.
        url: String,
    },
    /// Cloud Pay Display through Clover's server.
    Cloud(CloudSettings),
}

/// Everything the connector runs with. Build with [`ConnectorSettings::direct`] or
/// [`ConnectorSettings::cloud`] and adjust the public fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorSettings {
    /// Direct or cloud, and where.
    pub transport: TransportSettings,
    /// POS name shown on the device while pairing (`name`, `applicationName`).
    pub pos_name: String,
    /// POS identifier shown on the device while pairing (`serialNumber`).
    pub serial_number: String,
    /// Envelope `remoteApplicationID` (Clover Remote App ID).
    pub remote_application_id: String,
    /// PEM file with the CA certificate(s) to trust for `wss://`/`https://`: the simulator's
    /// `--ca-out` file or Clover's device CA. Without it, public web roots are trusted.
    pub ca_file: Option<PathBuf>,
    /// Name to verify the device certificate against instead of the URL host (real devices are
    /// reached by IP but their certificate names the device). The chain is always verified.
    pub tls_server_name: Option<String>,
    /// Allow plain `ws://`/`http://` to hosts other than loopback.
    pub allow_insecure_ws: bool,
    /// How often a heartbeat (WebSocket ping + PING envelope) is sent. Default 3 s.
    pub heartbeat_interval: Duration,
    /// How long to wait for any sign of life after a heartbeat before declaring the connection
    /// dead. Default 3 s, so a half-open connection is detected within 6 s.
    pub heartbeat_timeout: Duration,
    /// First reconnect delay (before jitter). Default 1 s.
    pub reconnect_floor: Duration,
    /// Longest reconnect delay. Default 30 s.
    pub reconnect_cap: Duration,
    /// TCP + TLS + WebSocket handshake (and each cloud HTTP call) time limit. Default 5 s.
    pub connect_timeout: Duration,
    /// DISCOVERY_REQUEST is sent again when no DISCOVERY_RESPONSE came within this. Default 3 s.
    pub discovery_retry: Duration,
    /// A device that has not said `ready:true` this long after pairing (direct) or opening
    /// (cloud) is reported with [`super::DeviceErrorCode::NotReady`]. Default 15 s.
    pub ready_timeout: Duration,
    /// Capacity of the event channel. Default 1024.
    pub event_capacity: usize,
}

impl ConnectorSettings {
    fn with_transport(transport: TransportSettings) -> Self {
        ConnectorSettings {
            transport,
            pos_name: "till".to_owned(),
            serial_number: "till-1".to_owned(),
            remote_application_id: DEFAULT_REMOTE_APPLICATION_ID.to_owned(),
            ca_file: None,
            tls_server_name: None,
            allow_insecure_ws: false,
            heartbeat_interval: Duration::from_secs(3),
            heartbeat_timeout: Duration::from_secs(3),
            reconnect_floor: Duration::from_secs(1),
            reconnect_cap: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            discovery_retry: Duration::from_secs(3),
            ready_timeout: Duration::from_secs(15),
            event_capacity: 1024,
        }
    }

    /// Settings for a direct (SNPD) device at `url` with the defaults above.
    pub fn direct(url: impl Into<String>) -> Self {
        Self::with_transport(TransportSettings::Direct { url: url.into() })
    }

    /// Settings for a cloud (CPD) device with the defaults above.
    pub fn cloud(cloud: CloudSettings) -> Self {
        Self::with_transport(TransportSettings::Cloud(cloud))
    }

    /// The key under which the pairing token is stored: the direct URL as configured.
    pub fn token_key(&self) -> Option<&str> {
        match &self.transport {
            TransportSettings::Direct { url } => Some(url),
            TransportSettings::Cloud(_) => None,
        }
    }

    /// Checks every setting; the error names the one to fix.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let nonempty = |field: &'static str, v: &str| {
            if v.trim().is_empty() {
                Err(SettingsError::Empty(field))
            } else {
                Ok(())
            }
        };
        nonempty("pos_name", &self.pos_name)?;
        nonempty("serial_number", &self.serial_number)?;
        nonempty("remote_application_id", &self.remote_application_id)?;
        if self.heartbeat_interval.is_zero() {
            return Err(SettingsError::Zero("heartbeat_interval"));
        }
        if self.heartbeat_timeout.is_zero() {
            return Err(SettingsError::Zero("heartbeat_timeout"));
        }
        if self.connect_timeout.is_zero() {
            return Err(SettingsError::Zero("connect_timeout"));
        }
        if self.discovery_retry.is_zero() {
            return Err(SettingsError::Zero("discovery_retry"));
        }
        if self.ready_timeout.is_zero() {
            return Err(SettingsError::Zero("ready_timeout"));
        }
        if self.event_capacity == 0 {
            return Err(SettingsError::Zero("event_capacity"));
        }
        if self.reconnect_cap < self.reconnect_floor {
            return Err(SettingsError::CapBelowFloor);
        }
        if let Some(name) = &self.tls_server_name {
            nonempty("tls_server_name", name)?;
        }
        match &self.transport {
            TransportSettings::Direct { url } => {
                let ep = Endpoint::parse(url).map_err(|e| SettingsError::Url("url", e))?;
                if !matches!(ep.scheme, Scheme::Ws | Scheme::Wss) {
                    return Err(SettingsError::Url(
                        "url",
                        EndpointError::Scheme(url.clone()),
                    ));
                }
                self.check_plain("url", &ep)?;
            }
            TransportSettings::Cloud(c) => {
                let ep = Endpoint::parse(&c.server)
                    .map_err(|e| SettingsError::Url("device.cloud.server", e))?;
                if !matches!(ep.scheme, Scheme::Http | Scheme::Https) {
                    return Err(SettingsError::Url(
                        "device.cloud.server",
                        EndpointError::Scheme(c.server.clone()),
                    ));
                }
                self.check_plain("device.cloud.server", &ep)?;
                nonempty("device.cloud.merchant_id", &c.merchant_id)?;
                nonempty("device.cloud.device_id", &c.device_id)?;
                nonempty("device.cloud.access_token", c.access_token.expose())?;
                nonempty("device.cloud.friendly_id", &c.friendly_id)?;
                if c.access_token
                    .expose()
                    .bytes()
                    .any(|b| !b.is_ascii_graphic())
                {
                    return Err(SettingsError::TokenNotPrintable);
                }
            }
        }
        Ok(())
    }

    /// Plain (unencrypted) URLs only to loopback unless `allow_insecure_ws`.
    pub(crate) fn check_plain(
        &self,
        field: &'static str,
        ep: &Endpoint,
    ) -> Result<(), SettingsError> {
        if !ep.scheme.is_secure() && !ep.is_loopback() && !self.allow_insecure_ws {
            return Err(SettingsError::Insecure {
                field,
                host: ep.host.clone(),
            });
        }
        Ok(())
    }
}

/// A setting that cannot work, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A required text setting is empty.
    #[error("{0}: must not be empty")]
    Empty(&'static str),
    /// A duration or size that must be positive is zero.
    #[error("{0}: must be greater than zero")]
    Zero(&'static str),
    /// `reconnect_cap` smaller than `reconnect_floor`.
    #[error("reconnect_cap: must be at least reconnect_floor")]
    CapBelowFloor,
    /// A URL that does not parse or has the wrong scheme.
    #[error("{0}: {1}")]
    Url(&'static str, EndpointError),
    /// Plain text to a non-loopback host.
    #[error(
        "{field}: refusing unencrypted ws:// or http:// to {host}: use wss:// / https://, or set allow_insecure_ws = true (development only)"
    )]
    Insecure {
        /// The setting.
        field: &'static str,
        /// The host.
        host: String,
    },
    /// The access token cannot travel in a header.
    #[error("device.cloud.access_token: must be printable ASCII without spaces")]
    TokenNotPrintable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        assert_eq!(
            ConnectorSettings::direct("ws://127.0.0.1:1/remote_pay").validate(),
            Ok(())
        );
        assert_eq!(
            ConnectorSettings::direct("wss://10.0.0.5:12345/remote_pay").validate(),
            Ok(())
        );
    }

    #[test]
    fn plain_ws_only_to_loopback() {
        let s = ConnectorSettings::direct("ws://10.0.0.5:12345/remote_pay");
        assert!(matches!(
            s.validate(),
            Err(SettingsError::Insecure { field: "url", .. })
        ));
        let s = ConnectorSettings {
            allow_insecure_ws: true,
            ..s
        };
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(
            ConnectorSettings::direct("ws://[::1]:9/remote_pay").validate(),
            Ok(())
        );
        assert_eq!(
            ConnectorSettings::direct("ws://localhost:9/remote_pay").validate(),
            Ok(())
        );
    }

    #[test]
    fn errors_name_the_setting() {
        let s = ConnectorSettings::direct("http://127.0.0.1:1/remote_pay");
        assert!(s.validate().unwrap_err().to_string().starts_with("url:"));
        let s = ConnectorSettings {
            pos_name: " ".into(),
            ..ConnectorSettings::direct("ws://127.0.0.1:1/")
        };
        assert_eq!(s.validate(), Err(SettingsError::Empty("pos_name")));
        let s = ConnectorSettings {
            reconnect_floor: Duration::from_secs(5),
            reconnect_cap: Duration::from_secs(1),
            ..ConnectorSettings::direct("ws://127.0.0.1:1/")
        };
        assert_eq!(s.validate(), Err(SettingsError::CapBelowFloor));
        let cloud = CloudSettings::new("M", "D", Secret::new(""), "lane-1");
        assert_eq!(
            ConnectorSettings::cloud(cloud).validate(),
            Err(SettingsError::Empty("device.cloud.access_token"))
        );
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let cloud = CloudSettings::new("M", "D", Secret::new("6a0f1c2e-aaaa-bbbb"), "lane-1");
        let text = format!("{:?}", ConnectorSettings::cloud(cloud));
        assert!(!text.contains("aaaa"), "{text}");
        assert!(text.contains("6a0f…"), "{text}");
    }
}
