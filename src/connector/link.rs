//! What every connection of one connector shares — settings, the token store, the input sender,
//! the command receiver, the frame writer, the latest pairing token — and why the connector task
//! must stop ([`Interrupt`]). Below both the reconnect loop (`runner`) and one connection
//! (`session`).

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::frames::FrameWriter;
use super::handle::Command;
use super::settings::ConnectorSettings;
use super::token_store::TokenStore;
use crate::device::DeviceInput;

/// Why the task must stop what it is doing.
#[derive(Debug)]
pub(crate) enum Interrupt {
    /// `dispose()` was called; fire `done` once closed.
    Disposed(oneshot::Sender<()>),
    /// Every handle, or the input receiver, is gone.
    Gone,
}

/// State shared by every connection of one connector.
pub(crate) struct Link {
    pub settings: Arc<ConnectorSettings>,
    pub tokens: Arc<dyn TokenStore>,
    pub events: mpsc::Sender<DeviceInput>,
    pub commands: mpsc::Receiver<Command>,
    pub writer: FrameWriter,
    /// The latest pairing token (direct), once loaded or received.
    pub token: Option<String>,
}

impl Link {
    /// Hands an input over (and logs it: frames at trace level, their text already
    /// redacted); `Gone` when nobody listens any more.
    pub async fn emit(&self, input: DeviceInput) -> Result<(), Interrupt> {
        match &input {
            DeviceInput::Frame {
                direction, text, ..
            } => tracing::trace!(?direction, frame = %text, "frame"),
            other => tracing::debug!(event = %other, "device event"),
        }
        self.events.send(input).await.map_err(|_| Interrupt::Gone)
    }
}
