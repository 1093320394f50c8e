//! `Percent`: a tax rate or a discount percentage, exact to a thousandth of a percent, and the
//! one rounding rule every order computation uses.

use std::fmt;

use crate::protocol::Cents;

/// Thousandths of a percent per whole percent.
const SCALE: i128 = 1_000;

/// A percentage exact to 0.001 % (8.875 % is `Percent(8875)`), between 0 and 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(u32);

/// Why a typed percentage was refused; the message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PercentError {
    /// Not digits with an optional point.
    #[error("'{0}' is not a percentage: use digits with up to three decimals, e.g. 8.875")]
    Invalid(String),
    /// More than three decimals.
    #[error("'{0}' has more than three decimals: use at most 0.001 %, e.g. 8.875")]
    TooPrecise(String),
    /// Above 100 %.
    #[error("'{0}' is more than 100 %")]
    TooLarge(String),
}

impl Percent {
    /// No rate.
    pub const ZERO: Percent = Percent(0);
    /// 100 %.
    pub const HUNDRED: Percent = Percent(100_000);

    /// From thousandths of a percent; `None` above 100 %.
    pub fn from_milli(milli: u32) -> Option<Percent> {
        (milli <= Self::HUNDRED.0).then_some(Percent(milli))
    }

    /// Thousandths of a percent.
    pub fn milli(self) -> u32 {
        self.0
    }

    /// Parses `"8.875"`, `"10"`, `"7.5%"` (a trailing `%` is allowed). No signs, no exponents.
    pub fn parse(text: &str) -> Result<Percent, PercentError> {
        let t = text.trim();
        let body = t.strip_suffix('%').unwrap_or(t).trim_end();
        let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err(PercentError::Invalid(t.to_owned()));
        }
        if frac.len() > 3 {
            return Err(PercentError::TooPrecise(t.to_owned()));
        }
        if whole.len() > 3 {
            return Err(PercentError::TooLarge(t.to_owned()));
        }
        let whole: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().unwrap_or(u32::MAX)
        };
        let mut milli = 0u32;
        for (i, b) in frac.bytes().enumerate() {
            milli += u32::from(b - b'0') * 10u32.pow(2 - i as u32);
        }
        Percent::from_milli(whole.saturating_mul(1000).saturating_add(milli))
            .ok_or_else(|| PercentError::TooLarge(t.to_owned()))
    }

    /// `base × self`, rounded to the cent half-up (see [`round_half_up`]).
    pub fn of(self, base: Cents) -> Cents {
        round_half_up(i128::from(base.0) * i128::from(self.0), 100 * SCALE)
    }
}

impl fmt::Display for Percent {
    /// `8875` → `8.875`, `10000` → `10`, `7500` → `7.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 1000, self.0 % 1000);
        if frac == 0 {
            return write!(f, "{whole}");
        }
        let text = format!("{frac:03}");
        write!(f, "{whole}.{}", text.trim_end_matches('0'))
    }
}

/// `numerator / denominator` rounded to a whole cent, **half-up**: exactly half a cent rounds
/// away from zero (0.5¢ → 1¢, −0.5¢ → −1¢), anything less rounds toward zero. This is the single
/// rounding rule of orders: percent discounts and tax both use it. `denominator` must be > 0.
pub fn round_half_up(numerator: i128, denominator: i128) -> Cents {
    debug_assert!(denominator > 0);
    let (q, r) = (numerator / denominator, numerator % denominator);
    let rounded = if 2 * r.abs() >= denominator {
        q + numerator.signum()
    } else {
        q
    };
    Cents(rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}
