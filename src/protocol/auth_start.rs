//! The TX_STARTs of an auth and a pre-auth: a sale's TX_START reshaped the way the JS SDK's
//! `auth` and `preAuth` send it.

use super::enums::{RequestInfo, TipMode, TransactionType};
use super::messages::Message;
use super::sale::SaleRequest;

impl SaleRequest {
    /// The TX_START of an auth (tip-adjustable sale) of this amount, as the JS SDK's `auth`
    /// sends it: `requestInfo:"AUTH"`, `transactionType:"PAYMENT"`, tip mode `ON_PAPER`, no
    /// `tipAmount` (the tip comes later by TIP_ADJUST).
    pub fn to_auth_message(&self) -> Message {
        let Message::TxStart(mut start) = self.to_message() else {
            unreachable!("to_message builds a TX_START")
        };
        if let Some(intent) = start.pay_intent.as_mut() {
            intent.tip_amount = None;
            intent.transaction_type = Some(TransactionType::Payment);
            if let Some(settings) = intent.transaction_settings.as_mut() {
                settings.tip_mode = Some(TipMode::OnPaper);
                // Suggestions go with a tip on screen only (sale.tip_suggestions).
                settings.extra.remove("tipSuggestions");
            }
        }
        start.request_info = Some(RequestInfo::Auth);
        Message::TxStart(start)
    }

    /// The TX_START of a pre-auth (a hold) of this amount, as the JS SDK's `preAuth` sends it:
    /// `requestInfo:"PREAUTH"`, `transactionType:"AUTH"`, no tip, no tax, no tip mode, no
    /// signature settings.
    pub fn to_preauth_message(&self) -> Message {
        let Message::TxStart(mut start) = self.to_message() else {
            unreachable!("to_message builds a TX_START")
        };
        if let Some(intent) = start.pay_intent.as_mut() {
            intent.tip_amount = None;
            intent.tax_amount = None;
            intent.tippable_amount = None;
            intent.transaction_type = Some(TransactionType::Auth);
            if let Some(settings) = intent.transaction_settings.as_mut() {
                settings.tip_mode = None;
                settings.tippable_amount = None;
                settings.signature_entry_location = None;
                settings.signature_threshold = None;
                settings.extra.remove("tipSuggestions");
            }
        }
        start.request_info = Some(RequestInfo::Preauth);
        Message::TxStart(start)
    }
}
