//! Operator-facing lines from the simulator: device notes (pairing code, outcomes) and
//! connection events. Printed to stderr for `till sim`, broadcast for embedders.

use tokio::sync::broadcast;

/// One line for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimNote {
    /// The device it concerns.
    pub device: String,
    /// The text (never a secret: tokens are masked, cards are brand + last4).
    pub text: String,
}

/// Where notes go.
#[derive(Debug, Clone)]
pub(crate) struct Notes {
    to_stderr: bool,
    tx: broadcast::Sender<SimNote>,
}

impl Notes {
    pub fn new(to_stderr: bool) -> Notes {
        let (tx, _) = broadcast::channel(256);
        Notes { to_stderr, tx }
    }

    /// Emits a note.
    pub fn note(&self, device: &str, text: impl Into<String>) {
        let text = text.into();
        if self.to_stderr {
            eprintln!("[{device}] {text}");
        }
        let _ = self.tx.send(SimNote {
            device: device.to_owned(),
            text,
        });
    }

    /// A new subscriber, seeing notes emitted from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SimNote> {
        self.tx.subscribe()
    }
}
