//! The order kept with its sale: lines, discounts and totals, written in the same transaction as
//! the sale's `created` row (schema version 5) and read back by the payment view, the history's
//! item counts, receipts and the report.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::error::Result;
use super::open::Ledger;
use super::schema::ORDER_VERSION;
use crate::order::{DiscountKind, Order, Percent};
use crate::protocol::Cents;

/// One line of a recorded order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRecord {
    /// The line's id within the order (`L1`, `L2`, …; the display's line item id).
    pub line_id: String,
    /// The name the customer saw; `None` showed as "Item".
    pub name: Option<String>,
    /// The catalog code it came from, if any.
    pub code: Option<String>,
    /// How many (1–9999).
    pub quantity: u32,
    /// Price of one.
    pub unit_price: Cents,
    /// The tax rate the line was taxed at (its own, or the order's).
    pub tax_rate: Percent,
}

impl LineRecord {
    /// `quantity × unit_price`.
    pub fn amount(&self) -> Cents {
        Cents(self.unit_price.get() * i64::from(self.quantity))
    }

    /// The name shown for this line ("Item" when it had none).
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("Item")
    }
}

/// One order discount as recorded: its name and what it took off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountRecord {
    /// What the customer saw, e.g. `10% off`.
    pub name: String,
    /// The percentage, for a percent discount; `None` for an amount discount.
    pub percent: Option<Percent>,
    /// What it took off the subtotal (after the cap at the subtotal).
    pub amount: Cents,
}

/// The order rung with a sale, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// The lines, in the order they were rung.
    pub lines: Vec<LineRecord>,
    /// The order discounts, in the order they were applied.
    pub discounts: Vec<DiscountRecord>,
    /// The order-wide tax rate.
    pub tax_rate: Percent,
    /// Σ quantity × unit price.
    pub subtotal: Cents,
    /// Σ of the discounts.
    pub discount: Cents,
    /// Tax.
    pub tax: Cents,
    /// What the customer paid for it: subtotal − discount + tax (the sale's amount).
    pub total: Cents,
}

impl OrderRecord {
    /// The record of `order`, with its totals and what each discount took off (the same rule as
    /// [`crate::order::totals`]). `None` for an order without lines (nothing to keep).
    pub fn of(order: &Order) -> Option<OrderRecord> {
        if order.is_empty() {
            return None;
        }
        let totals = order.totals();
        let lines = order
            .lines()
            .iter()
            .map(|l| LineRecord {
                line_id: l.id.clone(),
                name: l.name.clone(),
                code: l.code.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate.unwrap_or(order.tax_rate()),
            })
            .collect();
        let mut taken = 0i64;
        let discounts = order
            .discounts()
            .iter()
            .map(|d| {
                let (percent, off) = match d.kind {
                    DiscountKind::Amount(a) => (None, a.get()),
                    DiscountKind::Percent(p) => (Some(p), p.of(totals.subtotal).get()),
                };
                let now = (taken + off).min(totals.subtotal.get());
                let amount = Cents(now - taken);
                taken = now;
                DiscountRecord {
                    name: d.name.clone(),
                    percent,
                    amount,
                }
            })
            .collect();
        Some(OrderRecord {
            lines,
            discounts,
            tax_rate: order.tax_rate(),
            subtotal: totals.subtotal,
            discount: totals.discount,
            tax: totals.tax,
            total: totals.total,
        })
    }

    /// How many items: the sum of the lines' quantities.
    pub fn items(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.quantity)).sum()
    }
}

/// Writes `order` for the sale `external_id` (inside the caller's transaction, right after the
/// sale's row): lines, discounts, then the sealing `orders` row the schema checks.
pub(super) fn insert(
    conn: &Connection,
    external_id: &str,
    order: &OrderRecord,
) -> rusqlite::Result<()> {
    let mut line = conn.prepare_cached(
        "INSERT INTO order_lines (external_id, line_no, line_id, name, code, quantity, unit_price, tax_rate) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (no, l) in (1i64..).zip(&order.lines) {
        line.execute(params![
            external_id,
            no,
            l.line_id,
            l.name,
            l.code,
            l.quantity,
            l.unit_price,
            l.tax_rate.milli()
        ])?;
    }
    let mut discount = conn.prepare_cached(
        "INSERT INTO order_discounts (external_id, seq, name, percent, amount) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (seq, d) in (1i64..).zip(&order.discounts) {
        discount.execute(params![
            external_id,
            seq,
            d.name,
            d.percent.map(Percent::milli),
            d.amount
        ])?;
    }
    conn.execute(
        "INSERT INTO orders (external_id, tax_rate, subtotal, discount, tax, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            external_id,
            order.tax_rate.milli(),
            order.subtotal,
            order.discount,
            order.tax,
            order.total
        ],
    )?;
    Ok(())
}

/// True when the database's schema holds orders (a reader may open a ledger an older till
/// wrote and no newer till has migrated yet).
fn has_orders(conn: &Connection) -> rusqlite::Result<bool> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(version >= ORDER_VERSION)
}

