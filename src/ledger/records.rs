//! The values the ledger takes and gives: new payments, field updates, stored payments, events.
//!
//! Card data is limited to the brand and the last four digits; nothing here can hold a card
//! number, a cardholder name or a token.

use super::error::{LedgerError, Result};
use crate::payment::{Amounts, PaymentKind, PaymentState};
use crate::protocol::{Cents, SaleError};

pub use crate::protocol::MAX_EXTERNAL_ID_LEN;

/// A payment about to be recorded (state `created`), before the device hears of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// The external payment id sent to the device: 1–32 printable ASCII characters.
    pub external_id: String,
    /// The device it is for: its endpoint (e.g. `ws://127.0.0.1:40123/remote_pay`) or id.
    pub device: String,
    /// What kind of payment.
    pub kind: PaymentKind,
    /// The amount asked for, before tip (> 0).
    pub amount: Cents,
    /// The tip asked for (≥ 0).
    pub tip: Cents,
    /// The tax included (≥ 0), for the record.
    pub tax: Cents,
    /// For a refund, void, capture, increment or tip adjust: the external id of the payment it
    /// acts on; `None` otherwise.
    pub parent: Option<String>,
}

impl NewPayment {
    /// A sale of `amount` with no tip and no tax.
    pub fn sale(external_id: impl Into<String>, device: impl Into<String>, amount: Cents) -> Self {
        NewPayment {
            external_id: external_id.into(),
            device: device.into(),
            kind: PaymentKind::Sale,
            amount,
            tip: Cents::ZERO,
            tax: Cents::ZERO,
            parent: None,
        }
    }

