//! Recording payments and their state changes, and reading them back.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::error::{LedgerError, Result};
use super::events::{self, NewEvent};
use super::links;
use super::open::Ledger;
use super::orders::{self, OrderRecord};
use super::records::{HistoryCursor, HistoryPage, NewPayment, PaymentRecord, PaymentUpdate};
use super::resolve;
use super::sql::{PAYMENT_COLUMNS, now_ms, payment_from_row};
use super::transitions::{self, Refusal};
use crate::payment::{PaymentKind, PaymentState};

/// The unfinished states as an SQL list; the same text as in the schema's partial unique index,
/// so that queries using it can use that index.
pub(super) const NON_FINAL_SQL: &str = "('created', 'sent', 'in_progress', 'unknown')";

/// Cause recorded for the creation event.
pub const CREATE_CAUSE: &str = "create";

impl Ledger {
    /// Records a new payment in state `created`, with its creation event, before anything is sent.
    ///
    /// Refused with [`LedgerError::PendingPayment`] while the device has an unfinished payment,
    /// and with [`LedgerError::DuplicateExternalId`] if the id was ever used.
    pub fn create_payment(&self, new: NewPayment) -> Result<PaymentRecord> {
        self.create_payment_with_order(new, None)
    }

    /// Records a new payment like [`Ledger::create_payment`] and, for a sale rung as an order,
    /// the order with it in the same transaction: both are recorded or neither is. The order's
    /// total and tax must be the sale's amount and tax (the schema refuses anything else).
    pub fn create_payment_with_order(
        &self,
        new: NewPayment,
        order: Option<&OrderRecord>,
    ) -> Result<PaymentRecord> {
        new.validate()?;
        if let Some(o) = order
            && (new.kind != PaymentKind::Sale || o.total != new.amount || o.tax != new.tax)
        {
            return Err(LedgerError::InvalidField {
                field: "order",
                reason: format!(
                    "an order of {} (tax {}) cannot be recorded with a {} of {} (tax {})",
                    o.total, o.tax, new.kind, new.amount, new.tax
                ),
            });
        }
        let mut conn = self.conn();
        let err = |action| self.db_error(action);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err("start recording a payment"))?;
        if find(&tx, &new.external_id)
            .map_err(err("look up a payment"))?
            .is_some()
        {
            return Err(LedgerError::DuplicateExternalId {
                external_id: new.external_id,
            });
        }
        if let Some(open) =
            find_non_final(&tx, &new.device).map_err(err("look up unfinished payments"))?
        {
            return Err(LedgerError::PendingPayment {
                device: open.device,
                external_id: open.external_id,
                amount: open.amount,
                state: open.state,
            });
        }
        if let Some(open) =
            super::closeouts::open_in(&tx, &new.device).map_err(err("look up open closeouts"))?
        {
            return Err(LedgerError::CloseoutOpen {
                device: new.device,
                request_id: open.request_id,
            });
        }
        let checked = if new.kind.is_adjustment() {
            super::tabs::check_new(&tx, &new)
        } else {
            links::check_new(&tx, &new)
        };
        checked.map_err(|e| match e {
            links::CheckError::Db(e) => self.db_error("look up a payment's refunds")(e),
            links::CheckError::Refused(e) => e,
        })?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO payments (external_id, device, kind, amount, tip, tax, state, created_ms, updated_ms, parent_external_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
            params![new.external_id, new.device, new.kind, new.amount, new.tip, new.tax, PaymentState::Created, now, new.parent],
        )
        .map_err(err("record a payment"))?;
        if let Some(o) = order {
            orders::insert(&tx, &new.external_id, o).map_err(err("record a payment's order"))?;
        }
        super::tabs::copy_card(&tx, &new).map_err(err("record a payment's card"))?;
        let of = new
            .parent
            .as_deref()
            .map(|p| format!(" of payment {p}"))
            .unwrap_or_default();
        let detail = format!(
            "{}{of} of {} (tip {}, tax {}) for {}",
            new.kind, new.amount, new.tip, new.tax, new.device
        );
        let event = NewEvent {
            external_id: &new.external_id,
            at_ms: now,
            from: None,
            to: PaymentState::Created,
            cause: CREATE_CAUSE,
            detail: &detail,
            correction: false,
        };
        events::append(&tx, &event).map_err(err("record a payment's creation"))?;
        let record = find(&tx, &new.external_id)
            .map_err(err("read back a payment"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: new.external_id.clone(),
            })?;
        tx.commit().map_err(err("commit a new payment"))?;
        Ok(record)
    }

    /// Moves an unfinished payment to `to`, records the event (`cause`: the frame method or
    /// recovery step; `detail`: text for people) and stores the fields in `update`, all in one
    /// transaction.
    ///
    /// Refused with [`LedgerError::AlreadyFinal`] once the payment is final, and with
    /// [`LedgerError::InvalidTransition`] for a change the lifecycle does not allow (see
    /// `transitions`). `unknown` is allowed from every unfinished state.
    pub fn transition(
        &self,
        external_id: &str,
        to: PaymentState,
        cause: &str,
        detail: &str,
        update: PaymentUpdate,
    ) -> Result<PaymentRecord> {
        self.change(external_id, to, cause, detail, update, Change::Ordinary)
    }

    /// Corrects a final outcome that turned out wrong (e.g. recovery finds voided a payment we had
    /// as approved): records why (`reason`, required) as a correction event and stores the fields.
    pub fn correct(
        &self,
        external_id: &str,
        to: PaymentState,
        cause: &str,
        reason: &str,
        update: PaymentUpdate,
    ) -> Result<PaymentRecord> {
        if reason.trim().is_empty() {
            return Err(LedgerError::InvalidField {
                field: "correction reason",
                reason: "empty: say why the outcome is being corrected".to_owned(),
            });
        }
        self.change(external_id, to, cause, reason, update, Change::Correction)
    }

    /// Reopens a final payment as `unknown` because the device later said something that
    /// changes the money (e.g. a second FINISH_OK with another result): recorded as a correction
    /// event with `reason` (required). The payment is then open again, for recovery or support.
    pub fn reopen(&self, external_id: &str, cause: &str, reason: &str) -> Result<PaymentRecord> {
        if reason.trim().is_empty() {
            return Err(LedgerError::InvalidField {
                field: "reopen reason",
                reason: "empty: say why the outcome is in doubt".to_owned(),
            });
        }
        let current = self
            .get(external_id)?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })?;
        if !current.state.is_final() {
            return Ok(current);
        }
        self.change(
            external_id,
            PaymentState::Unknown,
            cause,
            reason,
            PaymentUpdate::default(),
            Change::Reopen,
        )
    }

    /// Records a change of state: ordinary, a correction between final outcomes, or a reopening
    /// of a final outcome as `unknown`.
    #[allow(clippy::too_many_arguments)]
    fn change(
        &self,
        external_id: &str,
        to: PaymentState,
        cause: &str,
        detail: &str,
        update: PaymentUpdate,
        kind: Change,
    ) -> Result<PaymentRecord> {
        let correction = kind != Change::Ordinary;
        if cause.trim().is_empty() {
            return Err(LedgerError::InvalidField {
                field: "cause",
                reason: "empty: give the frame method or recovery step".to_owned(),
            });
        }
        update.validate()?;
        let mut conn = self.conn();
        let err = |action| self.db_error(action);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err("start recording a state change"))?;
        let current = find(&tx, external_id)
            .map_err(err("look up a payment"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })?;
        let from = current.state;
        let refused = |why| LedgerError::InvalidTransition {
            external_id: external_id.to_owned(),
            from,
            to,
            why,
        };
        if kind == Change::Reopen {
            transitions::check_reopen(from).map_err(refused)?;
        } else if correction {
            transitions::check_correction(from, to).map_err(refused)?;
        } else if let Err(refusal) = transitions::check(from, to) {
            if refusal == Refusal::AlreadyFinal {
                // A device contradicting a resolution by hand: on the record, state unchanged.
                let at = now_ms().max(current.updated_ms);
                if resolve::record_conflict(&tx, &current, to, cause, detail, at)
                    .map_err(err("record a conflict"))?
                {
                    tx.commit().map_err(err("commit a conflict"))?;
                }
            }
            return Err(match refusal {
                Refusal::AlreadyFinal => LedgerError::AlreadyFinal {
                    external_id: external_id.to_owned(),
                    state: from,
                    to,
                },
                Refusal::Invalid(why) => refused(why),
            });
        }
        let now = now_ms().max(current.updated_ms);
        tx.execute(
            "UPDATE payments SET state = ?2, \
             device_payment_id = coalesce(?3, device_payment_id), \
             order_id = coalesce(?4, order_id), \
             card_brand = coalesce(?5, card_brand), \
             last4 = coalesce(?6, last4), \
             auth_code = coalesce(?7, auth_code), \
             charged_amount = coalesce(?8, charged_amount), \
             charged_tip = coalesce(?9, charged_tip), \
             result = coalesce(?10, result), \
             reason = coalesce(?11, reason), \
             message = coalesce(?12, message), \
             updated_ms = ?13, \
             partial = coalesce(?14, partial) \
             WHERE external_id = ?1",
            params![
                external_id,
                to,
                update.device_payment_id,
                update.order_id,
                update.card_brand,
                update.last4,
                update.auth_code,
                update.charged_amount,
                update.charged_tip,
                update.result,
                update.reason,
                update.message,
                now,
                update.partial
            ],
        )
        .map_err(err("update a payment"))?;
        let event = NewEvent {
            external_id,
            at_ms: now,
            from: Some(from),
            to,
            cause,
            detail,
            correction,
        };
        events::append(&tx, &event).map_err(err("record a state change"))?;
        let record = find(&tx, external_id)
            .map_err(err("read back a payment"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })?;
        if record.kind == PaymentKind::Void
            && let Some(parent) = record.parent.as_deref()
        {
            mark_sale_voided(&tx, parent, &record, now, from)
                .map_err(err("record a sale as voided"))?;
        }
        if record.kind == PaymentKind::TipAdjust && to == PaymentState::Approved {
            super::tabs::apply_tip_adjust(&tx, &record, now)
                .map_err(err("record an auth's new tip"))?;
        }
        tx.commit().map_err(err("commit a state change"))?;
        if to.is_final() {
            super::open::checkpoint(&conn, self.db_path());
        }
        Ok(record)
    }

    /// The payment with this external id, if any.
    pub fn get(&self, external_id: &str) -> Result<Option<PaymentRecord>> {
        find(&self.conn(), external_id).map_err(self.db_error("look up a payment"))
    }

    /// The device's unfinished payment, if any (there is at most one).
    pub fn non_final(&self, device: &str) -> Result<Option<PaymentRecord>> {
        find_non_final(&self.conn(), device).map_err(self.db_error("look up unfinished payments"))
    }

    /// Every unfinished payment, on every device, oldest first.
    pub fn non_final_all(&self) -> Result<Vec<PaymentRecord>> {
        let conn = self.conn();
        let read = self.db_error("list unfinished payments");
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments WHERE state IN {NON_FINAL_SQL} ORDER BY id"
            ))
            .map_err(&read)?;
        let rows = stmt.query_map([], payment_from_row).map_err(&read)?;
        rows.collect::<rusqlite::Result<_>>().map_err(read)
    }

    /// Up to `limit` payments, newest first, starting just after `before` (from the previous
    /// page's `next`, or a record's `cursor`), or at the newest when `None`. Each page is one
    /// walk down the primary key, however long the history. A `limit` of 0 gives an empty page.
    pub fn history(&self, limit: usize, before: Option<HistoryCursor>) -> Result<HistoryPage> {
        if limit == 0 {
            return Ok(HistoryPage {
                payments: Vec::new(),
                next: None,
            });
        }
        let conn = self.conn();
        let read = self.db_error("read the history");
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
            ))
            .map_err(&read)?;
        let start = before.map_or(i64::MAX, |c| c.0);
        let fetch = i64::try_from(limit)
            .unwrap_or(i64::MAX - 1)
            .saturating_add(1);
        let rows = stmt
            .query_map(params![start, fetch], payment_from_row)
            .map_err(&read)?;
        let mut payments = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(read)?;
        let next = if payments.len() > limit {
            payments.truncate(limit);
            payments.last().map(|p| p.cursor)
        } else {
            None
        };
        Ok(HistoryPage { payments, next })
    }

    /// Up to `limit` payments, newest first, skipping the `offset` newest: row `offset` of the
    /// history as a virtualised list shows it. Cost grows with `offset` (SQLite steps over the
    /// skipped rows of the primary key); for sequential paging prefer [`Ledger::history`].
    pub fn history_at(&self, offset: u64, limit: usize) -> Result<Vec<PaymentRecord>> {
        let conn = self.conn();
        let read = self.db_error("read the history");
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments ORDER BY id DESC LIMIT ?1 OFFSET ?2"
            ))
            .map_err(&read)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![limit, offset], payment_from_row)
            .map_err(&read)?;
        rows.collect::<rusqlite::Result<_>>().map_err(read)
    }

    /// How many payments the ledger holds.
    pub fn count(&self) -> Result<u64> {
        self.conn()
            .query_row("SELECT count(*) FROM payments", [], |row| row.get(0))
            .map_err(self.db_error("count payments"))
    }
}

