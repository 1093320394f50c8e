//! Connect / pairing: connection progress with what to do, and the pairing code large and
//! centred while the device waits for it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::big_text::BigText;
use super::notice;
use super::text;
use super::theme::Theme;
use crate::app::{Connection, State};

/// The connect / pairing view.
#[derive(Debug, Clone, Copy)]
pub struct ConnectView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
    /// Show the notice here (false when the sale entry below shows it).
    pub notice: bool,
}

impl ConnectView<'_> {
    /// Rows this view wants at `width` columns (the sale entry may use the rest).
    pub fn wanted_height(&self, width: u16) -> u16 {
        match &self.state.connection() {
            Connection::Pairing { code } => {
                let big = BigText {
                    text: code,
                    style: self.theme.strong(),
                };
                // Border, title line, blank, code, blank, instruction, hint, notice.
                2 + 3 + big.height_for(width.saturating_sub(2)) + 3
            }
            _ => 6,
        }
    }

    fn advice(&self) -> &'static str {
        match &self.state.connection() {
            Connection::Idle => "till connects to the device when it starts.",
            Connection::Connecting { .. } => {
                "Check that the device is on and reachable; till keeps trying."
            }
            Connection::Pairing { .. } => {
                "A wrong code makes the device show a new one; till shows it here."
            }
            Connection::NotReady(_) => {
                "The device is connected but cannot take payments yet; check its screen."
            }
            Connection::Ready => "The device is ready.",
            Connection::Disconnected(_) => {
                "A payment in flight is checked with the device as soon as it is back."
            }
        }
    }
}

impl Widget for &ConnectView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let block = text::panel(" Device ", theme);
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        if let Connection::Pairing { code } = &self.state.connection() {
            let big = BigText {
                text: code,
                style: theme.strong(),
            };
            let code_h = big.height_for(inner.width);
            let mut y = inner.y;
            Line::styled("Pairing with the device", theme.strong())
                .centered()
                .render(Rect::new(inner.x, y, inner.width, 1), buf);
            y += 2;
            if y < inner.bottom() {
                let h = code_h.min(inner.bottom() - y);
                (&big).render(Rect::new(inner.x, y, inner.width, h), buf);
                y += h + 1;
            }
            if y < inner.bottom() {
                let mut lines = vec![
                    Line::styled("Enter this code on the device", theme.warn()),
                    Line::styled(self.advice(), theme.dim()),
                ];
                if self.notice {
                    lines.extend(notice::lines(self.state, theme));
                }
                let rest = Rect::new(inner.x, y, inner.width, inner.bottom() - y);
                Paragraph::new(lines)
                    .centered()
                    .wrap(Wrap { trim: true })
                    .render(rest, buf);
            }
            return;
        }
        let (conn, style) = text::connection(self.state.connection(), theme);
        let mut lines = vec![
            Line::styled(conn, style),
            Line::styled(self.advice(), theme.dim()),
        ];
        if self.notice {
            lines.extend(notice::lines(self.state, theme));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
    }
}
