//! The device simulator: a pure device state machine ([`device`]) and the servers around it.
//!
//! [`Simulator::start`] binds one listener that serves, on the same port:
//! - `ws[s]://HOST:PORT/remote_pay` — the default device (id [`DEFAULT_DEVICE_ID`]);
//! - `ws[s]://HOST:PORT/remote_pay/<device-id>` — other devices, created on first use, whose
//!   state (pairing tokens, payments) survives reconnects;
//! - with [`SimConfig::cloud`], the emulated Clover cloud (see [`cloud`](self::CloudConfig)):
//!   `POST /v2/merchant/{mId}/remote_pay`, `OPTIONS`/WebSocket `/support/remote_pay/cs`,
//!   `GET /v3/merchants/{mId}/payments?filter=externalPaymentId=…`.
//!
//! Each device is one task owning a [`device::Device`]; it gets every connection, frame,
//! timer and customer action with the wall-clock time and executes the device's outputs in
//! order. Errors from the outside world (bad frames, bad requests) never stop it.

mod actor;
pub mod cards;
mod clock;
mod cloud;
pub mod commands;
mod config;
mod conn;
pub mod customer;
pub mod device;
mod error;
mod frame_log;
mod http;
mod http_parts;
pub mod memory_file;
mod notes;
mod server;
mod shared;
mod simulator;
mod tls;

pub use cloud::CONNECTED_ID_HEADER;
pub use config::{CloudConfig, DEFAULT_DEVICE_ID, DEV_ACCESS_TOKEN, SimConfig, valid_device_id};
pub use device::{CustomerAction, Screen};
pub use error::SimError;
pub use notes::SimNote;
pub use simulator::{Controller, Simulator};
