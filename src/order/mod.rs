//! Orders: the lines a cashier rings, their discounts and tax, and the catalog that turns a typed
//! or scanned code into a line. Pure: no I/O except [`Catalog::load`].
//!
//! Money rule: tax and percent discounts are rounded to the cent **half-up** (half a cent rounds
//! away from zero), once per tax rate; see [`totals`] for the whole computation.

pub mod catalog;
pub mod display;
mod model;
mod rate;
pub mod totals;

#[cfg(test)]
mod tests;

pub use catalog::{Catalog, CatalogError, Item};
pub use model::*;
pub use rate::{Percent, PercentError, round_half_up};
pub use totals::Totals;
