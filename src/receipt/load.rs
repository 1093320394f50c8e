//! Reading what a receipt shows from the ledger.

use crate::ledger::{Ledger, LedgerError, Lookup, OrderRecord, PaymentRecord};

/// Everything a receipt shows, as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The payment (a sale, refund, void or credit).
    pub payment: PaymentRecord,
    /// The order rung with it, if it was rung as one.
    pub order: Option<OrderRecord>,
    /// Its refunds and voids, oldest first (a sale's only).
    pub children: Vec<PaymentRecord>,
}

/// What looking a receipt up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptLookup {
    /// The payment and what goes with it.
    Found(Box<Receipt>),
    /// No payment has this external id (or prefix, or device payment id).
    None,
    /// Several external ids start with the text given (the first ones).
    Ambiguous(Vec<PaymentRecord>),
}

impl Receipt {
    /// Looks `text` up like `till payment` (external id, unambiguous prefix, or the device's
    /// payment id) and reads the order and the refunds and voids that go with it.
    pub fn load(ledger: &Ledger, text: &str) -> Result<ReceiptLookup, LedgerError> {
        let payment = match ledger.lookup(text)? {
            Lookup::Found(r) => *r,
            Lookup::None => return Ok(ReceiptLookup::None),
            Lookup::Ambiguous(list) => return Ok(ReceiptLookup::Ambiguous(list)),
        };
        let order = ledger.order(&payment.external_id)?;
        let children = ledger.children(&payment.external_id)?;
        Ok(ReceiptLookup::Found(Box::new(Receipt {
            payment,
            order,
            children,
        })))
    }

    /// The receipt's text for `merchant`, [`super::WIDTH`] columns wide.
    pub fn text(&self, merchant: &str) -> String {
        super::receipt_text(
            merchant,
            &self.payment,
            self.order.as_ref(),
            &self.children,
            super::WIDTH,
        )
    }
}
