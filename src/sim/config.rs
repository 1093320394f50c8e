//! How a simulator server is set up: where it listens, TLS, the device template, the cloud.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::device::DeviceConfig;

/// The access token the emulated cloud accepts when none is configured (for tests and demos;
/// documented in `till sim --help`). It is never printed.
pub const DEV_ACCESS_TOKEN: &str = "till-sim-dev-access-token";

/// Id of the default device, reached at `/remote_pay` (and, in the cloud, as `deviceId`).
pub const DEFAULT_DEVICE_ID: &str = "default";

/// Settings of one simulator server.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to listen on; port 0 picks a free port (see [`super::Simulator::url`]).
    pub listen: SocketAddr,
    /// Serve `wss://` with a certificate generated at start instead of `ws://`.
    pub tls: bool,
    /// Write the generated CA certificate (PEM) here, for clients to trust (only with `tls`).
    pub ca_out: Option<PathBuf>,
    /// The configuration every device starts from. Devices other than the default one get
    /// their own serial, name and seed derived from their id.
    pub device: DeviceConfig,
    /// Append every frame, both directions, as JSON lines to this file.
    pub frames: Option<PathBuf>,
    /// Emulate Clover's cloud (alert endpoint, proxy WebSocket, REST payments) when set.
    pub cloud: Option<CloudConfig>,
    /// Print device notes and connection events to stderr (`till sim`); embedders usually
    /// leave this off and read [`super::Simulator::notes`] instead.
    pub notes_to_stderr: bool,
    /// Keep the default device's memory (payments, refunds, voids, credits, last message) in
    /// this file, read at start and saved whenever it changes (`till`'s embedded simulator:
    /// `sim-device.json` in the data directory).
    pub memory_file: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            ca_out: None,
            device: DeviceConfig::default(),
            frames: None,
            cloud: None,
            notes_to_stderr: false,
            memory_file: None,
        }
    }
}

/// The emulated Clover cloud (PROTOCOL.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudConfig {
    /// The OAuth access token the POS must present (Bearer header and WebSocket sub-protocol).
    pub access_token: String,
    /// The merchant id in `/v2/merchant/{mId}/…` and `/v3/merchants/{mId}/…`.
    pub merchant_id: String,
}

impl CloudConfig {
    /// A cloud for `merchant_id` accepting [`DEV_ACCESS_TOKEN`].
    pub fn dev(merchant_id: &str) -> CloudConfig {
        CloudConfig {
            access_token: DEV_ACCESS_TOKEN.to_owned(),
            merchant_id: merchant_id.to_owned(),
        }
    }
}

/// Whether `id` can name a device in a URL path: 1–64 of `A-Z a-z 0-9 . _ -`.
pub fn valid_device_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

/// The configuration of device `id`, derived from the template.
pub(crate) fn device_config(template: &DeviceConfig, id: &str) -> DeviceConfig {
    let mut config = template.clone();
    if id != DEFAULT_DEVICE_ID {
        let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        config.seed = template.seed ^ hash;
        config.serial = format!("SIM{:010}", hash % 10_000_000_000);
        config.name = format!("{} {id}", template.name);
        config.known_tokens.clear();
    }
    config
}
