//! The state machine's timers as data: their ids and what each is for.

/// A timer id handed out by the state machine; a late timer whose id is gone is ignored.
pub type TimerId = u64;

/// What a running timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerPurpose {
    /// No TX_START_RESPONSE yet.
    SaleResponse,
    /// No answer to a recovery query yet.
    RecoveryResponse,
    /// Time to ask the device again.
    RecoveryPoll,
    /// Redraw the elapsed time while a sale runs.
    Clock,
    /// Ask the device again about the open print job.
    PrintPoll,
    /// No CLOSEOUT_RESPONSE yet.
    CloseoutResponse,
}
