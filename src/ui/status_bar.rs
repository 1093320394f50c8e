//! The top line: connection state, device and merchant names, and badges for a pending
//! payment and simulator mode.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::text;
use super::theme::Theme;
use crate::app::State;

/// The status bar.
#[derive(Debug, Clone, Copy)]
pub struct StatusBar<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
    /// Simulator mode.
    pub simulator: bool,
}

impl StatusBar<'_> {
    fn badges(&self) -> Vec<Span<'static>> {
        let mut badges = Vec::new();
        if let Some(p) = self.state.pending() {
            badges.push(Span::styled(
                format!(" PENDING {} {} ", p.amount, p.state),
                self.theme.badge(),
            ));
        }
        if self.simulator {
            badges.push(Span::styled(" SIMULATOR ", self.theme.badge()));
        }
        badges
    }
}

impl Widget for &StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        buf.set_style(area, theme.bar());
        let (conn, conn_style) = text::connection(self.state.connection(), theme);
        let mut left = vec![
            Span::styled(" till ", theme.strong()),
            Span::raw("│ "),
            Span::styled(conn, conn_style),
        ];
        if let Some(dev) = &self.state.device() {
            let names: Vec<&str> = [dev.merchant_name.as_str(), dev.device_name.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if !names.is_empty() {
                left.push(Span::raw(" │ "));
                left.push(Span::raw(names.join(" · ")));
            }
        }
        let mut badges = self.badges();
        let width_of = |b: &[Span]| b.iter().map(Span::width).sum::<usize>() + b.len();
        while !badges.is_empty() && width_of(&badges) > usize::from(area.width) {
            badges.pop();
        }
        let right_w = u16::try_from(width_of(&badges))
            .unwrap_or(area.width)
            .min(area.width);
        let left_area = Rect::new(area.x, area.y, area.width - right_w, 1);
        Line::from(left).render(left_area, buf);
        if right_w > 0 {
            let mut spans = Vec::new();
            for b in badges {
                spans.push(Span::raw(" "));
                spans.push(b);
            }
            let right_area = Rect::new(area.right() - right_w, area.y, right_w, 1);
            Line::from(spans).render(right_area, buf);
        }
    }
}
