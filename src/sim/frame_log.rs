//! The `--frames` log: one JSON line per frame, both directions, readable by `till decode`.
//!
//! `{"ts":<ms>,"device":"<id>","conn":<n>,"dir":"pos->device"|"device->pos","frame":"<text>"}`
//!
//! The file is created 0600 (an existing one is tightened) and frames are redacted like the
//! POS log ([`crate::protocol::redact::redact_frame_text`]: tokens masked, cardholder names and
//! card data beyond brand and last4 removed). Writing is rate-limited to [`LOG_BYTES_PER_SECOND`]
//! (bursts up to [`LOG_BURST_BYTES`]): what a flood would add beyond that is counted, not
//! written, and one `{"ts":…,"note":"…"}` line says how much was left out.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::json;

use super::clock::now_ms;
use super::error::SimError;
use crate::protocol::Sender;
use crate::protocol::redact::redact_frame_text;

/// Bytes a second the log may grow by, sustained.
pub(crate) const LOG_BYTES_PER_SECOND: f64 = 256.0 * 1024.0;
/// Bytes the log may grow by in one burst.
pub(crate) const LOG_BURST_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

/// The open file and its rate limit.
#[derive(Debug)]
struct Writer {
    out: BufWriter<File>,
    /// Byte budget left (a token bucket).
    budget: f64,
    at: Instant,
    /// Frames and bytes left out since the last line written.
    skipped_frames: u64,
    skipped_bytes: u64,
}

impl Writer {
    /// True if `len` more bytes fit the rate limit now (and takes them).
    fn admit(&mut self, len: usize) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * LOG_BYTES_PER_SECOND;
        self.budget = (self.budget + refill).min(LOG_BURST_BYTES);
        self.at = now;
        if self.budget >= len as f64 {
            self.budget -= len as f64;
            true
        } else {
            false
        }
    }
}

/// A shared, append-only frame log; cheap to clone. Logging without a file does nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct FrameLog {
    file: Option<Arc<Mutex<Writer>>>,
}

impl FrameLog {
    /// Opens (creating with mode 0600, or appending to and tightening) the log file.
    pub fn open(path: &Path) -> Result<FrameLog, SimError> {
        let fail = |e: std::io::Error| SimError::FrameLog {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(fail)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(fail)?;
        }
        Ok(FrameLog {
            file: Some(Arc::new(Mutex::new(Writer {
                out: BufWriter::new(file),
                budget: LOG_BURST_BYTES,
                at: Instant::now(),
                skipped_frames: 0,
                skipped_bytes: 0,
            }))),
        })
    }

    /// Records one frame, redacted. Write errors are reported once per frame on stderr, never
    /// fatal; frames over the rate limit are counted instead of written.
    pub fn record(&self, device: &str, conn: u64, sender: Sender, frame: &str) {
        let Some(file) = &self.file else { return };
        let Ok(mut w) = file.lock() else { return };
        // Checked on the raw size first, so a flood costs no redaction work.
        if !w.admit(frame.len()) {
            w.skipped_frames += 1;
            w.skipped_bytes += frame.len() as u64;
            return;
        }
        let frame = redact_frame_text(frame);
        let mut text = String::new();
        if w.skipped_frames > 0 {
            let note = format!(
                "{} frames ({} bytes) not logged: over the frames log rate limit of {} bytes a second",
                w.skipped_frames, w.skipped_bytes, LOG_BYTES_PER_SECOND as u64
            );
            text.push_str(&json!({"ts": now_ms(), "note": note}).to_string());
            text.push('\n');
            w.skipped_frames = 0;
            w.skipped_bytes = 0;
        }
        let line = json!({"ts": now_ms(), "device": device, "conn": conn, "dir": sender.arrow(), "frame": frame});
        text.push_str(&line.to_string());
        text.push('\n');
        let result = w
            .out
            .write_all(text.as_bytes())
            .and_then(|()| w.out.flush());
        if let Err(e) = result {
            eprintln!("till sim: cannot write the frame log: {e}");
        }
    }
}
