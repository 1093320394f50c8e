//! The runtime's batch rule: after a failed write, later writes and sends of the batch are
//! skipped, and its timers still run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::*;
use crate::app::{
    Action, AppSettings, DeviceCommand, DeviceInfo, Event, LedgerOp, PendingPayment, State,
    screens::HistoryRow,
};
use crate::device::DeviceInput;
use crate::payment::PaymentState;
use crate::protocol::Cents;

#[derive(Clone, Default)]
struct Wire(Arc<Mutex<Vec<&'static str>>>);

impl DevicePort for Wire {
    async fn send(&mut self, command: DeviceCommand) -> Result<(), SendError> {
        self.0.lock().unwrap().push(command.name());
        Ok(())
    }
    async fn rest_payments(
        &mut self,
        _external_id: &str,
    ) -> Result<Vec<crate::protocol::Payment>, String> {
        Err("none".into())
    }
}

/// A ledger whose writes matching the rule fail (a full disk at that moment).
struct FailOn(fn(&LedgerOp) -> bool);

/// The write of the `sent` state fails.
const FAIL_SENT: FailOn = FailOn(|op| {
    matches!(
        op,
        LedgerOp::Transition {
            to: PaymentState::Sent,
            ..
        }
    )
});

/// The first write of a sale (`created`) fails.
const FAIL_CREATE: FailOn = FailOn(|op| matches!(op, LedgerOp::Create { .. }));

impl LedgerPort for FailOn {
    fn apply(&mut self, op: &LedgerOp) -> Result<(), crate::app::PersistError> {
        if (self.0)(op) {
            Err("disk full".into())
        } else {
            Ok(())
        }
    }
    fn pending(&mut self) -> Result<Vec<PendingPayment>, crate::ledger::LedgerReadError> {
        Ok(Vec::new())
    }
    fn external_id_used(
        &mut self,
        _external_id: &str,
    ) -> Result<bool, crate::ledger::LedgerReadError> {
        Ok(false)
    }
    fn history_window(
        &mut self,
        _selected: usize,
        _query: &str,
    ) -> Result<(Vec<HistoryRow>, usize, usize), crate::ledger::LedgerReadError> {
        Ok((Vec::new(), 0, 0))
    }
    fn events_at(
        &mut self,
        _index: usize,
    ) -> Result<crate::app::PaymentHistory, crate::ledger::LedgerReadError> {
        Ok(crate::app::PaymentHistory::default())
    }
    fn report(
        &mut self,
        _since_ms: i64,
        _until_ms: i64,
    ) -> Result<crate::ledger::Report, crate::ledger::LedgerReadError> {
        Err(crate::ledger::LedgerReadError::Failed {
            detail: "no report in this test".into(),
        })
    }
}

#[tokio::test]
async fn a_failed_sent_persist_still_fires_the_response_timeout() {
    let settings = AppSettings {
        response_timeout_ms: 50,
        ..AppSettings::default()
    };
    let wire = Wire::default();
    let (_tx, rx) = mpsc::channel(8);
    let mut rt = Runtime::new(State::new(settings), wire.clone(), FAIL_SENT, rx);
    rt.dispatch(Event::Device(DeviceInput::Ready(DeviceInfo::default())))
        .await;
    rt.dispatch(Event::Action(Action::StartSale {
        amount: Cents(1234),
        tip: None,
        tax: None,
        external_id: Some("EXT1".into()),
    }))
    .await;
    assert_eq!(*wire.0.lock().unwrap(), vec!["sale"]);
    // No TX_START_RESPONSE: the response timeout of that batch fires and recovery asks.
    let asked = rt
        .run_until(Duration::from_secs(5), |s| s.recovery().is_some())
        .await;
    assert!(asked, "the response timeout never fired");
    assert_eq!(rt.state.pending().unwrap().state, PaymentState::Unknown);
    assert!(wire.0.lock().unwrap().contains(&"device status"));
}

fn sale_of(cents: i64, ext: &str) -> Event {
    Event::Action(Action::StartSale {
        amount: Cents(cents),
        tip: None,
        tax: None,
        external_id: Some(ext.into()),
    })
}

#[tokio::test]
async fn a_refused_headless_request_gets_its_typed_answer() {
    use crate::app::{Answer, Refusal};
    let wire = Wire::default();
    let (_tx, rx) = mpsc::channel(8);
    let mut rt = Runtime::new(
        State::new(AppSettings::default()),
        wire.clone(),
        FAIL_SENT,
        rx,
    );
    // Not connected yet: refused, nothing sent.
    rt.dispatch(sale_of(1234, "EXT1")).await;
    let answer = rt.take_answer().expect("every request is answered");
    assert_eq!(answer.refusal(), Some(Refusal::NotConnected), "{answer:?}");
    assert!(matches!(&answer, Answer::Refused { text, .. } if text.contains("not connected")));
    assert_eq!(rt.take_answer(), None, "an answer is taken once");
    assert!(wire.0.lock().unwrap().is_empty());
    // Invalid input once ready.
    rt.dispatch(Event::Device(DeviceInput::Ready(DeviceInfo::default())))
        .await;
    assert_eq!(rt.take_answer(), None, "device events are not requests");
    rt.dispatch(sale_of(0, "EXT1")).await;
    assert_eq!(
        rt.take_answer().and_then(|a| a.refusal()),
        Some(Refusal::InvalidInput)
    );
    // Accepted.
    rt.dispatch(sale_of(1234, "EXT1")).await;
    assert_eq!(rt.take_answer(), Some(Answer::Accepted));
}

#[tokio::test]
async fn a_sale_whose_first_write_fails_is_answered_refused_and_nothing_is_sent() {
    let wire = Wire::default();
    let (_tx, rx) = mpsc::channel(8);
    let mut rt = Runtime::new(
        State::new(AppSettings::default()),
        wire.clone(),
        FAIL_CREATE,
        rx,
    );
    rt.dispatch(Event::Device(DeviceInput::Ready(DeviceInfo::default())))
        .await;
    rt.dispatch(sale_of(1234, "EXT1")).await;
    assert_eq!(
        rt.take_answer().and_then(|a| a.refusal()),
        Some(crate::app::Refusal::PersistFailed)
    );
    assert!(wire.0.lock().unwrap().is_empty(), "nothing sent");
    assert!(rt.state.payment().is_none());
}

/// A ledger every read of which fails as busy (another process holds it).
struct Unreadable;

fn busy() -> crate::ledger::LedgerReadError {
    crate::ledger::LedgerReadError::Busy {
        detail: "database is locked".into(),
    }
}

impl LedgerPort for Unreadable {
    fn apply(&mut self, _op: &LedgerOp) -> Result<(), crate::app::PersistError> {
        Ok(())
    }
    fn pending(&mut self) -> Result<Vec<PendingPayment>, crate::ledger::LedgerReadError> {
        Err(busy())
    }
    fn external_id_used(
        &mut self,
        _external_id: &str,
    ) -> Result<bool, crate::ledger::LedgerReadError> {
        Err(busy())
    }
    fn history_window(
        &mut self,
        _selected: usize,
        _query: &str,
    ) -> Result<(Vec<HistoryRow>, usize, usize), crate::ledger::LedgerReadError> {
        Err(busy())
    }
    fn events_at(
        &mut self,
        _index: usize,
    ) -> Result<crate::app::PaymentHistory, crate::ledger::LedgerReadError> {
        Err(busy())
    }
    fn report(
        &mut self,
        _since_ms: i64,
        _until_ms: i64,
    ) -> Result<crate::ledger::Report, crate::ledger::LedgerReadError> {
        Err(busy())
    }
}

#[tokio::test]
async fn a_failed_ledger_read_is_told_as_the_ledgers_not_as_the_devices() {
    let (_tx, rx) = mpsc::channel(8);
    let mut rt = Runtime::new(
        State::new(AppSettings::default()),
        Wire::default(),
        Unreadable,
        rx,
    );
    rt.dispatch(Event::Resize {
        width: 80,
        height: 24,
    })
    .await;
    let notice = rt.state().notice().as_ref().expect("a notice").text.clone();
    assert!(
        notice.starts_with("The ledger could not be read (the open payments"),
        "{notice}"
    );
    assert!(notice.contains("the ledger is busy: try again"), "{notice}");
    // The history's read: named too (it used to come as a device error, "ledger: …").
    rt.dispatch(Event::Key(crate::app::Key::Char('h'))).await;
    let notice = rt.state().notice().as_ref().expect("a notice").text.clone();
    assert!(
        notice.starts_with("The ledger could not be read (the history)"),
        "{notice}"
    );
}
