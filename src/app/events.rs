//! The messages of the POS state machine: what happened ([`Event`], with the operator's
//! [`Action`]s) and what the runtime must do ([`Effect`]). Pure data, below every flow.

use super::answer::Answer;
use super::ledger_ops::{LedgerOp, PaymentHistory, PendingPayment, PersistError};
use super::linked_txn::{Adjust, SaleLink, TxnInfo};
use super::timers::TimerId;
use super::ui_entries::{RefundOffer, TabRow};
use super::ui_state::{HistoryRow, Key};
use crate::device::{DeviceCommand, DeviceInput};
use crate::protocol::Cents;

/// Something that happened.
// Events are handled one at a time and never stored in bulk; boxing payments would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A request from the operator (TUI) or a headless command.
    Action(Action),
    /// A key press in the TUI.
    Key(Key),
    /// The device or the connection.
    Device(DeviceInput),
    /// A timer fired.
    Timer(TimerId),
    /// A ledger write failed; the rest of its batch was not executed.
    PersistFailed {
        /// The write that failed.
        op: LedgerOp,
        /// Why.
        error: PersistError,
    },
    /// Non-final payments found in the ledger at start-up.
    Pending(Vec<PendingPayment>),
    /// A non-final refund, void or credit found in the ledger at start-up.
    PendingTxn {
        /// The transaction.
        payment: PendingPayment,
        /// Its kind and sale.
        txn: TxnInfo,
    },
    /// Payments with this external id from Clover's REST API (answer to `Effect::RestLookup`).
    RestPayments {
        /// The external id asked about.
        external_id: String,
        /// The payments, or why the lookup failed.
        result: Result<Vec<crate::protocol::Payment>, String>,
    },
    /// A fresh external id for the next sale (answer to `Effect::FreshExternalId`).
    FreshExternalId(String),
    /// A window of the ledger history (answer to `Effect::LoadHistory`).
    History {
        /// Rows, newest first.
        rows: Vec<HistoryRow>,
        /// Absolute index of the first row.
        offset: usize,
        /// Rows in the ledger.
        total: usize,
    },
    /// What a sale offers to refund or void (answer to `Effect::LoadRefundOffer`).
    RefundOffer(Result<RefundOffer, crate::ledger::LedgerReadError>),
    /// The open tabs (answer to `Effect::LoadTabs`), or why they could not be read.
    Tabs(Result<Vec<TabRow>, crate::ledger::LedgerReadError>),
    /// The history of one payment (answer to `Effect::LoadPaymentEvents`).
    PaymentEvents(PaymentHistory),
    /// The totals of a range of payments (answer to `Effect::LoadReport`), or why not.
    Report(Result<Box<crate::ledger::Report>, crate::ledger::LedgerReadError>),
    /// A payment's receipt as the ledger holds it (answer to `Effect::LoadReceipt`), or why not.
    Receipt(Result<Box<crate::receipt::Receipt>, crate::ledger::LedgerReadError>),
    /// A ledger read the runtime made for the app failed (the open payments at start, the
    /// history window, a payment's events): the operator is told; nothing else changes.
    LedgerReadFailed {
        /// What was being read.
        read: LedgerRead,
        /// Why it failed.
        error: crate::ledger::LedgerReadError,
    },
    /// The terminal was resized.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
}

