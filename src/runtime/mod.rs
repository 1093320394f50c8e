//! The only impure loop: feeds events to [`crate::app::update`] and executes the effects it
//! returns, **in order** — after a failed `Persist` the batch's later writes and sends are
//! skipped, so nothing is sent after it; its timers are still started.
//!
//! The device and the ledger are reached through two small ports so the same loop drives the
//! TUI, the headless commands and the tests (with the real connector, simulator and SQLite).

mod clock;
mod connector_port;
mod event_loop;
mod ledger_port;
mod ports;
mod read_only;
mod tui;

pub use connector_port::ConnectorPort;
pub use ledger_port::{HISTORY_WINDOW, LedgerStore, sale_link};
pub use read_only::{NoDevice, ReadOnlyLedger};
pub use tui::map_key;

pub use clock::{format_time, now_ms};
pub use event_loop::{Journal, Runtime};
pub use ports::{DevicePort, LedgerPort, SendError};

#[cfg(test)]
mod tests;
