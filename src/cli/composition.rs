//! The composition root: everything a command that talks to the device needs, built from the global flags and the
//! configuration: the ledger (locked), logs, the device (a configured one, or an embedded
//! simulator), the connector, and the runtime over them.

use std::sync::Arc;
use std::time::Duration;

use super::config::GlobalArgs;
use super::exit;
use super::failure::Failure;
use super::flows::Timeouts;
use crate::app::{AppSettings, State};
use crate::config::{DeviceMode, LoadedConfig, Settings, SimCustomer, url};
use crate::connector::settings::DEFAULT_REMOTE_APPLICATION_ID;
use crate::connector::{self, CloudSettings, ConnectorSettings, TokenStore};
use crate::ledger::{Ledger, LedgerError};
use crate::logging::{self, LogGuard, LogTarget};
use crate::protocol::SaleOptions;
use crate::runtime::{ConnectorPort, LedgerStore, Runtime};
use crate::sim::device::{CustomerMode, DeviceConfig, Profile};
use crate::sim::{SimConfig, Simulator};

/// Who the session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A headless command (the embedded simulator's customer acts by itself).
    Headless,
    /// The TUI (the embedded simulator's customer and profile as configured, or as
    /// `--sim-customer` / `--sim-profile` say).
    Tui {
        /// `--sim-customer`.
        sim_customer: Option<SimCustomer>,
        /// `--seed`.
        seed: Option<u64>,
        /// `--sim-profile`.
        sim_profile: Option<Profile>,
    },
}

/// An open session.
pub struct Session {
    /// The loop over the state machine.
    pub rt: Runtime<ConnectorPort, LedgerStore>,
    /// The embedded simulator, when the device is `sim`.
    pub sim: Option<Simulator>,
    /// The configuration in use.
    pub config: LoadedConfig,
    /// How long headless commands wait.
    pub timeouts: Timeouts,
    _log: Option<LogGuard>,
}

/// Loads the configuration (exit 2 on error), before anything else is touched.
pub fn load_config(global: &GlobalArgs) -> Result<LoadedConfig, Failure> {
    global
        .load_config()
        .map_err(|e| Failure::new(exit::USAGE, e.to_string()))
}

/// Opens the ledger: exit 5 when another `till` holds the data directory.
pub fn open_ledger(config: &LoadedConfig) -> Result<Ledger, Failure> {
    Ledger::open(&config.paths.data_dir).map_err(|e| match e {
        LedgerError::Locked { .. } => Failure::new(exit::REFUSED, e.to_string()),
        other => Failure::new(exit::USAGE, other.to_string()),
    })
}

/// Opens the ledger for reading only: never waits for or takes the lock, never writes (exit 2 on
/// a damaged or foreign file).
pub fn open_ledger_read_only(config: &LoadedConfig) -> Result<Ledger, Failure> {
    Ledger::open_read_only(&config.paths.data_dir)
        .map_err(|e| Failure::new(exit::USAGE, e.to_string()))
}

fn app_settings(config: &LoadedConfig) -> AppSettings {
    let s = &config.settings;
    AppSettings {
        max_amount: Some(s.sale.max_amount),
        sale_options: SaleOptions {
            disable_restart_on_failure: s.sale.disable_restart_on_failure,
            tip_mode: s.sale.tip_mode,
            tip_suggestions: s.sale.tip_suggestions.clone(),
            signature_threshold: s.sale.signature_threshold,
            signature_entry_location: s.sale.signature_entry_location.clone(),
            disable_receipt_selection: s.sale.disable_receipt_selection,
            disable_duplicate_check: s.sale.disable_duplicate_check,
            allow_offline_payment: s.sale.allow_offline_payment,
            force_offline_payment: s.sale.force_offline_payment,
            approve_offline_payment_without_prompt: s.sale.approve_offline_payment_without_prompt,
            ..SaleOptions::default()
        },
        response_timeout_ms: s.connection.response_timeout_ms,
        receipt_merchant: merchant_name(config),
        ..AppSettings::default()
    }
}

/// The name a receipt is headed with: `sale.order_title`, else `terminal.name`.
pub fn merchant_name(config: &LoadedConfig) -> String {
    let s = &config.settings;
    if s.sale.order_title.trim().is_empty() {
        s.terminal.name.clone()
    } else {
        s.sale.order_title.clone()
    }
}

/// What `till` says when a real device is configured without a RAID (exit 2).
const MISSING_RAID: &str = "device.remote_application_id is not set: a real Clover device \
needs your app's Remote Application ID (RAID). Get it from the Clover Developer Dashboard (Your \
Apps → your app → App Settings → App Type: a semi-integration with an existing point of sale, \
Generate RAID; it looks like {developerId}.{appId}) and set it under [device] in the config file: \
remote_application_id = \"…\". (Only simulators work without it: --device sim, or a device on \
this machine.)";

