//! The device vocabulary both sides share: the typed inputs the app reacts to
//! ([`DeviceInput`]), the commands it can give ([`DeviceCommand`]) and who the device is
//! ([`DeviceInfo`]).
//!
//! Pure data: no I/O, no tokio. The connector decodes each frame once into [`DeviceInput`]s and
//! turns each [`DeviceCommand`] into its frame; the app decides what they mean.

mod command;
mod connection;
mod info;
mod input;

pub use command::{CommandKind, DeviceCommand};
pub use connection::{DeviceErrorCode, Disconnect, DisconnectReason};
pub use info::DeviceInfo;
pub use input::DeviceInput;
