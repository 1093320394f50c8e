//! The single-instance lock: `till.lock` in the data directory, locked exclusively for as long as
//! the ledger is open, holding the owner's pid and data directory so a refused process can say who
//! holds it.
//!
//! The lock is an OS file lock (`File::try_lock`), so it disappears with the process that held it,
//! however that process ended; a stale file without a lock is simply taken over.
//!
//! The file is opened without following links and must belong to the running user. While the
//! ledger is open it also says `open=1`; a clean close removes that line first. Finding it at
//! start means the last holder ended without closing (a crash or SIGKILL): its write-ahead log
//! must then still be there (see `Ledger::open`).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::{LedgerError, Result};

/// Name of the lock file inside the data directory.
pub const LOCK_FILE: &str = "till.lock";

/// How often, and how long apart, a refused opener re-reads a lock file that is still empty
/// (its holder locked it a moment ago and has not written its pid yet).
const EMPTY_LOCK_RETRIES: u32 = 5;
const EMPTY_LOCK_PAUSE: Duration = Duration::from_millis(20);

/// An exclusive lock on a data directory, released when dropped (or when the process ends).
#[derive(Debug)]
pub struct DirLock {
    file: File,
    /// The holder before us ended with the ledger open (its lock file said `open=1`).
    pub(super) ended_uncleanly: bool,
    /// What the file says about us (`pid=`, `data_dir=` lines).
    owner: String,
}

impl DirLock {
    /// Locks `data_dir` (which must exist) or reports who holds it. A refused attempt writes
    /// nothing: the lock file is only created when missing and only rewritten once locked.
    pub fn acquire(data_dir: &Path) -> Result<DirLock> {
        let path = data_dir.join(LOCK_FILE);
        let io = |action, source| LedgerError::Io {
            action,
            path: path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        let mut file = super::safe_file::open_checked(&path, &mut options)?;
        // `File::try_lock`: flock on Unix, LockFileEx on Windows (Rust 1.89).
        let locked = file.try_lock();
        match locked {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(refused(&mut file, data_dir)),
            Err(TryLockError::Error(e)) => return Err(io("lock", e)),
        }
        let mut previous = String::new();
        let _ = (&file).take(4096).read_to_string(&mut previous);
        let ended_uncleanly = previous.lines().any(|l| l.trim() == OPEN_LINE);
        let shown = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        let owner = format!("pid={}\ndata_dir={}\n", std::process::id(), shown.display());
        let mut lock = DirLock {
            file,
            ended_uncleanly,
            owner,
        };
        // Until the ledger is open again, an unclean end stays recorded (a refused open
        // leaves it for the next start to see too).
        lock.rewrite(ended_uncleanly)
            .map_err(|e| io("write the lock file", e))?;
        Ok(lock)
    }

    /// Records whether the ledger is open (`open=1`) in the lock file, durably.
    pub(super) fn rewrite(&mut self, open: bool) -> std::io::Result<()> {
        let mut text = self.owner.clone();
        if open {
            text.push_str(OPEN_LINE);
            text.push('\n');
        }
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(text.as_bytes())?;
        self.file.sync_data()
    }
}

/// The line that says the ledger is open.
const OPEN_LINE: &str = "open=1";

impl Drop for DirLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes the release immediate
        // even if another handle to the same open file lingers. Nothing useful to do on error.
        let _ = self.file.unlock();
    }
}

/// Builds the `Locked` error from what the holder wrote in the lock file.
fn refused(file: &mut File, data_dir: &Path) -> LedgerError {
    let mut owner = Owner::default();
    for attempt in 0..=EMPTY_LOCK_RETRIES {
        let mut text = String::new();
        if file.seek(SeekFrom::Start(0)).is_ok() && file.read_to_string(&mut text).is_ok() {
            owner = Owner::parse(&text);
        }
        if owner.pid.is_some() || attempt == EMPTY_LOCK_RETRIES {
            break;
        }
        std::thread::sleep(EMPTY_LOCK_PAUSE);
    }
    LedgerError::Locked {
        data_dir: owner.data_dir.unwrap_or_else(|| data_dir.to_path_buf()),
        pid: owner.pid,
    }
}

/// The contents of a lock file: `pid=<n>` and `data_dir=<path>` lines; anything else ignored.
#[derive(Debug, Default, PartialEq, Eq)]
struct Owner {
    pid: Option<u32>,
    data_dir: Option<PathBuf>,
}

impl Owner {
    fn parse(text: &str) -> Owner {
        let mut owner = Owner::default();
        for line in text.lines() {
            if let Some(pid) = line.strip_prefix("pid=") {
                owner.pid = pid.trim().parse().ok();
            } else if let Some(dir) = line.strip_prefix("data_dir=").filter(|d| !d.is_empty()) {
                owner.data_dir = Some(PathBuf::from(dir));
            }
        }
        owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_owner_lines_and_ignores_noise() {
        assert_eq!(
            Owner::parse("pid=42\ndata_dir=/var/till\n"),
            Owner {
                pid: Some(42),
                data_dir: Some(PathBuf::from("/var/till"))
            }
        );
        assert_eq!(Owner::parse(""), Owner::default());
        assert_eq!(Owner::parse("pid=x\nhello\ndata_dir=\n"), Owner::default());
    }

    #[test]
    fn second_lock_in_process_is_refused_with_owner() {
        let dir = tempfile::tempdir().unwrap();
        let held = DirLock::acquire(dir.path()).unwrap();
        match DirLock::acquire(dir.path()) {
            Err(LedgerError::Locked { data_dir, pid }) => {
                assert_eq!(pid, Some(std::process::id()));
                assert_eq!(data_dir, dir.path());
            }
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(held);
        DirLock::acquire(dir.path()).unwrap();
    }
}
