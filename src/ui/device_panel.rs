//! Simulator mode: what the simulated device's screen shows and which customer actions apply
//! (the runtime maps keys to them).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::sim::device::Screen as SimScreen;

/// The simulated device panel.
#[derive(Debug, Clone, Copy)]
pub struct DevicePanel<'a> {
    /// The device screen.
    pub screen: &'a SimScreen,
    /// Styling.
    pub theme: Theme,
}

impl DevicePanel<'_> {
    /// Columns the panel takes at the right side.
    pub const WIDTH: u16 = 30;
    /// Rows the panel takes at the bottom.
    pub const HEIGHT: u16 = 6;
}

impl Widget for &DevicePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let s = self.screen;
        let title = if s.title.is_empty() {
            "(blank screen)".to_owned()
        } else {
            s.title.clone()
        };
        let mut lines = vec![Line::styled(title, theme.strong())];
        if !s.detail.is_empty() {
            lines.push(Line::raw(s.detail.clone()));
        }
        if let Some(code) = &s.pairing_code {
            lines.push(Line::from(vec![
                Span::styled("Pairing code ", theme.dim()),
                Span::styled(code.clone(), theme.warn()),
            ]));
        }
        // The printer's last job: its heading always (when something was printed), its last
        // lines when the order leaves room.
        let printed = s.printer.first().map(|heading| {
            Line::from(vec![
                Span::styled("Printer: ", theme.dim()),
                Span::raw(heading.clone()),
            ])
        });
        let reserved = usize::from(printed.is_some());
        // The order as the customer sees it; the oldest lines give way when space is short.
        let room = usize::from(area.height.saturating_sub(4))
            .saturating_sub(lines.len())
            .saturating_sub(reserved);
        let skip = s.order.len().saturating_sub(room);
        if skip > 0 && room > 0 {
            lines.push(Line::styled(
                format!("… {} more above", skip + 1),
                theme.dim(),
            ));
        }
        let shown = if skip > 0 { skip + 1 } else { 0 };
        lines.extend(s.order.iter().skip(shown).map(|l| Line::raw(l.clone())));
        if let Some(heading) = printed {
            lines.push(heading);
            let paper_room = room.saturating_sub(s.order.len());
            let paper = &s.printer[1..];
            let from = paper.len().saturating_sub(paper_room);
            lines.extend(
                paper[from..]
                    .iter()
                    .map(|l| Line::styled(format!("| {l}"), theme.dim())),
            );
        }
        let actions = if s.actions.is_empty() {
            "none right now".to_owned()
        } else {
            s.actions.join(", ")
        };
        lines.push(Line::from(vec![
            Span::styled("Customer: ", theme.dim()),
            Span::styled(actions, theme.key()),
        ]));
        Paragraph::new(lines)
            .block(text::panel(" Simulated device ", theme))
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }
}
