//! Opening the ledger: the data directory (0700), the single-instance lock, the SQLite file
//! (0600, WAL, `synchronous=FULL`, foreign keys, busy timeout) and its schema migrations.
//!
//! Files are what they claim (see `safe_file`): no symlinks, no foreign owners. Only an absent
//! database file starts a new ledger, built under a temporary name and renamed into place, so a
//! crash never leaves an empty `ledger.sqlite3`; an existing empty or non-SQLite file is refused.
//! A final outcome is checkpointed into the database file at once, and a write-ahead log missing
//! after an unclean end is refused rather than silently forgotten.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::error::{LedgerError, Result};
use super::lock::DirLock;
use super::safe_file;
use super::schema;

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "ledger.sqlite3";

/// How long a statement waits for a lock held by another connection before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The payment ledger of one data directory, held exclusively by this process while any handle
/// to it is alive. Cheap to clone; all clones share one connection.
///
/// Every write is one transaction and durable when the call returns (WAL with
/// `synchronous=FULL`). Calls block on disk I/O: from async code use `spawn_blocking`.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub(super) shared: Arc<Shared>,
}

/// What the handles share. Fields drop in order: the connection closes before the lock goes.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) conn: Mutex<Connection>,
    pub(super) db_path: PathBuf,
    pub(super) data_dir: PathBuf,
    /// `None` for a read-only handle (see `read_only.rs`), which never takes the lock.
    pub(super) _lock: Option<DirLock>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // A clean close: say so before the connection closes (and SQLite removes the WAL), so
        // a crash in between can only miss a check, never cause a false alarm.
        if let Some(lock) = self._lock.as_mut() {
            let _ = lock.rewrite(false);
        }
    }
}

impl Ledger {
    /// Opens (creating if needed) the ledger in `data_dir` and locks it for this process.
    ///
    /// Fails at once with [`LedgerError::Locked`] if another process or handle holds it, having
    /// written nothing; with [`LedgerError::Corrupt`] if the file is not a readable till ledger;
    /// with [`LedgerError::TooNew`] if a newer till wrote it.
    pub fn open(data_dir: &Path) -> Result<Ledger> {
        create_private_dir(data_dir)?;
        let lock = DirLock::acquire(data_dir)?;
        let mut lock = lock;
        let db_path = data_dir.join(DB_FILE);
        for sidecar in sidecars(&db_path) {
            safe_file::examine(&sidecar)?;
        }
        match safe_file::examine(&db_path)? {
            None => create_fresh(&db_path)?,
            Some(_) => {
                check_existing(&db_path)?;
                if lock.ended_uncleanly {
                    check_wal_present(&db_path)?;
                }
            }
        }
        // Before SQLite opens them: closing a descriptor of ours on `-shm` after SQLite has it
        // would drop this process's POSIX locks on it, a reader would then take the shared
        // memory for abandoned and truncate it, and this process would die of SIGBUS. Sidecars
        // SQLite creates later get the database file's 0600 mode.
        restrict_sidecars(&db_path)?;
        let mut conn = open_connection(&db_path)?;
        schema::migrate(&mut conn, &db_path).map_err(|e| match e {
            LedgerError::Db {
                action,
                path,
                source,
            } => classify(source, &path, action),
            other => other,
        })?;
        lock.rewrite(true).map_err(|source| LedgerError::Io {
            action: "write the lock file",
            path: data_dir.join(super::lock::LOCK_FILE),
            source,
        })?;
        Ok(Ledger {
            shared: Arc::new(Shared {
                conn: Mutex::new(conn),
                db_path,
                data_dir: data_dir.to_path_buf(),
                _lock: Some(lock),
            }),
        })
    }

    /// True for a handle from [`Ledger::open_read_only`]: every write fails.
    pub fn is_read_only(&self) -> bool {
        self.shared._lock.is_none()
    }

    /// The data directory this ledger lives in.
    pub fn data_dir(&self) -> &Path {
        &self.shared.data_dir
    }

    /// The SQLite database file.
    pub fn db_path(&self) -> &Path {
        &self.shared.db_path
    }

    /// The connection, for one call. A panic in another caller cannot leave a transaction half
    /// done (it rolls back when dropped), so a poisoned lock is safe to take over.
    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.shared
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Maps an SQLite error met while doing `action`.
    pub(super) fn db_error(
        &self,
        action: &'static str,
    ) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        move |source| classify(source, &self.shared.db_path, action)
    }
}

/// Opens the database file (never through a link) and applies the connection settings.
fn open_connection(db_path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(db_path, flags)
        .map_err(|e| classify(e, db_path, "open the database"))?;
    configure(&conn, db_path)?;
    Ok(conn)
}

