//! Where the latest pairing token for a device endpoint is kept.
//!
//! The device issues a fresh, single-use token at every PAIRED; losing it means pairing again
//! with a code, so the connector saves it through this trait **before** doing anything else.
//! The ledger implements it on SQLite; [`FileTokenStore`] is a small file-backed store.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The longest pairing token kept, saved or sent back: 1 KiB (real tokens are ~40 bytes). A
/// longer one from a device is not saved (the next start pairs with a code again).
pub const MAX_TOKEN_BYTES: usize = 1024;

/// The largest token file read: 256 KiB (hundreds of endpoints).
const MAX_TOKEN_FILE_BYTES: u64 = 256 * 1024;

/// Load and save the latest auth token per device endpoint (e.g. `wss://10.0.0.5:12345/remote_pay`).
pub trait TokenStore: Send + Sync {
    /// The token saved for `endpoint`, if any.
    fn load(&self, endpoint: &str) -> std::io::Result<Option<String>>;
    /// Saves `token` for `endpoint`, durably, replacing any older one.
    fn save(&self, endpoint: &str, token: &str) -> std::io::Result<()>;
}

/// A token store in one JSON file (`{endpoint: token}`), written atomically with mode 0600.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store backed by `path` (created on first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }

    fn read_all(&self) -> std::io::Result<serde_json::Map<String, serde_json::Value>> {
        let read = std::fs::File::open(&self.path).and_then(|file| {
            use std::io::Read;
            let mut bytes = Vec::new();
            file.take(MAX_TOKEN_FILE_BYTES + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > MAX_TOKEN_FILE_BYTES {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{}: over {MAX_TOKEN_FILE_BYTES} bytes, not a token file; move it away to pair again",
                        self.path.display()
                    ),
                ));
            }
            Ok(bytes)
        });
        match read {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{}: not a token file ({e}); move it away to pair again",
                        self.path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(e),
        }
    }
}

/// Writes `bytes` to `path` atomically: a 0600 temporary file in the same directory, fsync,
/// rename, fsync of the directory.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("till"),
        std::process::id()
    ));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

impl TokenStore for FileTokenStore {
    fn load(&self, endpoint: &str) -> std::io::Result<Option<String>> {
        Ok(self
            .read_all()?
            .get(endpoint)
            .and_then(|v| v.as_str())
            .map(str::to_owned))
    }

    fn save(&self, endpoint: &str, token: &str) -> std::io::Result<()> {
        let mut all = self.read_all()?;
        all.insert(
            endpoint.to_owned(),
            serde_json::Value::String(token.to_owned()),
        );
        let text = serde_json::to_vec_pretty(&all).map_err(std::io::Error::other)?;
        write_private_atomically(&self.path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_latest_token_privately() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileTokenStore::new(dir.path().join("tokens.json"));
        assert_eq!(store.load("ws://a").unwrap(), None);
        store.save("ws://a", "t1").unwrap();
        store.save("ws://b", "u1").unwrap();
        store.save("ws://a", "t2").unwrap();
        assert_eq!(store.load("ws://a").unwrap().as_deref(), Some("t2"));
        assert_eq!(store.load("ws://b").unwrap().as_deref(), Some("u1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tokens.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
