//! The filters and time ranges shared by `history`, `report` and `export`: dates (UTC), times,
//! durations back from now, states, amounts, card digits, kinds.

use std::time::{Duration, UNIX_EPOCH};

use clap::Args;

use crate::ledger::PaymentFilter;

use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A point in time as given on the command line, resolved against "now" later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The start of a UTC day (ms since the epoch); as an upper bound, the whole day is included.
    Day(i64),
    /// An exact time (ms since the epoch).
    At(i64),
    /// This long before now.
    Ago(Duration),
}

impl When {
    /// The time as a lower bound (`--since`).
    pub fn since(self, now_ms: i64) -> i64 {
        match self {
            When::Day(ms) | When::At(ms) => ms,
            When::Ago(d) => now_ms.saturating_sub(duration_ms(d)),
        }
    }

    /// The time as an exclusive upper bound (`--until`): a day includes all of that day.
    pub fn until(self, now_ms: i64) -> i64 {
        match self {
            When::Day(ms) => ms.saturating_add(DAY_MS),
            other => other.since(now_ms),
        }
    }
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn ms_of(t: std::time::SystemTime) -> Result<i64, String> {
    t.duration_since(UNIX_EPOCH)
        .map(duration_ms)
        .map_err(|_| "dates before 1970 are not in any ledger".to_owned())
}

/// Parses a UTC date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let ok_shape = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok_shape {
        return Err(format!(
            "'{t}' is not a date: write YYYY-MM-DD, e.g. 2026-12-01"
        ));
    }
    humantime::parse_rfc3339(&format!("{t}T00:00:00Z"))
        .map_err(|_| format!("'{t}' is not a date of the calendar"))
        .and_then(ms_of)
}

/// Parses `--since`/`--until`: a UTC date `YYYY-MM-DD`, a UTC time `YYYY-MM-DDTHH:MM:SSZ`, or a
/// duration back from now such as `2h`, `30min`, `7days`.
pub fn parse_when(text: &str) -> Result<When, String> {
    let t = text.trim();
    if t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') {
        return parse_date(t).map(When::Day);
    }
    if let Ok(at) = humantime::parse_rfc3339_weak(t) {
        return ms_of(at).map(When::At);
    }
    humantime::parse_duration(t).map(When::Ago).map_err(|_| {
        format!(
            "'{t}' is neither a date (2026-12-01), a UTC time (2026-12-01T09:30:00Z) nor a \
             duration back from now (2h, 30min, 7days)"
        )
    })
}

/// Parses a state name (`not_found`, `not found` and `not-found` are the same).
pub fn parse_state(text: &str) -> Result<PaymentState, String> {
    let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    t.parse().map_err(|_| {
        let all: Vec<&str> = PaymentState::ALL.iter().map(|s| s.as_str()).collect();
        format!(
            "'{text}' is not a payment state; use one of {}",
            all.join(", ")
        )
    })
}

/// Parses the last four digits of a card.
pub fn parse_last4(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(format!(
            "'{t}' is not the last four digits of a card (e.g. 4242)"
        ))
    }
}

fn parse_amount(text: &str) -> Result<Cents, String> {
    Cents::parse(text).map_err(|e| format!("'{text}': {e}"))
}

fn parse_kind(text: &str) -> Result<PaymentKind, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "'{text}' is not a payment kind; use sale, refund, void, credit, auth, preauth, \
                 capture, increment or tip_adjust"
        )
    })
}

/// A time range: `--date`, or `--since`/`--until`.
#[derive(Debug, Clone, Args)]
pub struct RangeArgs {
    /// One UTC day, YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, conflicts_with_all = ["since", "until"])]
    pub date: Option<i64>,
    /// From this UTC date or time, or this long ago (2h, 30min, 7days)
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub since: Option<When>,
    /// Up to this UTC date (the whole day included) or time, or this long ago
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub until: Option<When>,
}

