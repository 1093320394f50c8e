//! SQLite conversions for ledger values and the row mappers shared by the queries.

use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use super::records::{HistoryCursor, PaymentEvent, PaymentRecord};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

impl ToSql for PaymentState {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for PaymentState {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for PaymentKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for PaymentKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for Cents {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.get()))
    }
}

impl FromSql for Cents {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_i64().map(Cents)
    }
}

/// The columns [`payment_from_row`] reads, in order.
pub const PAYMENT_COLUMNS: &str = "id, external_id, device, kind, amount, tip, tax, state, \
     device_payment_id, order_id, card_brand, last4, auth_code, charged_amount, charged_tip, \
     result, reason, message, created_ms, updated_ms, partial, parent_external_id";

/// Reads a payment selected with [`PAYMENT_COLUMNS`].
pub fn payment_from_row(row: &Row<'_>) -> rusqlite::Result<PaymentRecord> {
    Ok(PaymentRecord {
        cursor: HistoryCursor(row.get(0)?),
        external_id: row.get(1)?,
        device: row.get(2)?,
        kind: row.get(3)?,
        amount: row.get(4)?,
        tip: row.get(5)?,
        tax: row.get(6)?,
        state: row.get(7)?,
        device_payment_id: row.get(8)?,
        order_id: row.get(9)?,
        card_brand: row.get(10)?,
        last4: row.get(11)?,
        auth_code: row.get(12)?,
        charged_amount: row.get(13)?,
        charged_tip: row.get(14)?,
        result: row.get(15)?,
        reason: row.get(16)?,
        message: row.get(17)?,
        created_ms: row.get(18)?,
        updated_ms: row.get(19)?,
        partial: row.get::<_, i64>(20)? != 0,
        parent: row.get(21)?,
    })
}

/// The columns [`event_from_row`] reads, in order.
pub const EVENT_COLUMNS: &str =
    "external_id, seq, at_ms, from_state, to_state, cause, detail, is_correction";

/// Reads an event selected with [`EVENT_COLUMNS`].
pub fn event_from_row(row: &Row<'_>) -> rusqlite::Result<PaymentEvent> {
    Ok(PaymentEvent {
        external_id: row.get(0)?,
        seq: row.get(1)?,
        at_ms: row.get(2)?,
        from: row.get(3)?,
        to: row.get(4)?,
        cause: row.get(5)?,
        detail: row.get(6)?,
        correction: row.get(7)?,
    })
}

/// Milliseconds since the Unix epoch, now (0 if the clock is before 1970).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
