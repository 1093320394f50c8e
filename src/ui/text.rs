//! Small formatting and layout helpers shared by the views.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::Connection;
use crate::payment::PaymentState;

/// Width of the label column in key/value lines.
pub const LABEL_WIDTH: usize = 13;

/// `label   value` with the label dimmed and padded to [`LABEL_WIDTH`] plus a space. The value
/// (often device text: card brand, auth code) goes through the terminal sanitiser.
pub fn kv<'a>(
    label: &str,
    value: impl Into<String>,
    value_style: Style,
    theme: &Theme,
) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL_WIDTH$} "), theme.dim()),
        Span::styled(
            crate::protocol::text::device_line(&value.into()).into_owned(),
            value_style,
        ),
    ])
}

/// Elapsed milliseconds as `mm:ss` (minutes keep counting past 59; negative counts as 0).
pub fn elapsed(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM` in UTC.
pub fn utc_minute(ms: i64) -> String {
    crate::timefmt::minute(ms)
}

/// A `width`×`height` rectangle centred in `area`, shrunk to fit.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The connection as a short phrase and its style.
pub fn connection(conn: &Connection, theme: &Theme) -> (String, Style) {
    match conn {
        Connection::Idle => ("Not connected".to_owned(), theme.dim()),
        Connection::Connecting { attempt } => {
            (format!("Connecting… attempt {attempt}"), theme.warn())
        }
        Connection::Pairing { code } => (format!("Pairing: enter {code}"), theme.warn()),
        Connection::NotReady(why) => (format!("Not ready: {why}"), theme.warn()),
        Connection::Ready => ("Ready".to_owned(), theme.good()),
        Connection::Disconnected(why) => {
            (format!("Disconnected: {why}; reconnecting"), theme.error())
        }
    }
}

/// A payment from before the restart that recovery settled, in one line:
/// `Payment 31.00 from before the restart: APPROVED (VISA 4242)`.
pub fn recovered_line(o: &crate::app::Outcome) -> String {
    let card = match (&o.facts.card_brand, &o.facts.last4) {
        (Some(b), Some(l)) => format!(" ({b} {l})"),
        _ => String::new(),
    };
    format!(
        "Payment {} from before the restart: {}{card}",
        o.amount,
        o.state.as_str().to_uppercase()
    )
}

/// A payment state as the operator reads it (the ledger's spelling, as in `--json`), and its
/// style.
pub fn payment_state(state: PaymentState, theme: &Theme) -> (&'static str, Style) {
    match state {
        PaymentState::Created => ("created", theme.warn()),
        PaymentState::Sent => ("sent", theme.warn()),
        PaymentState::InProgress => ("in_progress", theme.warn()),
        PaymentState::Approved => ("approved", theme.good()),
        PaymentState::Declined => ("declined", theme.error()),
        PaymentState::Canceled => ("canceled", theme.warn()),
        PaymentState::Voided => ("voided", theme.warn()),
        PaymentState::NotFound => ("not_found", theme.warn()),
        PaymentState::Unknown => ("unknown: recovering", theme.error()),
    }
}

/// A titled, bordered block.
pub fn panel<'a>(title: &'a str, theme: &Theme) -> ratatui::widgets::Block<'a> {
    ratatui::widgets::Block::bordered()
        .border_style(theme.border())
        .title(Span::styled(title, theme.strong()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_is_minutes_and_seconds() {
        assert_eq!(elapsed(0), "00:00");
        assert_eq!(elapsed(65_999), "01:05");
        assert_eq!(elapsed(-5), "00:00");
        assert_eq!(elapsed(6_000_000), "100:00");
    }

    #[test]
    fn utc_dates_are_civil() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00");
        assert_eq!(utc_minute(1_709_210_096_000), "2024-02-29 12:34");
        // Ledger times are never before the epoch; such a value shows as the epoch.
        assert_eq!(utc_minute(-60_000), "1970-01-01 00:00");
    }

    #[test]
    fn centered_never_leaves_the_area() {
        let area = Rect::new(3, 4, 10, 5);
        let r = centered(area, 40, 2);
        assert_eq!(r, Rect::new(3, 5, 10, 2));
        assert_eq!(centered(Rect::default(), 5, 5), Rect::default());
    }
}