/// The `-wal` and `-shm` files next to the database.
fn sidecars(db_path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = db_path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Builds a new, empty ledger under a temporary name and renames it to `db_path`, so the file
/// appears whole or not at all.
fn create_fresh(db_path: &Path) -> Result<()> {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".new");
    let tmp = PathBuf::from(name);
    let io = |action, path: &Path, source| LedgerError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    // A leftover from a crash during creation holds nothing: remove it (and its sidecars;
    // `remove_file` removes a link itself, never its target).
    for stale in std::iter::once(tmp.clone()).chain(sidecars(&tmp)) {
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("remove the leftover", &stale, e)),
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    let file = safe_file::open_checked(&tmp, &mut options)?;
    safe_file::make_private(&file, &tmp)?;
    {
        let mut conn = open_connection(&tmp)?;
        schema::migrate(&mut conn, &tmp).map_err(|e| match e {
            LedgerError::Db {
                action,
                path,
                source,
            } => classify(source, &path, action),
            other => other,
        })?;
        // Closing checkpoints everything into the file and removes its WAL.
        conn.close()
            .map_err(|(_, e)| classify(e, &tmp, "close the new database"))?;
    }
    file.sync_all()
        .map_err(|e| io("flush the new database", &tmp, e))?;
    std::fs::rename(&tmp, db_path).map_err(|e| io("move the new database to", db_path, e))?;
    if let Some(dir) = db_path.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The SQLite file header every database starts with.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Refuses an existing database file that is empty or not SQLite, and makes it 0600.
fn check_existing(db_path: &Path) -> Result<()> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    let file = safe_file::open_checked(db_path, &mut options)?;
    safe_file::make_private(&file, db_path)?;
    let mut header = Vec::with_capacity(16);
    (&file)
        .take(16)
        .read_to_end(&mut header)
        .map_err(|source| LedgerError::Io {
            action: "read",
            path: db_path.to_path_buf(),
            source,
        })?;
    let refused = |reason: String| LedgerError::Refused {
        path: db_path.to_path_buf(),
        reason,
    };
    if header.is_empty() {
        return Err(refused(
            "it is empty (0 bytes), and a till ledger never is: it may have lost its payment \
             history and an open payment. Restore it from a backup; or, to start a new ledger \
             knowingly, move the empty file away (only an absent file starts a new ledger)"
                .to_owned(),
        ));
    }
    if header.as_slice() != SQLITE_HEADER {
        return Err(LedgerError::Corrupt {
            path: db_path.to_path_buf(),
            reason: "not an SQLite database: another file in its place; an absent file \
                     starts a new, empty ledger"
                .to_owned(),
        });
    }
    Ok(())
}

/// After an unclean end the write-ahead log holds the last writes: it must still be there.
fn check_wal_present(db_path: &Path) -> Result<()> {
    let [wal, _] = sidecars(db_path);
    if safe_file::examine(&wal)?.is_some() {
        return Ok(());
    }
    Err(LedgerError::Refused {
        path: wal,
        reason: "the write-ahead log is missing, yet the last till using this ledger did not \
                 close it (it crashed or was killed): writes since the last checkpoint may be \
                 lost (final outcomes are checkpointed at once). Check `till history` and the \
                 device's payments; to go on with the ledger as it is, delete till.lock in the \
                 data directory"
            .to_owned(),
    })
}

/// Copies the write-ahead log into the database file and empties it, so a final outcome lives
/// in the database file itself (safe even if the WAL file is later lost). A failure is logged,
/// never fatal: the write is committed either way.
pub(super) fn checkpoint(conn: &Connection, db_path: &Path) {
    let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    });
    match result {
        Ok(0) => {}
        Ok(_) => tracing::warn!("{}: checkpoint blocked by a reader", db_path.display()),
        Err(e) => tracing::warn!("{}: checkpoint failed: {e}", db_path.display()),
    }
}

/// Applies the connection settings the ledger's guarantees rest on, and checks they took.
fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let err = |action| move |e| classify(e, path, action);
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(err("set the busy timeout"))?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(err("switch to write-ahead logging"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(LedgerError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("SQLite kept journal mode '{mode}' instead of WAL"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(err("set synchronous=FULL"))?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(err("enable foreign keys"))?;
    let (sync, fk): (i64, bool) = conn
        .query_row(
            "SELECT * FROM pragma_synchronous, pragma_foreign_keys",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(err("read the connection settings"))?;
    if sync != 2 || !fk {
        return Err(LedgerError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("SQLite refused synchronous=FULL/foreign_keys (got {sync}/{fk})"),
        });
    }
    Ok(())
}

/// Turns "not a database" and "malformed" into [`LedgerError::Corrupt`], the rest into `Db`.
pub(super) fn classify(source: rusqlite::Error, path: &Path, action: &'static str) -> LedgerError {
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => LedgerError::Corrupt {
            path: path.to_path_buf(),
            reason: source.to_string(),
        },
        _ => LedgerError::Db {
            action,
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Creates `dir` and its missing parents with mode 0700 (an existing directory is left as is).
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| LedgerError::Io {
        action: "create the data directory",
        path: dir.to_path_buf(),
        source,
    })
}

/// SQLite creates `-wal` and `-shm` with the database's mode; make sure of it anyway. By path,
/// after checking (without following links) that each is a plain file of ours: opening and
/// closing a descriptor here would drop the POSIX locks SQLite holds on these files.
fn restrict_sidecars(db_path: &Path) -> Result<()> {
    for path in sidecars(db_path) {
        if safe_file::examine(&path)?.is_none() {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(
                |source| LedgerError::Io {
                    action: "restrict the permissions of",
                    path: path.clone(),
                    source,
                },
            )?;
        }
    }
    Ok(())
}
