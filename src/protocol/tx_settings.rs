//! The sale request's transaction settings that the configuration chooses (issue #17 item 2,
//! issue #18 item 4): how the tip is taken, the suggested tip percentages, the signature
//! threshold and where the signature is taken, the receipt screen, the duplicate check and the
//! offline settings, mapped onto `payIntent.transactionSettings` as the JS SDK's
//! `setupTransactionRequest` does (PROTOCOL.md §5.1: `tipMode`, `tipSuggestions` wrapped as
//! `{"elements": […]}`, `signatureThreshold`, `signatureEntryLocation`, `disableReceiptSelection`,
//! `disableDuplicateCheck`, `allowOfflinePayment`, `forceOfflinePayment`,
//! `approveOfflinePaymentWithoutPrompt`).

use serde_json::{Value, json};

use super::enums::{DataEntryLocation, TipMode};

/// Most suggested tips the device shows (Clover's tip screen has four buttons).
pub const MAX_TIP_SUGGESTIONS: usize = 4;

/// `sale.tip_mode`: who gives the tip and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SaleTipMode {
    /// The cashier's tip (typed on the sale screen or `--tip`) goes as `payIntent.tipAmount`;
    /// `tipMode` is left out, as the JS SDK leaves it out by default. Today's behaviour.
    #[default]
    Provided,
    /// No tip: `tipMode: NO_TIP`.
    None,
    /// The customer chooses a tip on the device before paying: `ON_SCREEN_BEFORE_PAYMENT`, with
    /// the suggested percentages.
    OnScreen,
    /// The tip is written on the paper receipt and adjusted later (auths): `ON_PAPER`.
    OnPaper,
}

impl SaleTipMode {
    /// Every mode, in the order the documentation lists them.
    pub const ALL: [SaleTipMode; 4] = [
        SaleTipMode::None,
        SaleTipMode::OnScreen,
        SaleTipMode::OnPaper,
        SaleTipMode::Provided,
    ];

    /// The configuration spelling: `none`, `on_screen`, `on_paper` or `provided`.
    pub fn as_str(self) -> &'static str {
        match self {
            SaleTipMode::Provided => "provided",
            SaleTipMode::None => "none",
            SaleTipMode::OnScreen => "on_screen",
            SaleTipMode::OnPaper => "on_paper",
        }
    }

    /// Parses the configuration spelling; `Err` says what is allowed.
    pub fn parse(text: &str) -> Result<SaleTipMode, String> {
        SaleTipMode::ALL
            .into_iter()
            .find(|m| m.as_str() == text)
            .ok_or_else(|| format!("'{text}' is not a tip mode"))
    }

    /// The `transactionSettings.tipMode` sent, if any.
    pub fn wire(self) -> Option<TipMode> {
        match self {
            SaleTipMode::Provided => None,
            SaleTipMode::None => Some(TipMode::NoTip),
            SaleTipMode::OnScreen => Some(TipMode::OnScreenBeforePayment),
            SaleTipMode::OnPaper => Some(TipMode::OnPaper),
        }
    }

    /// True when the cashier may give the tip (only with `provided`: with any other mode the
    /// SDKs refuse a request that carries a tip, PROTOCOL.md §5.2).
    pub fn takes_cashier_tip(self) -> bool {
        self == SaleTipMode::Provided
    }
}

/// Parses `sale.signature_entry_location`: `on_screen`, `on_paper` or `none`.
pub fn parse_signature_location(text: &str) -> Result<DataEntryLocation, String> {
    match text {
        "on_screen" => Ok(DataEntryLocation::OnScreen),
        "on_paper" => Ok(DataEntryLocation::OnPaper),
        "none" => Ok(DataEntryLocation::None),
        other => Err(format!("'{other}' is not a signature entry location")),
    }
}

/// The configuration spelling of a signature entry location.
pub fn signature_location_name(location: &DataEntryLocation) -> &str {
    match location {
        DataEntryLocation::OnScreen => "on_screen",
        DataEntryLocation::OnPaper => "on_paper",
        DataEntryLocation::None => "none",
        DataEntryLocation::Unknown(raw) => raw,
    }
}

/// Checks `sale.tip_suggestions`: at most [`MAX_TIP_SUGGESTIONS`] whole percentages from 1 to
/// 100, each once.
pub fn check_tip_suggestions(percentages: &[i64]) -> Result<Vec<u8>, String> {
    if percentages.len() > MAX_TIP_SUGGESTIONS {
        return Err(format!(
            "{} suggestions given; the device shows at most {MAX_TIP_SUGGESTIONS}",
            percentages.len()
        ));
    }
    let mut out: Vec<u8> = Vec::with_capacity(percentages.len());
    for &p in percentages {
        let Some(p) = u8::try_from(p).ok().filter(|p| (1..=100).contains(p)) else {
            return Err(format!("{p} is not a percentage from 1 to 100"));
        };
        if out.contains(&p) {
            return Err(format!("{p} is given twice"));
        }
        out.push(p);
    }
    Ok(out)
}

