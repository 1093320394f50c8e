//! The ports of the read-only TUI (`till --read-only`, or when another till holds the data
//! directory): a ledger that only reads and a device that is never there. Nothing is written and
//! nothing is sent, whatever the state machine asks.

use super::ledger_port::LedgerStore;
use super::ports::{DevicePort, LedgerPort, SendError};
use crate::app::screens::HistoryRow;
use crate::app::{LedgerOp, PendingPayment, PersistError};
use crate::device::DeviceCommand;

/// Why every write and every send is refused.
const READ_ONLY: &str = "this till is read-only: it never writes the ledger or talks to the device";

/// The ledger, read-only: reads go through, writes are refused, and no payment is reported
/// pending (recovering it is the writer's job).
pub struct ReadOnlyLedger(pub LedgerStore);

impl LedgerPort for ReadOnlyLedger {
    fn apply(&mut self, _op: &LedgerOp) -> Result<(), PersistError> {
        Err(PersistError::Failed(READ_ONLY.to_owned()))
    }

    fn pending(&mut self) -> Result<Vec<PendingPayment>, crate::ledger::LedgerReadError> {
        Ok(Vec::new())
    }

    fn external_id_used(
        &mut self,
        external_id: &str,
    ) -> Result<bool, crate::ledger::LedgerReadError> {
        self.0.external_id_used(external_id)
    }

    fn history_window(
        &mut self,
        selected: usize,
        query: &str,
    ) -> Result<(Vec<HistoryRow>, usize, usize), crate::ledger::LedgerReadError> {
        self.0.history_window(selected, query)
    }

    fn events_at(
        &mut self,
        index: usize,
    ) -> Result<crate::app::PaymentHistory, crate::ledger::LedgerReadError> {
        self.0.events_at(index)
    }

    fn report(
        &mut self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<crate::ledger::Report, crate::ledger::LedgerReadError> {
        self.0.report(since_ms, until_ms)
    }

    fn receipt(
        &mut self,
        external_id: &str,
    ) -> Result<crate::receipt::Receipt, crate::ledger::LedgerReadError> {
        self.0.receipt(external_id)
    }
}

/// No device: nothing is ever sent.
pub struct NoDevice;

impl DevicePort for NoDevice {
    async fn send(&mut self, _command: DeviceCommand) -> Result<(), SendError> {
        Err(SendError {
            message: READ_ONLY.to_owned(),
            not_sent: true,
        })
    }

    async fn rest_payments(
        &mut self,
        _external_id: &str,
    ) -> Result<Vec<crate::protocol::Payment>, String> {
        Err(READ_ONLY.to_owned())
    }
}
