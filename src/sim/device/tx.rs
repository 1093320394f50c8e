//! The in-flight transaction: what the POS asked for, what the amount's scenario plans, and where
//! the flow stands. Steps that need nobody (processing, tip, receipt) run at once; a transaction
//! only ever rests in one of the [`Phase`]s, waiting for the customer or the POS.

use crate::protocol::{
    Challenge, ChallengeType, DataEntryLocation, Message, PayIntent, Payment, RequestInfo,
    Signature, TipMode,
};
use crate::sim::cards::Card;
use crate::sim::customer::Scenario;

/// Where a transaction waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// "Insert, tap or swipe card": waiting for the customer's card.
    CardPrompt,
    /// CONFIRM_PAYMENT_MESSAGE sent: waiting for PAYMENT_CONFIRMED / PAYMENT_REJECTED.
    Challenge,
    /// "Please sign": waiting for the customer's signature.
    Signing,
    /// VERIFY_SIGNATURE sent: waiting for SIGNATURE_VERIFIED.
    VerifySignature,
}

/// The transaction settings the device honours (from the PayIntent and its transactionSettings).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct TxSettings {
    pub disable_restart: bool,
    pub auto_accept_confirmations: bool,
    pub auto_accept_signature: bool,
    pub disable_receipt_selection: bool,
    pub disable_duplicate_check: bool,
    pub allow_partial_auth: bool,
    pub tip_mode: Option<TipMode>,
    pub signature_threshold: Option<i64>,
    pub signature_location: Option<DataEntryLocation>,
    /// The enabled tip suggestions of the request (`transactionSettings.tipSuggestions`), in
    /// order: (percentage, flat amount).
    pub tip_suggestions: Vec<(Option<i64>, Option<i64>)>,
}

impl TxSettings {
    /// Reads the settings; `disableRestartTransactionWhenFailed` on the PayIntent counts too.
    pub fn from_pay_intent(pi: &PayIntent) -> TxSettings {
        let ts = pi.transaction_settings.clone().unwrap_or_default();
        let tip_suggestions = tip_suggestions(&ts);
        TxSettings {
            disable_restart: ts.disable_restart_transaction_on_failure.unwrap_or(false)
                || pi.disable_restart_transaction_when_failed.unwrap_or(false),
            auto_accept_confirmations: ts.auto_accept_payment_confirmations.unwrap_or(false),
            auto_accept_signature: ts.auto_accept_signature.unwrap_or(false),
            disable_receipt_selection: ts.disable_receipt_selection.unwrap_or(false),
            disable_duplicate_check: ts.disable_duplicate_check.unwrap_or(false),
            allow_partial_auth: pi.allow_partial_auth.unwrap_or(true),
            tip_mode: ts.tip_mode,
            signature_threshold: ts.signature_threshold,
            signature_location: ts.signature_entry_location,
            tip_suggestions,
        }
    }

    /// True when the request's own signature threshold asks for a signature on screen.
    pub fn threshold_wants_signature(&self, amount: i64) -> bool {
        let on_screen = matches!(
            self.signature_location,
            None | Some(DataEntryLocation::OnScreen)
        );
        on_screen && self.signature_threshold.is_some_and(|t| amount >= t)
    }
}

/// What this sale will go through, decided when it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    /// The amount's row of the outcome table.
    pub scenario: Scenario,
    /// A challenge after authorisation.
    pub challenge: Option<ChallengeType>,
    /// A signature on screen.
    pub signature: bool,
    /// Drop the connection instead of sending FINISH_OK.
    pub drop_before_finish_ok: bool,
    /// Stall the connection after TX_START_RESPONSE.
    pub half_open: bool,
    /// Send a stale copy of the FINISH frame later.
    pub late_frame: bool,
}

/// The one transaction a device runs at a time.
#[derive(Debug, Clone)]
pub(super) struct Tx {
    /// Sequence number (stale timers of earlier transactions are ignored).
    pub seq: u64,
    /// Bumped at every phase change (stale customer timers are ignored).
    pub step: u64,
    pub external_id: String,
    pub request_info: Option<RequestInfo>,
    /// A manual refund (TX_START CREDIT): the card gets `amount` back, FINISH_OK `{credit}`.
    pub credit: bool,
    /// Requested amount (a credit's as a positive number).
    pub amount: i64,
    pub tip: i64,
    pub tax: i64,
    /// `now_ms` of the TX_START.
    pub started_ms: i64,
    pub settings: TxSettings,
    pub plan: Plan,
    pub phase: Phase,
    /// A decline already happened (the auto customer then cancels at the restarted prompt).
    pub declined_once: bool,
    /// The customer walked away: the auto customer does nothing more.
    pub walked_away: bool,
    pub card: Option<Card>,
    /// The authorised payment (`Some` once authorised).
    pub payment: Option<Payment>,
    pub signature: Option<Signature>,
    pub challenges: Vec<Challenge>,
    pub challenges_done: bool,
    /// Real profile: the partial authorisation is a PARTIAL_AUTH_CHALLENGE for the POS.
    pub partial_challenge: bool,
    pub signature_done: bool,
    /// The frame the device waits on (CONFIRM_PAYMENT_MESSAGE / VERIFY_SIGNATURE), for
    /// `sendLastMessage`.
    pub waiting: Option<Message>,
}

impl Tx {
    /// Moves to `phase`, making pending customer timers stale.
    pub fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        self.step += 1;
    }

    /// True once the card was authorised (a BREAK must then void the payment).
    pub fn authorised(&self) -> bool {
        self.payment.is_some()
    }
}

/// The enabled tip suggestions of `transactionSettings.tipSuggestions` (a list, or
/// `{"elements": […]}`), as (percentage, flat amount); unreadable entries are skipped.
fn tip_suggestions(ts: &crate::protocol::TransactionSettings) -> Vec<(Option<i64>, Option<i64>)> {
    let Some(value) = ts.extra.get("tipSuggestions") else {
        return Vec::new();
    };
    let list = value.get("elements").unwrap_or(value);
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter(|s| s.get("isEnabled").and_then(|e| e.as_bool()) != Some(false))
                .map(|s| {
                    let pct = s.get("percentage").and_then(|v| v.as_i64());
                    let flat = s.get("amount").and_then(|v| v.as_i64());
                    (pct, flat)
                })
                .filter(|(p, f)| p.is_some() || f.is_some())
                .take(8)
                .collect()
        })
        .unwrap_or_default()
}
