//! The recovery procedure (PROTOCOL.md §6.5) as data: why it started, where it is and the
//! steps taken. The procedure itself is `app::recovery`.

use crate::protocol::ExternalDeviceState;

/// Why recovery started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryReason {
    /// The device became ready (connect, reconnect, restart).
    Ready,
    /// A new sale was asked for while this one is open.
    BeforeSale,
    /// A reset was asked for.
    BeforeReset,
    /// The device was reset.
    AfterReset,
    /// The operator asked.
    OnDemand,
    /// An answer did not come in time.
    Timeout,
    /// The device said the external id was used before.
    Duplicate,
}

impl RecoveryReason {
    /// Short text.
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryReason::Ready => "device ready",
            RecoveryReason::BeforeSale => "before a new sale",
            RecoveryReason::BeforeReset => "before a reset",
            RecoveryReason::AfterReset => "after a reset",
            RecoveryReason::OnDemand => "on demand",
            RecoveryReason::Timeout => "timeout",
            RecoveryReason::Duplicate => "duplicate external id",
        }
    }
}

/// Where the procedure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryStep {
    /// Waiting for RETRIEVE_DEVICE_STATUS_RESPONSE.
    AwaitStatus,
    /// Waiting for RETRIEVE_PAYMENT_RESPONSE.
    AwaitPayment,
    /// The device still works on the payment; asking again later.
    Polling,
    /// Waiting for Clover's REST API (cloud mode).
    AwaitRest,
    /// Waiting for the connection to come back.
    Suspended,
}

/// One step taken and its answer, for the Check Payment Status screen and the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    /// What was asked or received.
    pub what: String,
    /// The answer.
    pub answer: String,
}

/// The running procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Why it started.
    pub reason: RecoveryReason,
    /// Where it is.
    pub step: RecoveryStep,
    /// Steps so far.
    pub steps: Vec<StepRecord>,
    /// Status rounds done.
    pub rounds: u32,
    /// Device state from the last status answer.
    pub device_state: Option<ExternalDeviceState>,
    /// The external id the device said it works on.
    pub device_external_id: Option<String>,
}

impl Recovery {
    pub(super) fn suspend(&mut self) {
        self.step = RecoveryStep::Suspended;
    }
}

/// How an answer left the recovery procedure: the flow above it decides what runs next (a
/// reset waiting on recovery, the next poll).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum RoundEnd {
    /// Still waiting for an answer (or the answer was not for this round).
    Waiting,
    /// The payment reached its outcome: recovery is over.
    Resolved,
    /// The round ended without an outcome; with `poll`, the device is to be asked again later.
    Unsettled {
        /// Ask again after the backoff delay.
        poll: bool,
    },
}
