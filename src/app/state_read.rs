//! Read access to [`State`] for the renderer, the runtime, the headless commands and the
//! tests: the fields are private to `app`, so only `app::update` changes them.

use std::collections::BTreeMap;

use super::ledger_ops::PendingPayment;
use super::linked_txn::TxnInfo;
use super::order_desk::OrderDesk;
use super::print_job::PrintJob;
use super::recovery_state::Recovery;
use super::reset_state::ResetFlow;
use super::state::*;
use super::timers::{TimerId, TimerPurpose};
use super::ui_state::Ui;
use crate::device::DeviceInfo;
use crate::protocol::Sender;

impl State {
    /// The current time, stamped by the runtime before each event (the app reads no clock).
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// Settings.
    pub fn settings(&self) -> &AppSettings {
        &self.settings
    }

    /// Connection.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The device's names once ready.
    pub fn device(&self) -> &Option<DeviceInfo> {
        &self.device
    }

    /// The device's current screen text.
    pub fn device_text(&self) -> &Option<String> {
        &self.device_text
    }

    /// The device waits for the customer's signature (and ignores cancel meanwhile).
    pub fn device_wants_signature(&self) -> bool {
        self.device_wants_signature
    }

    /// The device showed its card time-out screen during the running sale.
    pub fn card_timed_out(&self) -> bool {
        self.card_timed_out
    }

    /// The external id of the payment found open at start-up, until its outcome is known.
    pub fn from_restart(&self) -> &Option<String> {
        &self.from_restart
    }

    /// Outcomes of payments from before the restart that recovery settled, newest last; shown
    /// on the sale and status screens until the operator dismisses them.
    pub fn recovered(&self) -> &[Outcome] {
        &self.recovered
    }

    /// The last device status answer.
    pub fn device_status(&self) -> &Option<DeviceStatusView> {
        &self.device_status
    }

    /// The payment in flight or pending recovery.
    pub fn payment(&self) -> &Option<CurrentPayment> {
        &self.payment
    }

    /// A device question waiting for the operator.
    pub fn prompt(&self) -> &Option<Prompt> {
        &self.prompt
    }

    /// The recovery procedure, while it runs.
    pub fn recovery(&self) -> &Option<Recovery> {
        &self.recovery
    }

    /// The guarded reset, while it runs.
    pub fn reset(&self) -> &Option<ResetFlow> {
        &self.reset
    }

    /// How the last payment ended.
    pub fn last_outcome(&self) -> &Option<Outcome> {
        &self.last_outcome
    }

    /// The latest notice.
    pub fn notice(&self) -> &Option<Notice> {
        &self.notice
    }

    /// Recent frames (redacted summaries), newest last.
    pub fn frames(&self) -> &[(Sender, String)] {
        &self.frames
    }

    /// Running timers.
    pub fn timers(&self) -> &BTreeMap<TimerId, TimerPurpose> {
        &self.timers
    }

    /// Set when the operator quit.
    pub fn quit(&self) -> bool {
        self.quit
    }

    /// The TUI's screen state.
    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    /// The external id of a payment whose final outcome could not be written to the ledger.
    pub fn unrecorded(&self) -> &Option<String> {
        &self.unrecorded
    }

    /// Open payments in the ledger not (yet) tied to the connected device: those of other
    /// devices, or of this one until discovery names it.
    pub fn open_elsewhere(&self) -> &[PendingPayment] {
        &self.open_elsewhere
    }

    /// A prompt whose answer was handed to the runtime, with the void proof before the answer:
    /// if the answer cannot be sent the prompt comes back.
    pub fn answering(&self) -> &Option<(Prompt, Option<String>)> {
        &self.answering
    }

    /// The external id of a payment that ended before its FINISH_* arrived (PAYMENT_VOIDED):
    /// that FINISH_* still gets its one screen command.
    pub fn screen_owed(&self) -> &Option<String> {
        &self.screen_owed
    }

    /// The order on the sale screen and its customer display.
    pub fn desk(&self) -> &OrderDesk {
        &self.desk
    }

    /// The current transaction's kind and sale when it is a refund, void or credit (`None`
    /// for a sale).
    pub fn txn(&self) -> &Option<TxnInfo> {
        &self.txn
    }

    /// The same for the transaction of `last_outcome`.
    pub fn last_txn(&self) -> &Option<TxnInfo> {
        &self.last_txn
    }

    /// An open refund, void or credit found at start-up under a device identity not known yet:
    /// adopted when the device that has it becomes ready.
    pub fn txn_elsewhere(&self) -> &Option<(PendingPayment, TxnInfo)> {
        &self.txn_elsewhere
    }

    /// The closeout waiting for its answer.
    pub fn closeout(&self) -> &Option<CloseoutFlow> {
        &self.closeout
    }

    /// How the last closeout ended.
    pub fn last_closeout(&self) -> &Option<CloseoutOutcome> {
        &self.last_closeout
    }

    /// The print job on the device's printer, if one was started (`app::printing`).
    pub fn print_job(&self) -> &Option<PrintJob> {
        &self.print_job
    }
}