impl RangeArgs {
    /// `[since, until)` in ms; `None` for an open end. With nothing given, `default_day` decides:
    /// `Some(day start)` for that day, `None` for everything.
    pub fn resolve(&self, now_ms: i64, default_day: Option<i64>) -> (Option<i64>, Option<i64>) {
        if let Some(day) = self.date {
            return (Some(day), Some(day.saturating_add(DAY_MS)));
        }
        if self.since.is_none() && self.until.is_none() {
            return match default_day {
                Some(day) => (Some(day), Some(day.saturating_add(DAY_MS))),
                None => (None, None),
            };
        }
        (
            self.since.map(|w| w.since(now_ms)),
            self.until.map(|w| w.until(now_ms)),
        )
    }
}

/// `till history`'s filters.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Only payments in these states (repeat or separate with commas)
    #[arg(long, value_name = "STATE", value_delimiter = ',', value_parser = parse_state)]
    pub state: Vec<PaymentState>,
    /// From this UTC date or time, or this long ago (2h, 30min, 7days)
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub since: Option<When>,
    /// Up to this UTC date (the whole day included) or time, or this long ago
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub until: Option<When>,
    /// Only payments of exactly this amount (before tip), e.g. 12.34
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub amount: Option<Cents>,
    /// Only payments by the card ending in these four digits
    #[arg(long, value_name = "DIGITS", value_parser = parse_last4)]
    pub last4: Option<String>,
    /// Only transactions of this kind (sale, refund, void, credit, auth, preauth, capture,
    /// increment or tip_adjust)
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<PaymentKind>,
}

impl FilterArgs {
    /// The ledger filter, with durations counted back from `now_ms`.
    pub fn filter(&self, now_ms: i64) -> PaymentFilter {
        PaymentFilter {
            states: self.state.clone(),
            since_ms: self.since.map(|w| w.since(now_ms)),
            until_ms: self.until.map(|w| w.until(now_ms)),
            amount: self.amount,
            last4: self.last4.clone(),
            kind: self.kind,
            id: None,
        }
    }
}

/// Now, in ms since the Unix epoch.
pub fn now_ms() -> i64 {
    ms_of(std::time::SystemTime::now()).unwrap_or(0)
}

/// The start of the UTC day holding `ms`.
pub fn day_start(ms: i64) -> i64 {
    ms - ms.rem_euclid(DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_durations() {
        assert_eq!(parse_date("2026-12-01"), Ok(1_796_083_200_000));
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("01/12/2026").is_err());
        let now = 1_796_083_200_000 + 5 * 3_600_000;
        assert_eq!(
            parse_when("2026-12-01").unwrap().since(now),
            1_796_083_200_000
        );
        assert_eq!(
            parse_when("2026-12-01").unwrap().until(now),
            1_796_083_200_000 + DAY_MS
        );
        assert_eq!(parse_when("2h").unwrap().since(now), now - 2 * 3_600_000);
        assert_eq!(
            parse_when("2026-12-01T01:00:00Z").unwrap().until(now),
            1_796_083_200_000 + 3_600_000
        );
        let err = parse_when("yesterday").unwrap_err();
        assert!(err.contains("2h"), "{err}");
        assert_eq!(day_start(now), 1_796_083_200_000);
    }

    #[test]
    fn states_digits_and_ranges() {
        assert_eq!(parse_state("not found"), Ok(PaymentState::NotFound));
        assert_eq!(parse_state("Not-Found"), Ok(PaymentState::NotFound));
        assert!(parse_state("paid").unwrap_err().contains("approved"));
        assert_eq!(parse_last4("4242").as_deref(), Ok("4242"));
        assert!(parse_last4("42424").is_err());
        let r = RangeArgs {
            date: None,
            since: None,
            until: None,
        };
        assert_eq!(r.resolve(5, None), (None, None));
        assert_eq!(r.resolve(5, Some(0)), (Some(0), Some(DAY_MS)));
    }
}
