//! The wall clock the runtime stamps events with (the app reads none).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `2026-11-21T16:24:28Z` for a time in ms since the epoch.
pub fn format_time(ms: i64) -> String {
    crate::timefmt::rfc3339(ms)
}
