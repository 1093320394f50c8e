//! The typed settings every part of `till` reads, with their defaults.
//!
//! Durations are integer milliseconds (`*_ms`), as in the configuration file, so the pure state
//! machines can use them without a clock type.

use std::path::PathBuf;

use crate::protocol::Cents;

/// Everything `till` can be configured with. Built by [`crate::config::Config::load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How this point of sale names itself to the device (`[terminal]`).
    pub terminal: TerminalSettings,
    /// Which device to talk to and how (`[device]`).
    pub device: DeviceSettings,
    /// Liveness, reconnect and answer timeouts (`[connection]`).
    pub connection: ConnectionSettings,
    /// Sale limits and policies (`[sale]`).
    pub sale: SaleSettings,
    /// The embedded device simulator (`[simulator]`).
    pub simulator: SimulatorSettings,
    /// Log level and retention (`[log]`).
    pub log: LogSettings,
    /// The data directory named in the file (`[paths]`); see [`crate::config::Paths`] for the
    /// directory actually in use.
    pub paths: PathSettings,
}

/// `[terminal]`: the identity of this point of sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalSettings {
    /// POS name shown on the device (PAIRING_REQUEST `name`). Default `till`.
    pub name: String,
    /// POS id (PAIRING_REQUEST `serialNumber`). Default `till-1`.
    pub serial: String,
}

/// `[device] mode`: where the payment device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceMode {
    /// The simulator embedded in `till` (default).
    Simulator,
    /// A device on the LAN (Secure Network Pay Display), `[device.direct]`.
    Direct,
    /// A device through Clover's cloud (Cloud Pay Display), `[device.cloud]`.
    Cloud,
}

impl DeviceMode {
    /// The configuration spelling: `simulator`, `direct` or `cloud`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceMode::Simulator => "simulator",
            DeviceMode::Direct => "direct",
            DeviceMode::Cloud => "cloud",
        }
    }
}

/// `[device]`: the mode and the settings of each mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSettings {
    /// Which device is used.
    pub mode: DeviceMode,
    /// The Remote Application ID (RAID) Clover issued for this app: envelope
    /// `remoteApplicationID`. Required for a real device (direct or cloud); simulators get a
    /// placeholder when it is not set. No default.
    pub remote_application_id: Option<String>,
    /// `[device.direct]`, used when `mode` is [`DeviceMode::Direct`].
    pub direct: DirectSettings,
    /// `[device.cloud]`, used when `mode` is [`DeviceMode::Cloud`].
    pub cloud: CloudSettings,
}

/// `[device.direct]`: a device on the LAN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectSettings {
    /// `ws://` or `wss://` URL of the device, e.g. `wss://10.0.0.5:12345/remote_pay`.
    pub url: Option<String>,
    /// PEM file with the CA that signed the device certificate (checked to exist at load).
    pub ca_file: Option<PathBuf>,
    /// Allow `ws://` (unencrypted) to a host other than this machine. Default false.
    pub allow_insecure_ws: bool,
}

/// `[device.cloud]`: a device through Clover's cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudSettings {
    /// Clover server, default `https://www.clover.com/`.
    pub server: String,
    /// Clover merchant id (required in cloud mode).
    pub merchant_id: Option<String>,
    /// Clover device id (required in cloud mode).
    pub device_id: Option<String>,
    /// OAuth access token (required in cloud mode; prefer env `TILL_ACCESS_TOKEN`).
    pub access_token: Option<Secret>,
    /// friendlyId this POS announces; `None` means the terminal serial.
    pub friendly_id: Option<String>,
    /// Take the device over from another POS attached to it. Default false.
    pub force_connect: bool,
    /// PEM file with an extra CA for the server (e.g. the simulator's). Optional.
    pub ca_file: Option<PathBuf>,
}

pub use crate::protocol::redact::Secret;

/// `[connection]`: liveness and timeouts, all in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Send a PING this often once ready; 0 = never. Default 5000.
    pub heartbeat_interval_ms: u64,
    /// Declare the device gone when its PONG has not come after this long. Default 3000.
    pub heartbeat_timeout_ms: u64,
    /// First reconnect delay (then doubled up to the cap). Default 1000.
    pub reconnect_floor_ms: u64,
    /// Longest reconnect delay. Default 30000.
    pub reconnect_cap_ms: u64,
    /// How long to wait for DISCOVERY_RESPONSE `ready:true` after connecting. Default 15000.
    pub ready_timeout_ms: u64,
    /// How long to wait for the answer to a sale start or a status query before recovery runs.
    /// Default 15000.
    pub response_timeout_ms: u64,
}

