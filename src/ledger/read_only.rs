//! Opening the ledger for reading only, while another process may hold it for writing.
//!
//! A read-only handle never takes the single-instance lock, never creates or migrates anything
//! and cannot write: the connection is opened with `SQLITE_OPEN_READ_ONLY` and `query_only`.
//! SQLite's write-ahead log lets it read the last committed state while the writer works, and
//! the writer never waits for it.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::error::{LedgerError, Result};
use super::open::{DB_FILE, Ledger, Shared, classify};
use super::schema::{self, SCHEMA_VERSION};

/// How long a read waits for SQLite's own short-lived locks (e.g. a checkpoint) before failing.
const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Ledger {
    /// Opens the ledger in `data_dir` for reading only, whether or not another process holds it.
    ///
    /// Writes nothing, not even the data directory: when there is no ledger file yet the handle
    /// reads an empty ledger. Every write through the handle fails. Fails with
    /// [`LedgerError::Corrupt`] if the file is not a till ledger and [`LedgerError::TooNew`] if a
    /// newer till wrote it.
    pub fn open_read_only(data_dir: &Path) -> Result<Ledger> {
        let db_path = data_dir.join(DB_FILE);
        let conn = if db_path.is_file() {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(&db_path, flags)
                .map_err(|e| classify(e, &db_path, "open the database for reading"))?;
            match check_version(&conn, &db_path)? {
                Found::Ledger => conn,
                // A writer created the file a moment ago and has not written the schema yet.
                Found::Empty => empty_ledger(&db_path)?,
            }
        } else {
            empty_ledger(&db_path)?
        };
        conn.busy_timeout(READ_BUSY_TIMEOUT)
            .and_then(|()| conn.pragma_update(None, "query_only", true))
            .map_err(|e| classify(e, &db_path, "configure the read-only connection"))?;
        Ok(Ledger {
            shared: Arc::new(Shared {
                conn: Mutex::new(conn),
                db_path,
                data_dir: data_dir.to_path_buf(),
                _lock: None,
            }),
        })
    }
}

enum Found {
    Ledger,
    Empty,
}

/// Reads the schema version: a till ledger of this or an older version, or an empty file.
fn check_version(conn: &Connection, path: &Path) -> Result<Found> {
    let read = |e| classify(e, path, "read the schema version");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(read)?;
    if version > SCHEMA_VERSION {
        return Err(LedgerError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version > 0 {
        return Ok(Found::Ledger);
    }
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(|e| classify(e, path, "read the schema"))?;
    if objects > 0 || version < 0 {
        return Err(LedgerError::Corrupt {
            path: path.to_path_buf(),
            reason: "an SQLite database, but not a till ledger".to_owned(),
        });
    }
    Ok(Found::Empty)
}

/// An empty ledger in memory (nothing on disk yet), with the current schema.
fn empty_ledger(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open_in_memory()
        .map_err(|e| classify(e, path, "open an empty ledger in memory"))?;
    schema::migrate(&mut conn, path)?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{LOCK_FILE, NewPayment, PaymentUpdate};
    use crate::payment::PaymentState;
    use crate::protocol::Cents;

    #[test]
    fn reads_while_the_writer_holds_the_lock_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Ledger::open(dir.path()).unwrap();
        writer
            .create_payment(NewPayment::sale("first", "dev", Cents(100)))
            .unwrap();
        let reader = Ledger::open_read_only(dir.path()).unwrap();
        assert!(reader.is_read_only() && !writer.is_read_only());
        assert_eq!(reader.get("first").unwrap().unwrap().amount, Cents(100));
        // The writer goes on while the reader is open, and the reader sees each commit.
        writer
            .transition(
                "first",
                PaymentState::Approved,
                "FINISH_OK",
                "approved",
                PaymentUpdate::default(),
            )
            .unwrap();
        assert_eq!(
            reader.get("first").unwrap().unwrap().state,
            PaymentState::Approved
        );
        writer
            .create_payment(NewPayment::sale("second", "dev", Cents(200)))
            .unwrap();
        assert_eq!(reader.count().unwrap(), 2);
        // Writes through the reader fail and change nothing.
        assert!(
            reader
                .create_payment(NewPayment::sale("third", "dev2", Cents(300)))
                .is_err()
        );
        assert!(reader.note("first", "x", "y").is_err());
        assert_eq!(writer.count().unwrap(), 2);
    }

    #[test]
    fn reads_a_closed_ledger_and_a_missing_one_without_creating_anything() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nothing-here");
        let reader = Ledger::open_read_only(&missing).unwrap();
        assert_eq!(reader.count().unwrap(), 0);
        assert!(reader.get("x").unwrap().is_none());
        assert!(!missing.exists(), "a reader created the data directory");

        {
            let writer = Ledger::open(dir.path()).unwrap();
            writer
                .create_payment(NewPayment::sale("kept", "dev", Cents(100)))
                .unwrap();
        }
        let reader = Ledger::open_read_only(dir.path()).unwrap();
        assert_eq!(reader.count().unwrap(), 1);
        // The reader did not take the lock: a writer opens beside it.
        let writer = Ledger::open(dir.path()).unwrap();
        assert!(dir.path().join(LOCK_FILE).exists());
        assert_eq!(writer.count().unwrap(), 1);
    }
}