/// A stored rate, read back (the schema keeps it within 0–100 %).
fn percent(milli: i64) -> rusqlite::Result<Percent> {
    u32::try_from(milli)
        .ok()
        .and_then(Percent::from_milli)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, milli))
}

fn read(conn: &Connection, external_id: &str) -> rusqlite::Result<Option<OrderRecord>> {
    if !has_orders(conn)? {
        return Ok(None);
    }
    let head = conn
        .prepare_cached(
            "SELECT tax_rate, subtotal, discount, tax, total FROM orders WHERE external_id = ?1",
        )?
        .query_row(params![external_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Cents>(1)?,
                r.get::<_, Cents>(2)?,
                r.get::<_, Cents>(3)?,
                r.get::<_, Cents>(4)?,
            ))
        })
        .optional()?;
    let Some((tax_rate, subtotal, discount, tax, total)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT line_id, name, code, quantity, unit_price, tax_rate FROM order_lines \
         WHERE external_id = ?1 ORDER BY line_no",
    )?;
    let lines = stmt
        .query_map(params![external_id], |r| {
            Ok(LineRecord {
                line_id: r.get(0)?,
                name: r.get(1)?,
                code: r.get(2)?,
                quantity: r.get(3)?,
                unit_price: r.get(4)?,
                tax_rate: percent(r.get(5)?)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, percent, amount FROM order_discounts WHERE external_id = ?1 ORDER BY seq",
    )?;
    let discounts = stmt
        .query_map(params![external_id], |r| {
            Ok(DiscountRecord {
                name: r.get(0)?,
                percent: r.get::<_, Option<i64>>(1)?.map(percent).transpose()?,
                amount: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(OrderRecord {
        lines,
        discounts,
        tax_rate: percent(tax_rate)?,
        subtotal,
        discount,
        tax,
        total,
    }))
}

/// One item of the day's sales: how many were sold and for how much (before order discounts
/// and tax), over the approved sales of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSold {
    /// The catalog code, when the lines came from the catalog.
    pub code: Option<String>,
    /// The name the lines had ("Item" when none).
    pub name: String,
    /// Σ quantities.
    pub quantity: u64,
    /// Σ quantity × unit price.
    pub amount: Cents,
}

/// Most ids one item-count query names (SQLite's parameter limit is far above it).
const COUNT_CHUNK: usize = 500;

impl Ledger {
    /// The order recorded with the sale `external_id`; `None` when it was rung without one (a
    /// typed amount, a refund, or a payment from before orders were kept).
    pub fn order(&self, external_id: &str) -> Result<Option<OrderRecord>> {
        read(&self.conn(), external_id).map_err(self.db_error("read a payment's order"))
    }

    /// What the approved sales created in `[since_ms, until_ms)` sold, line by line grouped by
    /// catalog code (or by name for lines without one), most sold first. A voided sale is not
    /// approved and counts nothing; refunds do not name lines, so they are not taken off.
    pub fn items_sold(
        &self,
        since_ms: Option<i64>,
        until_ms: Option<i64>,
    ) -> Result<Vec<ItemSold>> {
        let conn = self.conn();
        let err = self.db_error("sum the items sold");
        if !has_orders(&conn).map_err(&err)? {
            return Ok(Vec::new());
        }
        let mut stmt = conn
            .prepare_cached(
                "SELECT l.code, coalesce(l.name, 'Item') AS shown, sum(l.quantity), \
                 sum(l.quantity * l.unit_price) FROM order_lines l \
                 JOIN payments p ON p.external_id = l.external_id \
                 WHERE p.kind = 'sale' AND p.state = 'approved' \
                 AND p.created_ms >= ?1 AND p.created_ms < ?2 \
                 GROUP BY coalesce(l.code, ''), CASE WHEN l.code IS NULL THEN shown ELSE '' END \
                 ORDER BY sum(l.quantity) DESC, shown",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map(
                params![since_ms.unwrap_or(i64::MIN), until_ms.unwrap_or(i64::MAX)],
                |r| {
                    Ok(ItemSold {
                        code: r.get(0)?,
                        name: r.get(1)?,
                        quantity: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                        amount: r.get(3)?,
                    })
                },
            )
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// How many items (Σ quantities) each of these payments' orders holds; payments without an
    /// order are absent from the map.
    pub fn item_counts(&self, external_ids: &[&str]) -> Result<HashMap<String, u64>> {
        let conn = self.conn();
        let err = self.db_error("count a payment's items");
        let mut counts = HashMap::new();
        if !has_orders(&conn).map_err(&err)? {
            return Ok(counts);
        }
        for chunk in external_ids.chunks(COUNT_CHUNK) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT external_id, sum(quantity) FROM order_lines \
                     WHERE external_id IN ({marks}) GROUP BY external_id"
                ))
                .map_err(&err)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(chunk), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(&err)?;
            for row in rows {
                let (id, n) = row.map_err(&err)?;
                counts.insert(id, u64::try_from(n).unwrap_or(0));
            }
        }
        Ok(counts)
    }
}
