//! Reading the ledger from another process while `till sale` writes it (a monitoring script,
//! `till history` in a second terminal) never disturbs the sale. Regression: closing a second
//! descriptor of `-shm` inside `till` dropped SQLite's POSIX locks, the reader rebuilt the
//! shared index and `till` died of SIGBUS mid-sale.

mod recovery_common;

use recovery_common::*;
use till::payment::PaymentState;
use till::sim::CustomerAction;
use till::sim::device::{CustomerMode, Faults};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_polling_the_ledger_does_not_disturb_a_running_sale() {
    let mut case = Case::start(
        "reader while selling",
        device(CustomerMode::Manual, Faults::default()),
        "10.00",
    )
    .await;
    case.approve_pairing();
    let sale = case.spawn_sale("accept", "accept");
    // `wait_live_state` opens a read-only connection every few milliseconds.
    case.wait_live_state("in_progress").await;
    for _ in 0..50 {
        assert_eq!(case.live_state().as_deref(), Some("in_progress"));
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    case.act(CustomerAction::TapCard("4242424242424242".into()))
        .await;
    case.wait_live_state("approved").await;
    let run = finish(sale).await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::Approved));
}
