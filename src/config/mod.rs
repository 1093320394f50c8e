//! Configuration: a TOML file, environment variables and command-line flags, validated into
//! typed [`Settings`] with errors that name the file, line, key, bad value and what is allowed.
//!
//! Precedence, weakest first: built-in defaults < configuration file < environment < flags.
//! [`LoadedConfig`] keeps, for every key, the [`Source`] its value came from.
//!
//! * File: `--config FILE`, else `TILL_CONFIG`, else `config.toml` in the platform config
//!   directory (`directories::ProjectDirs::from("", "", "till")`). A missing default file means
//!   defaults; a missing file named by the flag or the variable is an error.
//! * Unknown keys are refused: a typo in a payments configuration must not pass silently.
//! * Environment: `TILL_LOG` (log.level), `TILL_ACCESS_TOKEN` (device.cloud.access_token),
//!   `TILL_DATA_DIR` (the data directory), `TILL_CONFIG` (the file). Empty values are ignored.
//! * Flags: `--device URL|sim` (device.mode and device.direct.url), `--data-dir`, `-v`/`-q`
//!   (log.level one step louder/quieter each).
//! * Data directory: `--data-dir` > `TILL_DATA_DIR` > `paths.data_dir` > the platform data dir.

mod error;
mod file;
pub mod log_file;
mod schema;
mod settings;
pub mod url;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::{ConfigError, Source};
pub use settings::*;

use file::{at, leaves, show};
use schema::{KEYS, Setter, key};
use toml::de::DeValue;

/// Environment variable naming the configuration file.
pub const ENV_CONFIG: &str = "TILL_CONFIG";
/// Environment variable naming the data directory.
pub const ENV_DATA_DIR: &str = "TILL_DATA_DIR";
/// Environment variable with the log level.
pub const ENV_LOG: &str = "TILL_LOG";
/// Environment variable with the Clover OAuth access token (cloud mode).
pub const ENV_ACCESS_TOKEN: &str = "TILL_ACCESS_TOKEN";

/// What the command line says, to be layered over the file and the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigOverrides {
    /// `--config FILE`.
    pub config_file: Option<PathBuf>,
    /// `--data-dir DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--device URL|sim`: `sim` selects the simulator, a `ws://`/`wss://` URL a direct device.
    pub device: Option<String>,
    /// Number of `-v` minus number of `-q`: log.level that many steps louder (or quieter).
    pub verbosity: i8,
}

/// What loading reads besides the file: the environment and the platform's default
/// directories. [`LoadContext::from_process`] is the real one; tests build their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadContext {
    /// Environment variables (only the `TILL_*` ones matter).
    pub env: BTreeMap<String, String>,
    /// The default configuration file, if the platform has one.
    pub default_config_file: Option<PathBuf>,
    /// The default data directory, if the platform has one.
    pub default_data_dir: Option<PathBuf>,
}

impl LoadContext {
    /// The process environment and `ProjectDirs::from("", "", "till")`.
    pub fn from_process() -> Self {
        let env = [ENV_CONFIG, ENV_DATA_DIR, ENV_LOG, ENV_ACCESS_TOKEN]
            .into_iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_owned(), v)))
            .collect();
        let dirs = directories::ProjectDirs::from("", "", "till");
        LoadContext {
            env,
            default_config_file: dirs.as_ref().map(|d| d.config_dir().join("config.toml")),
            default_data_dir: dirs.as_ref().map(|d| d.data_dir().to_owned()),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The files and directories in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The configuration file looked at (`None` only when the platform has no default).
    pub config_file: Option<PathBuf>,
    /// Whether it existed (a missing default file means defaults).
    pub config_file_exists: bool,
    /// Who named the configuration file (default, env TILL_CONFIG or flag --config).
    pub config_file_source: Source,
    /// The data directory (ledger, tokens, logs). Not created by loading.
    pub data_dir: PathBuf,
    /// Who chose the data directory.
    pub data_dir_source: Source,
    /// `<data dir>/logs`.
    pub log_dir: PathBuf,
    /// Today's log file in `log_dir` (files roll over daily, UTC).
    pub log_file: PathBuf,
}

/// One key of the effective configuration, for display.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Full dotted key, e.g. `sale.max_amount`.
    pub key: &'static str,
    /// The value (`null` when not set); secrets are masked with `mask_secret`.
    pub value: serde_json::Value,
    /// Where it came from.
    pub source: Source,
}

/// The effective configuration: typed settings, the paths in use and every key's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    /// The validated settings.
    pub settings: Settings,
    /// The files and directories in use.
    pub paths: Paths,
    sources: BTreeMap<&'static str, Source>,
}

