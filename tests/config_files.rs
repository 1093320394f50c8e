//! Configuration inputs that are not what they claim (issue #14, item 6): a huge value is
//! quoted as a short excerpt, a huge file or a non-regular file (`/dev/zero`, a FIFO) is refused
//! without reading it, and a token file owned by another user is refused.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use till::config::{Config, ConfigError, ConfigOverrides, LoadContext, LoadedConfig};

/// Only to avoid hanging forever on a FIFO if the guard broke; never a timing assertion.
const HANG_GUARD: Duration = Duration::from_secs(20);

fn ctx(dir: &Path) -> LoadContext {
    LoadContext {
        default_data_dir: Some(dir.join("data")),
        ..LoadContext::default()
    }
}

fn load(dir: &Path, file: &Path) -> Result<LoadedConfig, ConfigError> {
    let overrides = ConfigOverrides {
        config_file: Some(file.to_path_buf()),
        ..Default::default()
    };
    Config::load_with(&ctx(dir), overrides)
}

/// Loads on a thread, so a hang is a failure instead of a stuck test.
fn load_guarded(dir: &Path, file: PathBuf) -> Result<LoadedConfig, ConfigError> {
    let dir = dir.to_path_buf();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(load(&dir, &file));
    });
    rx.recv_timeout(HANG_GUARD)
        .expect("loading the configuration hung")
}

#[test]
fn a_huge_value_is_quoted_as_a_short_excerpt() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "x".repeat(900_000);
    let path = dir.path().join("till.toml");
    std::fs::write(&path, format!("[device]\nmode = \"{huge}\"\n")).unwrap();
    let msg = load(dir.path(), &path).unwrap_err().to_string();
    assert!(msg.len() < 1_000, "{} bytes of message", msg.len());
    assert!(msg.contains("device.mode"), "{msg}");
    assert!(msg.contains("900000 bytes in all"), "{msg}");

    // The same from the environment.
    let mut c = ctx(dir.path());
    c.env.insert("TILL_LOG".into(), "y".repeat(5_000_000));
    let msg = Config::load_with(&c, ConfigOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(msg.len() < 1_000, "{} bytes of message", msg.len());
    assert!(msg.starts_with("environment variable TILL_LOG"), "{msg}");
}

#[test]
fn an_oversized_file_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.toml");
    let mut text = String::from("[sale]\ncurrency = \"EUR\"\n");
    text.push_str(&"# padding\n".repeat(120_000));
    std::fs::write(&path, text).unwrap();
    let err = load(dir.path(), &path).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
    assert!(
        err.to_string().contains("larger than 1048576 bytes"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn dev_zero_and_fifos_are_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_guarded(dir.path(), PathBuf::from("/dev/zero")).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert!(err.to_string().contains("/dev/zero"), "{err}");

    let fifo = dir.path().join("config.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let err = load_guarded(dir.path(), fifo.clone()).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");

    let err = load_guarded(dir.path(), dir.path().to_path_buf()).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_private_token_file_of_another_user_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.toml");
    std::fs::write(
        &path,
        "[device.cloud]\nmerchant_id = \"M1\"\naccess_token = \"CANARY-foreign-token-1234\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(
        load(dir.path(), &path).is_ok(),
        "our own private file is fine"
    );
    // Only root can give a file away; as anyone else there is nothing to set up.
    if std::os::unix::fs::chown(&path, Some(4242), None).is_err() {
        eprintln!("not root: cannot create a foreign-owned file; skipped");
        return;
    }
    let err = load(dir.path(), &path).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ConfigError::ForeignSecret { owner: 4242, .. }),
        "{msg}"
    );
    assert!(msg.contains("owned by user 4242"), "{msg}");
    assert!(msg.contains("TILL_ACCESS_TOKEN"), "{msg}");
    assert!(!msg.contains("CANARY"), "{msg}");
}
