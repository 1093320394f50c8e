//! The simulated device: a pure state machine. Frames, customer actions and timers go in,
//! frames, closes and timer requests come out. No I/O and no clock reads: the caller passes
//! `now_ms` with every event.

mod config;
mod io;

pub use config::{BusyAnswer, CustomerMode, DeviceConfig, Faults, SecondPos};
pub use io::{ConnId, CustomerAction, Input, Output, Screen, TimerId, Transport};

use crate::protocol::Payment;

/// One simulated Clover device (the state that survives POS connections).
#[derive(Debug)]
pub struct Device {
    config: DeviceConfig,
}

impl Device {
    /// A device in its initial state (idle, unpaired, no payments).
    pub fn new(config: DeviceConfig) -> Device {
        Device { config }
    }

    /// The configuration the device runs with.
    pub fn config(&self) -> &DeviceConfig {
        &self.config
    }

    /// Handles one event at time `now_ms` (ms since the Unix epoch).
    pub fn handle(&mut self, now_ms: i64, input: Input) -> Vec<Output> {
        let _ = (now_ms, input);
        Vec::new()
    }

    /// A customer action. `Err` says why it does not apply right now (nothing changes).
    pub fn act(&mut self, now_ms: i64, action: CustomerAction) -> Result<Vec<Output>, String> {
        let _ = now_ms;
        Err(format!("{action:?} does not apply right now"))
    }

    /// What the screen shows now.
    pub fn screen(&self) -> Screen {
        Screen::default()
    }

    /// Payments the device remembers (last 24 h) with this external id, newest last.
    pub fn payments_by_external_id(&self, external_id: &str) -> Vec<&Payment> {
        let _ = external_id;
        Vec::new()
    }
}
