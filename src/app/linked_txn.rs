//! The earlier payment a refund, void, capture, increment or tip adjust acts on, the kind of
//! the current transaction, and what the cashier asked of an auth. Pure data.

use crate::payment::PaymentKind;
use crate::protocol::Cents;

/// The sale a refund or void acts on, as the ledger has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaleLink {
    /// The sale's external id.
    pub external_id: String,
    /// The device's payment id of the sale.
    pub device_payment_id: String,
    /// Its order id.
    pub order_id: Option<String>,
    /// The device's ids of the sale's refunds recorded before this one: a refund with one of
    /// these ids is never taken for ours.
    pub known_refunds: Vec<String>,
    /// Card brand and last four digits, for people (`VISA …4242`).
    pub card: Option<String>,
    /// For an auth: its amount before tip; for a pre-auth: its hold now (amount + approved
    /// increments). What a capture, increment or tip adjust is judged against.
    pub amount: Cents,
    /// For an auth: its tip now (0 before any tip adjust).
    pub tip: Cents,
}

/// What the current (or last) transaction is when it is not a sale: a refund, void, credit,
/// auth, pre-auth, capture, increment or tip adjust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnInfo {
    /// Refund, void or credit.
    pub kind: PaymentKind,
    /// The sale a refund or void acts on.
    pub link: Option<SaleLink>,
    /// The device accepted this transaction's TX_START (TX_START_RESPONSE success; kept in the
    /// ledger as the move to `in_progress`). A credit's FINISH_OK `{credit}` carries nothing
    /// that names the credit, so only after this can one be tied to it.
    pub accepted: bool,
}

/// What the cashier asked of an auth or pre-auth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjust {
    /// Capture the pre-auth for `amount` plus `tip`.
    Capture {
        /// The final amount.
        amount: Cents,
        /// The tip.
        tip: Cents,
    },
    /// Hold `amount` more on the pre-auth.
    Increment {
        /// How much more.
        amount: Cents,
    },
    /// Set the auth's tip.
    TipAdjust {
        /// The new tip.
        tip: Cents,
    },
}

impl Adjust {
    /// The ledger kind.
    pub fn kind(self) -> PaymentKind {
        match self {
            Adjust::Capture { .. } => PaymentKind::Capture,
            Adjust::Increment { .. } => PaymentKind::Increment,
            Adjust::TipAdjust { .. } => PaymentKind::TipAdjust,
        }
    }
}
