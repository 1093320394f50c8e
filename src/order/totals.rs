//! Subtotal, discount, tax and total of an order.
//!
//! The rule (half-up is defined in [`super::rate::round_half_up`]):
//! 1. subtotal = Σ quantity × unit price;
//! 2. each discount in turn: a percent discount is that percentage of the subtotal, rounded
//!    half-up to the cent; an amount discount is its amount; the running discount never exceeds
//!    the subtotal;
//! 3. net = subtotal − discount;
//! 4. tax, per tax rate: the lines at that rate carry their share of the net
//!    (their amount × net / subtotal) and the tax is that share × rate, rounded half-up to the
//!    cent **once per rate** (no per-line rounding);
//! 5. total = net + Σ tax.

use std::collections::BTreeMap;

use crate::protocol::Cents;

use super::model::{DiscountKind, Order};
use super::rate::{Percent, round_half_up};

/// The money of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Σ quantity × unit price.
    pub subtotal: Cents,
    /// Total taken off by discounts (≥ 0, ≤ subtotal).
    pub discount: Cents,
    /// Tax on the discounted amount.
    pub tax: Cents,
    /// What the customer pays: subtotal − discount + tax.
    pub total: Cents,
}

impl Order {
    /// Subtotal, discount, tax and total (computed here, by the rule of this module, so that the
    /// model does not import its own totals).
    pub fn totals(&self) -> Totals {
        totals(self)
    }
}

/// Computes [`Totals`] by the rule in this module's documentation.
pub fn totals(order: &Order) -> Totals {
    let subtotal: i64 = order.lines().iter().map(|l| l.amount().0).sum();
    let mut discount: i64 = 0;
    for d in order.discounts() {
        let off = match d.kind {
            DiscountKind::Amount(c) => c.0,
            DiscountKind::Percent(p) => p.of(Cents(subtotal)).0,
        };
        discount = (discount + off).min(subtotal);
    }
    let net = subtotal - discount;
    let mut by_rate: BTreeMap<Percent, i64> = BTreeMap::new();
    for line in order.lines() {
        *by_rate
            .entry(line.tax_rate.unwrap_or(order.tax_rate()))
            .or_default() += line.amount().0;
    }
    let tax: i64 = if subtotal == 0 {
        0
    } else {
        by_rate
            .iter()
            .map(|(rate, amount)| {
                let numerator = i128::from(*amount) * i128::from(net) * i128::from(rate.milli());
                round_half_up(numerator, i128::from(subtotal) * 100_000).0
            })
            .sum()
    };
    Totals {
        subtotal: Cents(subtotal),
        discount: Cents(discount),
        tax: Cents(tax),
        total: Cents(net + tax),
    }
}