/// A request to the state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Add an order line or discount as typed in the item field (`app::order_desk` grammar);
    /// the customer display is told. A refusal becomes a validation notice.
    AddItem(String),
    /// Abandon the order: clear it and the customer display.
    AbandonOrder,
    /// Ring a sale.
    StartSale {
        /// Amount.
        amount: Cents,
        /// Tip.
        tip: Option<Cents>,
        /// Tax.
        tax: Option<Cents>,
        /// External id; when absent, the fresh one the runtime handed in.
        external_id: Option<String>,
    },
    /// Refund `amount` of an approved sale (the caller read it from the ledger).
    Refund {
        /// The sale.
        sale: SaleLink,
        /// The amount to give back.
        amount: Cents,
        /// What is left to refund on the sale.
        remainder: Cents,
        /// External id of the refund; when absent, the fresh one the runtime handed in.
        external_id: Option<String>,
    },
    /// Void an approved sale (the caller read it from the ledger).
    Void {
        /// The sale.
        sale: SaleLink,
        /// What the sale charged.
        amount: Cents,
        /// External id of the void; when absent, the fresh one the runtime handed in.
        external_id: Option<String>,
    },
    /// Give `amount` back to a card without a sale (manual refund).
    Credit {
        /// The amount.
        amount: Cents,
        /// External id; when absent, the fresh one the runtime handed in.
        external_id: Option<String>,
    },
    /// Start an auth (tip-adjustable payment) or a pre-auth (hold) of `amount`.
    StartAuth {
        /// `PaymentKind::Auth` or `PaymentKind::PreAuth`.
        kind: crate::payment::PaymentKind,
        /// Amount.
        amount: Cents,
        /// External id; when absent, the fresh one the runtime handed in.
        external_id: Option<String>,
    },
    /// Capture, increment or tip-adjust an approved auth or pre-auth (the caller read it from
    /// the ledger).
    Adjust {
        /// The auth or pre-auth.
        tab: SaleLink,
        /// What to do.
        adjust: Adjust,
        /// External id of the adjustment; when absent, the fresh one the runtime handed in.
        external_id: Option<String>,
    },
    /// Close the batch on the device.
    Closeout {
        /// Close even while auths wait for their tips.
        allow_open_tabs: bool,
        /// Open tabs in the ledger: auths awaiting their tip, pre-auths awaiting capture (the
        /// caller counted them).
        open_tabs: usize,
        /// Our id for the request; when absent, the fresh one the runtime handed in.
        request_id: Option<String>,
    },
    /// Answer the pending challenge.
    AnswerChallenge {
        /// Accept (true) or reject.
        accept: bool,
    },
    /// Answer the pending signature.
    AnswerSignature {
        /// Accept (true) or reject.
        accept: bool,
    },
    /// Press Cancel on the device for the running sale.
    CancelSale,
    /// Ask the device what it is doing (no recovery); the last status answer is forgotten.
    QueryStatus,
    /// Run recovery for the pending payment (or just query the status when none).
    Recover,
    /// Reset the device; `confirm` must equal the pending payment's external id when one is at risk.
    Reset {
        /// The typed confirmation.
        confirm: Option<String>,
    },
    /// Show a message on the device.
    ShowMessage(String),
    /// Print lines on the device's printer as job `job_id` (`app::printing`).
    Print {
        /// The lines.
        lines: Vec<String>,
        /// Our id for the job (the caller makes a fresh one).
        job_id: String,
    },
    /// Ask the device again about the open print job.
    CheckPrintJob,
    /// Quit (the TUI asks first when a payment is pending).
    Quit,
}

/// Something the runtime must do.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write to the ledger; must succeed before any later effect runs.
    Persist(LedgerOp),
    /// Send a request to the device.
    Send(DeviceCommand),
    /// Call back with `Event::Timer(id)` after `after_ms`.
    StartTimer {
        /// Id.
        id: TimerId,
        /// Delay, ms.
        after_ms: u64,
    },
    /// Reload the history window around `ui.history_selected` from the ledger.
    LoadHistory,
    /// Read from the ledger what the sale with this external id offers to refund or void
    /// (answered with `Event::RefundOffer`).
    LoadRefundOffer(String),
    /// Load the event history of the payment at this history index.
    LoadPaymentEvents(usize),
    /// Load the totals of the payments created in `[since_ms, until_ms)` (answered with
    /// `Event::Report`).
    LoadReport {
        /// Start (ms since the Unix epoch), inclusive.
        since_ms: i64,
        /// End (ms since the Unix epoch), exclusive.
        until_ms: i64,
    },
    /// Read the open tabs from the ledger (answered with `Event::Tabs`).
    LoadTabs,
    /// Read the receipt of the payment with this external id (answered with `Event::Receipt`).
    LoadReceipt(String),
    /// Look the payment up in Clover's REST API (answered with `Event::RestPayments`).
    RestLookup(String),
    /// Put a fresh external id in `ui.next_external_id` (answered with `Event::FreshExternalId`).
    FreshExternalId,
    /// The answer to the request just handled (`app::answer`): kept by the runtime for the
    /// headless command that asked.
    Answer(Answer),
    /// Stop.
    Quit,
}

/// A ledger read the runtime makes for the app without being asked by one effect's answer type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerRead {
    /// The payments left open (at start).
    OpenPayments,
    /// The refund, void or credit left open (at start).
    OpenTransaction,
    /// A window of the history.
    History,
    /// One payment's events.
    PaymentEvents,
}

impl LedgerRead {
    /// What was being read, for people.
    pub fn label(self) -> &'static str {
        match self {
            LedgerRead::OpenPayments => "the open payments",
            LedgerRead::OpenTransaction => "the open refund, void or credit",
            LedgerRead::History => "the history",
            LedgerRead::PaymentEvents => "the payment's events",
        }
    }
}
