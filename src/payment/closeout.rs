//! Closing a device's batch: where a closeout stands and the batch the device reported.

use std::fmt;
use std::str::FromStr;

use crate::protocol::Cents;

/// Where a closeout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseoutState {
    /// Recorded; the CLOSEOUT_REQUEST does not exist yet.
    Created,
    /// Handed to the transport.
    Sent,
    /// Final: the device closed the batch.
    Closed,
    /// Final: the device refused (e.g. open tabs).
    Refused,
    /// The answer never came: the batch may or may not be closed (the dashboard says).
    Unknown,
}

impl CloseoutState {
    /// Every state.
    pub const ALL: [CloseoutState; 5] = [
        CloseoutState::Created,
        CloseoutState::Sent,
        CloseoutState::Closed,
        CloseoutState::Refused,
        CloseoutState::Unknown,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseoutState::Created => "created",
            CloseoutState::Sent => "sent",
            CloseoutState::Closed => "closed",
            CloseoutState::Refused => "refused",
            CloseoutState::Unknown => "unknown",
        }
    }

    /// True while it blocks the device (created or sent).
    pub fn is_open(self) -> bool {
        matches!(self, CloseoutState::Created | CloseoutState::Sent)
    }
}

impl fmt::Display for CloseoutState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored closeout state name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown closeout state '{0}'")]
pub struct UnknownCloseoutState(pub String);

impl FromStr for CloseoutState {
    type Err = UnknownCloseoutState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CloseoutState::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCloseoutState(s.to_owned()))
    }
}

/// The batch a device reported closing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The device's batch id.
    pub id: Option<String>,
    /// Transactions in it.
    pub count: Option<u64>,
    /// Its total.
    pub total: Option<Cents>,
    /// Its state as the device says (`CLOSED`, `PROCESSING`…).
    pub state: Option<String>,
}
