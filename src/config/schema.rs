//! The config schema: the table of every configuration key: its TOML type, what it allows, how it is applied to
//! [`Settings`] and how it is shown. The file reader, the environment and flag overrides and
//! `till config` all go through this one table.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::settings::{AnswerPolicy, DeviceMode, LogLevel, Secret, Settings, SimCustomer};
use super::url::parse_url;
use crate::protocol::Cents;
use crate::protocol::SaleTipMode;
use crate::protocol::tx_settings::{
    check_tip_suggestions, parse_signature_location, signature_location_name,
};

/// Applies a value to the settings, or says what is wrong with it. `base` is the directory
/// relative paths are resolved against (the config file's directory, or none for the working
/// directory).
#[derive(Clone, Copy)]
pub(crate) enum Setter {
    /// A TOML string.
    Str(fn(&mut Settings, &str, Option<&Path>) -> Result<(), String>),
    /// A TOML integer.
    Int(fn(&mut Settings, i64) -> Result<(), String>),
    /// A TOML boolean.
    Bool(fn(&mut Settings, bool)),
    /// A TOML array of integers.
    IntList(fn(&mut Settings, &[i64]) -> Result<(), String>),
}

impl Setter {
    /// The TOML type name, as the parser names it.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Setter::Str(_) => "string",
            Setter::Int(_) => "integer",
            Setter::Bool(_) => "boolean",
            Setter::IntList(_) => "array of integers",
        }
    }
}

/// One configuration key.
pub(crate) struct Key {
    /// Full dotted name, e.g. `sale.max_amount`.
    pub name: &'static str,
    /// What is allowed, for error messages.
    pub allowed: &'static str,
    /// A secret: masked wherever it is shown.
    pub secret: bool,
    /// How a value is applied.
    pub set: Setter,
    /// The current value as JSON (`null` when not set).
    pub get: fn(&Settings) -> Value,
}

/// The tables (sections) of the file.
pub(crate) const TABLES: &[&str] = &[
    "terminal",
    "device",
    "device.direct",
    "device.cloud",
    "connection",
    "sale",
    "simulator",
    "log",
    "paths",
];

fn label(text: &str, max: usize) -> Result<String, String> {
    let n = text.chars().count();
    if n == 0 {
        return Err("it is empty".into());
    }
    if n > max {
        return Err(format!("it has {n} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("it contains control characters".into());
    }
    Ok(text.to_owned())
}

fn word(text: &str, max: usize) -> Result<String, String> {
    let t = label(text, max)?;
    if t.chars().any(char::is_whitespace) {
        return Err("it contains white space".into());
    }
    Ok(t)
}

fn clover_id(text: &str) -> Result<String, String> {
    let t = label(text, 64)?;
    if !t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "'{t}' contains characters other than letters, digits, '-' and '_'"
        ));
    }
    Ok(t)
}

fn path(text: &str, base: Option<&Path>) -> Result<PathBuf, String> {
    if text.is_empty() {
        return Err("it is empty".into());
    }
    let p = PathBuf::from(text);
    Ok(match base {
        Some(dir) if p.is_relative() => dir.join(p),
        _ => p,
    })
}

/// Stores a valid value in its slot.
fn put<T>(slot: &mut T, value: Result<T, String>) -> Result<(), String> {
    *slot = value?;
    Ok(())
}

fn ms(value: i64, min: i64, max: i64) -> Result<u64, String> {
    if value < min || value > max {
        return Err(format!("{value} is out of range"));
    }
    u64::try_from(value).map_err(|_| format!("{value} is negative"))
}

fn answer(text: &str) -> Result<AnswerPolicy, String> {
    match text {
        "ask" => Ok(AnswerPolicy::Ask),
        "accept" => Ok(AnswerPolicy::Accept),
        "reject" => Ok(AnswerPolicy::Reject),
        other => Err(format!("'{other}' is not an answer policy")),
    }
}

fn ws_url(text: &str) -> Result<String, String> {
    parse_url(text, &["ws", "wss"])?;
    Ok(text.to_owned())
}

fn server_url(text: &str) -> Result<String, String> {
    let u = parse_url(text, &["https", "http"])?;
    if u.scheme == "http" && !super::url::is_loopback_host(&u.host) {
        return Err(format!(
            "'{text}' is plain http to a host other than this machine"
        ));
    }
    Ok(if text.ends_with('/') {
        text.to_owned()
    } else {
        format!("{text}/")
    })
}

