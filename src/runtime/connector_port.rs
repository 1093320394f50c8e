//! The connector as the runtime's device port (its inputs go straight to the runtime: they are
//! already the app's [`crate::device::DeviceInput`]s).

use super::ports::{DevicePort, SendError};
use crate::connector::{CommandError, ConnectorHandle};
use crate::device::DeviceCommand;

/// Sends app commands through a [`ConnectorHandle`].
#[derive(Clone)]
pub struct ConnectorPort {
    handle: ConnectorHandle,
    rest: Option<crate::connector::ConnectorSettings>,
}

impl ConnectorPort {
    /// Wraps a connector handle.
    pub fn new(handle: ConnectorHandle) -> Self {
        ConnectorPort { handle, rest: None }
    }

    /// Also answers REST lookups with these (cloud) settings.
    pub fn with_rest(mut self, settings: crate::connector::ConnectorSettings) -> Self {
        self.rest = Some(settings);
        self
    }

    /// The handle (to dispose it at the end).
    pub fn handle(&self) -> &ConnectorHandle {
        &self.handle
    }
}

fn send_error(e: CommandError) -> SendError {
    let not_sent = !matches!(e, CommandError::SendFailed(_));
    SendError {
        not_sent,
        message: e.to_string(),
    }
}

impl DevicePort for ConnectorPort {
    async fn send(&mut self, command: DeviceCommand) -> Result<(), SendError> {
        self.handle
            .send(command)
            .await
            .map(|_| ())
            .map_err(send_error)
    }

    async fn rest_payments(
        &mut self,
        external_id: &str,
    ) -> Result<Vec<crate::protocol::Payment>, String> {
        match &self.rest {
            Some(settings) => {
                crate::connector::rest::payments_by_external_id(settings, external_id).await
            }
            None => Err("no REST access configured".to_owned()),
        }
    }
}