/// True when the configured device is a simulator: the embedded one, a direct URL or a cloud
/// server on this machine (a Clover device is never on the loopback interface).
fn is_simulator(s: &Settings) -> bool {
    let on_this_machine = |text: &str, schemes: &[&str]| {
        url::parse_url(text, schemes).is_ok_and(|u| url::is_loopback_host(&u.host))
    };
    match s.device.mode {
        DeviceMode::Simulator => true,
        DeviceMode::Direct => s
            .device
            .direct
            .url
            .as_deref()
            .is_some_and(|u| on_this_machine(u, &["ws", "wss"])),
        DeviceMode::Cloud => on_this_machine(&s.device.cloud.server, &["http", "https"]),
    }
}

/// The envelope `remoteApplicationID`: the configured RAID; without one, the placeholder for a
/// simulator and exit 2 for a real device.
pub fn remote_application_id(s: &Settings) -> Result<String, Failure> {
    match &s.device.remote_application_id {
        Some(raid) => Ok(raid.clone()),
        None if is_simulator(s) => Ok(DEFAULT_REMOTE_APPLICATION_ID.to_owned()),
        None => Err(Failure::new(exit::USAGE, MISSING_RAID)),
    }
}

fn connector_settings(
    config: &LoadedConfig,
    transport_url: Option<String>,
) -> Result<ConnectorSettings, Failure> {
    let s = &config.settings;
    let mut c = match (transport_url, s.device.mode) {
        (Some(url), _) => ConnectorSettings::direct(url),
        (None, DeviceMode::Direct) => {
            let url = s.device.direct.url.clone().ok_or_else(|| {
                Failure::new(exit::USAGE, "device.direct.url is not set: set it in the config or pass --device wss://…/remote_pay")
            })?;
            let mut c = ConnectorSettings::direct(url);
            c.ca_file = s.device.direct.ca_file.clone();
            c.allow_insecure_ws = s.device.direct.allow_insecure_ws;
            c
        }
        (None, DeviceMode::Cloud) => {
            let cloud = &s.device.cloud;
            let missing = |k: &str| {
                Failure::new(
                    exit::USAGE,
                    format!("device.cloud.{k} is not set (cloud mode needs it)"),
                )
            };
            let token = cloud.access_token.as_ref().ok_or_else(|| {
                Failure::new(exit::USAGE, "no cloud access token: set TILL_ACCESS_TOKEN (preferred) or device.cloud.access_token")
            })?;
            let mut cs = CloudSettings::new(
                cloud
                    .merchant_id
                    .clone()
                    .ok_or_else(|| missing("merchant_id"))?,
                cloud
                    .device_id
                    .clone()
                    .ok_or_else(|| missing("device_id"))?,
                token.clone(),
                s.friendly_id().to_owned(),
            );
            cs.server = cloud.server.clone();
            cs.force_connect = cloud.force_connect;
            let mut c = ConnectorSettings::cloud(cs);
            c.ca_file = cloud.ca_file.clone();
            c
        }
        (None, DeviceMode::Simulator) => {
            return Err(Failure::new(
                exit::UNREACHABLE,
                "the embedded simulator is not running",
            ));
        }
    };
    c.pos_name = s.terminal.name.clone();
    c.serial_number = s.terminal.serial.clone();
    c.remote_application_id = remote_application_id(s)?;
    let ms = Duration::from_millis;
    c.heartbeat_interval = ms(s.connection.heartbeat_interval_ms);
    c.heartbeat_timeout = ms(s.connection.heartbeat_timeout_ms);
    c.reconnect_floor = ms(s.connection.reconnect_floor_ms);
    c.reconnect_cap = ms(s.connection.reconnect_cap_ms);
    c.ready_timeout = ms(s.connection.ready_timeout_ms);
    Ok(c)
}

/// The device key payments are recorded under.
fn device_key(config: &LoadedConfig) -> String {
    let s = &config.settings;
    match s.device.mode {
        DeviceMode::Simulator => "sim".to_owned(),
        DeviceMode::Direct => s.device.direct.url.clone().unwrap_or_default(),
        DeviceMode::Cloud => format!(
            "cloud:{}/{}",
            s.device.cloud.merchant_id.clone().unwrap_or_default(),
            s.device.cloud.device_id.clone().unwrap_or_default()
        ),
    }
}

/// The key the embedded simulator's pairing token is stored under.
const EMBEDDED_SIM_TOKEN_KEY: &str = "embedded-simulator";

/// A token store that keeps every endpoint's token under one key (the embedded simulator's
/// URL changes at every start; the device behind it does not).
struct FixedKey {
    inner: Arc<dyn TokenStore>,
    key: &'static str,
}

impl TokenStore for FixedKey {
    fn load(&self, _endpoint: &str) -> std::io::Result<Option<String>> {
        self.inner.load(self.key)
    }
    fn save(&self, _endpoint: &str, token: &str) -> std::io::Result<()> {
        self.inner.save(self.key, token)
    }
}

