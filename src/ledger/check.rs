//! A full consistency check of the ledger file, for recovery tools and tests.

use super::error::{LedgerError, Result};
use super::open::Ledger;

impl Ledger {
    /// Checks the file (`PRAGMA quick_check`, foreign keys) and the ledger's own rules: every
    /// payment's events are numbered 1, 2, … without gaps, chain from state to state starting at
    /// `created`, and end in the payment's current state. Reads every row: for tools, not hot paths.
    pub fn check(&self) -> Result<()> {
        let conn = self.conn();
        let read = self.db_error("check the ledger");
        let inconsistent = |detail: String| LedgerError::Inconsistent {
            path: self.db_path().to_path_buf(),
            detail,
        };
        let quick: Vec<String> = conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(&read)?;
        if quick != ["ok"] {
            return Err(LedgerError::Corrupt {
                path: self.db_path().to_path_buf(),
                reason: format!("integrity check failed: {}", quick.join("; ")),
            });
        }
        let dangling: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(&read)?;
        if dangling > 0 {
            return Err(inconsistent(format!(
                "{dangling} events refer to no payment"
            )));
        }
        // Each event must follow the previous one of its payment: seq + 1 and from = previous to.
        let broken: Option<String> = conn
            .query_row(
                "SELECT e.external_id || ' event ' || e.seq FROM payment_events e \
                 LEFT JOIN payment_events p ON p.external_id = e.external_id AND p.seq = e.seq - 1 \
                 WHERE (e.seq = 1 AND (e.from_state IS NOT NULL OR e.to_state != 'created')) \
                    OR (e.seq > 1 AND (p.id IS NULL OR e.from_state IS NOT p.to_state)) \
                 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(&read)?;
        if let Some(at) = broken {
            return Err(inconsistent(format!(
                "the history of payment {at} does not follow on"
            )));
        }
        let mismatch: Option<String> = conn
            .query_row(
                "SELECT p.external_id || ' is ' || p.state || ' but its last event says ' || \
                        coalesce(e.to_state, 'nothing') FROM payments p \
                 LEFT JOIN payment_events e ON e.external_id = p.external_id \
                      AND e.seq = (SELECT max(seq) FROM payment_events WHERE external_id = p.external_id) \
                 WHERE e.to_state IS NOT p.state LIMIT 1",
                [],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(&read)?;
        if let Some(what) = mismatch {
            return Err(inconsistent(format!("payment {what}")));
        }
        Ok(())
    }
}
