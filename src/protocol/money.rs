//! `Cents`: money as an exact integer number of minor units, parsed from decimal text.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in minor units (cents). Never a float.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

/// Why a typed amount was refused. The message says what was wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was typed.
    #[error("no amount given: type an amount such as 12.34")]
    Empty,
    /// A minus sign: amounts entered by the operator are never negative.
    #[error("'{0}' is negative: amounts must be zero or more, e.g. 12.34")]
    Negative(String),
    /// More than two digits after the decimal point.
    #[error("'{0}' has more than two decimal places: use at most cents, e.g. 12.34")]
    TooPrecise(String),
    /// Something other than ASCII digits and one decimal point.
    #[error(
        "'{0}' is not an amount: use digits with an optional '.' and at most two decimals, e.g. 12.34"
    )]
    Invalid(String),
    /// Larger than a 64-bit count of cents.
    #[error("'{0}' is too large")]
    Overflow(String),
}

impl Cents {
    /// Zero.
    pub const ZERO: Cents = Cents(0);

    /// Parses decimal text exactly: `"12.34"`, `"12"`, `"0.05"`, `"12.3"`, `".5"`.
    ///
    /// Surrounding white space is ignored. Refused: empty text, signs, exponents, thousands
    /// separators, non-ASCII digits, more than two decimals and values that overflow `i64`.
    pub fn parse(text: &str) -> Result<Cents, AmountError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(AmountError::Empty);
        }
        if t.starts_with('-') {
            return Err(AmountError::Negative(t.to_owned()));
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (t, None),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let frac = frac.unwrap_or("");
        if !all_digits(whole) || !all_digits(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err(AmountError::Invalid(t.to_owned()));
        }
        if frac.len() > 2 {
            return Err(AmountError::TooPrecise(t.to_owned()));
        }
        let overflow = || AmountError::Overflow(t.to_owned());
        let mut units: i64 = 0;
        for b in whole.bytes() {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(i64::from(b - b'0')))
                .ok_or_else(overflow)?;
        }
        let mut cents: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            let digit = i64::from(b - b'0');
            cents += if i == 0 { digit * 10 } else { digit };
        }
        units
            .checked_mul(100)
            .and_then(|u| u.checked_add(cents))
            .map(Cents)
            .ok_or_else(overflow)
    }

    /// The raw number of minor units.
    pub fn get(self) -> i64 {
        self.0
    }

    /// Adds, or `None` on overflow.
    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }
}

impl fmt::Display for Cents {
    /// `1234` → `12.34`, `-5` → `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::str::FromStr for Cents {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cents::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exact_decimals() {
        for (text, cents) in [
            ("12.34", 1234),
            ("12", 1200),
            ("0.05", 5),
            ("12.3", 1230),
            (".5", 50),
            ("7.", 700),
            (" 1.00 ", 100),
            ("0", 0),
            ("92233720368547758.07", i64::MAX),
        ] {
            assert_eq!(Cents::parse(text), Ok(Cents(cents)), "{text}");
        }
    }

    #[test]
    fn rejects_table() {
        assert_eq!(Cents::parse(""), Err(AmountError::Empty));
        assert_eq!(Cents::parse("   "), Err(AmountError::Empty));
        assert!(matches!(Cents::parse("-1"), Err(AmountError::Negative(_))));
        assert!(matches!(
            Cents::parse("1.005"),
            Err(AmountError::TooPrecise(_))
        ));
        for bad in [
            "1e3", "abc", "+1", "1,000", "1.2.3", ".", "１２", "12٫5", "1 000", "0x10", "NaN",
        ] {
            assert!(
                matches!(Cents::parse(bad), Err(AmountError::Invalid(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Cents::parse("99999999999999999999"),
            Err(AmountError::Overflow(_))
        ));
        assert!(matches!(
            Cents::parse("92233720368547758.08"),
            Err(AmountError::Overflow(_))
        ));
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Cents(1234).to_string(), "12.34");
        assert_eq!(Cents(5).to_string(), "0.05");
        assert_eq!(Cents(-105).to_string(), "-1.05");
        assert_eq!(Cents(i64::MIN).to_string(), "-92233720368547758.08");
    }
}