impl LoadedConfig {
    /// Where the value of `key` (e.g. `"log.level"`) came from; `None` for an unknown key.
    pub fn source(&self, key_name: &str) -> Option<&Source> {
        key(key_name)?;
        Some(self.sources.get(key_name).unwrap_or(&Source::Default))
    }

    /// Every key with its (redacted) value and source, in documentation order.
    pub fn entries(&self) -> Vec<Entry> {
        KEYS.iter()
            .map(|k| Entry {
                key: k.name,
                value: (k.get)(&self.settings),
                source: self.sources.get(k.name).cloned().unwrap_or(Source::Default),
            })
            .collect()
    }

    /// Every key name `till` knows, in documentation order.
    pub fn key_names() -> Vec<&'static str> {
        KEYS.iter().map(|k| k.name).collect()
    }
}

/// Entry points for loading the configuration.
pub struct Config;

impl Config {
    /// Loads from the process environment and the platform directories.
    pub fn load(overrides: ConfigOverrides) -> Result<LoadedConfig, ConfigError> {
        Config::load_with(&LoadContext::from_process(), overrides)
    }

    /// Loads with an explicit environment and default directories.
    pub fn load_with(
        ctx: &LoadContext,
        overrides: ConfigOverrides,
    ) -> Result<LoadedConfig, ConfigError> {
        let mut loader = Loader {
            settings: Settings::default(),
            sources: BTreeMap::new(),
        };

        let (config_file, config_file_source) = match (&overrides.config_file, ctx.var(ENV_CONFIG))
        {
            (Some(p), _) => (Some(p.clone()), Source::Flag("--config")),
            (None, Some(p)) => (Some(PathBuf::from(p)), Source::Env(ENV_CONFIG)),
            (None, None) => (ctx.default_config_file.clone(), Source::Default),
        };
        let mut config_file_exists = false;
        if let Some(path) = &config_file {
            match file::read_config(path) {
                Ok(bytes) => {
                    config_file_exists = true;
                    loader.apply_file(path, &bytes)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if config_file_source != Source::Default {
                        return Err(ConfigError::NotFound {
                            path: path.clone(),
                            given_by: config_file_source,
                        });
                    }
                }
                Err(source) => {
                    return Err(ConfigError::Read {
                        path: path.clone(),
                        source,
                    });
                }
            }
        }

        if let Some(level) = ctx.var(ENV_LOG) {
            loader.apply_text("log.level", level, Source::Env(ENV_LOG))?;
        }
        if let Some(token) = ctx.var(ENV_ACCESS_TOKEN) {
            loader.apply_text(
                "device.cloud.access_token",
                token,
                Source::Env(ENV_ACCESS_TOKEN),
            )?;
        }

        if let Some(device) = &overrides.device {
            loader.apply_device_flag(device)?;
        }
        if overrides.verbosity != 0 {
            let level = loader
                .settings
                .log
                .level
                .shifted(i32::from(overrides.verbosity));
            loader.settings.log.level = level;
            let flag = if overrides.verbosity > 0 { "-v" } else { "-q" };
            loader.sources.insert("log.level", Source::Flag(flag));
        }

        let (data_dir, data_dir_source) = match (&overrides.data_dir, ctx.var(ENV_DATA_DIR)) {
            (Some(d), _) => (d.clone(), Source::Flag("--data-dir")),
            (None, Some(d)) => (PathBuf::from(d), Source::Env(ENV_DATA_DIR)),
            (None, None) => match &loader.settings.paths.data_dir {
                Some(d) => (
                    d.clone(),
                    loader
                        .sources
                        .get("paths.data_dir")
                        .cloned()
                        .unwrap_or(Source::Default),
                ),
                None => (
                    ctx.default_data_dir.clone().ok_or(ConfigError::NoDataDir)?,
                    Source::Default,
                ),
            },
        };
        let data_dir = std::path::absolute(&data_dir).unwrap_or(data_dir);

        validate::check(&loader.settings, &loader.sources)?;

        let log_dir = data_dir.join("logs");
        let log_file = log_dir.join(log_file::file_name(std::time::SystemTime::now()));
        Ok(LoadedConfig {
            settings: loader.settings,
            paths: Paths {
                config_file,
                config_file_exists,
                config_file_source,
                data_dir,
                data_dir_source,
                log_dir,
                log_file,
            },
            sources: loader.sources,
        })
    }
}

struct Loader {
    settings: Settings,
    sources: BTreeMap<&'static str, Source>,
}

