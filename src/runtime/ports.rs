//! The two ports the runtime drives: the device (a connector) and the ledger.

use crate::app::{LedgerOp, PendingPayment, PersistError, screens::HistoryRow};
use crate::device::DeviceCommand;
use crate::ledger::LedgerReadError;

/// Why a command did not go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// What went wrong.
    pub message: String,
    /// True when nothing reached the wire (e.g. not connected).
    pub not_sent: bool,
}

/// Sends commands to the device.
pub trait DevicePort {
    /// Hands `command` to the transport; returns once it is written (or refused).
    fn send(
        &mut self,
        command: DeviceCommand,
    ) -> impl std::future::Future<Output = Result<(), SendError>>;

    /// Payments with this external id from Clover's REST API (cloud mode only).
    fn rest_payments(
        &mut self,
        external_id: &str,
    ) -> impl std::future::Future<Output = Result<Vec<crate::protocol::Payment>, String>>;
}

/// Reads and writes the ledger. A failed read says what went wrong ([`LedgerReadError`]).
pub trait LedgerPort {
    /// Applies one write, durably; a refusal the app acts on comes back typed.
    fn apply(&mut self, op: &LedgerOp) -> Result<(), PersistError>;
    /// Non-final sales (at most one per device).
    fn pending(&mut self) -> Result<Vec<PendingPayment>, LedgerReadError>;
    /// What the sale `external_id` offers to refund or void (its remainder, charged total and
    /// card) and why it cannot be, if it cannot.
    fn refund_offer(
        &mut self,
        external_id: &str,
    ) -> Result<crate::app::refund_keys::RefundOffer, LedgerReadError> {
        Err(LedgerReadError::ReadOnly {
            external_id: external_id.to_owned(),
        })
    }
    /// The non-final refund, void or credit of this device, with its kind and sale, if any.
    fn pending_txn(
        &mut self,
    ) -> Result<Option<(PendingPayment, crate::app::TxnInfo)>, LedgerReadError> {
        Ok(None)
    }
    /// The open tabs (auths awaiting their tip, pre-auths awaiting capture), oldest first.
    fn tabs(&mut self) -> Result<Vec<crate::app::tab_keys::TabRow>, LedgerReadError> {
        Ok(Vec::new())
    }
    /// True when the ledger already holds a payment with this external id.
    fn external_id_used(&mut self, external_id: &str) -> Result<bool, LedgerReadError>;
    /// A window of history rows around absolute index `selected`, newest first, of the payments
    /// the search line `query` matches (all for ""): (rows, offset of the first row, total rows).
    fn history_window(
        &mut self,
        selected: usize,
        query: &str,
    ) -> Result<(Vec<HistoryRow>, usize, usize), LedgerReadError>;
    /// The history of the payment at absolute history index `index`.
    fn events_at(&mut self, index: usize) -> Result<crate::app::PaymentHistory, LedgerReadError>;
    /// The receipt of the payment with this external id: it, its order, its refunds and voids.
    fn receipt(&mut self, external_id: &str) -> Result<crate::receipt::Receipt, LedgerReadError> {
        Err(LedgerReadError::NoReceipts {
            external_id: external_id.to_owned(),
        })
    }
    /// The totals of the payments created in `[since_ms, until_ms)`.
    fn report(
        &mut self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<crate::ledger::Report, LedgerReadError>;
}
