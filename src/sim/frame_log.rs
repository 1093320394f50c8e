//! The `--frames` log: one JSON line per frame, both directions, readable by `till decode`.
//!
//! `{"ts":<ms>,"device":"<id>","conn":<n>,"dir":"pos->device"|"device->pos","frame":"<text>"}`

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::SimError;
use super::clock::now_ms;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the POS to the device.
    PosToDevice,
    /// From the device (or the emulated cloud proxy) to the POS.
    DeviceToPos,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::PosToDevice => "pos->device",
            Direction::DeviceToPos => "device->pos",
        }
    }
}

/// A shared, append-only frame log; cheap to clone. Logging without a file does nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct FrameLog {
    file: Option<Arc<Mutex<BufWriter<File>>>>,
}

impl FrameLog {
    /// Opens (creating or appending to) the log file.
    pub fn open(path: &Path) -> Result<FrameLog, SimError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| SimError::FrameLog {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        Ok(FrameLog {
            file: Some(Arc::new(Mutex::new(BufWriter::new(file)))),
        })
    }

    /// Records one frame. Write errors are reported once per frame on stderr, never fatal.
    pub fn record(&self, device: &str, conn: u64, dir: Direction, frame: &str) {
        let Some(file) = &self.file else { return };
        let line = json!({"ts": now_ms(), "device": device, "conn": conn, "dir": dir.label(), "frame": frame});
        let Ok(mut out) = file.lock() else { return };
        let result = writeln!(out, "{line}").and_then(|()| out.flush());
        if let Err(e) = result {
            eprintln!("till sim: cannot write the frame log: {e}");
        }
    }
}
