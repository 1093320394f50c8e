//! What the POS state machine asks of the ledger and hears from it: writes ([`LedgerOp`]), the
//! facts of a payment it records ([`PaymentFacts`]) and the payments left open at start-up
//! ([`PendingPayment`]). Pure data; the runtime executes the writes.

use crate::payment::{Amounts, PaymentKind, PaymentState};
use crate::protocol::{CardTransaction, Cents, Payment};

/// What a finished or recovered payment looked like on the device (brand and last4 only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFacts {
    /// Clover payment id.
    pub device_payment_id: Option<String>,
    /// Clover order id.
    pub order_id: Option<String>,
    /// Card brand.
    pub card_brand: Option<String>,
    /// Last four digits.
    pub last4: Option<String>,
    /// Authorisation code.
    pub auth_code: Option<String>,
    /// Payment result as the device reported it.
    pub result: Option<String>,
    /// Money actually taken: the payment's amount plus its tip.
    pub amount_charged: Option<Cents>,
    /// The tip as the device's payment says.
    pub tip: Option<Cents>,
    /// The tax as the device's payment says.
    pub tax: Option<Cents>,
    /// For a partial approval: what is still due.
    pub remaining: Option<Cents>,
}

impl PaymentFacts {
    /// Facts from a device payment (never the cardholder name, first6 or tokens), sanitised to
    /// what the ledger stores: a device value the ledger would refuse is dropped, not fatal.
    pub fn from_payment(p: &Payment) -> PaymentFacts {
        let tip = p.tip_amount.filter(|t| *t >= 0);
        let charged = p
            .amount
            .filter(|a| *a >= 0)
            .map(|a| Amounts::new(Cents(a), tip.map(Cents), None).total());
        PaymentFacts {
            device_payment_id: p.id.as_deref().and_then(|v| clean_id(v, 64)),
            order_id: p
                .order
                .as_ref()
                .and_then(|o| o.id.as_deref())
                .and_then(|v| clean_id(v, 64)),
            card_brand: p.card_brand().and_then(|b| clean_brand(&b.to_string())),
            last4: p.last4().and_then(clean_last4),
            auth_code: p.auth_code().and_then(|v| clean_id(v, 32)),
            result: p.result.as_ref().and_then(|r| clean_id(&r.to_string(), 32)),
            amount_charged: charged,
            tip: tip.map(Cents),
            tax: p.tax_amount.filter(|t| *t >= 0).map(Cents),
            remaining: None,
        }
    }
}

/// An identifier the device gave, kept only when it is 1–`max` printable ASCII characters
/// without spaces or control codes.
fn clean_id(v: &str, max: usize) -> Option<String> {
    let ok = !v.is_empty() && v.len() <= max && v.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| v.to_owned())
}

/// A card brand as the ledger stores it: 1–32 characters, no digits, printable ASCII only. A
/// brand the device spells oddly (`VISA2`) keeps its letters (`VISA`); one with none is dropped.
/// The card of a refund or credit as facts to record: its brand and last4, by the same rules
/// as a payment's (a printable brand; the one last4 rule), nothing else set.
pub fn card_facts(card: Option<&CardTransaction>) -> PaymentFacts {
    PaymentFacts {
        card_brand: card
            .and_then(|c| c.card_type.as_ref())
            .and_then(|b| clean_brand(&b.to_string())),
        last4: card.and_then(|c| c.last4.as_deref()).and_then(clean_last4),
        ..PaymentFacts::default()
    }
}

fn clean_last4(v: &str) -> Option<String> {
    crate::protocol::is_last4(v).then(|| v.to_owned())
}

fn clean_brand(v: &str) -> Option<String> {
    let kept: String = v
        .chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == '_' || *c == ' ')
        .take(32)
        .collect();
    let kept = kept.trim().to_owned();
    (!kept.is_empty()).then_some(kept)
}

