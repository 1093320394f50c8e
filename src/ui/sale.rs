//! Sale entry: amount, optional tip and tax (the focused field highlighted), the external id the
//! sale will use, the total, inline validation and the connection state.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::notice;
use super::text::{self, LABEL_WIDTH};
use super::theme::Theme;
use crate::app::State;
use crate::app::screens::Field;
use crate::protocol::Cents;

/// Width of an entry field.
const FIELD_WIDTH: usize = 14;

/// The sale entry view.
#[derive(Debug, Clone, Copy)]
pub struct SaleView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

impl SaleView<'_> {
    fn field(&self, label: &str, field: Field, value: &str, hint: &str) -> Line<'static> {
        let theme = &self.theme;
        let focused = self.state.ui.field == field;
        let marker = if focused { "▸ " } else { "  " };
        let shown = if focused {
            format!(" {value}_")
        } else {
            format!(" {value}")
        };
        let width = FIELD_WIDTH.max(shown.chars().count() + 1);
        let style = if focused {
            theme.focus()
        } else {
            theme.field()
        };
        let label_w = LABEL_WIDTH - 2;
        // The field text starts with a space, so values line up with `text::kv` values.
        Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(format!("{label:<label_w$}"), theme.dim()),
            Span::styled(format!("{shown:<width$}"), style),
            Span::styled(format!(" {hint}"), theme.dim()),
        ])
    }

    /// Amount + tip (the tax is part of the amount) when every filled field parses.
    fn total(&self) -> Option<Cents> {
        let ui = &self.state.ui;
        let amount = Cents::parse(&ui.amount).ok()?;
        let field = |text: &String| {
            if text.trim().is_empty() {
                Some(None)
            } else {
                Cents::parse(text).ok().map(Some)
            }
        };
        let tip = field(&ui.tip)?;
        field(&ui.tax)?;
        Some(crate::app::amounts::total(amount, tip))
    }
}

impl Widget for &SaleView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let state = self.state;
        let ui = &state.ui;
        let mut lines = vec![
            self.field("Amount", Field::Amount, &ui.amount, ""),
            self.field("Tip", Field::Tip, &ui.tip, "optional"),
            self.field("Tax", Field::Tax, &ui.tax, "optional"),
        ];
        let total = self.total().map_or_else(String::new, |t| t.to_string());
        lines.push(text::kv("  Total", total, theme.strong(), theme));
        let ext = if ui.next_external_id.is_empty() {
            "(a fresh id is being made)".to_owned()
        } else {
            ui.next_external_id.clone()
        };
        lines.push(text::kv("  External id", ext, theme.text(), theme));
        let (conn, conn_style) = text::connection(&state.connection, theme);
        lines.push(text::kv("  Device", conn, conn_style, theme));
        if let Some(p) = state.pending() {
            lines.push(Line::styled(
                format!(
                    "  Payment {} of {} is still {}: press s to check it before a new sale.",
                    p.external_id, p.amount, p.state
                ),
                theme.warn(),
            ));
        }
        if state.notice.is_some() {
            lines.push(Line::raw(""));
            lines.extend(notice::lines(state, theme));
        }
        Paragraph::new(lines)
            .block(text::panel(" New sale ", theme))
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}
