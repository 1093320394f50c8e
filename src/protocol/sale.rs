//! `SaleRequest`: a validated sale, and the TX_START the JS SDK would send for it.
//!
//! Validation is the union of every SDK's rules and stricter than the JS SDK (which happily sends
//! amount 0 and an empty externalId): nothing invalid ever reaches the wire.

use super::enums::{DataEntryLocation, RequestInfo, TransactionType};
use super::messages::{Message, TxStart};
use super::money::Cents;
use super::objects::{PayIntent, TransactionSettings};
use super::tx_settings::{SaleTipMode, tip_suggestions_wire};

/// Card entry bit: magnetic stripe.
pub const CARD_ENTRY_MAG_STRIPE: i64 = 33025;
/// Card entry bit: chip (ICC contact).
pub const CARD_ENTRY_ICC_CONTACT: i64 = 33282;
/// Card entry bit: contactless (NFC).
pub const CARD_ENTRY_NFC_CONTACTLESS: i64 = 33796;
/// Card entry bit: manual (keyed).
pub const CARD_ENTRY_MANUAL: i64 = 34824;
/// Default card entry methods: stripe, chip and contactless.
pub const CARD_ENTRY_DEFAULT: i64 =
    CARD_ENTRY_MAG_STRIPE | CARD_ENTRY_ICC_CONTACT | CARD_ENTRY_NFC_CONTACTLESS;

/// Longest external id Clover accepts.
pub const MAX_EXTERNAL_ID_LEN: usize = 32;

/// Options of a sale that map to `transactionSettings` (defaults as the JS SDK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleOptions {
    /// Allowed card entry methods (bitmask, §5.1.1).
    pub card_entry_methods: i64,
    /// Turn off the device's duplicate-card heuristic.
    pub disable_duplicate_check: bool,
    /// Allow the device to take the payment offline.
    pub allow_offline_payment: bool,
    /// Let the device accept challenges itself (no CONFIRM_PAYMENT_MESSAGE).
    pub auto_accept_payment_confirmations: bool,
    /// Let the device accept signatures itself (no VERIFY_SIGNATURE).
    pub auto_accept_signature: bool,
    /// Skip the receipt screen.
    pub disable_receipt_selection: bool,
    /// Do not restart the flow after a decline.
    pub disable_restart_on_failure: bool,
    /// Who gives the tip and when (`sale.tip_mode`, `transactionSettings.tipMode`).
    pub tip_mode: SaleTipMode,
    /// Suggested tip percentages for a tip on screen (`tipSuggestions`); empty: the device's.
    pub tip_suggestions: Vec<u8>,
    /// A signature is asked for from this amount on (`signatureThreshold`); `None`: the
    /// device's own setting.
    pub signature_threshold: Option<Cents>,
    /// Where the signature is taken (`signatureEntryLocation`); `None`: the device's setting.
    pub signature_entry_location: Option<DataEntryLocation>,
    /// Take the payment offline without trying online first (`forceOfflinePayment`).
    pub force_offline_payment: bool,
    /// Accept an offline payment without asking (`approveOfflinePaymentWithoutPrompt`).
    pub approve_offline_payment_without_prompt: bool,
}

impl Default for SaleOptions {
    fn default() -> Self {
        SaleOptions {
            card_entry_methods: CARD_ENTRY_DEFAULT,
            disable_duplicate_check: false,
            allow_offline_payment: false,
            auto_accept_payment_confirmations: false,
            auto_accept_signature: false,
            disable_receipt_selection: false,
            disable_restart_on_failure: false,
            tip_mode: SaleTipMode::Provided,
            tip_suggestions: Vec::new(),
            signature_threshold: None,
            signature_entry_location: None,
            force_offline_payment: false,
            approve_offline_payment_without_prompt: false,
        }
    }
}

/// A sale that passed validation. Build one with [`SaleRequest::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRequest {
    amount: Cents,
    tip: Option<Cents>,
    tax: Option<Cents>,
    external_id: String,
    options: SaleOptions,
}