impl Loader {
    fn apply_file(&mut self, path: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let (line, column) = file::position(valid, valid.len());
            ConfigError::Syntax {
                path: path.to_owned(),
                line,
                column,
                message: "the file is not UTF-8 text".into(),
            }
        })?;
        let leaves = leaves(path, text)?;
        if let Some(token) = leaves
            .iter()
            .find(|l| l.name == "device.cloud.access_token")
        {
            refuse_if_exposed(path, text, token.span.start)?;
        }
        let base = path.parent().filter(|p| !p.as_os_str().is_empty());
        for leaf in &leaves {
            let Some(k) = key(&leaf.name) else { continue };
            let source = at(path, text, leaf.span.start);
            let invalid = |problem: String| ConfigError::Invalid {
                at: Box::new(source.clone()),
                key: k.name.to_owned(),
                value: show(&leaf.value, k.secret),
                problem: file::short_problem(problem),
                allowed: k.allowed.to_owned(),
            };
            let result = match (k.set, &leaf.value) {
                (Setter::Str(f), DeValue::String(s)) => f(&mut self.settings, s, base),
                (Setter::Int(f), DeValue::Integer(i)) => {
                    match i64::from_str_radix(i.as_str(), i.radix()) {
                        Ok(n) => f(&mut self.settings, n),
                        Err(_) => Err(format!("{i} is too large")),
                    }
                }
                (Setter::Bool(f), DeValue::Boolean(b)) => {
                    f(&mut self.settings, *b);
                    Ok(())
                }
                (Setter::IntList(f), DeValue::Array(items)) => {
                    let numbers: Result<Vec<i64>, String> = items
                        .iter()
                        .map(|item| match item.get_ref() {
                            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                                .map_err(|_| format!("{i} is too large")),
                            other => Err(format!(
                                "it holds {}, not only integers",
                                file::a(other.type_str())
                            )),
                        })
                        .collect();
                    numbers.and_then(|n| f(&mut self.settings, &n))
                }
                (set, other) => Err(format!(
                    "this is {}, not {}",
                    file::a(other.type_str()),
                    file::a(set.type_name())
                )),
            };
            result.map_err(invalid)?;
            self.sources.insert(k.name, source);
        }
        Ok(())
    }

    /// Applies a text value from the environment or a flag to a string key.
    fn apply_text(&mut self, name: &str, value: &str, source: Source) -> Result<(), ConfigError> {
        let Some(k) = key(name) else { return Ok(()) };
        let Setter::Str(f) = k.set else { return Ok(()) };
        f(&mut self.settings, value, None).map_err(|problem| ConfigError::Invalid {
            at: Box::new(source.clone()),
            key: k.name.to_owned(),
            value: if k.secret {
                format!("\"{}\"", crate::protocol::redact::mask_secret(value))
            } else {
                serde_json::Value::String(file::excerpt(value).into_owned()).to_string()
            },
            problem: file::short_problem(problem),
            allowed: k.allowed.to_owned(),
        })?;
        self.sources.insert(k.name, source);
        Ok(())
    }

    /// `--device sim` or `--device ws[s]://…`.
    fn apply_device_flag(&mut self, device: &str) -> Result<(), ConfigError> {
        let flag = Source::Flag("--device");
        let lower = device.to_ascii_lowercase();
        if lower == "sim" || lower == "simulator" {
            self.settings.device.mode = DeviceMode::Simulator;
            self.sources.insert("device.mode", flag);
            Ok(())
        } else if lower.starts_with("ws://") || lower.starts_with("wss://") {
            self.apply_text("device.direct.url", device, flag.clone())?;
            self.settings.device.mode = DeviceMode::Direct;
            self.sources.insert("device.mode", flag);
            Ok(())
        } else {
            Err(ConfigError::Invalid {
                at: Box::new(flag),
                key: "device.mode".into(),
                value: serde_json::Value::String(file::excerpt(device).into_owned()).to_string(),
                problem: "this is neither \"sim\" nor a ws:// or wss:// URL".into(),
                allowed: "sim, or a device URL such as wss://10.0.0.5:12345/remote_pay".into(),
            })
        }
    }
}

/// A file holding a token must be private to its owner.
#[cfg(unix)]
fn refuse_if_exposed(path: &Path, text: &str, offset: usize) -> Result<(), ConfigError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    if let Some(me) = crate::ledger::safe_file::current_uid()
        && meta.uid() != me
    {
        return Err(ConfigError::ForeignSecret {
            path: path.to_owned(),
            key: "device.cloud.access_token".into(),
            owner: meta.uid(),
            me,
        });
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(ConfigError::ExposedSecret {
            path: path.to_owned(),
            key: "device.cloud.access_token".into(),
            line: file::position(text, offset).0,
            mode: mode & 0o7777,
        });
    }
    Ok(())
}

/// Other systems: permission bits are not Unix modes; nothing to check here.
#[cfg(not(unix))]
fn refuse_if_exposed(_path: &Path, _text: &str, _offset: usize) -> Result<(), ConfigError> {
    Ok(())
}
