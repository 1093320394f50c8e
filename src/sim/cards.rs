//! Card numbers a simulated customer presents: Clover's test cards and any other number typed by
//! the operator (`card <number>`). Only the brand, the first six and the last four digits are kept;
//! the full number is never stored.

use crate::protocol::CardType;

/// Clover test card that is approved (VISA).
pub const APPROVE_VISA: &str = "4242424242424242";
/// Clover test card that is approved for part of the amount (VISA).
pub const PARTIAL_VISA: &str = "4005578003333335";
/// Clover test card that is declined (VISA).
pub const DECLINE_VISA: &str = "4005571702222222";

/// What the (simulated) issuer says about a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOutcome {
    /// Approved for the full amount.
    Approve,
    /// Approved for half the amount (rounded down to the cent).
    PartialAuth,
    /// Declined.
    Decline,
}

/// A card as the device reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Brand from the number's prefix.
    pub brand: CardType,
    /// First six digits (BIN), as real devices put it in the payment.
    pub first6: String,
    /// Last four digits.
    pub last4: String,
    /// What the issuer answers.
    pub outcome: CardOutcome,
}

/// Why a typed card number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Nothing was typed.
    #[error("no card number given: type e.g. `card 4242 4242 4242 4242`")]
    Empty,
    /// Something other than digits, spaces and dashes.
    #[error("'{0}' is not a card number: use digits, optionally grouped with spaces or dashes")]
    NotDigits(String),
    /// Too short or too long.
    #[error("a card number has 12 to 19 digits, this one has {0}")]
    Length(usize),
}

impl Card {
    /// Reads a typed card number (spaces and dashes allowed). The Clover test cards decide the
    /// outcome; any other number is approved with the brand given by its prefix.
    pub fn parse(number: &str) -> Result<Card, CardError> {
        let trimmed = number.trim();
        if trimmed.is_empty() {
            return Err(CardError::Empty);
        }
        let mut digits = String::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' => {}
                _ => return Err(CardError::NotDigits(trimmed.to_owned())),
            }
        }
        if !(12..=19).contains(&digits.len()) {
            return Err(CardError::Length(digits.len()));
        }
        let outcome = match digits.as_str() {
            PARTIAL_VISA => CardOutcome::PartialAuth,
            DECLINE_VISA => CardOutcome::Decline,
            _ => CardOutcome::Approve,
        };
        Ok(Card {
            brand: brand_of(&digits),
            first6: digits[..6].to_owned(),
            last4: digits[digits.len() - 4..].to_owned(),
            outcome,
        })
    }

    /// One of the built-in test cards (their numbers are valid by construction).
    pub fn test_card(number: &'static str) -> Card {
        Card::parse(number).unwrap_or(Card {
            brand: CardType::Visa,
            first6: "424242".into(),
            last4: "4242".into(),
            outcome: CardOutcome::Approve,
        })
    }
}

/// Brand from the prefix: 4 VISA, 5 MC, 34/37 AMEX, 6 DISCOVER, anything else UNKNOWN.
fn brand_of(digits: &str) -> CardType {
    if digits.starts_with("34") || digits.starts_with("37") {
        CardType::Amex
    } else if digits.starts_with('4') {
        CardType::Visa
    } else if digits.starts_with('5') {
        CardType::Mc
    } else if digits.starts_with('6') {
        CardType::Discover
    } else {
        CardType::UnknownValue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clover_test_cards() {
        let approve = Card::parse("4242 4242 4242 4242").unwrap();
        assert_eq!(approve.outcome, CardOutcome::Approve);
        assert_eq!(approve.brand, CardType::Visa);
        assert_eq!(
            (approve.first6.as_str(), approve.last4.as_str()),
            ("424242", "4242")
        );
        let partial = Card::parse("4005 5780 0333 3335").unwrap();
        assert_eq!(partial.outcome, CardOutcome::PartialAuth);
        assert_eq!(partial.last4, "3335");
        let decline = Card::parse("4005-5717-0222-2222").unwrap();
        assert_eq!(decline.outcome, CardOutcome::Decline);
        assert_eq!(decline.brand, CardType::Visa);
    }

    #[test]
    fn brand_from_prefix() {
        for (number, brand) in [
            ("5555555555554444", CardType::Mc),
            ("378282246310005", CardType::Amex),
            ("341111111111111", CardType::Amex),
            ("6011111111111117", CardType::Discover),
            ("4111111111111111", CardType::Visa),
            ("3056930009020004", CardType::UnknownValue),
        ] {
            let card = Card::parse(number).unwrap();
            assert_eq!(card.brand, brand, "{number}");
            assert_eq!(card.outcome, CardOutcome::Approve, "{number}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_card_number() {
        assert_eq!(Card::parse("  "), Err(CardError::Empty));
        assert!(matches!(
            Card::parse("4242x424242424242"),
            Err(CardError::NotDigits(_))
        ));
        assert_eq!(Card::parse("4242 4242"), Err(CardError::Length(8)));
        assert_eq!(
            Card::parse("4".repeat(20).as_str()),
            Err(CardError::Length(20))
        );
    }
}
