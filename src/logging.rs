//! Logs: `tracing` to a daily-rolling file `<data dir>/logs/till.YYYY-MM-DD.log` (UTC dates),
//! written by a background thread ([`tracing_appender::non_blocking()`]); never to the terminal
//! while the TUI runs. Headless commands may also log to stderr ([`LogTarget::FileAndStderr`]).
//!
//! The log directory is created 0700 and every log file 0600. `till`'s own messages are logged
//! at `log.level`; dependencies at most at `warn` (their trace output could carry frames).
//! Secrets must go through [`crate::protocol::redact::mask_secret`] before they are logged.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::Dispatch;
use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::log_file::{DAY_SECS, PREFIX, SUFFIX, days_since_epoch, file_name_for_day};
use crate::config::{LoadedConfig, LogLevel};

/// Where logs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    /// The log file only (the TUI, and headless commands by default).
    File,
    /// The log file and stderr (headless commands run with `-v`).
    FileAndStderr,
}

/// Keeps the background log writer alive; dropping it flushes what is queued. Hold it for the
/// life of the process (`let _log = logging::init(…)?;`).
#[derive(Debug)]
pub struct LogGuard {
    _worker: WorkerGuard,
    /// The directory of the log files.
    pub log_dir: PathBuf,
    /// Today's log file.
    pub log_file: PathBuf,
}

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// The log directory could not be created or made private.
    #[error("{}: cannot create the log directory: {source}; pass another --data-dir or fix its permissions", path.display())]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A log file could not be created or made private.
    #[error("{}: cannot create the log file: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The rolling file appender refused to start.
    #[error("{}: cannot open the log: {message}", path.display())]
    Appender {
        /// The log directory.
        path: PathBuf,
        /// The appender's message.
        message: String,
    },
    /// A global logger was already installed in this process.
    #[error("logging is already set up in this process")]
    AlreadySet,
}

fn level_filter(level: LogLevel) -> LevelFilter {
    match level {
        LogLevel::Off => LevelFilter::OFF,
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    }
}

/// Creates `dir` (0700) if missing, and makes it 0700 if it exists.
fn private_dir(dir: &Path) -> Result<(), LoggingError> {
    let err = |source| LoggingError::Dir {
        path: dir.to_owned(),
        source,
    };
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
        Err(e) => return Err(err(e)),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
    }
    Ok(())
}

/// Creates `path` (0600) if missing, and makes it 0600 if it exists.
fn private_file(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The rolling appender, with each day's file created 0600 before the appender opens it.
struct PrivateDaily {
    inner: RollingFileAppender,
    dir: PathBuf,
    day: u64,
    next_ready: bool,
}

impl PrivateDaily {
    fn prepare(&mut self) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let day = now / DAY_SECS;
        if day != self.day {
            self.day = day;
            self.next_ready = false;
            let _ = private_file(&self.dir.join(file_name_for_day(day)));
        }
        // The appender reads its own clock: near midnight, create tomorrow's file too.
        if !self.next_ready && now % DAY_SECS >= DAY_SECS - 60 {
            self.next_ready = true;
            let _ = private_file(&self.dir.join(file_name_for_day(day + 1)));
        }
    }
}

impl Write for PrivateDaily {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.prepare();
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Builds the logger without installing it: a [`Dispatch`] to use with
/// `tracing::dispatcher::with_default` (tests) or to install, and its guard.
pub fn build(
    config: &LoadedConfig,
    target: LogTarget,
) -> Result<(Dispatch, LogGuard), LoggingError> {
    let log_dir = config.paths.log_dir.clone();
    let data_dir = &config.paths.data_dir;
    if !data_dir.exists() {
        private_dir(data_dir)?;
    }
    private_dir(&log_dir)?;
    let day = days_since_epoch(SystemTime::now());
    let log_file = log_dir.join(file_name_for_day(day));
    private_file(&log_file).map_err(|source| LoggingError::File {
        path: log_file.clone(),
        source,
    })?;
    let keep = usize::try_from(config.settings.log.keep_files)
        .unwrap_or(usize::MAX)
        .max(1);
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(keep)
        .build(&log_dir)
        .map_err(|e| LoggingError::Appender {
            path: log_dir.clone(),
            message: e.to_string(),
        })?;
    let writer = PrivateDaily {
        inner: appender,
        dir: log_dir.clone(),
        day,
        next_ready: false,
    };
    let (non_blocking, worker) = tracing_appender::non_blocking(writer);

    let level = config.settings.log.level;
    let filter = Targets::new()
        .with_default(level_filter(level.min(LogLevel::Warn)))
        .with_target("till", level_filter(level));
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(non_blocking)
        .with_filter(filter.clone());
    let stderr_layer = (target == LogTarget::FileAndStderr).then(|| {
        tracing_subscriber::fmt::layer()
            .with_ansi(std::io::IsTerminal::is_terminal(&io::stderr()))
            .with_writer(io::stderr)
            .with_filter(filter)
    });
    let subscriber = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer);
    Ok((
        Dispatch::new(subscriber),
        LogGuard {
            _worker: worker,
            log_dir,
            log_file,
        },
    ))
}

/// Sets up logging for the whole process (and routes the `log` crate's records of
/// dependencies into it). Keep the returned guard alive until the process ends.
pub fn init(config: &LoadedConfig, target: LogTarget) -> Result<LogGuard, LoggingError> {
    let (dispatch, guard) = build(config, target)?;
    dispatch.try_init().map_err(|_| LoggingError::AlreadySet)?;
    Ok(guard)
}