/// `transactionSettings.tipSuggestions` for the percentages, as the JS SDK writes a
/// `TipSuggestion` list (`{"elements": [{id, name, percentage, isEnabled}]}`); `None` when there
/// are none (the device then uses the merchant's own suggestions).
pub fn tip_suggestions_wire(percentages: &[u8]) -> Option<Value> {
    if percentages.is_empty() {
        return None;
    }
    let elements: Vec<Value> = percentages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "id": format!("TIP{}", i + 1),
                "name": format!("{p}%"),
                "percentage": p,
                "isEnabled": true,
            })
        })
        .collect();
    Some(json!({ "elements": elements }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tip_modes_parse_and_map_onto_the_wire() {
        for mode in SaleTipMode::ALL {
            assert_eq!(SaleTipMode::parse(mode.as_str()), Ok(mode));
        }
        assert_eq!(SaleTipMode::default(), SaleTipMode::Provided);
        assert_eq!(SaleTipMode::Provided.wire(), None);
        assert_eq!(SaleTipMode::None.wire(), Some(TipMode::NoTip));
        assert_eq!(
            SaleTipMode::OnScreen.wire(),
            Some(TipMode::OnScreenBeforePayment)
        );
        assert_eq!(SaleTipMode::OnPaper.wire(), Some(TipMode::OnPaper));
        assert!(
            SaleTipMode::parse("ON_SCREEN")
                .unwrap_err()
                .contains("not a tip mode")
        );
    }

    #[test]
    fn tip_suggestions_are_checked_and_wrapped_like_the_sdk() {
        assert_eq!(check_tip_suggestions(&[15, 18, 20]), Ok(vec![15, 18, 20]));
        assert!(check_tip_suggestions(&[0]).is_err());
        assert!(check_tip_suggestions(&[101]).is_err());
        assert!(check_tip_suggestions(&[-5]).is_err());
        assert!(
            check_tip_suggestions(&[15, 15])
                .unwrap_err()
                .contains("twice")
        );
        assert!(
            check_tip_suggestions(&[1, 2, 3, 4, 5])
                .unwrap_err()
                .contains("at most 4")
        );
        assert_eq!(tip_suggestions_wire(&[]), None);
        let wire = tip_suggestions_wire(&[15, 20]).unwrap();
        assert_eq!(
            wire,
            json!({"elements": [
                {"id": "TIP1", "name": "15%", "percentage": 15, "isEnabled": true},
                {"id": "TIP2", "name": "20%", "percentage": 20, "isEnabled": true},
            ]})
        );
    }

    #[test]
    fn the_sale_request_carries_the_settings_and_refuses_a_cashier_tip() {
        use crate::protocol::{Cents, Message, SaleError, SaleOptions, SaleRequest};
        let options = SaleOptions {
            tip_mode: SaleTipMode::OnScreen,
            tip_suggestions: vec![15, 20],
            signature_threshold: Some(Cents(2_500)),
            signature_entry_location: Some(DataEntryLocation::OnPaper),
            force_offline_payment: true,
            approve_offline_payment_without_prompt: true,
            ..SaleOptions::default()
        };
        let sale = SaleRequest::builder()
            .amount(Cents(4_000))
            .options(options.clone())
            .build()
            .unwrap();
        let Message::TxStart(start) = sale.to_message() else {
            panic!("a TX_START")
        };
        let ts = start.pay_intent.unwrap().transaction_settings.unwrap();
        assert_eq!(ts.tip_mode, Some(TipMode::OnScreenBeforePayment));
        assert_eq!(ts.signature_threshold, Some(2_500));
        assert_eq!(
            ts.signature_entry_location,
            Some(DataEntryLocation::OnPaper)
        );
        assert_eq!(ts.force_offline_payment, Some(true));
        assert_eq!(ts.approve_offline_payment_without_prompt, Some(true));
        assert_eq!(ts.extra["tipSuggestions"]["elements"][1]["percentage"], 20);
        // A credit never asks for a tip.
        let Message::TxStart(credit) = sale.to_credit_message() else {
            panic!("a TX_START")
        };
        let ts = credit.pay_intent.unwrap().transaction_settings.unwrap();
        assert_eq!(ts.tip_mode, None);
        assert!(!ts.extra.contains_key("tipSuggestions"));
        // Suggestions only go with a tip on screen.
        let paper = SaleOptions {
            tip_mode: SaleTipMode::OnPaper,
            ..options.clone()
        };
        let sale = SaleRequest::builder()
            .amount(Cents(4_000))
            .options(paper)
            .build()
            .unwrap();
        let Message::TxStart(start) = sale.to_message() else {
            panic!("a TX_START")
        };
        let ts = start.pay_intent.unwrap().transaction_settings.unwrap();
        assert_eq!(ts.tip_mode, Some(TipMode::OnPaper));
        assert!(!ts.extra.contains_key("tipSuggestions"));
        // The cashier's tip only with `provided`; a zero tip is no tip.
        let refused = SaleRequest::builder()
            .amount(Cents(4_000))
            .tip(Cents(500))
            .options(options.clone())
            .build();
        assert_eq!(refused, Err(SaleError::TipNotProvided("on_screen")));
        let zero = SaleRequest::builder()
            .amount(Cents(4_000))
            .tip(Cents(0))
            .options(options)
            .build();
        assert!(zero.is_ok());
    }

    #[test]
    fn signature_locations_parse() {
        for (text, location) in [
            ("on_screen", DataEntryLocation::OnScreen),
            ("on_paper", DataEntryLocation::OnPaper),
            ("none", DataEntryLocation::None),
        ] {
            assert_eq!(parse_signature_location(text), Ok(location.clone()));
            assert_eq!(signature_location_name(&location), text);
        }
        assert!(parse_signature_location("paper").is_err());
    }
}
