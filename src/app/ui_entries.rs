//! What the operator is entering or looking at in a box on a screen: the receipt box, the
//! resolution by hand, the refund/void/credit entry and the ledger's offer for it, and the tabs
//! screen's rows and boxes. Pure data; the keys that drive them are in `app::receipt_box`,
//! `app::manual`, `app::refund_keys` and `app::tab_keys`.

use super::linked_txn::SaleLink;
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

/// The open receipt box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    /// The payment it is for.
    pub external_id: String,
    /// The receipt's lines, or why it could not be read; `None` while loading.
    pub text: Option<Result<String, String>>,
    /// Lines scrolled down.
    pub scroll: u16,
}

impl ReceiptView {
    /// The lines to show: the receipt, what went wrong, or that it is loading.
    pub fn lines(&self) -> Vec<String> {
        match &self.text {
            None => vec![format!("Reading the receipt of {} …", self.external_id)],
            Some(Ok(text)) => text.lines().map(str::to_owned).collect(),
            Some(Err(e)) => vec![format!("No receipt: {e}")],
        }
    }
}

/// The resolution being entered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolveInput {
    /// The outcome chosen, once chosen (`a` approved, `d` declined, `v` voided, `n` not found).
    pub to: Option<PaymentState>,
    /// The note typed (who checked what).
    pub note: String,
    /// Outcome and note given: asking for `y` to confirm.
    pub confirming: bool,
}

/// What the ledger says about a sale the cashier wants to refund or void.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOffer {
    /// The sale.
    pub sale: SaleLink,
    /// What may still be refunded.
    pub remainder: Cents,
    /// What it charged, tip included.
    pub charged: Cents,
    /// Why it cannot be refunded or voided now (the ledger's money rules), if it cannot.
    pub refusal: Option<String>,
}

/// The refund, void or credit being entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundInput {
    /// Refund, void or credit.
    pub kind: PaymentKind,
    /// The sale's external id (empty for a credit).
    pub sale: String,
    /// The ledger's answer, once loaded (`None` while loading; always `None` for a credit).
    pub offer: Option<Result<RefundOffer, crate::ledger::LedgerReadError>>,
    /// The amount typed (prefilled with the remainder).
    pub amount: String,
    /// The confirmation is showing.
    pub confirming: bool,
}

impl RefundInput {
    /// The amount as typed, if it is one.
    pub fn amount(&self) -> Result<Cents, String> {
        Cents::parse(self.amount.trim()).map_err(|e| format!("amount: {e}"))
    }
}

/// What the sale screen's Enter starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryKind {
    /// A sale.
    #[default]
    Sale,
    /// An auth: a tab, its tip adjusted later.
    Auth,
    /// A pre-auth: a hold, captured later.
    PreAuth,
}

impl EntryKind {
    /// The next kind (`k` cycles sale → auth → pre-auth → sale).
    pub fn next(self) -> EntryKind {
        match self {
            EntryKind::Sale => EntryKind::Auth,
            EntryKind::Auth => EntryKind::PreAuth,
            EntryKind::PreAuth => EntryKind::Sale,
        }
    }

    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Sale => "sale",
            EntryKind::Auth => "auth (tab: tip later)",
            EntryKind::PreAuth => "pre-auth (hold: capture later)",
        }
    }
}

/// An open tab as the tabs screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabRow {
    /// Auth or pre-auth.
    pub kind: PaymentKind,
    /// The payment, as a capture or tip adjust names it (its amount: an auth's before tip, a
    /// pre-auth's hold).
    pub link: SaleLink,
}

/// Which box is open on the tabs screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabInput {
    /// Typing the tip of the selected auth.
    Tip {
        /// The tip typed.
        tip: String,
    },
    /// Typing the capture of the selected pre-auth: the amount (prefilled with the hold) and
    /// the tip; `on_tip` when the tip has the cursor.
    Capture {
        /// The amount typed.
        amount: String,
        /// The tip typed.
        tip: String,
        /// The tip field has the cursor.
        on_tip: bool,
    },
    /// Asking to confirm the closeout.
    Closeout,
}
