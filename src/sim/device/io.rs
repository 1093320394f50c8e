//! What goes into and comes out of the pure device state machine.

/// One POS connection to the device, numbered by the server.
pub type ConnId = u64;
/// A timer the device asked for; stale ids are ignored.
pub type TimerId = u64;

/// How a POS reached the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Secure Network Pay Display: pairing first.
    Direct,
    /// Cloud Pay Display through the (emulated) Clover proxy: no pairing.
    Cloud,
}

/// An event for the device.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A POS opened a WebSocket to this device.
    Connected {
        /// The connection.
        conn: ConnId,
        /// Direct or cloud.
        transport: Transport,
    },
    /// The connection is gone (closed by either side or broken).
    Disconnected {
        /// The connection.
        conn: ConnId,
    },
    /// A text frame from a POS.
    Frame {
        /// The connection it came on.
        conn: ConnId,
        /// The frame text.
        text: String,
    },
    /// A timer requested with [`Output::StartTimer`] fired.
    Timer(TimerId),
}

/// Something the device wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send a text frame.
    Send {
        /// To this connection.
        conn: ConnId,
        /// The frame text.
        text: String,
    },
    /// Close the connection: with a close frame when `code` is set, abruptly (TCP drop) when not.
    Close {
        /// The connection.
        conn: ConnId,
        /// WebSocket close code, or `None` for an abrupt drop.
        code: Option<u16>,
        /// Close reason.
        reason: String,
    },
    /// Stop reading from and writing to the connection, without closing it (half-open fault).
    Stall {
        /// The connection.
        conn: ConnId,
    },
    /// Call back with [`Input::Timer`] after `after_ms`.
    StartTimer {
        /// Its id.
        id: TimerId,
        /// Delay in milliseconds.
        after_ms: u64,
    },
    /// A line for the operator (pairing code, outcome, …).
    Note(String),
}

/// What a customer (or the operator acting as one) does at the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerAction {
    /// Tap / insert a card with this number (Clover test cards decide the outcome).
    TapCard(String),
    /// Sign on the screen.
    Sign,
    /// The card is declined (as if the issuer said no).
    Decline,
    /// Press Cancel on the device.
    Cancel,
    /// Walk away: nothing more happens until a timeout or the POS acts.
    WalkAway,
    /// Accept the pairing request shown on the screen (as if the code was typed correctly).
    ApprovePairing,
    /// Refuse the pairing request (as if a wrong code was typed).
    RejectPairing,
    /// Power-cycle the device: in-flight transactions and payment ids are forgotten.
    Reboot,
}

/// What the device screen shows, for the TUI device panel and `till sim` status lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    /// Headline, e.g. "Insert, tap or swipe card".
    pub title: String,
    /// Detail text, e.g. the amount.
    pub detail: String,
    /// The pairing code while pairing.
    pub pairing_code: Option<String>,
    /// Customer actions that apply right now (`card`, `sign`, `cancel`, …).
    pub actions: Vec<String>,
    /// The order on the customer display (lines, discounts, totals), empty when none.
    pub order: Vec<String>,
    /// The printer's last job (a heading, then its lines), empty when nothing was printed.
    pub printer: Vec<String>,
}