/// A simulator seed from the clock, so payment ids and auth codes differ between runs.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

/// Opens a session over a loaded configuration: ledger, logs, device, connector, runtime.
pub async fn open(
    global: &GlobalArgs,
    config: LoadedConfig,
    purpose: Purpose,
) -> Result<Session, Failure> {
    // A real device without a RAID is refused before anything is touched.
    remote_application_id(&config.settings)?;
    let ledger = open_ledger(&config)?;
    let store = LedgerStore::new(ledger, device_key(&config));
    let mut tokens: Arc<dyn TokenStore> = Arc::new(store.ledger().token_store());
    if config.settings.device.mode == DeviceMode::Simulator {
        // The embedded simulator listens on a new port at every start: its pairing is kept under
        // one fixed key, and the simulated device is told the token, so it pairs at once.
        tokens = Arc::new(FixedKey {
            inner: tokens,
            key: EMBEDDED_SIM_TOKEN_KEY,
        });
    }
    let seed_flag = match purpose {
        Purpose::Tui { seed, .. } => seed,
        Purpose::Headless => None,
    };
    let target = match purpose {
        Purpose::Headless if global.verbose > 0 => LogTarget::FileAndStderr,
        _ => LogTarget::File,
    };
    let log = logging::init(&config, target).ok();
    let s = &config.settings;

    let sim = if s.device.mode == DeviceMode::Simulator {
        let customer = match purpose {
            Purpose::Headless => SimCustomer::Auto,
            Purpose::Tui { sim_customer, .. } => sim_customer.unwrap_or(s.simulator.customer),
        };
        let profile = match purpose {
            Purpose::Tui {
                sim_profile: Some(profile),
                ..
            } => profile,
            Purpose::Headless => global.sim_profile.unwrap_or(s.simulator.profile),
            _ => s.simulator.profile,
        };
        let delay = match purpose {
            Purpose::Headless => 0,
            Purpose::Tui { .. } => s.simulator.delay_ms,
        };
        let device = DeviceConfig {
            customer: match customer {
                SimCustomer::Auto => CustomerMode::Auto {
                    card_delay_ms: delay,
                    sign_delay_ms: delay,
                    pairing_delay_ms: delay,
                },
                SimCustomer::Manual => CustomerMode::Manual,
            },
            seed: seed_flag.or(s.simulator.seed).unwrap_or_else(clock_seed),
            known_tokens: tokens
                .load(EMBEDDED_SIM_TOKEN_KEY)
                .ok()
                .flatten()
                .into_iter()
                .collect(),
            supports_auth: s.simulator.auth,
            supports_pre_auth: s.simulator.preauth,
            supports_tip_adjust: s.simulator.tip_adjust,
            ..DeviceConfig::default()
        }
        .with_profile(profile);
        // The simulated device remembers its payments (and their refunds, voids) and credits
        // across commands, as a real device does while the POS is away.
        let memory_file = config
            .paths
            .data_dir
            .join(crate::sim::memory_file::FILE_NAME);
        let sim = Simulator::start(SimConfig {
            device,
            memory_file: Some(memory_file),
            ..SimConfig::default()
        })
        .await
        .map_err(|e| match e {
            crate::sim::SimError::Memory(why) => Failure::new(exit::USAGE, why),
            e => Failure::new(
                exit::UNREACHABLE,
                format!("the embedded simulator did not start: {e}"),
            ),
        })?;
        Some(sim)
    } else {
        None
    };
    let settings = connector_settings(&config, sim.as_ref().map(Simulator::url))?;
    let rest = connector::rest::available(&settings).then(|| settings.clone());
    let (handle, inputs) =
        connector::start(settings, tokens).map_err(|e| Failure::new(exit::USAGE, e.to_string()))?;
    let mut port = ConnectorPort::new(handle);
    let mut app = app_settings(&config);
    if let Some(rest) = rest {
        port = port.with_rest(rest);
        app.rest_lookup = true;
    }
    let state = State::with_desk(app, super::order_setup::desk(&config, sim.is_some())?);
    let rt = Runtime::new(state, port, store, inputs);
    let c = &config.settings.connection;
    let timeouts = Timeouts {
        ready: Duration::from_millis(c.ready_timeout_ms.max(1_000)),
        sale: Duration::from_millis(config.settings.sale.timeout_ms),
        recovery: Duration::from_millis((c.response_timeout_ms * 6).max(5_000)),
    };
    Ok(Session {
        rt,
        sim,
        config,
        timeouts,
        _log: log,
    })
}

impl Session {
    /// Disconnects and stops the embedded simulator.
    pub async fn close(self) {
        let Session { mut rt, sim, .. } = self;
        rt.device().handle().dispose().await;
        if let Some(sim) = sim {
            sim.shutdown().await;
        }
    }
}