fn opt_path(p: &Option<PathBuf>) -> Value {
    p.as_ref()
        .map_or(Value::Null, |p| json!(p.display().to_string()))
}

/// Every key, in the order `till config` shows them and config.example.toml documents them.
pub(crate) static KEYS: &[Key] = &[
    Key {
        name: "terminal.name",
        allowed: "text of 1 to 64 characters without control characters, e.g. \"Front counter\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.terminal.name, label(v, 64))),
        get: |s| json!(s.terminal.name),
    },
    Key {
        name: "terminal.serial",
        allowed: "text of 1 to 64 characters without control characters, e.g. \"till-1\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.terminal.serial, label(v, 64))),
        get: |s| json!(s.terminal.serial),
    },
    Key {
        name: "device.mode",
        allowed: "\"simulator\", \"direct\" or \"cloud\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.device.mode = match v {
                "simulator" => DeviceMode::Simulator,
                "direct" => DeviceMode::Direct,
                "cloud" => DeviceMode::Cloud,
                other => return Err(format!("'{other}' is not a device mode")),
            };
            Ok(())
        }),
        get: |s| json!(s.device.mode.as_str()),
    },
    Key {
        name: "device.remote_application_id",
        allowed: "your app's Remote Application ID (RAID) from the Clover Developer Dashboard, 1 to 128 characters without spaces, e.g. \"ABCD1234EFGH5.IJKL6789MNOP0\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            put(&mut s.device.remote_application_id, word(v, 128).map(Some))
        }),
        get: |s| json!(s.device.remote_application_id),
    },
    Key {
        name: "device.direct.url",
        allowed: "a ws:// or wss:// URL with a host, e.g. \"wss://10.0.0.5:12345/remote_pay\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.device.direct.url, ws_url(v).map(Some))),
        get: |s| json!(s.device.direct.url),
    },
    Key {
        name: "device.direct.ca_file",
        allowed: "the path of a PEM file, absolute or relative to the configuration file",
        secret: false,
        set: Setter::Str(|s, v, base| put(&mut s.device.direct.ca_file, path(v, base).map(Some))),
        get: |s| opt_path(&s.device.direct.ca_file),
    },
    Key {
        name: "device.direct.allow_insecure_ws",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.device.direct.allow_insecure_ws = v),
        get: |s| json!(s.device.direct.allow_insecure_ws),
    },
    Key {
        name: "device.cloud.server",
        allowed: "an https:// URL (http:// only to this machine), e.g. \"https://www.clover.com/\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.device.cloud.server, server_url(v))),
        get: |s| json!(s.device.cloud.server),
    },
    Key {
        name: "device.cloud.merchant_id",
        allowed: "a Clover merchant id: 1 to 64 letters, digits, '-' or '_'",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.device.cloud.merchant_id, clover_id(v).map(Some))),
        get: |s| json!(s.device.cloud.merchant_id),
    },
    Key {
        name: "device.cloud.device_id",
        allowed: "a Clover device id: 1 to 64 letters, digits, '-' or '_'",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.device.cloud.device_id, clover_id(v).map(Some))),
        get: |s| json!(s.device.cloud.device_id),
    },
    Key {
        name: "device.cloud.access_token",
        allowed: "the OAuth access token, without spaces (better: the environment variable TILL_ACCESS_TOKEN)",
        secret: true,
        set: Setter::Str(|s, v, _| {
            put(
                &mut s.device.cloud.access_token,
                word(v, 4096).map(|t| Some(Secret::new(t))),
            )
        }),
        get: |s| json!(s.device.cloud.access_token.as_ref().map(Secret::to_string)),
    },
    Key {
        name: "device.cloud.friendly_id",
        allowed: "text of 1 to 64 characters without control characters (default: terminal.serial)",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.device.cloud.friendly_id, label(v, 64).map(Some))),
        get: |s| json!(s.device.cloud.friendly_id),
    },
    Key {
        name: "device.cloud.force_connect",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.device.cloud.force_connect = v),
        get: |s| json!(s.device.cloud.force_connect),
    },
    Key {
        name: "device.cloud.ca_file",
        allowed: "the path of a PEM file, absolute or relative to the configuration file",
        secret: false,
        set: Setter::Str(|s, v, base| put(&mut s.device.cloud.ca_file, path(v, base).map(Some))),
        get: |s| opt_path(&s.device.cloud.ca_file),
    },
    Key {
        name: "connection.heartbeat_interval_ms",
        allowed: "0 (no heartbeat) or an integer from 1000 to 600000 (ms)",
        secret: false,
        set: Setter::Int(|s, v| {
            s.connection.heartbeat_interval_ms = if v == 0 { 0 } else { ms(v, 1_000, 600_000)? };
            Ok(())
        }),
        get: |s| json!(s.connection.heartbeat_interval_ms),
    },
    Key {
        name: "connection.heartbeat_timeout_ms",
        allowed: "an integer from 1000 to 600000 (ms)",
        secret: false,
        set: Setter::Int(|s, v| {
            put(
                &mut s.connection.heartbeat_timeout_ms,
                ms(v, 1_000, 600_000),
            )
        }),
        get: |s| json!(s.connection.heartbeat_timeout_ms),
    },
    Key {
        name: "connection.reconnect_floor_ms",
        allowed: "an integer from 100 to 600000 (ms), at most connection.reconnect_cap_ms",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.connection.reconnect_floor_ms, ms(v, 100, 600_000))),
        get: |s| json!(s.connection.reconnect_floor_ms),
    },
    Key {
        name: "connection.reconnect_cap_ms",
        allowed: "an integer from 100 to 3600000 (ms), at least connection.reconnect_floor_ms",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.connection.reconnect_cap_ms, ms(v, 100, 3_600_000))),
        get: |s| json!(s.connection.reconnect_cap_ms),
    },
    Key {
        name: "connection.ready_timeout_ms",
        allowed: "an integer from 1000 to 600000 (ms)",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.connection.ready_timeout_ms, ms(v, 1_000, 600_000))),
        get: |s| json!(s.connection.ready_timeout_ms),
    },
    Key {
        name: "connection.response_timeout_ms",
        allowed: "an integer from 1000 to 3600000 (ms)",
        secret: false,
        set: Setter::Int(|s, v| {
            put(
                &mut s.connection.response_timeout_ms,
                ms(v, 1_000, 3_600_000),
            )
        }),
        get: |s| json!(s.connection.response_timeout_ms),
    },
    Key {
        name: "sale.max_amount",
        allowed: "a decimal amount above 0 with at most two decimals, as text, e.g. \"10000.00\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            let amount = Cents::parse(v).map_err(|e| e.to_string())?;
            if amount <= Cents::ZERO {
                return Err("the ceiling must be above 0".into());
            }
            s.sale.max_amount = amount;
            Ok(())
        }),
        get: |s| json!(s.sale.max_amount.to_string()),
    },
    Key {
        name: "sale.currency",
        allowed: "an ISO 4217 code of three capital letters, e.g. \"USD\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            if v.len() != 3 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!("'{v}' is not three capital letters"));
            }
            s.sale.currency = v.to_owned();
            Ok(())
        }),
        get: |s| json!(s.sale.currency),
    },
    Key {
        name: "sale.disable_restart_on_failure",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.sale.disable_restart_on_failure = v),
        get: |s| json!(s.sale.disable_restart_on_failure),
    },
    Key {
        name: "sale.on_challenge",
        allowed: "\"ask\", \"accept\" or \"reject\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.sale.on_challenge, answer(v))),
        get: |s| json!(s.sale.on_challenge.as_str()),
    },
    Key {
        name: "sale.on_signature",
        allowed: "\"ask\", \"accept\" or \"reject\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.sale.on_signature, answer(v))),
        get: |s| json!(s.sale.on_signature.as_str()),
    },
    Key {
        name: "sale.tax_rate",
        allowed: "a percentage from 0 to 100 with at most three decimals, as text, e.g. \"8.875\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.sale.tax_rate = crate::order::Percent::parse(v).map_err(|e| e.to_string())?;
            Ok(())
        }),
        get: |s| json!(s.sale.tax_rate.to_string()),
    },
    Key {
        name: "sale.order_title",
        allowed: "text of at most 64 printable characters (empty: no title)",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.sale.order_title = display_text(v)?;
            Ok(())
        }),
        get: |s| json!(s.sale.order_title),
    },
    Key {
        name: "sale.order_note",
        allowed: "text of at most 64 printable characters (empty: no note)",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.sale.order_note = display_text(v)?;
            Ok(())
        }),
        get: |s| json!(s.sale.order_note),
    },
    Key {
        name: "sale.on_partial",
        allowed: "\"ask\", \"accept\" or \"reject\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.sale.on_partial, answer(v))),
        get: |s| json!(s.sale.on_partial.as_str()),
    },
    Key {
        name: "sale.timeout_ms",
        allowed: "an integer from 1000 to 86400000 (ms)",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.sale.timeout_ms, ms(v, 1_000, 86_400_000))),
        get: |s| json!(s.sale.timeout_ms),
    },
    Key {
        name: "sale.tip_mode",
        allowed: "\"none\", \"on_screen\", \"on_paper\" or \"provided\"",
        secret: false,
        set: Setter::Str(|s, v, _| put(&mut s.sale.tip_mode, SaleTipMode::parse(v))),
        get: |s| json!(s.sale.tip_mode.as_str()),
    },
    Key {
        name: "sale.tip_suggestions",
        allowed: "up to 4 whole percentages from 1 to 100, each once, e.g. [15, 18, 20]",
        secret: false,
        set: Setter::IntList(|s, v| put(&mut s.sale.tip_suggestions, check_tip_suggestions(v))),
        get: |s| json!(s.sale.tip_suggestions),
    },
    Key {
        name: "sale.signature_threshold",
        allowed: "an amount of 0.00 or more with at most two decimals, in quotes, e.g. \"25.00\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            let amount = Cents::parse(v).map_err(|e| e.to_string())?;
            s.sale.signature_threshold = Some(amount);
            Ok(())
        }),
        get: |s| {
            s.sale
                .signature_threshold
                .map_or(Value::Null, |a| json!(a.to_string()))
        },
    },
    Key {
        name: "sale.signature_entry_location",
        allowed: "\"on_screen\", \"on_paper\" or \"none\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.sale.signature_entry_location = Some(parse_signature_location(v)?);
            Ok(())
        }),
        get: |s| {
            s.sale
                .signature_entry_location
                .as_ref()
                .map_or(Value::Null, |l| json!(signature_location_name(l)))
        },
    },
    Key {
        name: "sale.disable_receipt_selection",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.sale.disable_receipt_selection = v),
        get: |s| json!(s.sale.disable_receipt_selection),
    },
    Key {
        name: "sale.disable_duplicate_check",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.sale.disable_duplicate_check = v),
        get: |s| json!(s.sale.disable_duplicate_check),
    },
    Key {
        name: "sale.allow_offline_payment",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.sale.allow_offline_payment = v),
        get: |s| json!(s.sale.allow_offline_payment),
    },
    Key {
        name: "sale.force_offline_payment",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.sale.force_offline_payment = v),
        get: |s| json!(s.sale.force_offline_payment),
    },
    Key {
        name: "sale.approve_offline_payment_without_prompt",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.sale.approve_offline_payment_without_prompt = v),
        get: |s| json!(s.sale.approve_offline_payment_without_prompt),
    },
    Key {
        name: "simulator.customer",
        allowed: "\"manual\" or \"auto\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.simulator.customer = match v {
                "manual" => SimCustomer::Manual,
                "auto" => SimCustomer::Auto,
                other => return Err(format!("'{other}' is not a customer mode")),
            };
            Ok(())
        }),
        get: |s| json!(s.simulator.customer.as_str()),
    },
    Key {
        name: "simulator.seed",
        allowed: "an integer of 0 or more",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.simulator.seed, ms(v, 0, i64::MAX).map(Some))),
        get: |s| json!(s.simulator.seed),
    },
    Key {
        name: "simulator.delay_ms",
        allowed: "an integer from 0 to 600000 (ms)",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.simulator.delay_ms, ms(v, 0, 600_000))),
        get: |s| json!(s.simulator.delay_ms),
    },
    Key {
        name: "simulator.profile",
        allowed: "\"default\" or \"real\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.simulator.profile = v.parse()?;
            Ok(())
        }),
        get: |s| json!(s.simulator.profile.as_str()),
    },
    Key {
        name: "simulator.auth",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.simulator.auth = v),
        get: |s| json!(s.simulator.auth),
    },
    Key {
        name: "simulator.preauth",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.simulator.preauth = v),
        get: |s| json!(s.simulator.preauth),
    },
    Key {
        name: "simulator.tip_adjust",
        allowed: "true or false",
        secret: false,
        set: Setter::Bool(|s, v| s.simulator.tip_adjust = v),
        get: |s| json!(s.simulator.tip_adjust),
    },
    Key {
        name: "log.level",
        allowed: "\"off\", \"error\", \"warn\", \"info\", \"debug\" or \"trace\"",
        secret: false,
        set: Setter::Str(|s, v, _| {
            s.log.level = LogLevel::parse(v).ok_or_else(|| format!("'{v}' is not a log level"))?;
            Ok(())
        }),
        get: |s| json!(s.log.level.as_str()),
    },
    Key {
        name: "log.keep_files",
        allowed: "an integer from 1 to 3650 (daily files)",
        secret: false,
        set: Setter::Int(|s, v| put(&mut s.log.keep_files, ms(v, 1, 3_650))),
        get: |s| json!(s.log.keep_files),
    },
    Key {
        name: "paths.data_dir",
        allowed: "a directory path, absolute or relative to the configuration file",
        secret: false,
        set: Setter::Str(|s, v, base| put(&mut s.paths.data_dir, path(v, base).map(Some))),
        get: |s| opt_path(&s.paths.data_dir),
    },
];

