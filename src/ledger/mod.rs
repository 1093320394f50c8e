//! The payment ledger: every sale is recorded here before the device hears of it.
//!
//! One SQLite file (`ledger.sqlite3`, mode 0600, WAL, `synchronous=FULL`) in a data directory
//! (mode 0700) locked by one process at a time (`till.lock`). Tables: `payments` (one row per
//! payment, keyed by external id; card data limited to brand and last four digits),
//! `orders`, `order_lines` and `order_discounts` (the order rung with a sale, kept unchanged),
//! `payment_events` (append-only history of every state change and its cause) and `pairings`
//! (the latest pairing token per device endpoint, see [`LedgerTokenStore`]).
//!
//! Entry point: [`Ledger::open`]; then [`Ledger::create_payment`], [`Ledger::transition`],
//! [`Ledger::correct`], and the readers [`Ledger::get`], [`Ledger::non_final`],
//! [`Ledger::non_final_all`], [`Ledger::history`], [`Ledger::count`], [`Ledger::events`].

mod check;
mod closeouts;
mod error;
mod events;
mod links;
mod lock;
mod open;
mod orders;
mod payments;
mod query;
mod read_error;
mod read_only;
mod records;
mod report;
mod resolve;
mod rows;
pub(crate) mod safe_file;
mod schema;
mod sql;
mod tabs;
mod tokens;
mod transitions;
mod write_check;

pub use closeouts::CloseoutRecord;
pub use error::{LedgerError, Result};
pub use links::Refundable;
pub use lock::LOCK_FILE;
pub use open::{DB_FILE, Ledger};
pub use orders::{DiscountRecord, ItemSold, LineRecord, OrderRecord};
pub use payments::CREATE_CAUSE;
pub use query::{Lookup, MAX_CANDIDATES, PaymentFilter};
pub use read_error::LedgerReadError;
pub use records::{
    HistoryCursor, HistoryPage, MAX_EXTERNAL_ID_LEN, NewPayment, PaymentEvent, PaymentRecord,
    PaymentUpdate,
};
pub use report::{Outcome, Report, Tally, is_partial};
pub use resolve::{CONFLICT_CAUSE, RECOVERY_CAUSE, RESOLVE_CAUSE};
pub use schema::SCHEMA_VERSION;
pub use sql::now_ms;
pub use tabs::Tab;
pub use tokens::LedgerTokenStore;
