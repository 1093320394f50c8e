//! The POS side of the wire: `till`'s equivalent of Clover's CloverConnector.
//!
//! [`start`] spawns one task that owns the connection: direct (SNPD, `ws://`/`wss://` with
//! pairing and token rotation) or cloud (CPD, HTTP bootstrap then WebSocket), discovery,
//! heartbeat, and reconnects with capped exponential backoff and jitter. It speaks the shared
//! device vocabulary ([`crate::device`]): each [`DeviceCommand`] goes through the cloneable
//! [`ConnectorHandle`]'s one `send` and is written immediately or refused (never queued); each
//! frame from the device is decoded once into the [`DeviceInput`]s that arrive on the receiver.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use till::connector::{self, ConnectorSettings, FileTokenStore};
//! use till::device::{DeviceCommand, DeviceInput};
//! let settings = ConnectorSettings::direct("ws://127.0.0.1:12345/remote_pay");
//! let tokens = Arc::new(FileTokenStore::new("/tmp/till-tokens.json"));
//! let (handle, mut inputs) = connector::start(settings, tokens)?;
//! while let Some(input) = inputs.recv().await {
//!     if let DeviceInput::Ready(_) = input {
//!         handle.send(DeviceCommand::ShowMessage("Hello".into())).await?;
//!     }
//! }
//! # Ok(()) }
//! ```

pub mod backoff;
pub mod cloud;
pub mod decode;
pub mod direct;
pub mod display_requests;
pub mod encode;
pub mod endpoint;
pub mod frames;
pub mod handle;
pub mod heartbeat;
mod link;
pub mod requests;
pub mod rest;
mod runner;
mod session;
pub mod settings;
pub mod tls;
pub mod token_store;
pub mod transport;

use std::sync::Arc;

use tokio::sync::mpsc;

pub use crate::device::{DeviceCommand, DeviceErrorCode, DeviceInput, DisconnectReason};
pub use handle::ConnectorHandle;
pub use requests::CommandError;
pub use settings::{CloudSettings, ConnectorSettings, Secret, SettingsError, TransportSettings};
pub use tls::TlsSetupError;
pub use token_store::{FileTokenStore, TokenStore};

/// Why the connector could not start (nothing was dialed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// A setting is invalid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The CA file or TLS setup is unusable.
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
}

/// Validates `settings`, loads the CA file, and spawns the connector task on the current tokio
/// runtime. The task stops when [`ConnectorHandle::dispose`] is called, or when every handle or
/// the input receiver is dropped.
pub fn start(
    settings: ConnectorSettings,
    tokens: Arc<dyn TokenStore>,
) -> Result<(ConnectorHandle, mpsc::Receiver<DeviceInput>), StartError> {
    settings.validate()?;
    let tls = transport::TlsContext {
        config: tls::client_config(settings.ca_file.as_deref())?,
        ca_file: settings.ca_file.clone(),
        server_name: settings.tls_server_name.clone(),
    };
    let (event_tx, event_rx) = mpsc::channel(settings.event_capacity);
    let (command_tx, command_rx) = mpsc::channel(64);
    let runner = runner::Runner::new(settings, tokens, event_tx, command_rx, tls);
    tokio::spawn(runner.run());
    Ok((ConnectorHandle::new(command_tx), event_rx))
}
