//! Where a payment stands: its lifecycle, from `created` to a final state.

use std::fmt;
use std::str::FromStr;

/// Where a payment stands. `Created` → `Sent` → `InProgress` → a final state; `Unknown` means we
/// cannot tell yet and recovery must find out (never auto-failed, never auto-retried).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentState {
    /// Persisted; the TX_START frame does not exist yet.
    Created,
    /// TX_START handed to the transport.
    Sent,
    /// The device accepted the TX_START and is working on it.
    InProgress,
    /// Final: money taken.
    Approved,
    /// Final: the card was declined; no money taken.
    Declined,
    /// Final: canceled before authorisation; no money taken.
    Canceled,
    /// Final: authorised, then voided; no money taken.
    Voided,
    /// Final: the device has no payment with this external id and is not working on it.
    NotFound,
    /// Outcome unknown: needs recovery.
    Unknown,
}

impl PaymentState {
    /// Every state.
    pub const ALL: [PaymentState; 9] = [
        PaymentState::Created,
        PaymentState::Sent,
        PaymentState::InProgress,
        PaymentState::Approved,
        PaymentState::Declined,
        PaymentState::Canceled,
        PaymentState::Voided,
        PaymentState::NotFound,
        PaymentState::Unknown,
    ];

    /// The stored name, e.g. `in_progress`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Created => "created",
            PaymentState::Sent => "sent",
            PaymentState::InProgress => "in_progress",
            PaymentState::Approved => "approved",
            PaymentState::Declined => "declined",
            PaymentState::Canceled => "canceled",
            PaymentState::Voided => "voided",
            PaymentState::NotFound => "not_found",
            PaymentState::Unknown => "unknown",
        }
    }

    /// True for approved, declined, canceled, voided and not_found.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PaymentState::Approved
                | PaymentState::Declined
                | PaymentState::Canceled
                | PaymentState::Voided
                | PaymentState::NotFound
        )
    }
}

impl fmt::Display for PaymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored state name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown payment state '{0}'")]
pub struct UnknownState(pub String);

impl FromStr for PaymentState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaymentState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_finality() {
        for st in PaymentState::ALL {
            assert_eq!(st.as_str().parse::<PaymentState>(), Ok(st));
        }
        let finals: Vec<_> = PaymentState::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals.len(), 5);
        assert!(!PaymentState::Unknown.is_final());
        assert!("paid".parse::<PaymentState>().is_err());
    }
}