/// A write to the ledger. The runtime runs these in order and stops the batch at the first
/// failure (so nothing is sent after a failed persist), reporting [`super::Event::PersistFailed`].
#[allow(clippy::large_enum_variant)] // one op at a time, never stored in bulk
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerOp {
    /// Record a new sale in state `created`, before its frame exists.
    Create {
        /// External id.
        external_id: String,
        /// The device's identity from discovery ([`crate::device::DeviceInfo::identity`]); `None`: the
        /// ledger store's own key for the configured device.
        device: Option<String>,
        /// Amount.
        amount: Cents,
        /// Tip.
        tip: Option<Cents>,
        /// Tax.
        tax: Option<Cents>,
        /// The order rung for it (its total is the amount), recorded in the same transaction.
        order: Option<crate::ledger::OrderRecord>,
    },
    /// Record a new refund, void or credit in state `created`, before its frame exists (the
    /// ledger refuses it when the money rules forbid it).
    CreateLinked {
        /// The device's identity (`device:SERIAL@MERCHANT`), when it gave one; else the
        /// configured address is used.
        device: Option<String>,
        /// External id.
        external_id: String,
        /// Refund, void or credit.
        kind: PaymentKind,
        /// The sale a refund or void acts on.
        parent: Option<String>,
        /// Amount.
        amount: Cents,
    },
    /// Record a new capture, increment or tip adjust in state `created`, before its frame
    /// exists (the ledger refuses it when the money rules forbid it).
    CreateAdjustment {
        /// The device's identity, when it gave one; else the configured address is used.
        device: Option<String>,
        /// External id.
        external_id: String,
        /// Capture, increment or tip adjust.
        kind: PaymentKind,
        /// The auth or pre-auth it acts on.
        parent: String,
        /// Capture: the final amount; increment: the increment; tip adjust: the auth's amount.
        amount: Cents,
        /// Capture and tip adjust: the tip.
        tip: Cents,
    },
    /// Record a closeout in state `created`, before its CLOSEOUT_REQUEST exists.
    CreateCloseout {
        /// The device's identity, when it gave one; else the configured address is used.
        device: Option<String>,
        /// Our id for the request.
        request_id: String,
        /// Asked with `allowOpenTabs`.
        allow_open_tabs: bool,
    },
    /// Record where a closeout stands (sent, closed, refused, unknown) and the batch.
    UpdateCloseout {
        /// Our id for the request.
        request_id: String,
        /// Its new state.
        state: crate::payment::CloseoutState,
        /// The batch the device reported.
        batch: crate::payment::Batch,
        /// The device's message, or why the outcome is not known.
        message: Option<String>,
    },
    /// Move a payment to a new state and record why.
    Transition {
        /// External id.
        external_id: String,
        /// New state.
        to: PaymentState,
        /// The frame method or recovery step that caused it.
        cause: String,
        /// Human detail.
        detail: String,
        /// What the device told us about the payment.
        facts: PaymentFacts,
    },
    /// Reopen a final payment as `unknown`: the device later said something that changes the
    /// money (a second FINISH_OK with another result). Recorded as a correction event.
    Reopen {
        /// External id.
        external_id: String,
        /// The frame that conflicts.
        cause: String,
        /// What conflicts.
        detail: String,
    },
    /// Record an event (a recovery step, a reset request) without a state change.
    Note {
        /// External id.
        external_id: String,
        /// What happened.
        cause: String,
        /// Detail.
        detail: String,
    },
    /// Close a payment by hand with a final outcome and the operator's note (see
    /// `Ledger::resolve`: refused unless recovery was tried).
    Resolve {
        /// External id.
        external_id: String,
        /// The final outcome.
        to: PaymentState,
        /// Who checked what.
        note: String,
    },
}

impl LedgerOp {
    /// The id of the record this op creates (a transaction's external id, a closeout's request
    /// id); `None` for an op that changes an existing record.
    pub fn creates(&self) -> Option<&str> {
        match self {
            LedgerOp::Create { external_id, .. }
            | LedgerOp::CreateLinked { external_id, .. }
            | LedgerOp::CreateAdjustment { external_id, .. } => Some(external_id),
            LedgerOp::CreateCloseout { request_id, .. } => Some(request_id),
            _ => None,
        }
    }
}

/// A non-final payment loaded from the ledger at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPayment {
    /// External id.
    pub external_id: String,
    /// Amount.
    pub amount: Cents,
    /// Tip.
    pub tip: Option<Cents>,
    /// Tax.
    pub tax: Option<Cents>,
    /// Stored state.
    pub state: PaymentState,
    /// The device it is for, as the ledger keys it.
    pub device: String,
    /// True when it is keyed by the configured device address (or name), not by an identity.
    pub this_endpoint: bool,
}

/// Why a ledger write failed: typed where the app acts on the reason, the ledger's own words
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersistError {
    /// Refused by the ledger's one-open-payment-per-device rule: the device still has an
    /// unfinished payment (the text says which and what to do).
    PendingPayment(String),
    /// Any other failure (the disk, the database, a refused field).
    Failed(String),
}

impl std::fmt::Display for PersistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PersistError::PendingPayment(m) | PersistError::Failed(m) => f.write_str(m),
        }
    }
}

/// Any other failure, in these words.
impl From<&str> for PersistError {
    fn from(text: &str) -> PersistError {
        PersistError::Failed(text.to_owned())
    }
}

/// Any other failure, in these words.
impl From<String> for PersistError {
    fn from(text: String) -> PersistError {
        PersistError::Failed(text)
    }
}

/// One payment's stored history, for the payment view: its events, oldest first, and the order
/// kept with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentHistory {
    /// The events.
    pub events: Vec<crate::ledger::PaymentEvent>,
    /// The order, when the sale kept one.
    pub order: Option<crate::ledger::OrderRecord>,
}
