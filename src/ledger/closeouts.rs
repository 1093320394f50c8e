//! Closeouts (#17): each CLOSEOUT_REQUEST is recorded (`created`) before it is sent, then the
//! batch the device closed (its id, count, total, state) or why not. A closeout is open while
//! `created` or `sent`, and never while a payment of its device is open (nor the other way
//! round): the schema enforces both.

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::error::{LedgerError, Result};
use super::open::Ledger;
use super::records::validate_external_id;
use super::sql::now_ms;
use crate::payment::{Batch, CloseoutState};
use crate::protocol::Cents;

/// A closeout as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseoutRecord {
    /// Our id for the request.
    pub request_id: String,
    /// The device (identity or endpoint).
    pub device: String,
    /// Asked with `allowOpenTabs`.
    pub allow_open_tabs: bool,
    /// Where it stands.
    pub state: CloseoutState,
    /// The batch the device closed.
    pub batch: Batch,
    /// The device's message, or why the outcome is not known.
    pub message: Option<String>,
    /// When it was recorded (ms since the epoch).
    pub created_ms: i64,
    /// When it last changed.
    pub updated_ms: i64,
}

const COLUMNS: &str = "request_id, device, allow_open_tabs, state, batch_id, tx_count, total, \
     batch_state, message, created_ms, updated_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CloseoutRecord> {
    let state: String = row.get(3)?;
    let state = state.parse::<CloseoutState>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(CloseoutRecord {
        request_id: row.get(0)?,
        device: row.get(1)?,
        allow_open_tabs: row.get(2)?,
        state,
        batch: Batch {
            id: row.get(4)?,
            count: row.get::<_, Option<i64>>(5)?.map(|c| c.max(0) as u64),
            total: row.get::<_, Option<i64>>(6)?.map(Cents),
            state: row.get(7)?,
        },
        message: row.get(8)?,
        created_ms: row.get(9)?,
        updated_ms: row.get(10)?,
    })
}

fn find(conn: &Connection, request_id: &str) -> rusqlite::Result<Option<CloseoutRecord>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM closeouts WHERE request_id = ?1"
    ))?
    .query_row([request_id], from_row)
    .optional()
}

