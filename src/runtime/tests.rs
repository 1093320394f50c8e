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

/// A ledger whose write of the `sent` state fails (a full disk at that moment).
struct FailSent;

impl LedgerPort for FailSent {
    fn apply(&mut self, op: &LedgerOp) -> Result<(), crate::app::PersistError> {
        match op {
            LedgerOp::Transition {
                to: PaymentState::Sent,
                ..
            } => Err("disk full".into()),
            _ => Ok(()),
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
    let mut rt = Runtime::new(State::new(settings), wire.clone(), FailSent, rx);
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
        .run_until(Duration::from_secs(5), |s| s.recovery.is_some())
        .await;
    assert!(asked, "the response timeout never fired");
    assert_eq!(rt.state.pending().unwrap().state, PaymentState::Unknown);
    assert!(wire.0.lock().unwrap().contains(&"device status"));
}
