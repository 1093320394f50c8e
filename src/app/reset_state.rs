//! The guarded reset as data: where it is and the confirmation given. The flow itself is
//! `app::reset`.

/// Where the reset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetPhase {
    /// Recovering the pending payment before deciding.
    Recovering,
    /// A payment is at risk; waiting for the typed confirmation.
    NeedsConfirmation,
    /// BREAK sent; waiting for RESET_DEVICE_RESPONSE.
    Sent,
}

/// The running reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetFlow {
    /// Where it is.
    pub phase: ResetPhase,
    /// The confirmation given with the request.
    pub confirm: Option<String>,
}
