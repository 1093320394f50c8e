//! Why a read of the ledger came back empty-handed, as the runtime's ledger port reports it: what
//! went wrong, decided from the ledger's (and SQLite's) error once, worded for people here.

use rusqlite::ErrorCode;

use super::error::LedgerError;

/// A failed ledger read (a screen's rows, a refund offer, a receipt, a report…). Callers act on
/// the variant; the text is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerReadError {
    /// Another connection held the database (or another process the data directory) past the
    /// busy timeout.
    #[error("{detail}; the ledger is busy: try again in a moment")]
    Busy {
        /// The ledger's own account of it.
        detail: String,
    },
    /// The file, or a value stored in it, is damaged.
    #[error("{detail}")]
    Corrupt {
        /// The ledger's own account of it, with what to do.
        detail: String,
    },
    /// The file system failed under the ledger (disk, permissions).
    #[error("{detail}")]
    Io {
        /// The ledger's own account of it.
        detail: String,
    },
    /// No payment with this external id.
    #[error("payment {external_id} is not in the ledger")]
    NotFound {
        /// The external id asked for.
        external_id: String,
    },
    /// A read-only ledger was asked what a payment offers to refund or void.
    #[error("payment {external_id} cannot be refunded here: this ledger is read-only")]
    ReadOnly {
        /// The payment.
        external_id: String,
    },
    /// This ledger keeps no receipts.
    #[error("no receipt of {external_id}: this ledger keeps none")]
    NoReceipts {
        /// The payment.
        external_id: String,
    },
    /// Anything else the ledger refused.
    #[error("{detail}")]
    Failed {
        /// The ledger's own account of it.
        detail: String,
    },
}

impl From<LedgerError> for LedgerReadError {
    fn from(e: LedgerError) -> Self {
        let detail = e.to_string();
        match e {
            LedgerError::NoSuchPayment { external_id } => LedgerReadError::NotFound { external_id },
            LedgerError::Locked { .. } => LedgerReadError::Busy { detail },
            LedgerError::Corrupt { .. } | LedgerError::Inconsistent { .. } => {
                LedgerReadError::Corrupt { detail }
            }
            LedgerError::Io { .. } => LedgerReadError::Io { detail },
            LedgerError::Db { source, .. } => match source {
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::IntegralValueOutOfRange(..) => {
                    LedgerReadError::Corrupt { detail }
                }
                source => match source.sqlite_error_code() {
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                        LedgerReadError::Busy { detail }
                    }
                    Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                        LedgerReadError::Corrupt { detail }
                    }
                    Some(
                        ErrorCode::SystemIoFailure
                        | ErrorCode::DiskFull
                        | ErrorCode::CannotOpen
                        | ErrorCode::PermissionDenied
                        | ErrorCode::ReadOnly,
                    ) => LedgerReadError::Io { detail },
                    _ => LedgerReadError::Failed { detail },
                },
            },
            _ => LedgerReadError::Failed { detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn db(code: std::ffi::c_int) -> LedgerError {
        LedgerError::Db {
            action: "read the history",
            path: PathBuf::from("/data/ledger.sqlite3"),
            source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None),
        }
    }

    #[test]
    fn sqlite_errors_become_what_went_wrong() {
        let busy = LedgerReadError::from(db(rusqlite::ffi::SQLITE_BUSY));
        assert!(matches!(busy, LedgerReadError::Busy { .. }), "{busy:?}");
        assert!(busy.to_string().contains("try again"), "{busy}");
        assert!(busy.to_string().contains("/data/ledger.sqlite3"), "{busy}");
        assert!(matches!(
            LedgerReadError::from(db(rusqlite::ffi::SQLITE_LOCKED)),
            LedgerReadError::Busy { .. }
        ));
        assert!(matches!(
            LedgerReadError::from(db(rusqlite::ffi::SQLITE_CORRUPT)),
            LedgerReadError::Corrupt { .. }
        ));
        assert!(matches!(
            LedgerReadError::from(db(rusqlite::ffi::SQLITE_FULL)),
            LedgerReadError::Io { .. }
        ));
        assert!(matches!(
            LedgerReadError::from(db(rusqlite::ffi::SQLITE_CONSTRAINT)),
            LedgerReadError::Failed { .. }
        ));
        let bad_value = LedgerError::Db {
            action: "read a payment",
            path: PathBuf::from("/data/ledger.sqlite3"),
            source: rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                "unknown payment state 'paid'".into(),
            ),
        };
        assert!(matches!(
            LedgerReadError::from(bad_value),
            LedgerReadError::Corrupt { .. }
        ));
        let missing = LedgerReadError::from(LedgerError::NoSuchPayment {
            external_id: "ABC".into(),
        });
        assert_eq!(
            missing,
            LedgerReadError::NotFound {
                external_id: "ABC".into()
            }
        );
        assert_eq!(missing.to_string(), "payment ABC is not in the ledger");
    }
}
