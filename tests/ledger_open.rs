//! Opening the ledger: schema from empty, reopen, file modes, damaged and foreign files.

use std::path::Path;

use till::ledger::{DB_FILE, Ledger, LedgerError, NewPayment, SCHEMA_VERSION};

use till::payment::PaymentState;
use till::protocol::Cents;

fn user_version(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn creates_schema_from_empty_and_reopens_with_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nested/data");
    {
        let ledger = Ledger::open(&dir).unwrap();
        assert_eq!(ledger.data_dir(), dir);
        assert_eq!(ledger.db_path(), dir.join(DB_FILE));
        assert_eq!(ledger.count().unwrap(), 0);
        ledger
            .create_payment(NewPayment::sale("first", "dev-a", Cents(1234)))
            .unwrap();
    }
    assert_eq!(user_version(&dir.join(DB_FILE)), SCHEMA_VERSION);
    let ledger = Ledger::open(&dir).unwrap();
    assert_eq!(ledger.count().unwrap(), 1);
    let p = ledger.get("first").unwrap().unwrap();
    assert_eq!((p.amount, p.state), (Cents(1234), PaymentState::Created));
    ledger.check().unwrap();
    drop(ledger);
    // Reopening does not migrate again or change the version.
    assert_eq!(user_version(&dir.join(DB_FILE)), SCHEMA_VERSION);
    let tables: Vec<String> = rusqlite::Connection::open(dir.join(DB_FILE))
        .unwrap()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        tables,
        [
            "closeouts",
            "order_discounts",
            "order_lines",
            "orders",
            "pairings",
            "payment_events",
            "payments"
        ]
    );
}

#[test]
fn uses_write_ahead_logging() {
    let tmp = tempfile::tempdir().unwrap();
    let _ledger = Ledger::open(tmp.path()).unwrap();
    let conn = rusqlite::Connection::open(tmp.path().join(DB_FILE)).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    let ledger = Ledger::open(&dir).unwrap();
    ledger
        .create_payment(NewPayment::sale("p1", "dev", Cents(100)))
        .unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join(DB_FILE)), 0o600);
    for sidecar in ["ledger.sqlite3-wal", "ledger.sqlite3-shm", "till.lock"] {
        assert_eq!(mode(&dir.join(sidecar)), 0o600, "{sidecar}");
    }
    drop(ledger);
    // A database file left readable by others is tightened on the next open.
    std::fs::set_permissions(dir.join(DB_FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
    let _ledger = Ledger::open(&dir).unwrap();
    assert_eq!(mode(&dir.join(DB_FILE)), 0o600);
}

#[test]
fn damaged_file_is_reported_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    std::fs::write(
        &db,
        b"this is certainly not an SQLite database, just text. ".repeat(200),
    )
    .unwrap();
    let err = Ledger::open(tmp.path()).unwrap_err();
    assert!(
        matches!(err, LedgerError::Corrupt { ref path, .. } if path == &db),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains(&db.display().to_string()), "{msg}");
    assert!(msg.contains("move it aside"), "{msg}");
    // The refused file is left exactly as it was, and the lock is released for the next try.
    assert!(
        std::fs::read(&db)
            .unwrap()
            .starts_with(b"this is certainly")
    );
    std::fs::remove_file(&db).unwrap();
    Ledger::open(tmp.path()).unwrap();
}

#[test]
fn foreign_sqlite_database_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    let err = Ledger::open(tmp.path()).unwrap_err();
    assert!(
        matches!(err, LedgerError::Corrupt { ref path, .. } if path == &db),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a till ledger"), "{err}");
}

#[test]
fn newer_schema_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    drop(Ledger::open(tmp.path()).unwrap());
    let db = tmp.path().join(DB_FILE);
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = Ledger::open(tmp.path()).unwrap_err();
    assert!(
        matches!(err, LedgerError::TooNew { found, supported, .. } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer till"), "{err}");
}

#[cfg(unix)]
#[test]
fn unusable_data_dir_is_reported_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Ledger::open(&file.join("data")).unwrap_err();
    assert!(matches!(err, LedgerError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("plain-file"), "{err}");
}
