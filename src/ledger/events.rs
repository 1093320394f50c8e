//! The append-only history of each payment (`payment_events`): one row per state change.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::error::{LedgerError, Result};
use super::open::Ledger;
use super::records::PaymentEvent;
use super::sql::{EVENT_COLUMNS, event_from_row, now_ms};
use crate::payment::PaymentState;

/// One state change to append.
pub(super) struct NewEvent<'a> {
    pub external_id: &'a str,
    pub at_ms: i64,
    pub from: Option<PaymentState>,
    pub to: PaymentState,
    pub cause: &'a str,
    pub detail: &'a str,
    pub correction: bool,
}

/// Appends `event` inside `tx` with the next sequence number of its payment.
pub(super) fn append(tx: &Transaction<'_>, event: &NewEvent<'_>) -> rusqlite::Result<i64> {
    append_conn(tx, event)
}

/// [`append`] on a connection already inside a transaction.
pub(super) fn append_conn(tx: &Connection, event: &NewEvent<'_>) -> rusqlite::Result<i64> {
    let seq: i64 = tx.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM payment_events WHERE external_id = ?1",
        [event.external_id],
        |row| row.get(0),
    )?;
    tx.execute(
        "INSERT INTO payment_events \
         (external_id, seq, at_ms, from_state, to_state, cause, detail, is_correction) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            event.external_id,
            seq,
            event.at_ms,
            event.from,
            event.to,
            event.cause,
            event.detail,
            event.correction
        ],
    )?;
    Ok(seq)
}

impl Ledger {
    /// Records an event that changes nothing (a recovery step, a reset request) in the payment's
    /// history: `from` and `to` are its current state. Allowed in every state, final ones too.
    pub fn note(&self, external_id: &str, cause: &str, detail: &str) -> Result<PaymentEvent> {
        if cause.trim().is_empty() {
            return Err(LedgerError::InvalidField {
                field: "cause",
                reason: "empty: give the frame method or recovery step".to_owned(),
            });
        }
        let mut conn = self.conn();
        let err = |action| self.db_error(action);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err("start recording a note"))?;
        let state: PaymentState = tx
            .query_row(
                "SELECT state FROM payments WHERE external_id = ?1",
                [external_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("look up a payment"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })?;
        let event = NewEvent {
            external_id,
            at_ms: now_ms(),
            from: Some(state),
            to: state,
            cause,
            detail,
            correction: false,
        };
        let seq = append(&tx, &event).map_err(err("record a note"))?;
        tx.commit().map_err(err("commit a note"))?;
        Ok(PaymentEvent {
            external_id: external_id.to_owned(),
            seq,
            at_ms: event.at_ms,
            from: event.from,
            to: state,
            cause: cause.to_owned(),
            detail: detail.to_owned(),
            correction: false,
        })
    }

    /// The history of one payment, oldest first (empty if there is no such payment).
    pub fn events(&self, external_id: &str) -> Result<Vec<PaymentEvent>> {
        let conn = self.conn();
        let read = self.db_error("read a payment's history");
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM payment_events WHERE external_id = ?1 ORDER BY seq"
            ))
            .map_err(&read)?;
        let rows = stmt
            .query_map([external_id], event_from_row)
            .map_err(&read)?;
        rows.collect::<rusqlite::Result<_>>().map_err(read)
    }
}
