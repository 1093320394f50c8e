//! Crash safety: a child process writing payments as fast as it can is killed with SIGKILL in the
//! middle of its writes, several times; each time the ledger reopens cleanly, every write the child
//! reported as committed is there, and every payment's history is an exact prefix of the script
//! the child was following, ending in the payment's current state.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use till::connector::TokenStore;
use till::ledger::{CREATE_CAUSE, Ledger, NewPayment, PaymentUpdate};
use till::payment::PaymentState;
use till::protocol::Cents;

use PaymentState::*;

const DIR_ENV: &str = "TILL_LEDGER_TEST_CRASH_DIR";
const ROUND_ENV: &str = "TILL_LEDGER_TEST_CRASH_ROUND";
/// Only to avoid hanging forever if something goes wrong; never a timing assertion.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// One write of the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Transition(PaymentState, &'static str),
    Note(&'static str),
}

/// The writes after creation for payment number `i`: approved, declined, or lost and recovered.
fn script(i: u64) -> Vec<Step> {
    use Step::*;
    let mut steps = vec![
        Transition(Sent, "TX_START"),
        Transition(InProgress, "TX_START_RESPONSE"),
    ];
    match i % 3 {
        0 => steps.extend([Note("UI_STATE"), Transition(Approved, "FINISH_OK")]),
        1 => steps.push(Transition(Declined, "FINISH_CANCEL")),
        _ => steps.extend([
            Transition(Unknown, "connection lost"),
            Note("RETRIEVE_DEVICE_STATUS"),
            Transition(NotFound, "RETRIEVE_PAYMENT_RESPONSE"),
        ]),
    }
    steps
}

fn external_id(round: u32, i: u64) -> String {
    format!("r{round}-{i}")
}

/// Helper run in a child process by `sigkill_mid_write_leaves_a_clean_ledger`: follows the
/// script for payment after payment, printing `EV <external id> <events committed>` after each
/// committed write, until it is killed.
#[test]
#[ignore = "helper process for sigkill_mid_write_leaves_a_clean_ledger"]
fn crash_writer_child() {
    let dir =
        std::env::var_os(DIR_ENV).expect("run by sigkill_mid_write_leaves_a_clean_ledger only");
    let round: u32 = std::env::var(ROUND_ENV).unwrap().parse().unwrap();
    let ledger = Ledger::open(Path::new(&dir)).unwrap();
    let tokens = ledger.token_store();
    let device = format!("dev-{round}");
    let mut out = std::io::stdout().lock();
    // Start on a line of our own: libtest has already printed "test crash_writer_child ... ".
    writeln!(out).unwrap();
    // Bounded so that an orphaned child stops by itself; the parent kills it long before.
    for i in 0..1_000_000 {
        let id = external_id(round, i);
        ledger
            .create_payment(NewPayment::sale(&id, &device, Cents(100 + i as i64)))
            .unwrap();
        writeln!(out, "EV {id} 1").unwrap();
        for (n, step) in script(i).into_iter().enumerate() {
            match step {
                Step::Transition(to, cause) => {
                    let update = if to == Approved {
                        PaymentUpdate {
                            card_brand: Some("VISA".into()),
                            last4: Some("4242".into()),
                            auth_code: Some(format!("A{i}")),
                            charged_amount: Some(Cents(100 + i as i64)),
                            ..Default::default()
                        }
                    } else {
                        PaymentUpdate::default()
                    };
                    ledger
                        .transition(&id, to, cause, "scripted", update)
                        .unwrap();
                }
                Step::Note(cause) => {
                    ledger.note(&id, cause, "scripted").unwrap();
                }
            }
            writeln!(out, "EV {id} {}", n + 2).unwrap();
        }
        out.flush().unwrap();
        if i % 7 == 0 {
            tokens
                .save(&format!("ws://127.0.0.1/{device}"), &format!("tok-{i}"))
                .unwrap();
        }
    }
}

/// Runs one child for `round`, kills it after it reported `kill_after` writes, and returns the
/// highest event count it reported per external id.
fn run_and_kill(dir: &Path, round: u32, kill_after: usize) -> BTreeMap<String, usize> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash_writer_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DIR_ENV, dir)
        .env(ROUND_ENV, round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut parts = line.split_whitespace();
            if parts.next() == Some("EV") {
                let (Some(id), Some(n)) = (parts.next(), parts.next()) else {
                    continue;
                };
                if tx
                    .send((id.to_owned(), n.parse::<usize>().unwrap()))
                    .is_err()
                {
                    break;
                }
            }
        }
    });
    let mut reported = BTreeMap::new();
    for _ in 0..kill_after {
        let (id, n) = rx
            .recv_timeout(HANG_GUARD)
            .expect("the writer child stopped reporting before it was killed");
        reported.insert(id, n);
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructors, no flush, no unlock
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child ended by itself: {status}");
    reported
}

#[test]
fn sigkill_mid_write_leaves_a_clean_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let mut reported_all = BTreeMap::new();
    for (round, kill_after) in [(0_u32, 3_usize), (1, 40), (2, 157), (3, 401), (4, 999)] {
        reported_all.extend(run_and_kill(tmp.path(), round, kill_after));

        let ledger = Ledger::open(tmp.path()).expect("the ledger did not reopen after SIGKILL");
        ledger
            .check()
            .expect("the ledger is inconsistent after SIGKILL");
        let mut seen = 0;
        let mut cursor = None;
        loop {
            let page = ledger.history(500, cursor).unwrap();
            for p in &page.payments {
                seen += 1;
                let (r, i) = p.external_id[1..].split_once('-').unwrap();
                let i: u64 = i.parse().unwrap();
                assert_eq!(p.device, format!("dev-{r}"));
                assert_eq!(p.amount, Cents(100 + i as i64));
                let events = ledger.events(&p.external_id).unwrap();
                let expected = script(i);
                assert!(
                    !events.is_empty() && events.len() <= expected.len() + 1,
                    "{events:?}"
                );
                assert_eq!(
                    (events[0].from, events[0].to, events[0].cause.as_str()),
                    (None, Created, CREATE_CAUSE)
                );
                let mut state = Created;
                for (event, step) in events[1..].iter().zip(&expected) {
                    let (to, cause) = match *step {
                        Step::Transition(to, cause) => (to, cause),
                        Step::Note(cause) => (state, cause),
                    };
                    assert_eq!(
                        (event.from, event.to, event.cause.as_str()),
                        (Some(state), to, cause)
                    );
                    state = to;
                }
                assert_eq!(
                    p.state, state,
                    "{}: state and history disagree",
                    p.external_id
                );
                if state == Approved {
                    assert_eq!(p.last4.as_deref(), Some("4242"));
                    assert_eq!(p.auth_code, Some(format!("A{i}")));
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, ledger.count().unwrap());
        for (id, &n) in &reported_all {
            let events = ledger.events(id).unwrap();
            assert!(
                events.len() >= n,
                "{id}: {n} writes reported committed, {} found",
                events.len()
            );
        }
        // At most one unfinished payment per device: the one being written when its child died.
        assert!(ledger.non_final_all().unwrap().len() <= round as usize + 1);
        // The first token is saved right after the first payment's last write.
        if kill_after > script(0).len() + 1 {
            let token = ledger
                .token_store()
                .load(&format!("ws://127.0.0.1/dev-{round}"))
                .unwrap();
            assert!(token.is_some_and(|t| t.starts_with("tok-")));
        }
        println!("round {round}: {seen} payments after SIGKILL, all consistent");
    }
}
