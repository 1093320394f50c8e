//! The Clover Remote Pay wire protocol, shared by the POS side and the device simulator.
//!
//! Pure: no I/O. [`Frame::decode`] turns one WebSocket text frame into a typed [`Message`]
//! tolerantly; [`Encoder`] writes frames the way the JS SDK (POS side) or a real device
//! (device side) does. See `../shared/protocol/PROTOCOL.md` for the facts behind every rule.

mod auth;
mod auth_start;
mod auth_summary;
pub mod display;
mod enums;
mod frame;
mod messages;
mod money;
pub mod nested;
mod objects;
pub mod redact;
mod sale;
mod sender;
pub mod summary;
pub mod text;
pub mod tx_settings;
mod wire_enum;

pub use auth::*;
pub use enums::*;
pub use frame::{CLOUD_PACKAGE, DecodeError, Encoder, Frame, RemoteMessage, SNPD_PACKAGE};
pub use messages::*;
pub use money::{AmountError, Cents};
pub use objects::*;
pub use sale::*;
pub use sender::Sender;
pub use tx_settings::SaleTipMode;