/// Keeps the sale's state equal to what its void says, in the void's transaction: an approved
/// void makes the sale `voided`; a void corrected away from approved makes it `approved` again.
/// Each change is a correction event on the sale naming the void.
fn mark_sale_voided(
    tx: &Connection,
    parent: &str,
    void: &PaymentRecord,
    now: i64,
    void_was: PaymentState,
) -> rusqlite::Result<()> {
    let Some(sale) = find(tx, parent)? else {
        return Ok(());
    };
    let to = match (void.state, void_was, sale.state) {
        (PaymentState::Approved, _, PaymentState::Approved) => PaymentState::Voided,
        (s, PaymentState::Approved, PaymentState::Voided) if s != PaymentState::Approved => {
            PaymentState::Approved
        }
        _ => return Ok(()),
    };
    let now = now.max(sale.updated_ms);
    tx.execute(
        "UPDATE payments SET state = ?2, updated_ms = ?3 WHERE external_id = ?1",
        params![parent, to, now],
    )?;
    let detail = format!("void {} is {}", void.external_id, void.state);
    let cause = format!("void {}", void.external_id);
    let event = NewEvent {
        external_id: parent,
        at_ms: now,
        from: Some(sale.state),
        to,
        cause: &cause,
        detail: &detail,
        correction: true,
    };
    events::append_conn(tx, &event)?;
    Ok(())
}

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

/// What kind of state change [`Ledger::change`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Along the lifecycle.
    Ordinary,
    /// From one final outcome to another, with a reason.
    Correction,
    /// From a final outcome back to `unknown`, with a reason.
    Reopen,
}