/// The key named `name`.
pub(crate) fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// The keys and tables allowed directly inside `table` (`""` for the top level), short names.
pub(crate) fn allowed_in(table: &str) -> Vec<&'static str> {
    let child = |full: &'static str| -> Option<&'static str> {
        if table.is_empty() {
            Some(full.split('.').next().unwrap_or(full))
        } else {
            full.strip_prefix(table)?
                .strip_prefix('.')
                .map(|rest| rest.split('.').next().unwrap_or(rest))
        }
    };
    let mut names: Vec<&'static str> = Vec::new();
    for full in KEYS.iter().map(|k| k.name).chain(TABLES.iter().copied()) {
        if let Some(c) = child(full)
            && !names.contains(&c)
        {
            names.push(c);
        }
    }
    names
}

/// The known key or table closest in spelling to `name` (a typo), if any is close.
pub(crate) fn closest(name: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|k| k.name)
        .chain(TABLES.iter().copied())
        .map(|known| (edit_distance(name, known), known))
        .filter(|(d, known)| *d <= 2.max(known.len() / 6))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Text for the customer display: at most 64 characters, no control characters.
fn display_text(v: &str) -> Result<String, String> {
    if v.chars().count() > 64 || v.chars().any(char::is_control) {
        return Err("at most 64 printable characters".into());
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_in_known_tables() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(
                KEYS[..i].iter().all(|o| o.name != k.name),
                "{} twice",
                k.name
            );
            let table = k.name.rsplit_once('.').map(|(t, _)| t).unwrap_or("");
            assert!(TABLES.contains(&table), "{} outside a table", k.name);
        }
    }

    #[test]
    fn defaults_are_accepted_by_their_own_setters() {
        let defaults = Settings::default();
        for k in KEYS {
            let mut s = Settings::default();
            let shown = (k.get)(&defaults);
            let result = match (k.set, &shown) {
                (Setter::Str(f), Value::String(v)) if !k.secret => f(&mut s, v, None),
                (Setter::Int(f), Value::Number(n)) => f(&mut s, n.as_i64().unwrap()),
                (Setter::Bool(f), Value::Bool(b)) => {
                    f(&mut s, *b);
                    Ok(())
                }
                (Setter::IntList(f), Value::Array(items)) => {
                    let numbers: Vec<i64> = items.iter().filter_map(Value::as_i64).collect();
                    f(&mut s, &numbers)
                }
                (_, Value::Null) => Ok(()),
                (_, other) => panic!("{}: unexpected {other:?}", k.name),
            };
            assert_eq!(result, Ok(()), "{}", k.name);
            assert_eq!(s, defaults, "{}", k.name);
        }
    }

    #[test]
    fn allowed_lists_and_suggestions() {
        assert_eq!(allowed_in("terminal"), ["name", "serial"]);
        assert_eq!(
            allowed_in("device"),
            ["mode", "remote_application_id", "direct", "cloud"]
        );
        assert!(allowed_in("").contains(&"paths"));
        assert_eq!(closest("sale.max_amont"), Some("sale.max_amount"));
        assert_eq!(closest("totally.different"), None);
    }
}