    /// A refund of `amount` of the sale `parent`.
    pub fn refund(
        external_id: impl Into<String>,
        device: impl Into<String>,
        parent: impl Into<String>,
        amount: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::Refund,
            parent: Some(parent.into()),
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// A void of the sale `parent`, whose charged total is `amount`.
    pub fn void(
        external_id: impl Into<String>,
        device: impl Into<String>,
        parent: impl Into<String>,
        amount: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::Void,
            parent: Some(parent.into()),
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// An auth (tip-adjustable payment) of `amount`.
    pub fn auth(external_id: impl Into<String>, device: impl Into<String>, amount: Cents) -> Self {
        NewPayment {
            kind: PaymentKind::Auth,
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// A pre-auth (hold) of `amount`.
    pub fn preauth(
        external_id: impl Into<String>,
        device: impl Into<String>,
        amount: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::PreAuth,
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// The capture of the pre-auth `parent` for `amount` plus `tip`.
    pub fn capture(
        external_id: impl Into<String>,
        device: impl Into<String>,
        parent: impl Into<String>,
        amount: Cents,
        tip: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::Capture,
            parent: Some(parent.into()),
            tip,
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// An increment of the pre-auth `parent`'s hold by `amount`.
    pub fn increment(
        external_id: impl Into<String>,
        device: impl Into<String>,
        parent: impl Into<String>,
        amount: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::Increment,
            parent: Some(parent.into()),
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// A tip adjust of the auth `parent` (of `amount`) to `tip`.
    pub fn tip_adjust(
        external_id: impl Into<String>,
        device: impl Into<String>,
        parent: impl Into<String>,
        amount: Cents,
        tip: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::TipAdjust,
            parent: Some(parent.into()),
            tip,
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// A credit (manual refund) of `amount`.
    pub fn credit(
        external_id: impl Into<String>,
        device: impl Into<String>,
        amount: Cents,
    ) -> Self {
        NewPayment {
            kind: PaymentKind::Credit,
            ..NewPayment::sale(external_id, device, amount)
        }
    }

    /// Its amount, tip and tax (a zero tip or tax: none given).
    pub fn amounts(&self) -> Amounts {
        Amounts::stored(self.amount, self.tip, self.tax)
    }

    /// Refuses ids, devices and amounts the ledger cannot record.
    pub(super) fn validate(&self) -> Result<()> {
        validate_external_id(&self.external_id)?;
        if self.device.trim().is_empty() {
            return Err(invalid(
                "device",
                "empty: give the device endpoint or id".to_owned(),
            ));
        }
        if self.amount.get() <= 0 {
            return Err(invalid(
                "amount",
                format!("{} is not more than zero", self.amount),
            ));
        }
        for (field, value) in [("tip", self.tip), ("tax", self.tax)] {
            if value.get() < 0 {
                return Err(invalid(field, format!("{value} is negative")));
            }
        }
        match (&self.parent, self.kind.has_parent()) {
            (Some(parent), true) => validate_external_id(parent)?,
            (None, true) => {
                return Err(invalid(
                    "payment",
                    format!("a {} must name the payment it acts on", self.kind),
                ));
            }
            (Some(_), false) => {
                return Err(invalid(
                    "payment",
                    format!("a {} does not act on another payment", self.kind),
                ));
            }
            (None, false) => {}
        }
        if !self.kind.carries_tip() && self.tip != Cents::ZERO {
            return Err(invalid(
                "tip",
                format!("a {} carries no tip of its own", self.kind),
            ));
        }
        Ok(())
    }
}

/// Checks an external id with the one rule ([`crate::protocol::validate_external_id`]: 1–32
/// printable ASCII characters), in the ledger's words.
pub(crate) fn validate_external_id(id: &str) -> Result<()> {
    match crate::protocol::validate_external_id(id) {
        Ok(()) => Ok(()),
        Err(SaleError::ExternalIdNotPrintable) if id.len() <= MAX_EXTERNAL_ID_LEN => Err(invalid(
            "external id",
            format!(
                "'{}' has spaces or characters other than printable ASCII",
                id.escape_debug()
            ),
        )),
        Err(_) => Err(invalid(
            "external id",
            format!(
                "'{id}' has {} characters; use 1 to {MAX_EXTERNAL_ID_LEN}",
                id.len()
            ),
        )),
    }
}

fn invalid(field: &'static str, reason: String) -> LedgerError {
    LedgerError::InvalidField { field, reason }
}

/// Fields learned about a payment, recorded together with a state change. `None` leaves the
/// stored value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentUpdate {
    /// The device's own payment id (Clover `payment.id`).
    pub device_payment_id: Option<String>,
    /// The Clover order id.
    pub order_id: Option<String>,
    /// Card brand, e.g. `VISA` (letters only: never a card number).
    pub card_brand: Option<String>,
    /// The card's last four digits (exactly four digits).
    pub last4: Option<String>,
    /// The authorisation code.
    pub auth_code: Option<String>,
    /// The amount actually charged before tip (e.g. half the amount after a partial auth).
    pub charged_amount: Option<Cents>,
    /// The tip actually charged.
    pub charged_tip: Option<Cents>,
    /// The device's result, e.g. `SUCCESS`, `FAIL`, `CANCEL`, `VOIDED`.
    pub result: Option<String>,
    /// The device's reason code, e.g. `REJECT_DUPLICATE`.
    pub reason: Option<String>,
    /// The device's message for people.
    pub message: Option<String>,
    /// Set for a partial approval: less was taken than asked for.
    pub partial: Option<bool>,
}

impl PaymentUpdate {
    /// Refuses anything that could carry more card data than brand and last four digits.
    pub(super) fn validate(&self) -> Result<()> {
        if !self.last4.as_deref().is_none_or(crate::protocol::is_last4) {
            return Err(invalid(
                "last4",
                "must be exactly the last four digits of the card".to_owned(),
            ));
        }
        let brand_ok =
            |b: &&String| !b.is_empty() && b.len() <= 32 && !b.bytes().any(|c| c.is_ascii_digit());
        if let Some(brand) = self.card_brand.as_ref().filter(|b| !brand_ok(b)) {
            return Err(invalid(
                "card brand",
                format!(
                    "'{}' is not a brand name (1–32 characters, no digits)",
                    brand.escape_debug()
                ),
            ));
        }
        for (field, value) in [
            ("charged amount", self.charged_amount),
            ("charged tip", self.charged_tip),
        ] {
            if let Some(v) = value.filter(|v| v.get() < 0) {
                return Err(invalid(field, format!("{v} is negative")));
            }
        }
        Ok(())
    }
}

/// Where a payment sits in the history; pass it to `Ledger::history` to get the older rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HistoryCursor(pub(super) i64);

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// Its place in the history (creation order).
    pub cursor: HistoryCursor,
    /// The external payment id.
    pub external_id: String,
    /// The device endpoint or id.
    pub device: String,
    /// What kind of payment.
    pub kind: PaymentKind,
    /// For a refund or a void: the external id of the sale it acts on.
    pub parent: Option<String>,
    /// The amount asked for, before tip.
    pub amount: Cents,
    /// The tip asked for.
    pub tip: Cents,
    /// The tax included.
    pub tax: Cents,
    /// Where it stands.
    pub state: PaymentState,
    /// The device's own payment id.
    pub device_payment_id: Option<String>,
    /// The Clover order id.
    pub order_id: Option<String>,
    /// Card brand.
    pub card_brand: Option<String>,
    /// Last four digits of the card.
    pub last4: Option<String>,
    /// Authorisation code.
    pub auth_code: Option<String>,
    /// The amount actually charged before tip, once known.
    pub charged_amount: Option<Cents>,
    /// The tip actually charged, once known.
    pub charged_tip: Option<Cents>,
    /// The device's result.
    pub result: Option<String>,
    /// The device's reason code.
    pub reason: Option<String>,
    /// The device's message.
    pub message: Option<String>,
    /// A partial approval: less was taken than asked for.
    pub partial: bool,
    /// When it was recorded (milliseconds since the Unix epoch).
    pub created_ms: i64,
    /// When it last changed (milliseconds since the Unix epoch).
    pub updated_ms: i64,
}

impl PaymentRecord {
    /// The amount, tip and tax asked for (a zero tip or tax: none given).
    pub fn amounts(&self) -> Amounts {
        Amounts::stored(self.amount, self.tip, self.tax)
    }

    /// The amount and tip actually charged where known, else those asked for; the tax asked.
    pub fn charged(&self) -> Amounts {
        Amounts::stored(
            self.charged_amount.unwrap_or(self.amount),
            self.charged_tip.unwrap_or(self.tip),
            self.tax,
        )
    }
}

/// One entry of a payment's append-only history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    /// The payment.
    pub external_id: String,
    /// 1 for the creation, then 2, 3, … without gaps.
    pub seq: i64,
    /// When (milliseconds since the Unix epoch).
    pub at_ms: i64,
    /// The state before; `None` for the creation.
    pub from: Option<PaymentState>,
    /// The state after.
    pub to: PaymentState,
    /// What caused it: a frame method (`TX_START_RESPONSE`, `FINISH_OK`) or a recovery step.
    pub cause: String,
    /// Free text for people.
    pub detail: String,
    /// True when a final outcome was corrected (`Ledger::correct`).
    pub correction: bool,
}

/// One page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    /// The payments, newest first.
    pub payments: Vec<PaymentRecord>,
    /// Where the next (older) page starts; `None` when this page reaches the oldest payment.
    pub next: Option<HistoryCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_new_payments() {
        let ok = NewPayment::sale("abc", "ws://127.0.0.1:1/remote_pay", Cents(100));
        ok.validate().unwrap();
        let cases = [
            NewPayment {
                external_id: String::new(),
                ..ok.clone()
            },
            NewPayment {
                external_id: "x".repeat(33),
                ..ok.clone()
            },
            NewPayment {
                external_id: "a b".into(),
                ..ok.clone()
            },
            NewPayment {
                device: " ".into(),
                ..ok.clone()
            },
            NewPayment {
                amount: Cents(0),
                ..ok.clone()
            },
            NewPayment {
                tip: Cents(-1),
                ..ok.clone()
            },
            NewPayment {
                tax: Cents(-1),
                ..ok.clone()
            },
        ];
        for case in cases {
            assert!(
                matches!(case.validate(), Err(LedgerError::InvalidField { .. })),
                "{case:?}"
            );
        }
        NewPayment::refund("r1", "dev", "abc", Cents(50))
            .validate()
            .unwrap();
        NewPayment::credit("c1", "dev", Cents(50))
            .validate()
            .unwrap();
        let bad_links = [
            NewPayment {
                parent: None,
                ..NewPayment::refund("r1", "dev", "abc", Cents(50))
            },
            NewPayment {
                parent: None,
                ..NewPayment::void("v1", "dev", "abc", Cents(50))
            },
            NewPayment {
                parent: Some("abc".into()),
                ..NewPayment::credit("c1", "dev", Cents(50))
            },
            NewPayment {
                tip: Cents(1),
                ..NewPayment::refund("r1", "dev", "abc", Cents(50))
            },
            NewPayment::refund("r1", "dev", "abc", Cents(-5)),
            NewPayment::credit("c1", "dev", Cents(0)),
        ];
        for case in bad_links {
            assert!(
                matches!(case.validate(), Err(LedgerError::InvalidField { .. })),
                "{case:?}"
            );
        }
    }

    #[test]
    fn updates_cannot_carry_card_numbers() {
        let good = PaymentUpdate {
            card_brand: Some("VISA".into()),
            last4: Some("4242".into()),
            ..Default::default()
        };
        good.validate().unwrap();
        for bad in [
            PaymentUpdate {
                last4: Some("4242424242424242".into()),
                ..Default::default()
            },
            PaymentUpdate {
                last4: Some("42a2".into()),
                ..Default::default()
            },
            PaymentUpdate {
                card_brand: Some("4242424242424242".into()),
                ..Default::default()
            },
            PaymentUpdate {
                charged_amount: Some(Cents(-5)),
                ..Default::default()
            },
        ] {
            assert!(
                matches!(bad.validate(), Err(LedgerError::InvalidField { .. })),
                "{bad:?}"
            );
        }
    }
}
