//! Receipts: a payment as plain text of a fixed width, ready for `lp` or a device printer.
//!
//! [`receipt_text`] is pure (no I/O, no clock): it formats what the ledger holds — the payment,
//! the order rung with it, its refunds and voids — for one merchant name. [`Receipt::load`]
//! reads those from the ledger. Card data on a receipt: brand, last four digits and auth code
//! only. A payment that did not take money (declined, canceled, voided, not found) or whose
//! outcome is not known says so in a framed mark at the top and bottom, so a receipt is never
//! mistaken for a proof of payment.

mod format;
mod load;

pub use format::{MAX_WIDTH, MIN_WIDTH, WIDTH, receipt_text};
pub use load::{Receipt, ReceiptLookup};

#[cfg(test)]
mod tests;