/// Why a sale was refused before anything was sent. Each names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaleError {
    /// No amount was set.
    #[error("amount: required")]
    AmountMissing,
    /// Amount zero or negative.
    #[error("amount: must be greater than 0.00 (got {0})")]
    AmountNotPositive(Cents),
    /// Amount above the configured ceiling.
    #[error("amount: {amount} is over the maximum sale amount of {max} (sale.max_amount)")]
    AmountOverMax {
        /// The amount asked for.
        amount: Cents,
        /// The configured ceiling.
        max: Cents,
    },
    /// Amount plus tip above the configured ceiling.
    #[error(
        "amount + tip: {total} is over the maximum sale amount of {max} (sale.max_amount applies to amount + tip)"
    )]
    TotalOverMax {
        /// Amount plus tip.
        total: Cents,
        /// The configured ceiling.
        max: Cents,
    },
    /// Tax larger than the amount it is part of.
    #[error("tax: {tax} is more than the amount {amount} (the tax is part of the amount)")]
    TaxOverAmount {
        /// The tax asked for.
        tax: Cents,
        /// The amount it is part of.
        amount: Cents,
    },
    /// Negative tip.
    #[error("tip: must be 0.00 or more (got {0})")]
    NegativeTip(Cents),
    /// Negative tax.
    #[error("tax: must be 0.00 or more (got {0})")]
    NegativeTax(Cents),
    /// Amount plus tip does not fit.
    #[error("amount + tip: too large")]
    TotalOverflow,
    /// Empty external id.
    #[error("external id: must not be empty (leave it out to get a fresh one)")]
    ExternalIdEmpty,
    /// External id longer than 32 characters.
    #[error("external id: at most 32 characters (got {0})")]
    ExternalIdTooLong(usize),
    /// A cashier's tip while the device takes the tip (`sale.tip_mode` is not `provided`).
    #[error(
        "tip: sale.tip_mode is \"{0}\", so the tip is not the cashier's to give; leave the tip empty, or set sale.tip_mode = \"provided\""
    )]
    TipNotProvided(&'static str),
    /// External id with spaces, control or non-ASCII characters.
    #[error(
        "external id: only printable ASCII letters, digits and punctuation are allowed, without spaces"
    )]
    ExternalIdNotPrintable,
}

/// Builds a [`SaleRequest`]; `build` validates.
#[derive(Debug, Clone, Default)]
pub struct SaleRequestBuilder {
    amount: Option<Cents>,
    tip: Option<Cents>,
    tax: Option<Cents>,
    external_id: Option<String>,
    max_amount: Option<Cents>,
    options: SaleOptions,
}

impl SaleRequestBuilder {
    /// The amount to charge.
    pub fn amount(mut self, amount: Cents) -> Self {
        self.amount = Some(amount);
        self
    }
    /// A tip already agreed (sent as `tipAmount`).
    pub fn tip(mut self, tip: Cents) -> Self {
        self.tip = Some(tip);
        self
    }
    /// The tax part of the amount.
    pub fn tax(mut self, tax: Cents) -> Self {
        self.tax = Some(tax);
        self
    }
    /// The POS's own id for the payment; a fresh UUID (32 hex chars) when not set.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }
    /// The largest amount allowed (from the configuration).
    pub fn max_amount(mut self, max: Cents) -> Self {
        self.max_amount = Some(max);
        self
    }
    /// Transaction settings.
    pub fn options(mut self, options: SaleOptions) -> Self {
        self.options = options;
        self
    }

    /// Validates and returns the request.
    pub fn build(self) -> Result<SaleRequest, SaleError> {
        let amount = self.amount.ok_or(SaleError::AmountMissing)?;
        check_amounts(amount, self.tip, self.tax, self.max_amount)?;
        if self.tip.is_some_and(|t| t.get() > 0) && !self.options.tip_mode.takes_cashier_tip() {
            return Err(SaleError::TipNotProvided(self.options.tip_mode.as_str()));
        }
        let external_id = match self.external_id {
            None => new_external_id(),
            Some(id) => {
                validate_external_id(&id)?;
                id
            }
        };
        Ok(SaleRequest {
            amount,
            tip: self.tip,
            tax: self.tax,
            external_id,
            options: self.options,
        })
    }
}

