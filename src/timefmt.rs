//! UTC text for times given as milliseconds since the Unix epoch (pure: no clock reads).

use std::time::{Duration, UNIX_EPOCH};

/// `2026-11-21T16:24:28Z`. Times before the epoch are shown as the epoch.
pub fn rfc3339(ms: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// `2026-11-21`.
pub fn date(ms: i64) -> String {
    rfc3339(ms)[..10].to_owned()
}

/// `2026-11-21 16:24`.
pub fn minute(ms: i64) -> String {
    let s = rfc3339(ms);
    format!("{} {}", &s[..10], &s[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_282_757_779), "2026-11-21T17:39:17Z");
        assert_eq!(date(951_782_400_000), "2000-02-29");
        assert_eq!(minute(1_795_282_757_779), "2026-11-21 17:39");
        assert_eq!(rfc3339(-5), "1970-01-01T00:00:00Z");
    }
}
