//! The box where the cashier enters a refund, void or credit and confirms it (amount, card and
//! external id named before anything is sent).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::app::refund_keys::{RefundInput, lines};

/// The refund box.
#[derive(Debug, Clone, Copy)]
pub struct RefundBox<'a> {
    /// What has been entered.
    pub input: &'a RefundInput,
    /// Styling.
    pub theme: Theme,
}

impl RefundBox<'_> {
    /// Rows wanted.
    pub const HEIGHT: u16 = 6;
}

impl Widget for &RefundBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let title = format!(" {} ", self.input.kind.as_str().to_uppercase());
        let lines: Vec<Line<'static>> = lines(self.input)
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let l = crate::protocol::text::terminal_safe(&l).into_owned();
                if i == 0 {
                    Line::styled(l, self.theme.strong())
                } else {
                    Line::raw(l)
                }
            })
            .collect();
        Clear.render(area, buf);
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(text::panel(&title, &self.theme))
            .render(area, buf);
    }
}
