//! What every connection of one simulator shares: the configuration, the device actors, the
//! cloud tokens, the frame log and notes. Below the listener (`server`) and both HTTP routes
//! (`http`, `cloud`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

use super::actor::{self, ActorMsg, DeviceHandle};
use super::config::{DEFAULT_DEVICE_ID, SimConfig, device_config};
use super::frame_log::FrameLog;
use super::notes::Notes;

/// State shared by every connection of one simulator.
pub(crate) struct Shared {
    pub config: SimConfig,
    devices: Mutex<HashMap<String, DeviceHandle>>,
    /// Cloud connection tokens handed out by the alert endpoint → device id.
    pub cloud_tokens: Mutex<HashMap<String, String>>,
    next_conn: AtomicU64,
    pub log: FrameLog,
    pub notes: Notes,
    pub shutdown: watch::Receiver<bool>,
    /// `ws://HOST:PORT` or `wss://HOST:PORT`.
    pub ws_base: String,
}

impl Shared {
    pub fn new(
        config: SimConfig,
        log: FrameLog,
        notes: Notes,
        shutdown: watch::Receiver<bool>,
        ws_base: String,
    ) -> Shared {
        Shared {
            config,
            devices: Mutex::new(HashMap::new()),
            cloud_tokens: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(1),
            log,
            notes,
            shutdown,
            ws_base,
        }
    }

    /// The device with this id, created (idle, unpaired) on first use.
    pub fn device(&self, id: &str) -> DeviceHandle {
        let mut devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(handle) = devices.get(id)
            && !handle.tx.is_closed()
        {
            return handle.clone();
        }
        let memory = match (&self.config.memory_file, id == DEFAULT_DEVICE_ID) {
            (Some(path), true) => match super::memory_file::load(path) {
                Ok(saved) => Some((path.clone(), saved)),
                Err(e) => {
                    self.notes
                        .note(id, format!("{e}; this run's payments are not kept"));
                    None
                }
            },
            _ => None,
        };
        let handle = actor::spawn(
            id.to_owned(),
            device_config(&self.config.device, id),
            self.notes.clone(),
            memory,
        );
        devices.insert(id.to_owned(), handle.clone());
        handle
    }

    /// The device with this id if it exists.
    pub fn existing_device(&self, id: &str) -> Option<DeviceHandle> {
        let devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        devices.get(id).cloned()
    }

    /// Every device that exists now.
    pub fn all_devices(&self) -> Vec<DeviceHandle> {
        let devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        devices.values().cloned().collect()
    }

    /// Stops every device actor (their connections close with 1001).
    pub fn stop_devices(&self) {
        let devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for handle in devices.values() {
            let _ = handle.tx.send(ActorMsg::Shutdown);
        }
    }

    /// A fresh connection number.
    pub fn next_conn(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }
}
