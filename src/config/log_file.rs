//! The log file naming rule: one file a UTC day, `till.YYYY-MM-DD.log`. The configuration reports
//! the day's file; `logging` opens and rolls it.

use std::time::{SystemTime, UNIX_EPOCH};

/// The file name's first part.
pub(crate) const PREFIX: &str = "till";
/// The file name's extension.
pub(crate) const SUFFIX: &str = "log";
/// Seconds in a day.
pub(crate) const DAY_SECS: u64 = 86_400;

/// The log file name for the UTC day containing `now`: `till.YYYY-MM-DD.log`.
pub fn file_name(now: SystemTime) -> String {
    file_name_for_day(days_since_epoch(now))
}

/// Whole UTC days from the Unix epoch to `now`.
pub(crate) fn days_since_epoch(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / DAY_SECS)
}

/// The log file name for day `day` since the epoch.
pub(crate) fn file_name_for_day(day: u64) -> String {
    let date = crate::timefmt::date((day as i64).saturating_mul(86_400_000));
    format!("{PREFIX}.{date}.{SUFFIX}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn daily_file_names_are_utc_dates() {
        assert_eq!(file_name(UNIX_EPOCH), "till.1970-01-01.log");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29T00:00:00Z
        assert_eq!(file_name(t), "till.2000-02-29.log");
        assert_eq!(file_name(t - Duration::from_secs(1)), "till.2000-02-28.log");
        let t = UNIX_EPOCH + Duration::from_secs(1_735_689_599); // 2024-12-31T23:59:59Z
        assert_eq!(file_name(t), "till.2024-12-31.log");
    }
}