/// `[sale] on_challenge` / `on_signature`: how a device question (a challenge such as a
/// possible duplicate or an offline payment, or a signature to verify) is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerPolicy {
    /// The cashier decides each one (default). A headless command without a terminal leaves
    /// the question open: the payment stays pending for recovery.
    Ask,
    /// Accept every one.
    Accept,
    /// Reject every one (the device voids the payment).
    Reject,
}

impl AnswerPolicy {
    /// The configuration spelling: `ask`, `accept` or `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerPolicy::Ask => "ask",
            AnswerPolicy::Accept => "accept",
            AnswerPolicy::Reject => "reject",
        }
    }
}

/// `[sale]`: limits and policies for sales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleSettings {
    /// The largest amount (tip included) a sale may have. Default 10000.00.
    pub max_amount: Cents,
    /// ISO 4217 currency code, three capital letters. Default `USD`.
    pub currency: String,
    /// TX_START `disableRestartTransactionOnFailure`. Default true.
    pub disable_restart_on_failure: bool,
    /// Default answer to device challenges. Default [`AnswerPolicy::Ask`].
    pub on_challenge: AnswerPolicy,
    /// Default answer to signature verification. Default [`AnswerPolicy::Ask`].
    pub on_signature: AnswerPolicy,
    /// Default answer to a partial approval (PARTIAL_AUTH_CHALLENGE). Default
    /// [`AnswerPolicy::Ask`]; a headless command without a terminal treats `ask` as reject.
    pub on_partial: AnswerPolicy,
    /// Order-wide tax rate, percent (catalog items may carry their own). Default 0.
    pub tax_rate: crate::order::Percent,
    /// Title of the order on the customer display (never the external id). Default empty: none.
    pub order_title: String,
    /// Note shown with the order on the customer display. Default empty: none.
    pub order_note: String,
    /// How long `till sale` waits for the outcome before a recovery round decides what to say,
    /// ms. Default 300000 (5 minutes).
    pub timeout_ms: u64,
    /// Who gives the tip and when (`transactionSettings.tipMode`). Default
    /// [`crate::protocol::SaleTipMode::Provided`]: the cashier's tip, as before.
    pub tip_mode: crate::protocol::SaleTipMode,
    /// Suggested tip percentages shown with a tip on screen (at most 4). Default none: the
    /// device's own.
    pub tip_suggestions: Vec<u8>,
    /// A signature is asked for from this amount on. Default unset: the device's setting.
    pub signature_threshold: Option<Cents>,
    /// Where the signature is taken. Default unset: the device's setting.
    pub signature_entry_location: Option<crate::protocol::DataEntryLocation>,
    /// Skip the device's receipt screen (`disableReceiptSelection`). Default false.
    pub disable_receipt_selection: bool,
    /// Turn off the device's duplicate-card check (`disableDuplicateCheck`). Default false.
    pub disable_duplicate_check: bool,
    /// Let the device take a payment offline (`allowOfflinePayment`). Default false.
    pub allow_offline_payment: bool,
    /// Take payments offline at once (`forceOfflinePayment`). Default false.
    pub force_offline_payment: bool,
    /// Accept an offline payment without the device asking (`approveOfflinePaymentWithoutPrompt`).
    /// Default false.
    pub approve_offline_payment_without_prompt: bool,
}

/// `[simulator] customer`: who acts as the simulated customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimCustomer {
    /// The operator acts (device panel, `till sim` stdin). Default.
    Manual,
    /// The simulator acts by itself following the amount-driven outcome table.
    Auto,
}

impl SimCustomer {
    /// The configuration spelling: `manual` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            SimCustomer::Manual => "manual",
            SimCustomer::Auto => "auto",
        }
    }
}

/// `[simulator]`: the embedded device simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatorSettings {
    /// Who the customer is. Default manual.
    pub customer: SimCustomer,
    /// Seed of every random choice. Default: none, a fresh seed from the clock at every start.
    pub seed: Option<u64>,
    /// Delay of each automatic customer action (card, signature, pairing). Default 500.
    pub delay_ms: u64,
    /// Which device the simulator imitates: the project's default shapes, or the shapes real
    /// Clover devices send (`real`). Default `default`.
    pub profile: crate::sim::device::Profile,
    /// The simulated device takes auths (advertises `supportsAuth`). Default true.
    pub auth: bool,
    /// The simulated device takes pre-auths, captures and increments (`supportsPreAuth`).
    /// Default true.
    pub preauth: bool,
    /// The simulated device takes tip adjusts (`supportsTipAdjust`). Default true.
    pub tip_adjust: bool,
}

