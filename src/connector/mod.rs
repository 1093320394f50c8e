//! The POS side of the wire: transport, pairing, heartbeat, reconnect; commands in, events out.

pub mod token_store;

pub use token_store::{FileTokenStore, TokenStore};
