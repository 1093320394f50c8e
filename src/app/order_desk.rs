//! The order on the sale screen: the cashier's item entry, line edits and discounts, and the
//! customer display kept in step — each change is one SHOW_ORDER_SCREEN naming what changed, the
//! display is cleared when the order is paid or abandoned. Pure: no I/O, no clock, no ids beyond
//! a counter.
//!
//! The item field (Tab to it, or `i`) takes, then Enter:
//! - `CODE` — a catalog code (what a barcode scanner types, followed by Enter);
//! - `NAME=PRICE`, `NAME=PRICExQTY`, `PRICE`, `PRICExQTY` — a priced line (`Tea=2.50x2`); a
//!   price without a name needs its decimal point (`2.50`), a bare number is always a code;
//! - `%N` — an order discount of N percent; `$AMOUNT` — an order discount of that amount.
//!
//! With the item field empty: ↑/↓ select a line, `+`/`-` change its quantity, Backspace removes
//! it, and Enter charges the order's total.

use super::events::Effect;
use crate::device::DeviceCommand;
use crate::order::display::{DisplayLabels, order_removed, order_update};
use crate::order::{Catalog, Change, DiscountKind, NewLine, Order, OrderError, Percent};
use crate::protocol::Cents;

/// Longest text the item field takes.
pub const MAX_ITEM_CHARS: usize = 96;

/// The order being rung and what it needs: catalog, tax rate and display labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderDesk {
    /// The order.
    pub order: Order,
    /// The catalog codes resolve against.
    pub catalog: Catalog,
    /// Order-wide tax rate (config).
    pub tax_rate: Percent,
    /// Title shown on the customer display (config; never the external id).
    pub title: Option<String>,
    /// Note shown on the customer display (config).
    pub note: Option<String>,
    /// Display orders shown so far (the display order id is `ORDER-<n>`).
    pub seq: u64,
    /// Selected line index.
    pub selected: usize,
}

/// What one item-field entry means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemEntry {
    /// A line.
    Line(NewLine),
    /// An order discount.
    Discount(DiscountKind),
}

/// Parses `NAME=PRICE[xQTY]`, `PRICE[xQTY]`, `%N`, `$AMOUNT` or a catalog `CODE` (the same
/// grammar as `till sale --item`). A catalog code wins over a bare price.
pub fn parse_item(text: &str, catalog: &Catalog) -> Result<ItemEntry, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type a catalog code, NAME=PRICE[xQTY], %N or $AMOUNT".into());
    }
    if let Some(item) = catalog.get(t) {
        return Ok(ItemEntry::Line(item.line(1)));
    }
    if let Some(p) = t.strip_prefix('%') {
        let p = Percent::parse(p).map_err(|e| format!("discount: {e}"))?;
        return Ok(ItemEntry::Discount(DiscountKind::Percent(p)));
    }
    if let Some(a) = t.strip_prefix('$') {
        let a = Cents::parse(a).map_err(|e| format!("discount: {e}"))?;
        return Ok(ItemEntry::Discount(DiscountKind::Amount(a)));
    }
    let (name, rest) = match t.rsplit_once('=') {
        Some((n, r)) => (Some(n.trim().to_owned()).filter(|n| !n.is_empty()), r),
        None => (None, t),
    };
    let (price, qty) = match rest.rsplit_once(['x', 'X']) {
        Some((p, q)) => {
            let q: u32 = q
                .trim()
                .parse()
                .map_err(|_| format!("'{q}' is not a quantity: use a whole number, e.g. x3"))?;
            (p, q)
        }
        None => (rest, 1),
    };
    // A bare whole number is a code (what a scanner sends), never a price: a price without a
    // name needs its decimal point (`2.50`, `3.`), so an unknown barcode is not rung as dollars.
    if name.is_none() && !price.contains('.') {
        return Err(format!(
            "no catalog item '{}': type a price with its point (2.50) or NAME=PRICE",
            t.chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect::<String>()
        ));
    }
    let unit_price = Cents::parse(price).map_err(|e| format!("price: {e}"))?;
    Ok(ItemEntry::Line(NewLine {
        name,
        quantity: qty,
        unit_price,
        tax_rate: None,
        code: None,
    }))
}

impl OrderDesk {
    /// The display labels of the current order.
    pub fn labels(&self) -> DisplayLabels {
        DisplayLabels {
            order_id: format!("ORDER-{}", self.seq.max(1)),
            title: self.title.clone(),
            note: self.note.clone(),
            currency: "USD".into(),
        }
    }

    fn apply(&mut self, result: Result<Change, OrderError>) -> Result<Effect, String> {
        let change = result.map_err(|e| e.to_string())?;
        if self.seq == 0 {
            self.seq = 1;
        }
        self.selected = self
            .selected
            .min(self.order.lines().len().saturating_sub(1));
        let update = order_update(&self.order, &self.labels(), &change);
        Ok(Effect::Send(DeviceCommand::ShowOrder(update)))
    }

    /// Adds what the item field says; the effect tells the display.
    pub fn add(&mut self, text: &str) -> Result<Effect, String> {
        if self.order.is_empty() && self.order.discounts().is_empty() {
            self.order = Order::new(self.tax_rate);
        }
        match parse_item(text, &self.catalog)? {
            ItemEntry::Line(line) => {
                let r = self.order.add_line(line);
                if r.is_ok() {
                    self.selected = self.order.lines().len() - 1;
                }
                self.apply(r)
            }
            ItemEntry::Discount(kind) => {
                let name = match kind {
                    DiscountKind::Percent(p) => format!("{p}% off"),
                    DiscountKind::Amount(a) => format!("{a} off"),
                };
                let r = self.order.add_discount(&name, kind);
                self.apply(r)
            }
        }
    }

    fn selected_id(&self) -> Result<String, String> {
        self.order
            .lines()
            .get(self.selected)
            .map(|l| l.id.clone())
            .ok_or_else(|| "the order has no lines".to_owned())
    }

    /// Removes the selected line.
    pub fn remove_selected(&mut self) -> Result<Effect, String> {
        let id = self.selected_id()?;
        let r = self.order.remove_line(&id);
        self.apply(r)
    }

    /// Changes the selected line's quantity by `delta` (never below 1).
    pub fn bump_quantity(&mut self, delta: i64) -> Result<Effect, String> {
        let id = self.selected_id()?;
        let q = i64::from(self.order.lines()[self.selected].quantity) + delta;
        let q = u32::try_from(q).map_err(|_| "quantity is at least 1: remove the line instead")?;
        let r = self.order.set_quantity(&id, q);
        self.apply(r)
    }

    /// Moves the selection.
    pub fn select(&mut self, down: bool) {
        let n = self.order.lines().len();
        if n == 0 {
            return;
        }
        self.selected = if down {
            (self.selected + 1).min(n - 1)
        } else {
            self.selected.saturating_sub(1)
        };
    }

    /// Clears the order and, if the display showed one, the effect that clears the display.
    pub fn clear(&mut self) -> Option<Effect> {
        if self.seq == 0 || (self.order.is_empty() && self.order.discounts().is_empty()) {
            self.order = Order::new(self.tax_rate);
            return None;
        }
        let update = order_removed(&self.order, &self.labels());
        self.order = Order::new(self.tax_rate);
        self.seq += 1;
        self.selected = 0;
        Some(Effect::Send(DeviceCommand::ShowOrder(update)))
    }
}
