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
mod frame_log;
mod http;
pub mod memory_file;
mod notes;
mod server;
mod simulator;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use cloud::CONNECTED_ID_HEADER;
pub use config::{CloudConfig, DEFAULT_DEVICE_ID, DEV_ACCESS_TOKEN, SimConfig, valid_device_id};
pub use device::{CustomerAction, Screen};
pub use frame_log::Direction;
pub use notes::SimNote;
pub use simulator::{Controller, Simulator};

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listen address could not be bound.
    #[error(
        "cannot listen on {addr}: {message} (is another simulator running there? use port 0 for any free port)"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The system's reason.
        message: String,
    },
    /// Generating the certificate or the TLS configuration failed.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// The CA file could not be written.
    #[error("cannot write the CA certificate to {path}: {message}")]
    CaOut {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
    /// `ca_out` was given without `tls`.
    #[error("--ca-out needs --tls (there is no certificate without TLS)")]
    CaOutWithoutTls,
    /// The saved device memory ([`SimConfig::memory_file`]) cannot be used; the message says
    /// what to do.
    #[error("{0}")]
    Memory(String),
    /// The frame log could not be opened.
    #[error("cannot open the frame log {path}: {message}")]
    FrameLog {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
}
