//! The quit confirmation shown when a payment is still pending.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::app::State;

/// The quit confirmation overlay.
#[derive(Debug, Clone, Copy)]
pub struct QuitOverlay<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

impl Widget for &QuitOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let what = match self.state.pending() {
            Some(p) => format!(
                "Payment {} of {} is still {}.",
                p.external_id, p.amount, p.state
            ),
            None => "No payment is pending any more.".to_owned(),
        };
        let lines = vec![
            Line::styled(what, theme.warn()),
            Line::raw(""),
            Line::raw(
                "If you quit now it stays in the ledger: at the next start till asks the device \
                 what happened to it and records the outcome before any new sale.",
            ),
            Line::raw(""),
            Line::from(vec![
                Span::styled("y", theme.key()),
                Span::raw(" quit anyway   "),
                Span::styled("n", theme.key()),
                Span::raw(" stay"),
            ]),
        ];
        let w = area.width.saturating_sub(4).clamp(area.width.min(24), 60);
        let popup = text::centered(area, w, 10);
        Clear.render(popup, buf);
        Paragraph::new(lines)
            .block(text::panel(" Quit? ", theme))
            .wrap(Wrap { trim: true })
            .render(popup, buf);
    }
}
