//! The customer display's order (PROTOCOL.md §7.1): SHOW_ORDER_SCREEN applied to the simulated
//! screen.
//!
//! A SHOW_ORDER_SCREEN is refused with REMOTE_ERROR 422 (and the screen left as it was) when the
//! device's message classes could not apply it: no order, more than one operation, an operation
//! for another order, an empty id list, added ids missing from the order, deleted ids still in
//! it, or an order too large to show.

use crate::protocol::display::{DisplayOrder, IdsOperation, OrderUpdate};
use crate::protocol::{UiDirection, UiState};

use super::io::ConnId;
use super::outbox::{ERROR_BAD_REQUEST, ui_state};
use super::text::clean;
use super::{Device, Display, Fx};

/// Most lines a simulated display order may hold.
pub const MAX_DISPLAY_LINES: usize = 500;

/// The customer display's order on the simulated device.
#[derive(Debug, Default)]
pub(super) struct OrderDisplay {
    /// The order on the customer display, if any.
    pub order: Option<DisplayOrder>,
}

fn check_ids(
    op: &IdsOperation,
    order_id: Option<&str>,
    present: &dyn Fn(&str) -> bool,
    want_present: bool,
    what: &str,
) -> Result<(), String> {
    if op.order_id.as_deref() != order_id {
        return Err(format!("{what}: orderId does not name the order shown"));
    }
    let ids = op.ids.as_ref().map(|e| e.0.as_slice()).unwrap_or(&[]);
    if ids.is_empty() {
        return Err(format!("{what}: no ids"));
    }
    if let Some(bad) = ids.iter().find(|id| present(id) != want_present) {
        let state = if want_present { "is not" } else { "is still" };
        return Err(format!("{what}: id '{}' {state} in the order", clean(bad)));
    }
    Ok(())
}

/// Why an order update cannot be applied, or `Ok(true)` when it removes the order.
fn validate(m: &OrderUpdate) -> Result<bool, String> {
    let Some(order) = &m.order else {
        return Err("SHOW_ORDER_SCREEN without an order".into());
    };
    if m.operation_count() > 1 {
        return Err("SHOW_ORDER_SCREEN with more than one operation".into());
    }
    let lines = order
        .line_items
        .as_ref()
        .map(|e| e.0.as_slice())
        .unwrap_or(&[]);
    if lines.len() > MAX_DISPLAY_LINES {
        return Err(format!("more than {MAX_DISPLAY_LINES} lines"));
    }
    let discounts = order
        .discounts
        .as_ref()
        .map(|e| e.0.as_slice())
        .unwrap_or(&[]);
    let has_line = |id: &str| lines.iter().any(|l| l.id.as_deref() == Some(id));
    let has_discount = |id: &str| discounts.iter().any(|d| d.id.as_deref() == Some(id));
    let oid = order.id.as_deref();
    if let Some(op) = &m.line_items_added_operation {
        check_ids(op, oid, &has_line, true, "lineItemsAddedOperation")?;
    }
    if let Some(op) = &m.line_items_deleted_operation {
        check_ids(op, oid, &has_line, false, "lineItemsDeletedOperation")?;
    }
    if let Some(op) = &m.discounts_added_operation {
        check_ids(op, oid, &has_discount, true, "discountsAddedOperation")?;
    }
    if let Some(op) = &m.discounts_deleted_operation {
        check_ids(op, oid, &has_discount, false, "discountsDeletedOperation")?;
    }
    if let Some(op) = &m.order_deleted_operation {
        if op.id.is_none() || op.id.as_deref() != oid {
            return Err("orderDeletedOperation: id does not name the order shown".into());
        }
        return Ok(true);
    }
    Ok(false)
}

impl Device {
    /// SHOW_ORDER_SCREEN: show (or remove) the order; UI_STATE DISPLAY_ORDER on show.
    pub(super) fn on_show_order(&mut self, fx: &mut Fx, conn: ConnId, m: OrderUpdate) {
        match validate(&m) {
            Err(why) => self.remote_error(fx, conn, ERROR_BAD_REQUEST, &why),
            Ok(true) => {
                self.orders.order = None;
                self.display = Display {
                    title: "Welcome".into(),
                    detail: String::new(),
                };
                fx.note("order removed from the display");
                let msg = ui_state(UiState::DisplayOrder, "", UiDirection::Exit);
                self.send(fx, conn, &msg);
            }
            Ok(false) => {
                let order = m.order.unwrap_or_default();
                fx.note(format!(
                    "display order: {} lines, total {}",
                    order.line_items.as_ref().map_or(0, |l| l.0.len()),
                    clean(order.total.as_deref().unwrap_or("-"))
                ));
                self.orders.order = Some(order);
                let msg = ui_state(UiState::DisplayOrder, "Order", UiDirection::Enter);
                self.send(fx, conn, &msg);
            }
        }
    }

    /// The order lines as the customer display shows them (name, quantity, price), then the
    /// discounts and the totals. Empty when no order is shown. Device text is stripped of
    /// control characters.
    pub fn display_order_lines(&self) -> Vec<String> {
        let Some(o) = &self.orders.order else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(t) = &o.title {
            out.push(clean(t));
        }
        for l in o.line_items.iter().flat_map(|e| &e.0) {
            out.push(format!(
                "{} × {}  {}",
                clean(l.quantity.as_deref().unwrap_or("1")),
                clean(l.name.as_deref().unwrap_or("Item")),
                clean(l.price.as_deref().unwrap_or(""))
            ));
        }
        for d in o.discounts.iter().flat_map(|e| &e.0) {
            out.push(format!(
                "{}  {}",
                clean(d.name.as_deref().unwrap_or("Discount")),
                clean(d.amount.as_deref().unwrap_or(""))
            ));
        }
        let field =
            |name: &str, v: &Option<String>| v.as_deref().map(|v| format!("{name} {}", clean(v)));
        out.extend(field("Subtotal", &o.subtotal));
        out.extend(field("Tax", &o.tax));
        out.extend(field("Total", &o.total));
        out
    }
}
