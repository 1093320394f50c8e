//! One process per data directory: a second opener — in this process or another — is refused at
//! once with a message naming the directory and the holder's pid, and writes nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use till::ledger::{LOCK_FILE, Ledger, LedgerError, NewPayment};
use till::protocol::Cents;

/// Environment variable telling the helper test which data directory to hold.
const HOLD_ENV: &str = "TILL_LEDGER_TEST_HOLD_DIR";
/// Only to avoid hanging forever if something goes wrong; never a timing assertion.
const HANG_GUARD: Duration = Duration::from_secs(10);

/// What a directory holds: name → (length, modification time, contents).
fn snapshot(dir: &Path) -> BTreeMap<String, (u64, SystemTime, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (
                name,
                (
                    meta.len(),
                    meta.modified().unwrap(),
                    std::fs::read(e.path()).unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn second_open_in_same_process_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let first = Ledger::open(tmp.path()).unwrap();
    first
        .create_payment(NewPayment::sale("held", "dev", Cents(500)))
        .unwrap();
    let before = snapshot(tmp.path());

    let err = Ledger::open(tmp.path()).unwrap_err();
    match &err {
        LedgerError::Locked { data_dir, pid } => {
            assert_eq!(data_dir, tmp.path());
            assert_eq!(*pid, Some(std::process::id()));
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(&tmp.path().display().to_string()), "{msg}");
    assert!(
        msg.contains(&format!("pid {}", std::process::id())),
        "{msg}"
    );
    assert!(msg.contains("close the other till"), "{msg}");
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "the refused opener changed the directory"
    );

    // A clone shares the lock; the lock goes with the last handle.
    let clone = first.clone();
    drop(first);
    assert!(matches!(
        Ledger::open(tmp.path()),
        Err(LedgerError::Locked { .. })
    ));
    drop(clone);
    let again = Ledger::open(tmp.path()).unwrap();
    assert_eq!(again.count().unwrap(), 1);
}

#[test]
fn token_store_keeps_the_ledger_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Ledger::open(tmp.path()).unwrap().token_store();
    assert!(matches!(
        Ledger::open(tmp.path()),
        Err(LedgerError::Locked { .. })
    ));
    drop(store);
    Ledger::open(tmp.path()).unwrap();
}

/// Helper run in a child process by `second_process_is_refused_fast`: holds the ledger in
/// `$TILL_LEDGER_TEST_HOLD_DIR`, prints `HOLDING`, and keeps it until its stdin closes.
#[test]
#[ignore = "helper process for second_process_is_refused_fast"]
fn lock_holder_child() {
    let dir = std::env::var_os(HOLD_ENV).expect("run by second_process_is_refused_fast only");
    let ledger = Ledger::open(Path::new(&dir)).unwrap();
    ledger
        .create_payment(NewPayment::sale("child", "dev", Cents(700)))
        .unwrap();
    // On a line of its own: libtest has already printed "test lock_holder_child ... ".
    println!("\nHOLDING");
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    while std::io::stdin().read_line(&mut line).unwrap() > 0 {}
}

/// Reads the child's stdout on a thread so waiting for a line can give up instead of hanging;
/// keeps draining afterwards so the child never writes into a closed pipe.
fn wait_for_line(stdout: ChildStdout, wanted: &'static str) -> mpsc::Receiver<bool> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut found = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !found && line.trim() == wanted {
                found = true;
                let _ = tx.send(true);
            }
        }
        if !found {
            let _ = tx.send(false);
        }
    });
    rx
}

fn spawn_holder(dir: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "lock_holder_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HOLD_ENV, dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

#[test]
fn second_process_is_refused_fast() {
    let tmp = tempfile::tempdir().unwrap();
    let dir: PathBuf = tmp.path().join("shared");
    let mut child = spawn_holder(&dir);
    let holding = wait_for_line(child.stdout.take().unwrap(), "HOLDING");
    assert_eq!(
        holding.recv_timeout(HANG_GUARD),
        Ok(true),
        "the child never held the ledger"
    );

    let before = snapshot(&dir);
    let started = Instant::now();
    let err = Ledger::open(&dir).unwrap_err();
    let took = started.elapsed();
    match &err {
        LedgerError::Locked { data_dir, pid } => {
            assert_eq!(data_dir, &dir);
            assert_eq!(*pid, Some(child.id()));
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(&dir.display().to_string()), "{msg}");
    assert!(msg.contains(&format!("pid {}", child.id())), "{msg}");
    assert_eq!(
        snapshot(&dir),
        before,
        "the refused opener changed the directory"
    );
    let lock_text = std::fs::read_to_string(dir.join(LOCK_FILE)).unwrap();
    assert!(
        lock_text.contains(&format!("pid={}", child.id())),
        "{lock_text}"
    );
    println!("refused in {took:?}");

    // Once the holder exits, the directory is free and holds what the child wrote.
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "lock holder failed: {status}");
    let ledger = Ledger::open(&dir).unwrap();
    assert!(ledger.get("child").unwrap().is_some());
}

#[test]
fn killed_holder_releases_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = spawn_holder(tmp.path());
    let holding = wait_for_line(child.stdout.take().unwrap(), "HOLDING");
    assert_eq!(
        holding.recv_timeout(HANG_GUARD),
        Ok(true),
        "the child never held the ledger"
    );
    assert!(matches!(
        Ledger::open(tmp.path()),
        Err(LedgerError::Locked { .. })
    ));
    child.kill().unwrap();
    child.wait().unwrap();
    // The stale lock file still names the dead child; the OS lock went with it.
    let ledger = Ledger::open(tmp.path()).unwrap();
    let lock_text = std::fs::read_to_string(tmp.path().join(LOCK_FILE)).unwrap();
    assert!(
        lock_text.contains(&format!("pid={}", std::process::id())),
        "{lock_text}"
    );
    assert!(ledger.get("child").unwrap().is_some());
}
