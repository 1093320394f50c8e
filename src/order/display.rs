//! An [`Order`] as the customer display shows it, and each [`Change`] as the `SHOW_ORDER_SCREEN`
//! message that tells the display (PROTOCOL.md §7.1). Shapes follow the official JS SDK (golden
//! test: `tests/order_display_golden.rs`).

use crate::protocol::Cents;
use crate::protocol::display::{
    DisplayDiscount, DisplayLineItem, DisplayOrder, Elements, IdsOperation, OrderDeletedOperation,
    OrderUpdate,
};

use super::model::{Change, DiscountKind, Order};

/// What the display shows around the lines. The order id is ours for the display only: it is
/// never the sale's external payment id, which the customer must not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayLabels {
    /// The display order's id.
    pub order_id: String,
    /// Title above the lines (config `order.title`), if any.
    pub title: Option<String>,
    /// Note shown with the order (config `order.note`), if any.
    pub note: Option<String>,
    /// ISO currency code.
    pub currency: String,
}

/// `$12.34`, `-$1.00`: money as the customer reads it.
pub fn money_text(c: Cents) -> String {
    if c.0 < 0 {
        format!("-${}", Cents(-c.0))
    } else {
        format!("${c}")
    }
}

/// The whole order as a `DisplayOrder`.
pub fn display_order(order: &Order, labels: &DisplayLabels) -> DisplayOrder {
    let totals = order.totals();
    let lines = order
        .lines()
        .iter()
        .map(|l| DisplayLineItem {
            id: Some(l.id.clone()),
            order_id: Some(labels.order_id.clone()),
            name: Some(l.display_name().to_owned()),
            price: Some(money_text(l.amount())),
            unit_price: Some(money_text(l.unit_price)),
            quantity: Some(l.quantity.to_string()),
            ..DisplayLineItem::sdk_default()
        })
        .collect();
    let discounts = order
        .discounts()
        .iter()
        .map(|d| match d.kind {
            DiscountKind::Amount(c) => DisplayDiscount {
                id: Some(d.id.clone()),
                name: Some(d.name.clone()),
                amount: Some(money_text(Cents(-c.0))),
                ..DisplayDiscount::default()
            },
            DiscountKind::Percent(p) => DisplayDiscount {
                id: Some(d.id.clone()),
                name: Some(d.name.clone()),
                amount: Some(money_text(Cents(-p.of(totals.subtotal).0))),
                percentage: Some(p.to_string()),
                ..DisplayDiscount::default()
            },
        })
        .collect();
    DisplayOrder {
        id: Some(labels.order_id.clone()),
        currency: Some(labels.currency.clone()),
        subtotal: Some(money_text(totals.subtotal)),
        tax: Some(money_text(totals.tax)),
        total: Some(money_text(totals.total)),
        title: labels.title.clone(),
        note: labels.note.clone(),
        discounts: Some(Elements(discounts)),
        line_items: Some(Elements(lines)),
        amount_remaining: None,
    }
}

/// The SHOW_ORDER_SCREEN payload for one change: the order as it now is plus the one operation
/// naming what changed (none for [`Change::Modified`], like the SDK's `showDisplayOrder`).
pub fn order_update(order: &Order, labels: &DisplayLabels, change: &Change) -> OrderUpdate {
    let ids = |ids: &Vec<String>| {
        Some(IdsOperation {
            ids: Some(Elements(ids.clone())),
            order_id: Some(labels.order_id.clone()),
        })
    };
    let mut update = OrderUpdate {
        order: Some(display_order(order, labels)),
        ..OrderUpdate::default()
    };
    match change {
        Change::LinesAdded(v) => update.line_items_added_operation = ids(v),
        Change::LinesDeleted(v) => update.line_items_deleted_operation = ids(v),
        Change::DiscountsAdded(v) => update.discounts_added_operation = ids(v),
        Change::DiscountsDeleted(v) => update.discounts_deleted_operation = ids(v),
        Change::Modified => {}
    }
    update
}

/// The SHOW_ORDER_SCREEN payload that clears the display (the SDK's `removeDisplayOrder`): the
/// order with an `orderDeletedOperation` naming it.
pub fn order_removed(order: &Order, labels: &DisplayLabels) -> OrderUpdate {
    OrderUpdate {
        order: Some(display_order(order, labels)),
        order_deleted_operation: Some(OrderDeletedOperation {
            id: Some(labels.order_id.clone()),
        }),
        ..OrderUpdate::default()
    }
}