/// `[log] level`: how much is logged, from nothing to everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Errors only.
    Error,
    /// Errors and warnings.
    Warn,
    /// Normal operation (default).
    Info,
    /// Details for developers.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    /// All levels, quietest first.
    pub const ALL: [LogLevel; 6] = [
        LogLevel::Off,
        LogLevel::Error,
        LogLevel::Warn,
        LogLevel::Info,
        LogLevel::Debug,
        LogLevel::Trace,
    ];

    /// The configuration spelling: `off`, `error`, `warn`, `info`, `debug`, `trace`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    /// Parses a level name (case-insensitive).
    pub fn parse(text: &str) -> Option<LogLevel> {
        LogLevel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// `steps` levels louder (positive, `-v`) or quieter (negative, `-q`), clamped.
    pub fn shifted(self, steps: i32) -> LogLevel {
        let index = LogLevel::ALL.iter().position(|l| *l == self).unwrap_or(3) as i32;
        let last = LogLevel::ALL.len() as i32 - 1;
        LogLevel::ALL[(index + steps).clamp(0, last) as usize]
    }
}

/// `[log]`: log level and retention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// Level of `till`'s own messages (dependencies log at most warnings). Default info.
    pub level: LogLevel,
    /// Daily log files kept; older ones are deleted. Default 14.
    pub keep_files: u64,
}

/// `[paths]`: directories named in the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathSettings {
    /// Data directory (ledger, tokens, logs); relative paths are relative to the config file.
    pub data_dir: Option<PathBuf>,
}

impl Settings {
    /// The friendlyId to announce in cloud mode: `device.cloud.friendly_id`, else
    /// `terminal.serial`.
    pub fn friendly_id(&self) -> &str {
        self.device
            .cloud
            .friendly_id
            .as_deref()
            .unwrap_or(&self.terminal.serial)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            terminal: TerminalSettings {
                name: "till".into(),
                serial: "till-1".into(),
            },
            device: DeviceSettings {
                mode: DeviceMode::Simulator,
                remote_application_id: None,
                direct: DirectSettings::default(),
                cloud: CloudSettings {
                    server: "https://www.clover.com/".into(),
                    merchant_id: None,
                    device_id: None,
                    access_token: None,
                    friendly_id: None,
                    force_connect: false,
                    ca_file: None,
                },
            },
            connection: ConnectionSettings {
                heartbeat_interval_ms: 5_000,
                heartbeat_timeout_ms: 3_000,
                reconnect_floor_ms: 1_000,
                reconnect_cap_ms: 30_000,
                ready_timeout_ms: 15_000,
                response_timeout_ms: 15_000,
            },
            sale: SaleSettings {
                max_amount: Cents(1_000_000),
                currency: "USD".into(),
                disable_restart_on_failure: true,
                on_challenge: AnswerPolicy::Ask,
                on_signature: AnswerPolicy::Ask,
                on_partial: AnswerPolicy::Ask,
                tax_rate: crate::order::Percent::ZERO,
                order_title: String::new(),
                order_note: String::new(),
                timeout_ms: 300_000,
                tip_mode: crate::protocol::SaleTipMode::Provided,
                tip_suggestions: Vec::new(),
                signature_threshold: None,
                signature_entry_location: None,
                disable_receipt_selection: false,
                disable_duplicate_check: false,
                allow_offline_payment: false,
                force_offline_payment: false,
                approve_offline_payment_without_prompt: false,
            },
            simulator: SimulatorSettings {
                customer: SimCustomer::Manual,
                seed: None,
                delay_ms: 500,
                profile: crate::sim::device::Profile::Default,
                auth: true,
                preauth: true,
                tip_adjust: true,
            },
            log: LogSettings {
                level: LogLevel::Info,
                keep_files: 14,
            },
            paths: PathSettings::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_shift_and_clamp() {
        assert_eq!(LogLevel::Info.shifted(1), LogLevel::Debug);
        assert_eq!(LogLevel::Info.shifted(5), LogLevel::Trace);
        assert_eq!(LogLevel::Info.shifted(-1), LogLevel::Warn);
        assert_eq!(LogLevel::Error.shifted(-3), LogLevel::Off);
        assert_eq!(LogLevel::parse("DEBUG"), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("verbose"), None);
    }

    #[test]
    fn secrets_are_masked_when_shown() {
        let s = Secret::new("CANARY-0123456789");
        assert_eq!(format!("{s:?}"), "Secret(CANA…)");
        assert_eq!(s.to_string(), "CANA…");
        assert_eq!(s.expose(), "CANARY-0123456789");
    }
}
