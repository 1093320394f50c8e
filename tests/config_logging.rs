//! Logging writes to a private daily file in `<data dir>/logs/`, at the configured level, and a
//! secret logged through the redaction helper never appears in it.

use std::path::Path;

use till::config::{Config, ConfigOverrides, LoadContext, LoadedConfig};
use till::logging::{self, LogTarget};
use till::protocol::redact::mask_secret;

const CANARY: &str = "CANARY-PAIRING-TOKEN-not-in-logs-91ab";

fn loaded(data: &Path, env: &[(&str, &str)], verbosity: i8) -> LoadedConfig {
    let ctx = LoadContext {
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        default_config_file: None,
        default_data_dir: Some(data.to_owned()),
    };
    Config::load_with(
        &ctx,
        ConfigOverrides {
            verbosity,
            ..Default::default()
        },
    )
    .unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn logs_go_to_a_private_file_at_the_configured_level_without_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let config = loaded(&data, &[("TILL_LOG", "info")], 0);
    let (dispatch, guard) = logging::build(&config, LogTarget::File).unwrap();
    assert_eq!(guard.log_file, config.paths.log_file);
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info!(target: "till::connector", token = %mask_secret(CANARY), endpoint = "ws://127.0.0.1:1/remote_pay", "paired");
        tracing::debug!(target: "till::connector", "a debug line below the level");
        tracing::info!(target: "tungstenite", "a dependency's info line");
        tracing::warn!(target: "till::connector", "a warning");
    });
    drop(guard); // flushes the background writer
    let text = std::fs::read_to_string(&config.paths.log_file).unwrap();
    assert!(
        text.contains("paired") && text.contains("token=CANA…"),
        "{text}"
    );
    assert!(text.contains("a warning"), "{text}");
    assert!(!text.contains("below the level"), "{text}");
    assert!(
        !text.contains("a dependency's info line"),
        "dependencies log warnings at most: {text}"
    );
    assert!(
        !text.contains(CANARY) && !text.contains("not-in-logs"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour codes in the file");
    #[cfg(unix)]
    {
        assert_eq!(mode(&config.paths.log_dir), 0o700);
        assert_eq!(mode(&config.paths.log_file), 0o600);
    }
}

#[test]
fn verbosity_raises_the_file_level() {
    let tmp = tempfile::tempdir().unwrap();
    let config = loaded(tmp.path(), &[], 1);
    let (dispatch, guard) = logging::build(&config, LogTarget::File).unwrap();
    tracing::dispatcher::with_default(
        &dispatch,
        || tracing::debug!(target: "till::app", "shown at -v"),
    );
    drop(guard);
    let text = std::fs::read_to_string(&config.paths.log_file).unwrap();
    assert!(text.contains("shown at -v"), "{text}");
}

#[cfg(unix)]
#[test]
fn an_existing_open_log_directory_and_file_are_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let config = loaded(tmp.path(), &[], 0);
    std::fs::create_dir_all(&config.paths.log_dir).unwrap();
    std::fs::set_permissions(
        &config.paths.log_dir,
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::write(&config.paths.log_file, "old line\n").unwrap();
    std::fs::set_permissions(
        &config.paths.log_file,
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (dispatch, guard) = logging::build(&config, LogTarget::File).unwrap();
    tracing::dispatcher::with_default(
        &dispatch,
        || tracing::info!(target: "till::app", "new line"),
    );
    drop(guard);
    assert_eq!(mode(&config.paths.log_dir), 0o700);
    assert_eq!(mode(&config.paths.log_file), 0o600);
    let text = std::fs::read_to_string(&config.paths.log_file).unwrap();
    assert!(
        text.starts_with("old line\n") && text.contains("new line"),
        "appends: {text}"
    );
}

#[test]
fn level_off_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let config = loaded(tmp.path(), &[("TILL_LOG", "off")], 0);
    let (dispatch, guard) = logging::build(&config, LogTarget::File).unwrap();
    tracing::dispatcher::with_default(
        &dispatch,
        || tracing::error!(target: "till::app", "not even errors"),
    );
    drop(guard);
    assert_eq!(std::fs::read_to_string(&config.paths.log_file).unwrap(), "");
}

#[test]
fn init_installs_the_global_logger_once() {
    let tmp = tempfile::tempdir().unwrap();
    let config = loaded(tmp.path(), &[], 0);
    let guard = logging::init(&config, LogTarget::File).unwrap();
    tracing::info!(target: "till::test", "through the global logger");
    assert!(matches!(
        logging::init(&config, LogTarget::File),
        Err(logging::LoggingError::AlreadySet)
    ));
    drop(guard);
    let text = std::fs::read_to_string(&config.paths.log_file).unwrap();
    assert!(text.contains("through the global logger"), "{text}");
}
