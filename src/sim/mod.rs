//! The device simulator: a pure device state machine (`device`) and the servers around it.

pub mod cards;
pub mod customer;
pub mod device;
