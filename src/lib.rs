//! `till`: a terminal point of sale for Clover payment devices, and the device simulator it
//! ships with. See README.md for the tour and `../shared/DESIGN.md` for the architecture.

pub mod app;
pub mod cli;
pub mod config;
pub mod connector;
pub mod device;
pub mod ledger;
pub mod logging;
pub mod order;
pub mod payment;
pub mod protocol;
pub mod receipt;
pub mod runtime;
pub mod sim;
pub mod timefmt;
pub mod ui;
