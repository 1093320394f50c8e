//! The cut fault ([`super::Faults::cut`]): the connection breaks at one chosen frame, in either
//! direction, once per device — "drop the connection right after (or instead of) frame M".
//! Used by the network-drop and crash tests to break a sale at every frame boundary.

use super::io::ConnId;
use super::{Device, Fx};
use crate::protocol::Sender;

/// How the connection breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutKind {
    /// The TCP connection is dropped without a close frame.
    Drop,
    /// The device stops reading and writing on it; the socket stays open (half-open).
    HalfOpen,
}

/// Break the connection at a frame with `method` going `direction` — the first one after
/// `skip` such frames went through — once per device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// Which way the frame goes: who sends it.
    pub direction: Sender,
    /// Its method, e.g. `"FINISH_OK"`.
    pub method: String,
    /// How many frames of this method and direction go through before the one that cuts (the
    /// device counts them from its start, over every connection): 0 cuts at the first.
    pub skip: u32,
    /// `true`: the frame gets through — the POS receives it, or the device acts on it (its
    /// answers are lost with the connection) — and the connection breaks right after.
    /// `false`: the frame is lost with the connection (the device never acts on it, or never
    /// sends it although its state moved on).
    pub deliver: bool,
    /// Drop or half-open.
    pub kind: CutKind,
}

impl Device {
    /// The cut to apply to a frame of `method` going `direction`, if it is the one configured
    /// and no cut happened on this device yet (it then counts as done).
    pub(super) fn cut_due(&mut self, direction: Sender, method: &str) -> Option<Cut> {
        if self.cut_done {
            return None;
        }
        let cut = self
            .config
            .faults
            .cut
            .as_ref()
            .filter(|c| c.direction == direction && c.method == method)?
            .clone();
        if self.cut_skipped < cut.skip {
            self.cut_skipped += 1;
            return None;
        }
        self.cut_done = true;
        Some(cut)
    }

    /// Breaks the connection as the cut says.
    pub(super) fn apply_cut(&mut self, fx: &mut Fx, conn: ConnId, cut: &Cut) {
        let at = if cut.deliver { "after" } else { "instead of" };
        fx.note(format!(
            "cut fault: breaking POS {conn} ({:?}) {at} {} ({:?})",
            cut.kind, cut.method, cut.direction
        ));
        match cut.kind {
            CutKind::Drop => {
                let reason = format!("connection cut at {}", cut.method);
                self.close(fx, conn, None, &reason);
            }
            CutKind::HalfOpen => self.stall(fx, conn),
        }
    }
}
