//! Everything that can go wrong with the ledger, each error saying what happened and what to do.

use std::path::PathBuf;

use crate::payment::PaymentState;
use crate::protocol::Cents;

/// A ledger failure. Every message names the file or payment concerned and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Another process (or another `Ledger` in this process) holds the data directory.
    #[error(
        "the ledger in {} is in use by another till process ({}); only one till may use a data \
         directory at a time: close the other till, or give this one another data directory",
        data_dir.display(),
        pid.map_or_else(|| "pid unknown".to_owned(), |p| format!("pid {p}"))
    )]
    Locked {
        /// The data directory, as recorded by the process holding it (or as given to us).
        data_dir: PathBuf,
        /// The holder's process id, when its lock file says so.
        pid: Option<u32>,
    },
    /// A file-system operation on the data directory failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What we were doing, e.g. "create the data directory".
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The database file is damaged, not a database, or not a till ledger.
    #[error(
        "{} is not a readable till ledger ({reason}); move it aside (keep it: it may hold \
         payment records) and start again, or restore it from a backup",
        path.display()
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// A file in the data directory is not what it must be (a symlink, someone else's, empty,
    /// not a ledger, a missing write-ahead log): nothing was written to it.
    #[error("refusing {}: {reason}", path.display())]
    Refused {
        /// The file concerned.
        path: PathBuf,
        /// What it is and what to do.
        reason: String,
    },
    /// The database was written by a newer till with a schema this one does not know.
    #[error(
        "{} has ledger schema version {found}, but this till knows versions up to {supported}: \
         use a newer till with this data directory",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// SQLite refused an operation.
    #[error("ledger {}: cannot {action}: {source}", path.display())]
    Db {
        /// What we were doing, e.g. "record a payment".
        action: &'static str,
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    /// The device already has a payment whose outcome is not final.
    #[error(
        "device {device} still has an unfinished payment {external_id} of {amount} ({state}); \
         run `till recover` or open Check Payment Status with `s` to settle it before starting \
         another payment"
    )]
    PendingPayment {
        /// The device endpoint or id.
        device: String,
        /// The unfinished payment's external id.
        external_id: String,
        /// Its amount (before tip).
        amount: Cents,
        /// Its state.
        state: PaymentState,
    },
    /// A payment with this external id is already in the ledger.
    #[error(
        "a payment with external id {external_id} is already in the ledger; every payment \
         attempt needs a new external id"
    )]
    DuplicateExternalId {
        /// The external id given.
        external_id: String,
    },
    /// No payment with this external id is in the ledger.
    #[error(
        "no payment with external id {external_id} in the ledger; check the id (`till history` lists them)"
    )]
    NoSuchPayment {
        /// The external id given.
        external_id: String,
    },
    /// The payment's outcome is final; it changes only through `Ledger::correct`.
    #[error(
        "payment {external_id} is already {state} (final) and cannot become {to}; a final outcome \
         changes only through a recorded correction"
    )]
    AlreadyFinal {
        /// The payment.
        external_id: String,
        /// Its final state.
        state: PaymentState,
        /// The state asked for.
        to: PaymentState,
    },
    /// The state change is not one the payment lifecycle allows.
    #[error("payment {external_id} cannot go from {from} to {to}: {why}")]
    InvalidTransition {
        /// The payment.
        external_id: String,
        /// Its current state.
        from: PaymentState,
        /// The state asked for.
        to: PaymentState,
        /// Which rule forbids it.
        why: &'static str,
    },
    /// A refund or void the money rules forbid (the sale is not approved, was voided, has an
    /// unfinished refund or void, or the amount is above what is left to refund).
    #[error("cannot {kind} payment {external_id}: {why}")]
    NotRefundable {
        /// `refund` or `void`.
        kind: &'static str,
        /// The sale's external id.
        external_id: String,
        /// Which rule, with the figures, and what to do.
        why: String,
    },
    /// A closeout of the device is not finished: nothing else starts on it meanwhile.
    #[error(
        "device {device} has an unfinished closeout ({request_id}); wait for its answer, or \
         restart till so that it is marked unknown, before starting anything else"
    )]
    CloseoutOpen {
        /// The device endpoint or id.
        device: String,
        /// The closeout's request id.
        request_id: String,
    },
    /// A value given to the ledger is not acceptable.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// The field, e.g. "last4".
        field: &'static str,
        /// What was wrong and what is allowed.
        reason: String,
    },
    /// The stored data breaks one of the ledger's own rules (found by `Ledger::check`).
    #[error(
        "ledger {} is inconsistent: {detail}; keep the file for investigation and contact support",
        path.display()
    )]
    Inconsistent {
        /// The database file.
        path: PathBuf,
        /// The rule broken and where.
        detail: String,
    },
}

/// `Result` with a [`LedgerError`].
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