impl Ledger {
    /// Records a closeout of `device` in state `created`, before anything is sent. Refused with
    /// [`LedgerError::PendingPayment`] while the device has an unfinished payment, and with
    /// [`LedgerError::CloseoutOpen`] while another closeout of it is open.
    pub fn create_closeout(
        &self,
        request_id: &str,
        device: &str,
        allow_open_tabs: bool,
    ) -> Result<CloseoutRecord> {
        validate_external_id(request_id)?;
        let mut conn = self.conn();
        let err = |action| self.db_error(action);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err("start recording a closeout"))?;
        if let Some(open) = self_non_final(&tx, device).map_err(err("look up open payments"))? {
            return Err(open);
        }
        if let Some(open) = open_in(&tx, device).map_err(err("look up open closeouts"))? {
            return Err(LedgerError::CloseoutOpen {
                device: device.to_owned(),
                request_id: open.request_id,
            });
        }
        if find(&tx, request_id)
            .map_err(err("look up a closeout"))?
            .is_some()
        {
            return Err(LedgerError::DuplicateExternalId {
                external_id: request_id.to_owned(),
            });
        }
        let now = now_ms();
        tx.execute(
            "INSERT INTO closeouts (request_id, device, allow_open_tabs, state, created_ms, updated_ms) \
             VALUES (?1, ?2, ?3, 'created', ?4, ?4)",
            params![request_id, device, allow_open_tabs, now],
        )
        .map_err(err("record a closeout"))?;
        let record = find(&tx, request_id)
            .map_err(err("read back a closeout"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: request_id.to_owned(),
            })?;
        tx.commit().map_err(err("commit a closeout"))?;
        Ok(record)
    }

    /// Moves the closeout `request_id` on: to `sent`, or to an outcome with the batch and the
    /// device's message. A closed or refused closeout never changes.
    pub fn update_closeout(
        &self,
        request_id: &str,
        state: CloseoutState,
        batch: &Batch,
        message: Option<&str>,
    ) -> Result<CloseoutRecord> {
        let conn = self.conn();
        let err = |action| self.db_error(action);
        let current = find(&conn, request_id)
            .map_err(err("look up a closeout"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: request_id.to_owned(),
            })?;
        if matches!(
            current.state,
            CloseoutState::Closed | CloseoutState::Refused
        ) {
            return Err(LedgerError::InvalidField {
                field: "closeout",
                reason: format!(
                    "closeout {request_id} is already {} and never changes",
                    current.state
                ),
            });
        }
        let count = batch.count.map(|c| i64::try_from(c).unwrap_or(i64::MAX));
        conn.execute(
            "UPDATE closeouts SET state = ?2, batch_id = coalesce(?3, batch_id), \
             tx_count = coalesce(?4, tx_count), total = coalesce(?5, total), \
             batch_state = coalesce(?6, batch_state), message = coalesce(?7, message), \
             updated_ms = ?8 WHERE request_id = ?1",
            params![
                request_id,
                state.as_str(),
                batch.id,
                count,
                batch.total,
                batch.state,
                message,
                now_ms().max(current.updated_ms)
            ],
        )
        .map_err(err("record a closeout's outcome"))?;
        find(&conn, request_id)
            .map_err(err("read back a closeout"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: request_id.to_owned(),
            })
    }

    /// The closeout `request_id`, if recorded.
    pub fn closeout(&self, request_id: &str) -> Result<Option<CloseoutRecord>> {
        find(&self.conn(), request_id).map_err(self.db_error("look up a closeout"))
    }

    /// The closeouts recorded in `[since_ms, until_ms)` (either end open when `None`), oldest
    /// first.
    pub fn closeouts(
        &self,
        since_ms: Option<i64>,
        until_ms: Option<i64>,
    ) -> Result<Vec<CloseoutRecord>> {
        let conn = self.conn();
        let read = self.db_error("list closeouts");
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM closeouts WHERE created_ms >= ?1 AND created_ms < ?2 ORDER BY id"
            ))
            .map_err(&read)?;
        let rows = stmt
            .query_map(
                params![since_ms.unwrap_or(i64::MIN), until_ms.unwrap_or(i64::MAX)],
                from_row,
            )
            .map_err(&read)?;
        rows.collect::<rusqlite::Result<_>>().map_err(read)
    }

    /// The closeout of `device` that is still open (`created` or `sent`), if any: one whose
    /// answer was lost when `till` stopped.
    pub fn open_closeout(&self, device: &str) -> Result<Option<CloseoutRecord>> {
        open_in(&self.conn(), device).map_err(self.db_error("look up open closeouts"))
    }

    /// Every open closeout, on every device.
    pub fn open_closeouts(&self) -> Result<Vec<CloseoutRecord>> {
        let conn = self.conn();
        let read = self.db_error("list open closeouts");
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM closeouts WHERE state IN ('created', 'sent') ORDER BY id"
            ))
            .map_err(&read)?;
        let rows = stmt.query_map([], from_row).map_err(&read)?;
        rows.collect::<rusqlite::Result<_>>().map_err(read)
    }
}

pub(super) fn open_in(conn: &Connection, device: &str) -> rusqlite::Result<Option<CloseoutRecord>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM closeouts WHERE device = ?1 AND state IN ('created', 'sent')"
    ))?
    .query_row([device], from_row)
    .optional()
}

fn self_non_final(conn: &Connection, device: &str) -> rusqlite::Result<Option<LedgerError>> {
    let open = super::payments::find_non_final(conn, device)?;
    Ok(open.map(|p| LedgerError::PendingPayment {
        device: p.device,
        external_id: p.external_id,
        amount: p.amount,
        state: p.state,
    }))
}
