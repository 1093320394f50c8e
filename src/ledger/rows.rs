//! One payment row read through a connection the caller holds (often inside its transaction):
//! by external id, or the device's unfinished one. Below the files that write payments, so that
//! payments, links, tabs and closeouts all read rows the same way without importing each other.

use rusqlite::{Connection, OptionalExtension};

use super::records::PaymentRecord;
use super::sql::{PAYMENT_COLUMNS, payment_from_row};

/// The unfinished states as an SQL list; the same text as in the schema's partial unique index,
/// so that queries using it can use that index.
pub(super) const NON_FINAL_SQL: &str = "('created', 'sent', 'in_progress', 'unknown')";

/// The payment with this external id, if any.
pub(super) fn find(
    conn: &Connection,
    external_id: &str,
) -> rusqlite::Result<Option<PaymentRecord>> {
    conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE external_id = ?1"
    ))?
    .query_row([external_id], payment_from_row)
    .optional()
}

/// The device's unfinished payment, if any (the schema allows one at most).
pub(super) fn find_non_final(
    conn: &Connection,
    device: &str,
) -> rusqlite::Result<Option<PaymentRecord>> {
    conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE device = ?1 AND state IN {NON_FINAL_SQL}"
    ))?
    .query_row([device], payment_from_row)
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::PaymentState;

    #[test]
    fn non_final_list_matches_states_and_schema_index() {
        let listed: Vec<String> = PaymentState::ALL
            .into_iter()
            .filter(|s| !s.is_final())
            .map(|s| format!("'{s}'"))
            .collect();
        assert_eq!(NON_FINAL_SQL, format!("({})", listed.join(", ")));
        assert!(super::super::schema::V1.contains(&format!("WHERE state IN {NON_FINAL_SQL}")));
    }
}
