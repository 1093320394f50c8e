//! The app's typed answer to a request ([`super::Action`]): accepted, or refused and why. The
//! headless commands decide their exit codes from it, never from the notice shown to people.
//!
//! Every `Event::Action` gives one [`super::Effect::Answer`]. What follows at once from an
//! accepted request can still refuse it: its first ledger write failing (nothing was sent), or
//! its request not reaching the device. Then a second `Effect::Answer` (refused) follows, from
//! the event that says so; the runtime keeps the last answer for the caller
//! (`Runtime::take_answer`). A guarded reset is answered again once it is decided: refused for
//! want of confirmation, or unconfirmed when the connection drops after BREAK.

/// Why the app refused (or could not carry out) a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The input is invalid (an amount, an id, a text, an item…); nothing was sent.
    InvalidInput,
    /// The device is not connected or not ready; nothing was sent.
    NotConnected,
    /// The request was recorded but never reached the device (the connection was gone): it is
    /// closed as `not_found`, or, for a plain command, simply not done.
    NotSent,
    /// Another payment (or a closeout) is open; nothing was sent.
    PendingPayment,
    /// The ledger could not record the request, so nothing was sent.
    PersistFailed,
    /// A reset would put a pending payment at risk: it needs the operator's typed confirmation
    /// (its external id).
    ResetNeedsConfirmation,
    /// The reset was sent, but the connection dropped before the device confirmed it.
    ResetUnconfirmed,
}

/// The app's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Taken: the effects that carry it out were given.
    Accepted,
    /// Refused (or not carried out).
    Refused {
        /// Why, for exit codes.
        why: Refusal,
        /// What happened and what to do, for people (the notice says the same).
        text: String,
    },
}

impl Answer {
    /// The refusal, if refused.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Answer::Accepted => None,
            Answer::Refused { why, .. } => Some(*why),
        }
    }
}
