//! The command side: a cloneable handle whose `send` validates a [`DeviceCommand`], hands its
//! message to the connector task and returns as soon as it is on the wire (or refused). Replies
//! arrive as [`crate::device::DeviceInput`]s.
//!
//! A command is sent on the current connection immediately or refused with
//! [`CommandError::NotConnected`]; it is never queued and replayed after a reconnect, so the
//! transport can never send a sale twice.

use tokio::sync::{mpsc, oneshot};

use crate::device::DeviceCommand;
use crate::protocol::Message;

use super::encode;
use super::requests::CommandError;

/// What the handle asks of the connector task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Send this message now (device must be ready), answer with its envelope id.
    Send {
        message: Box<Message>,
        reply: oneshot::Sender<Result<String, CommandError>>,
    },
    /// Close and stop; `done` fires when the socket is closed.
    Dispose { done: oneshot::Sender<()> },
    /// Cut the wait before the next connection attempt short (no effect while connected).
    Reconnect,
}

/// Commands to the device, through one [`ConnectorHandle::send`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ConnectorHandle {
    tx: mpsc::Sender<Command>,
}

impl ConnectorHandle {
    pub(crate) fn new(tx: mpsc::Sender<Command>) -> Self {
        ConnectorHandle { tx }
    }

    async fn send_message(&self, message: Message) -> Result<String, CommandError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Send {
                message: Box::new(message),
                reply,
            })
            .await
            .map_err(|_| CommandError::Disposed)?;
        answer.await.map_err(|_| CommandError::Disposed)?
    }

    /// Sends `command` to the device: validated, framed and written on the current connection,
    /// or refused. Returns the envelope id of the frame sent (ACKs refer to it; empty for
    /// [`DeviceCommand::Reconnect`], which connects again now when the connector waits to
    /// reconnect and does nothing while connected or connecting). The device's answers arrive
    /// as [`crate::device::DeviceInput`]s.
    pub async fn send(&self, command: DeviceCommand) -> Result<String, CommandError> {
        match encode::message_for(&command)? {
            Some(message) => self.send_message(message).await,
            None => {
                let _ = self.tx.send(Command::Reconnect).await;
                Ok(String::new())
            }
        }
    }

    /// Closes the connection (cloud: after SHUTDOWN, like the JS SDK) and stops the connector.
    /// Returns once the socket is closed. Later commands fail with [`CommandError::Disposed`].
    pub async fn dispose(&self) {
        let (done, closed) = oneshot::channel();
        if self.tx.send(Command::Dispose { done }).await.is_ok() {
            let _ = closed.await;
        }
    }
}
