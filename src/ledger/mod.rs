//! The payment ledger: every sale is recorded here before the device hears of it.

mod state;

pub use state::{PaymentState, UnknownState};