/// Checks the money of a sale: the amount above 0, tip and tax not negative, the tax not above
/// the amount (it is part of it), and amount + tip within `max` (`sale.max_amount`).
pub fn check_amounts(
    amount: Cents,
    tip: Option<Cents>,
    tax: Option<Cents>,
    max: Option<Cents>,
) -> Result<(), SaleError> {
    if amount.get() <= 0 {
        return Err(SaleError::AmountNotPositive(amount));
    }
    if let Some(max) = max
        && amount > max
    {
        return Err(SaleError::AmountOverMax { amount, max });
    }
    if let Some(tip) = tip {
        if tip.get() < 0 {
            return Err(SaleError::NegativeTip(tip));
        }
        let total = amount.checked_add(tip).ok_or(SaleError::TotalOverflow)?;
        if let Some(max) = max
            && total > max
        {
            return Err(SaleError::TotalOverMax { total, max });
        }
    }
    if let Some(tax) = tax {
        if tax.get() < 0 {
            return Err(SaleError::NegativeTax(tax));
        }
        if tax > amount {
            return Err(SaleError::TaxOverAmount { tax, amount });
        }
    }
    Ok(())
}

/// Checks an operator-supplied external id: 1–32 printable ASCII characters, no spaces.
pub fn validate_external_id(id: &str) -> Result<(), SaleError> {
    if id.is_empty() {
        return Err(SaleError::ExternalIdEmpty);
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SaleError::ExternalIdNotPrintable);
    }
    if id.len() > MAX_EXTERNAL_ID_LEN {
        return Err(SaleError::ExternalIdTooLong(id.chars().count()));
    }
    Ok(())
}

