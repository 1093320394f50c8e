//! Refunds and voids of a sale: what is left to refund, and the money rules checked before one is
//! recorded (the schema's triggers enforce the same rules for any writer).

use rusqlite::{Connection, params};

use super::error::{LedgerError, Result};
use super::open::Ledger;
use super::payments::find;
use super::records::{NewPayment, PaymentRecord};
use super::sql::{PAYMENT_COLUMNS, payment_from_row};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

/// Where a sale stands for refunds and voids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refundable {
    /// The sale.
    pub sale: PaymentRecord,
    /// What it charged, tip included (what it asked for while not approved).
    pub charged: Cents,
    /// Its approved refunds.
    pub refunded: Cents,
    /// Its refunds not final yet (reserved: they may have been taken).
    pub refund_pending: Cents,
    /// What may still be refunded: charged − refunded − pending (0 unless the sale is approved,
    /// not voided and nothing acts on it).
    pub remainder: Cents,
    /// Its refunds and voids, oldest first.
    pub children: Vec<PaymentRecord>,
}

impl Refundable {
    /// The refund or void of this sale that is not final yet, if any.
    pub fn open_child(&self) -> Option<&PaymentRecord> {
        self.children.iter().find(|c| !c.state.is_final())
    }

    /// True when an approved void of this sale exists, or the sale itself is voided.
    pub fn voided(&self) -> bool {
        self.sale.state == PaymentState::Voided
            || self
                .children
                .iter()
                .any(|c| c.kind == PaymentKind::Void && c.state == PaymentState::Approved)
    }

    /// Why a refund of `amount` (or a void, `amount` ignored) cannot be recorded, if it cannot:
    /// the message says what to do.
    pub fn refusal(&self, kind: PaymentKind, amount: Cents) -> Option<String> {
        let sale = &self.sale;
        if sale.kind != PaymentKind::Sale {
            return Some(format!(
                "it is a {}, not a sale; only a sale is refunded or voided",
                sale.kind
            ));
        }
        if self.voided() {
            return Some("it was voided: no money was taken, nothing to give back".to_owned());
        }
        if sale.state != PaymentState::Approved {
            let next = if sale.state.is_final() {
                "nothing was taken, nothing to give back".to_owned()
            } else {
                "its outcome is not known yet: run `till recover` first".to_owned()
            };
            return Some(format!("it is {} ({next})", sale.state));
        }
        if let Some(open) = self.open_child() {
            return Some(format!(
                "its {} {} is {} and may have been done: run `till recover` to settle it first",
                open.kind, open.external_id, open.state
            ));
        }
        match kind {
            PaymentKind::Void if self.refunded.get() > 0 => Some(format!(
                "{} of it was already refunded; refund the rest ({}) instead of voiding",
                self.refunded, self.remainder
            )),
            PaymentKind::Refund if amount.get() <= 0 => {
                Some(format!("the amount {amount} is not more than zero"))
            }
            PaymentKind::Refund if amount > self.remainder => Some(format!(
                "{amount} is more than what is left to refund: {} (charged {}, refunded {}); \
                 refund at most {}",
                self.remainder, self.charged, self.refunded, self.remainder
            )),
            _ => None,
        }
    }
}

/// Reads the sale `external_id` and its refunds and voids, inside a transaction or not.
pub(super) fn refundable_in(
    conn: &Connection,
    external_id: &str,
) -> rusqlite::Result<Option<Refundable>> {
    let Some(sale) = find(conn, external_id)? else {
        return Ok(None);
    };
    let children = children_in(conn, external_id)?;
    let charged = sale.charged().total();
    let mut refunded = 0i64;
    let mut pending = 0i64;
    for c in children.iter().filter(|c| c.kind == PaymentKind::Refund) {
        let amount = c.charged_amount.unwrap_or(c.amount).get();
        if c.state == PaymentState::Approved {
            refunded = refunded.saturating_add(amount);
        } else if !c.state.is_final() {
            pending = pending.saturating_add(amount);
        }
    }
    let mut r = Refundable {
        sale,
        charged,
        refunded: Cents(refunded),
        refund_pending: Cents(pending),
        remainder: Cents::ZERO,
        children,
    };
    if r.sale.kind == PaymentKind::Sale
        && r.sale.state == PaymentState::Approved
        && !r.voided()
        && r.open_child().is_none()
    {
        r.remainder = Cents((charged.get() - refunded - pending).max(0));
    }
    Ok(Some(r))
}

fn children_in(conn: &Connection, external_id: &str) -> rusqlite::Result<Vec<PaymentRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE parent_external_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![external_id], payment_from_row)?;
    rows.collect()
}

/// Refuses `new` (a refund or void) unless its sale may be refunded or voided by it.
pub(super) fn check_new(conn: &Connection, new: &NewPayment) -> Result<(), CheckError> {
    let Some(parent) = new.parent.as_deref() else {
        return Ok(());
    };
    let refused = |why: String| {
        CheckError::Refused(LedgerError::NotRefundable {
            kind: new.kind.as_str(),
            external_id: parent.to_owned(),
            why,
        })
    };
    let Some(r) = refundable_in(conn, parent).map_err(CheckError::Db)? else {
        return Err(CheckError::Refused(LedgerError::NoSuchPayment {
            external_id: parent.to_owned(),
        }));
    };
    match r.refusal(new.kind, new.amount) {
        Some(why) => Err(refused(why)),
        None => Ok(()),
    }
}

/// Why [`check_new`] refused.
pub(super) enum CheckError {
    /// The database failed.
    Db(rusqlite::Error),
    /// A money rule refused it.
    Refused(LedgerError),
}

impl Ledger {
    /// The sale `external_id` with its refunds and voids and what is left to refund.
    pub fn refundable(&self, external_id: &str) -> Result<Refundable> {
        refundable_in(&self.conn(), external_id)
            .map_err(self.db_error("look up a payment's refunds"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })
    }

    /// The refunds and voids of the sale `external_id`, oldest first (empty for other rows).
    pub fn children(&self, external_id: &str) -> Result<Vec<PaymentRecord>> {
        children_in(&self.conn(), external_id).map_err(self.db_error("list a payment's refunds"))
    }
}
