//! Opening the ledger: the data directory (0700), the single-instance lock, the SQLite file
//! (0600, WAL, `synchronous=FULL`, foreign keys, busy timeout) and its schema migrations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::error::{LedgerError, Result};
use super::lock::DirLock;
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

impl Ledger {
    /// Opens (creating if needed) the ledger in `data_dir` and locks it for this process.
    ///
    /// Fails at once with [`LedgerError::Locked`] if another process or handle holds it, having
    /// written nothing; with [`LedgerError::Corrupt`] if the file is not a readable till ledger;
    /// with [`LedgerError::TooNew`] if a newer till wrote it.
    pub fn open(data_dir: &Path) -> Result<Ledger> {
        create_private_dir(data_dir)?;
        let lock = DirLock::acquire(data_dir)?;
        let db_path = data_dir.join(DB_FILE);
        create_private_file(&db_path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&db_path, flags)
            .map_err(|e| classify(e, &db_path, "open the database"))?;
        configure(&conn, &db_path)?;
        schema::migrate(&mut conn, &db_path).map_err(|e| match e {
            LedgerError::Db {
                action,
                path,
                source,
            } => classify(source, &path, action),
            other => other,
        })?;
        restrict_sidecars(&db_path)?;
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

/// Creates the database file with mode 0600 before SQLite sees it, and tightens an existing one.
fn create_private_file(path: &Path) -> Result<()> {
    let io = |action, source| LedgerError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| io("open or create the database file", e))?;
    set_private(path).map_err(|e| io("restrict the permissions of", e))
}

/// SQLite creates `-wal` and `-shm` with the database's mode; make sure of it anyway.
fn restrict_sidecars(db_path: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        let mut name = db_path.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        match set_private(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(LedgerError::Io {
                    action: "restrict the permissions of",
                    path,
                    source,
                });
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(path: &Path) -> std::io::Result<()> {
    std::fs::metadata(path).map(|_| ())
}
