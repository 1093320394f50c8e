//! Why a check run before a payment is written refused it: shared by the refund/void rules
//! (`links`) and the auth/pre-auth rules (`tabs`), read by the writer (`payments`).

use super::error::LedgerError;

/// Why a pre-write check (`links::check_new`, `tabs::check_new`) refused a new payment.
pub(super) enum CheckError {
    /// The database failed.
    Db(rusqlite::Error),
    /// A money rule refused it.
    Refused(LedgerError),
}
