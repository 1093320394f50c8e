//! The receipt box: a payment's receipt, as `till receipt` prints it, in a bordered box centred
//! over the screen and scrolled by the app (`app::receipt_box`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::receipt_box::ReceiptView;

/// The receipt box.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptBox<'a> {
    /// The open receipt.
    pub view: &'a ReceiptView,
    /// Styling.
    pub theme: Theme,
}

impl ReceiptBox<'_> {
    /// Columns wanted: the receipt's width, a margin and the border.
    pub const WIDTH: u16 = crate::receipt::WIDTH as u16 + 4;
}

impl Widget for &ReceiptBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let w = ReceiptBox::WIDTH.min(area.width);
        let r = Rect::new(area.x + (area.width - w) / 2, area.y, w, area.height);
        let lines = self.view.lines();
        let inner_h = usize::from(r.height.saturating_sub(2));
        let scroll = usize::from(self.view.scroll).min(lines.len().saturating_sub(1));
        let more_below = lines.len() > scroll + inner_h;
        let shown: Vec<Line<'static>> = lines
            .iter()
            .skip(scroll)
            .take(inner_h)
            .map(|l| Line::raw(format!(" {}", crate::protocol::text::device_line(l))))
            .collect();
        let title = match (scroll > 0, more_below) {
            (false, false) => " Receipt ".to_owned(),
            (true, false) => " Receipt ↑ ".to_owned(),
            (false, true) => " Receipt ↓ ".to_owned(),
            (true, true) => " Receipt ↑↓ ".to_owned(),
        };
        Clear.render(r, buf);
        Paragraph::new(shown)
            .block(text::panel(&title, &self.theme))
            .render(r, buf);
    }
}