/// A fresh external id: a v4 UUID in its 32-character simple form.
pub fn new_external_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl SaleRequest {
    /// Starts a builder.
    pub fn builder() -> SaleRequestBuilder {
        SaleRequestBuilder::default()
    }
    /// Amount to charge.
    pub fn amount(&self) -> Cents {
        self.amount
    }
    /// Tip, if any.
    pub fn tip(&self) -> Option<Cents> {
        self.tip
    }
    /// Tax, if any.
    pub fn tax(&self) -> Option<Cents> {
        self.tax
    }
    /// External payment id.
    pub fn external_id(&self) -> &str {
        &self.external_id
    }
    /// Transaction settings.
    pub fn options(&self) -> &SaleOptions {
        &self.options
    }

    /// The TX_START message for this sale, shaped exactly like the JS SDK 4.1.2's.
    pub fn to_message(&self) -> Message {
        let o = &self.options;
        let mut settings = TransactionSettings {
            card_entry_methods: Some(o.card_entry_methods),
            disable_cash_back: Some(false),
            clover_should_handle_receipts: Some(true),
            force_pin_entry_on_swipe: Some(false),
            disable_restart_transaction_on_failure: Some(o.disable_restart_on_failure),
            allow_offline_payment: Some(o.allow_offline_payment),
            approve_offline_payment_without_prompt: Some(o.approve_offline_payment_without_prompt),
            force_offline_payment: Some(o.force_offline_payment),
            disable_receipt_selection: Some(o.disable_receipt_selection),
            disable_duplicate_check: Some(o.disable_duplicate_check),
            auto_accept_payment_confirmations: Some(o.auto_accept_payment_confirmations),
            auto_accept_signature: Some(o.auto_accept_signature),
            return_result_on_transaction_complete: Some(false),
            signature_entry_location: o.signature_entry_location.clone(),
            signature_threshold: o.signature_threshold.map(Cents::get),
            tip_mode: o.tip_mode.wire(),
            ..TransactionSettings::default()
        };
        if o.tip_mode == SaleTipMode::OnScreen
            && let Some(list) = tip_suggestions_wire(&o.tip_suggestions)
        {
            settings.extra.insert("tipSuggestions".into(), list);
        }
        let intent = PayIntent {
            amount: Some(self.amount.get()),
            tip_amount: Some(self.tip.unwrap_or(Cents::ZERO).get()),
            tax_amount: self.tax.map(Cents::get),
            transaction_type: Some(TransactionType::Payment),
            is_disable_cash_back: Some(false),
            is_testing: Some(false),
            is_card_not_present: Some(false),
            remote_print: Some(false),
            is_force_swipe_pin_entry: Some(false),
            disable_restart_transaction_when_failed: Some(false),
            external_payment_id: Some(self.external_id.clone()),
            requires_remote_confirmation: Some(true),
            allow_partial_auth: Some(true),
            transaction_settings: Some(settings),
            ..PayIntent::default()
        };
        Message::TxStart(TxStart {
            order: None,
            pay_intent: Some(intent),
            request_info: Some(RequestInfo::Sale),
            suppress_on_screen_tips: None,
        })
    }

    /// The TX_START of a manual refund (credit) of this amount: `requestInfo` and
    /// `transactionType` `CREDIT`, the amount negative and no tip, as the JS SDK's
    /// `manualRefund` sends it.
    pub fn to_credit_message(&self) -> Message {
        let Message::TxStart(mut start) = self.to_message() else {
            unreachable!("to_message builds a TX_START")
        };
        if let Some(intent) = start.pay_intent.as_mut() {
            intent.amount = Some(-self.amount.get().abs());
            intent.tip_amount = None;
            intent.transaction_type = Some(TransactionType::Credit);
            intent.allow_partial_auth = Some(false);
            // No tip on a credit, whatever sale.tip_mode says.
            if let Some(ts) = intent.transaction_settings.as_mut() {
                ts.tip_mode = None;
                ts.extra.remove("tipSuggestions");
            }
        }
        start.request_info = Some(RequestInfo::Credit);
        Message::TxStart(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(amount: i64) -> SaleRequestBuilder {
        SaleRequest::builder().amount(Cents(amount))
    }

    #[test]
    fn default_external_id_is_32_hex() {
        let s = sale(100).build().unwrap();
        assert_eq!(s.external_id().len(), 32);
        assert!(s.external_id().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(s.external_id(), sale(100).build().unwrap().external_id());
    }

    #[test]
    fn refuses_invalid_sales() {
        assert_eq!(
            SaleRequest::builder().build(),
            Err(SaleError::AmountMissing)
        );
        assert_eq!(sale(0).build(), Err(SaleError::AmountNotPositive(Cents(0))));
        assert_eq!(
            sale(-1).build(),
            Err(SaleError::AmountNotPositive(Cents(-1)))
        );
        assert_eq!(
            sale(10_001).max_amount(Cents(10_000)).build(),
            Err(SaleError::AmountOverMax {
                amount: Cents(10_001),
                max: Cents(10_000)
            })
        );
        assert_eq!(
            sale(1).tip(Cents(-1)).build(),
            Err(SaleError::NegativeTip(Cents(-1)))
        );
        assert_eq!(
            sale(1).tax(Cents(-1)).build(),
            Err(SaleError::NegativeTax(Cents(-1)))
        );
        assert_eq!(
            sale(i64::MAX).tip(Cents(1)).build(),
            Err(SaleError::TotalOverflow)
        );
        assert_eq!(
            sale(1).external_id("").build(),
            Err(SaleError::ExternalIdEmpty)
        );
        assert_eq!(
            sale(1).external_id("x".repeat(33)).build(),
            Err(SaleError::ExternalIdTooLong(33))
        );
        assert_eq!(
            sale(1).external_id("a b").build(),
            Err(SaleError::ExternalIdNotPrintable)
        );
        assert_eq!(
            sale(1).external_id("a\u{7}").build(),
            Err(SaleError::ExternalIdNotPrintable)
        );
        assert_eq!(
            sale(1).external_id("é").build(),
            Err(SaleError::ExternalIdNotPrintable)
        );
    }

    #[test]
    fn accepts_edge_values() {
        let s = sale(1)
            .tip(Cents(0))
            .tax(Cents(0))
            .external_id("x".repeat(32))
            .build()
            .unwrap();
        assert_eq!(s.external_id().len(), 32);
        assert!(sale(10_000).max_amount(Cents(10_000)).build().is_ok());
        assert!(
            sale(9_000)
                .tip(Cents(1_000))
                .max_amount(Cents(10_000))
                .build()
                .is_ok()
        );
        assert!(sale(500).tax(Cents(500)).build().is_ok());
    }

    #[test]
    fn max_amount_bounds_amount_plus_tip_and_tax_stays_within_the_amount() {
        assert_eq!(
            sale(100)
                .tip(Cents(5_000_000))
                .max_amount(Cents(1_000_000))
                .build(),
            Err(SaleError::TotalOverMax {
                total: Cents(5_000_100),
                max: Cents(1_000_000)
            })
        );
        assert_eq!(
            sale(100).tax(Cents(101)).build(),
            Err(SaleError::TaxOverAmount {
                tax: Cents(101),
                amount: Cents(100)
            })
        );
        let e = sale(100)
            .tip(Cents(5_000_000))
            .max_amount(Cents(1_000_000))
            .build();
        assert!(e.unwrap_err().to_string().contains("sale.max_amount"));
    }
}
