//! Rules between keys and checks of the files they name, run after every source is applied.

use std::collections::BTreeMap;
use std::path::Path;

use super::error::{ConfigError, Source};
use super::schema::key;
use super::settings::{DeviceMode, Settings};
use super::url::{is_loopback_host, parse_url};

fn source(sources: &BTreeMap<&'static str, Source>, name: &str) -> Source {
    sources.get(name).cloned().unwrap_or(Source::Default)
}

fn allowed(name: &str) -> String {
    key(name).map_or_else(String::new, |k| k.allowed.to_owned())
}

/// Checks the settings as a whole. `sources` says where each key came from, so the error can
/// point at the line (or variable, or flag) to change.
pub(crate) fn check(
    settings: &Settings,
    sources: &BTreeMap<&'static str, Source>,
) -> Result<(), ConfigError> {
    let c = &settings.connection;
    if c.reconnect_floor_ms > c.reconnect_cap_ms {
        return Err(ConfigError::Invalid {
            at: Box::new(source(sources, "connection.reconnect_cap_ms")),
            key: "connection.reconnect_cap_ms".into(),
            value: c.reconnect_cap_ms.to_string(),
            problem: format!(
                "it is below connection.reconnect_floor_ms ({})",
                c.reconnect_floor_ms
            ),
            allowed: allowed("connection.reconnect_cap_ms"),
        });
    }
    let direct = &settings.device.direct;
    if let Some(url) = &direct.url
        && let Ok(parsed) = parse_url(url, &["ws", "wss"])
        && parsed.scheme == "ws"
        && !is_loopback_host(&parsed.host)
        && !direct.allow_insecure_ws
    {
        return Err(ConfigError::Invalid {
                    at: Box::new(source(sources, "device.direct.url")),
                    key: "device.direct.url".into(),
                    value: format!("\"{url}\""),
                    problem: format!(
                        "ws:// is unencrypted (the pairing token would cross the network in clear) and {} is not this machine",
                        parsed.host
                    ),
                    allowed: "a wss:// URL; or ws:// to 127.0.0.1, ::1 or localhost; or set device.direct.allow_insecure_ws = true to accept the risk".into(),
                });
    }
    let required = |name: &str, missing: bool| -> Result<(), ConfigError> {
        if !missing {
            return Ok(());
        }
        let mode = settings.device.mode.as_str();
        Err(ConfigError::Invalid {
            at: Box::new(source(sources, "device.mode")),
            key: name.to_owned(),
            value: "(not set)".into(),
            problem: format!("device.mode is \"{mode}\", which needs {name}"),
            allowed: if name == "device.cloud.access_token" {
                "set the environment variable TILL_ACCESS_TOKEN (preferred), or device.cloud.access_token in a file only you can read (chmod 600)".into()
            } else {
                allowed(name)
            },
        })
    };
    match settings.device.mode {
        DeviceMode::Simulator => {}
        DeviceMode::Direct => {
            required("device.direct.url", direct.url.is_none())?;
            if let Some(ca) = &direct.ca_file {
                check_ca("device.direct.ca_file", ca, sources)?;
            }
        }
        DeviceMode::Cloud => {
            let cloud = &settings.device.cloud;
            required("device.cloud.merchant_id", cloud.merchant_id.is_none())?;
            required("device.cloud.device_id", cloud.device_id.is_none())?;
            required("device.cloud.access_token", cloud.access_token.is_none())?;
            if let Some(ca) = &cloud.ca_file {
                check_ca("device.cloud.ca_file", ca, sources)?;
            }
        }
    }
    Ok(())
}

/// A CA file must exist, be readable and hold a PEM certificate.
fn check_ca(
    name: &str,
    path: &Path,
    sources: &BTreeMap<&'static str, Source>,
) -> Result<(), ConfigError> {
    let problem = match std::fs::read(path) {
        Ok(bytes) if String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") => {
            return Ok(());
        }
        Ok(_) => "the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file".to_owned(),
        Err(e) => format!("cannot read it: {e}"),
    };
    Err(ConfigError::Invalid {
        at: Box::new(source(sources, name)),
        key: name.to_owned(),
        value: format!("\"{}\"", path.display()),
        problem,
        allowed: allowed(name),
    })
}
