//! `till config [--json]`: the effective configuration, where each value came from, and the
//! paths in use. Also the global flags every command shares ([`GlobalArgs`]).

use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value, json};

use super::exit;
use super::out;
use crate::config::{Config, ConfigError, ConfigOverrides, LoadedConfig, Source};

/// Flags accepted by every command (before or after the command name).
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Configuration file [default: till/config.toml in the platform config directory; env TILL_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Device to use: `sim` for the embedded simulator, or a device URL (ws:// or wss://…/remote_pay)
    #[arg(long, global = true, value_name = "URL|sim")]
    pub device: Option<String>,
    /// Data directory: ledger, pairing tokens, logs [default: platform data directory; env TILL_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log more (repeat for even more); headless commands also log to stderr
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log less (repeat for even less)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "verbose")]
    pub quiet: u8,
    /// `--sim-profile` (given before the command), for the embedded simulator of a headless
    /// command; filled in by `main`, not a flag of its own.
    #[arg(skip)]
    pub sim_profile: Option<crate::sim::device::Profile>,
}

impl GlobalArgs {
    /// The flags as configuration overrides.
    pub fn overrides(&self) -> ConfigOverrides {
        let verbosity = i16::from(self.verbose) - i16::from(self.quiet);
        ConfigOverrides {
            config_file: self.config.clone(),
            data_dir: self.data_dir.clone(),
            device: self.device.clone(),
            verbosity: verbosity.clamp(i16::from(i8::MIN), i16::from(i8::MAX)) as i8,
        }
    }

    /// Loads the configuration with these flags over the file and the environment.
    pub fn load_config(&self) -> Result<LoadedConfig, ConfigError> {
        Config::load(self.overrides())
    }
}

/// Show the effective configuration: one `key = value  # source` line per key (secrets
/// masked), then the configuration file, data directory and log file in use.
///
/// Exits 0, or 2 with the reason when the configuration is invalid.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  till config\n  till --config ./till.toml config --json | jq '.settings[\"device.mode\"]'"
)]
pub struct ConfigArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(not set)".into(),
        other => other.to_string(),
    }
}

/// The human form.
pub fn text(loaded: &LoadedConfig) -> String {
    let entries = loaded.entries();
    let lines: Vec<String> = entries
        .iter()
        .map(|e| format!("{} = {}", e.key, value_text(&e.value)))
        .collect();
    let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (line, entry) in lines.iter().zip(&entries) {
        out.push_str(&format!("{line:<width$}  # {}\n", entry.source.label()));
    }
    let p = &loaded.paths;
    let config_file = match &p.config_file {
        Some(path) if p.config_file_exists => {
            format!("{} ({})", path.display(), p.config_file_source.label())
        }
        Some(path) => format!(
            "{} (not found: defaults used; {})",
            path.display(),
            p.config_file_source.label()
        ),
        None => "none (this system has no default location)".into(),
    };
    out.push('\n');
    out.push_str(&format!("config file  {config_file}\n"));
    out.push_str(&format!(
        "data dir     {} ({})\n",
        p.data_dir.display(),
        p.data_dir_source.label()
    ));
    out.push_str(&format!("log file     {}\n", p.log_file.display()));
    out
}

fn source_json(source: &Source) -> Value {
    match source {
        Source::Default => json!({"source": "default"}),
        Source::File { path, line, column } => {
            json!({"source": "file", "file": path.display().to_string(), "line": line, "column": column})
        }
        Source::Env(name) => json!({"source": "env", "name": name}),
        Source::Flag(name) => json!({"source": "flag", "name": name}),
    }
}

/// The JSON form: `{"settings": {key: {"value", "source", …}}, "paths": {…}}`.
pub fn json(loaded: &LoadedConfig) -> Value {
    let mut settings = Map::new();
    for entry in loaded.entries() {
        let mut item = source_json(&entry.source);
        if let Value::Object(map) = &mut item {
            map.insert("value".into(), entry.value);
        }
        settings.insert(entry.key.into(), item);
    }
    let p = &loaded.paths;
    json!({
        "settings": settings,
        "paths": {
            "config_file": p.config_file.as_ref().map(|f| f.display().to_string()),
            "config_file_exists": p.config_file_exists,
            "config_file_from": source_json(&p.config_file_source),
            "data_dir": p.data_dir.display().to_string(),
            "data_dir_from": source_json(&p.data_dir_source),
            "log_dir": p.log_dir.display().to_string(),
            "log_file": p.log_file.display().to_string(),
        }
    })
}

/// Runs the command.
pub fn run(global: &GlobalArgs, args: ConfigArgs) -> u8 {
    let loaded = match global.load_config() {
        Ok(loaded) => loaded,
        Err(e) => {
            if args.json {
                out::line!(
                    "{}",
                    json!({"command": "config", "error": e.to_string(), "exit_code": exit::USAGE})
                );
            } else {
                eprintln!("till config: {e}");
            }
            return exit::USAGE;
        }
    };
    if args.json {
        let mut value = json(&loaded);
        value["command"] = json!("config");
        value["exit_code"] = json!(exit::OK);
        out::line!("{value}");
    } else {
        out::text!("{}", text(&loaded));
    }
    exit::OK
}
