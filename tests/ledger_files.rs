//! Files in the data directory are what they claim (issue #14, items 2 and 3): symlinked or
//! foreign-owned `till.lock` / `ledger.sqlite3` are refused with their targets untouched; an
//! empty or foreign ledger file is refused with what to do; a write-ahead log deleted while
//! till ran is detected at the next start, and the approved sale written before it survives.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use till::ledger::{DB_FILE, LOCK_FILE, Ledger, LedgerError, NewPayment, PaymentUpdate};

use till::payment::PaymentState;
use till::protocol::Cents;

/// Environment variable telling the helper test which data directory to use.
const CHILD_ENV: &str = "TILL_LEDGER_FILES_CHILD_DIR";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A file outside the data directory that a link points to: its bytes and mode must survive.
fn victim(dir: &Path) -> std::path::PathBuf {
    let target = dir.join("victim.txt");
    std::fs::write(&target, b"precious system file\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    target
}

fn assert_untouched(target: &Path) {
    assert_eq!(std::fs::read(target).unwrap(), b"precious system file\n");
    assert_eq!(mode(target), 0o644, "target chmod'ed");
}

fn refused_path(err: &LedgerError) -> &Path {
    match err {
        LedgerError::Refused { path, .. } => path,
        other => panic!("expected Refused, got {other:?}"),
    }
}

#[test]
fn symlinked_lock_file_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let target = victim(tmp.path());
    symlink(&target, data.join(LOCK_FILE)).unwrap();
    let err = Ledger::open(&data).unwrap_err();
    assert_eq!(refused_path(&err), data.join(LOCK_FILE));
    let msg = err.to_string();
    assert!(msg.contains("symbolic link"), "{msg}");
    assert!(msg.contains(LOCK_FILE), "{msg}");
    assert_untouched(&target);
    assert!(!data.join(DB_FILE).exists(), "nothing else written");
}

#[test]
fn symlinked_database_and_wal_are_refused_and_targets_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    drop(Ledger::open(&data).unwrap());
    let target = victim(tmp.path());
    let db = data.join(DB_FILE);
    std::fs::remove_file(&db).unwrap();
    symlink(&target, &db).unwrap();
    let err = Ledger::open(&data).unwrap_err();
    assert_eq!(refused_path(&err), db);
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_untouched(&target);

    // The same for a sidecar SQLite would write through.
    std::fs::remove_file(&db).unwrap();
    drop(Ledger::open(&data).unwrap());
    let wal = data.join(format!("{DB_FILE}-wal"));
    symlink(&target, &wal).unwrap();
    let err = Ledger::open(&data).unwrap_err();
    assert_eq!(refused_path(&err), wal);
    assert_untouched(&target);
}

#[test]
fn foreign_owned_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    drop(Ledger::open(&data).unwrap());
    let db = data.join(DB_FILE);
    let before = std::fs::read(&db).unwrap();
    // Only root can give a file away; as anyone else there is nothing to set up.
    if std::os::unix::fs::chown(&db, Some(4242), Some(4242)).is_err() {
        eprintln!("not root: cannot create a foreign-owned file; skipped");
        return;
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Ledger::open(&data).unwrap_err();
    assert_eq!(refused_path(&err), db);
    assert!(err.to_string().contains("owned by user 4242"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(mode(&db), 0o644, "a foreign file is not chmod'ed");

    std::os::unix::fs::chown(&db, Some(0), Some(0)).unwrap();
    let lock = data.join(LOCK_FILE);
    std::os::unix::fs::chown(&lock, Some(4242), None).unwrap();
    let err = Ledger::open(&data).unwrap_err();
    assert_eq!(refused_path(&err), lock);
}

#[test]
fn empty_ledger_file_is_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    std::fs::write(data.join(DB_FILE), b"").unwrap();
    let err = Ledger::open(data).unwrap_err();
    assert_eq!(refused_path(&err), data.join(DB_FILE));
    let msg = err.to_string();
    assert!(msg.contains("empty"), "{msg}");
    assert!(msg.contains("Restore it from a backup"), "{msg}");
    assert!(msg.contains("move the empty file away"), "{msg}");
    assert_eq!(std::fs::metadata(data.join(DB_FILE)).unwrap().len(), 0);
    // Refused again next time: nothing was created in its place.
    assert!(Ledger::open(data).is_err());
    // Only an absent file starts a ledger.
    std::fs::remove_file(data.join(DB_FILE)).unwrap();
    let ledger = Ledger::open(data).unwrap();
    assert_eq!(ledger.count().unwrap(), 0);
}

#[test]
fn foreign_file_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    std::fs::write(&db, b"PK\x03\x04 a zip file, not a ledger").unwrap();
    let err = Ledger::open(tmp.path()).unwrap_err();
    assert!(
        matches!(err, LedgerError::Corrupt { ref path, .. } if path == &db),
        "{err:?}"
    );
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"PK\x03\x04 a zip file, not a ledger"
    );
}

#[test]
#[ignore = "helper process for deleted_wal_then_sigkill_keeps_the_approved_sale"]
fn wal_deleting_child() {
    let dir = std::env::var_os(CHILD_ENV).expect("run by the parent test only");
    let data = Path::new(&dir);
    let ledger = Ledger::open(data).unwrap();
    ledger
        .create_payment(NewPayment::sale("approved-1", "dev", Cents(4200)))
        .unwrap();
    ledger
        .create_payment(NewPayment::sale("open-2", "dev-b", Cents(100)))
        .unwrap();
    std::fs::remove_file(data.join(format!("{DB_FILE}-wal"))).unwrap();
    let update = PaymentUpdate {
        card_brand: Some("VISA".into()),
        last4: Some("0119".into()),
        ..PaymentUpdate::default()
    };
    ledger
        .transition(
            "approved-1",
            PaymentState::Approved,
            "FINISH_OK",
            "test",
            update,
        )
        .unwrap();
    println!("\nWRITTEN");
    std::io::stdout().flush().unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn deleted_wal_then_sigkill_keeps_the_approved_sale() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "wal_deleting_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let written = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.trim() == "WRITTEN");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(written, "the child did not write its sale");

    // The next start notices the missing write-ahead log instead of silently going on.
    let err = Ledger::open(&data).unwrap_err();
    assert_eq!(refused_path(&err), data.join(format!("{DB_FILE}-wal")));
    let msg = err.to_string();
    assert!(msg.contains("write-ahead log is missing"), "{msg}");
    assert!(msg.contains("delete till.lock"), "{msg}");
    // Refused again until the operator acts.
    assert!(Ledger::open(&data).is_err());

    // Going on as told: the approved sale was checkpointed into the database file.
    std::fs::remove_file(data.join(LOCK_FILE)).unwrap();
    let ledger = Ledger::open(&data).unwrap();
    let sale = ledger
        .get("approved-1")
        .unwrap()
        .expect("approved sale kept");
    assert_eq!(sale.state, PaymentState::Approved);
    assert_eq!(sale.card_brand.as_deref(), Some("VISA"));
}

#[test]
fn clean_close_and_crash_with_wal_are_not_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    for _ in 0..3 {
        let ledger = Ledger::open(data).unwrap();
        drop(ledger);
    }
    let lock = std::fs::read_to_string(data.join(LOCK_FILE)).unwrap();
    assert!(!lock.contains("open=1"), "{lock}");
    let ledger = Ledger::open(data).unwrap();
    let lock = std::fs::read_to_string(data.join(LOCK_FILE)).unwrap();
    assert!(lock.contains("open=1"), "{lock}");
    drop(ledger);
}
