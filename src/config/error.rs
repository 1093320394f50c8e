//! Where a setting came from, and why a configuration was refused.

use std::fmt;
use std::path::PathBuf;

/// Where the value of a setting came from, weakest first: default < file < environment < flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The built-in default.
    Default,
    /// The configuration file, at this line and column (1-based).
    File {
        /// The file.
        path: PathBuf,
        /// Line of the value.
        line: usize,
        /// Column of the value (in characters).
        column: usize,
    },
    /// An environment variable, e.g. `TILL_LOG`.
    Env(&'static str),
    /// A command-line flag, e.g. `--device`.
    Flag(&'static str),
}

impl Source {
    /// A short label: `default`, `file line 12`, `env TILL_LOG`, `flag --device`.
    pub fn label(&self) -> String {
        match self {
            Source::Default => "default".into(),
            Source::File { line, .. } => format!("file line {line}"),
            Source::Env(name) => format!("env {name}"),
            Source::Flag(name) => format!("flag {name}"),
        }
    }

    /// The kind only: `default`, `file`, `env` or `flag`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Default => "default",
            Source::File { .. } => "file",
            Source::Env(_) => "env",
            Source::Flag(_) => "flag",
        }
    }
}

impl fmt::Display for Source {
    /// Where to look: `path:line:column`, `environment variable TILL_LOG`, `flag --device`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("built-in default"),
            Source::File { path, line, column } => write!(f, "{}:{line}:{column}", path.display()),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::Flag(name) => write!(f, "flag {name}"),
        }
    }
}

/// Why the configuration could not be loaded. Every message names where the problem is (file,
/// line and column, or the variable or flag), the key, the bad value and what is allowed or
/// what to do. Secret values are never part of a message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file exists but could not be read.
    #[error("{}: cannot read the configuration file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file named by `--config` or `TILL_CONFIG` does not exist.
    #[error(
        "{}: no such configuration file (named by {given_by}); fix the path, or copy config.example.toml there",
        path.display()
    )]
    NotFound {
        /// The file.
        path: PathBuf,
        /// The flag or variable that named it.
        given_by: Source,
    },
    /// The file is not valid TOML (or not UTF-8).
    #[error("{}:{line}:{column}: not valid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
        /// The parser's description (never the text of the line, which could hold a secret).
        message: String,
    },
    /// A key that `till` does not know (a typo must not pass silently).
    #[error("{at}: unknown {what} '{key}'{}; allowed here: {allowed}", suggestion(.did_you_mean))]
    UnknownKey {
        /// Where the key is.
        at: Box<Source>,
        /// `key`, or `section` for an unknown table.
        what: &'static str,
        /// The full dotted key, e.g. `sale.max_amont`.
        key: String,
        /// A known key with a similar spelling.
        did_you_mean: Option<String>,
        /// The keys allowed in that table.
        allowed: String,
    },
    /// A value of the wrong type or out of range, or a rule between keys that is broken.
    #[error("{at}: {key} = {value}: {problem}; allowed: {allowed}")]
    Invalid {
        /// Where the value came from.
        at: Box<Source>,
        /// The full dotted key.
        key: String,
        /// The value as given (masked for secrets), or `(not set)`.
        value: String,
        /// What is wrong with it.
        problem: String,
        /// What is allowed instead.
        allowed: String,
    },
    /// A file readable by other users holds an access token.
    #[error(
        "{}: holds {key} (line {line}) but is readable by other users (mode {mode:04o}); run `chmod 600 {}`, or remove the token from the file and set TILL_ACCESS_TOKEN instead",
        path.display(),
        path.display()
    )]
    ExposedSecret {
        /// The file.
        path: PathBuf,
        /// The secret key.
        key: String,
        /// Its line.
        line: usize,
        /// The file's permission bits.
        mode: u32,
    },
    /// A file holding a token belongs to another user (who could change it under us).
    #[error(
        "{}: holds {key} but is owned by user {owner}, not by the user till runs as ({me}); use a configuration file of your own, or remove the token from it and set TILL_ACCESS_TOKEN instead",
        path.display()
    )]
    ForeignSecret {
        /// The file.
        path: PathBuf,
        /// The secret key.
        key: String,
        /// The file's owner.
        owner: u32,
        /// The user till runs as.
        me: u32,
    },
    /// No data directory was given and the platform has no home directory to derive one.
    #[error(
        "no data directory: this system has no home directory for the default; pass --data-dir DIR, set TILL_DATA_DIR, or set paths.data_dir in the configuration file"
    )]
    NoDataDir,
}

fn suggestion(did_you_mean: &Option<String>) -> String {
    did_you_mean
        .as_ref()
        .map(|k| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default()
}

impl ConfigError {
    /// The key the error is about, when there is one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::UnknownKey { key, .. }
            | ConfigError::Invalid { key, .. }
            | ConfigError::ExposedSecret { key, .. }
            | ConfigError::ForeignSecret { key, .. } => Some(key),
            _ => None,
        }
    }
}
