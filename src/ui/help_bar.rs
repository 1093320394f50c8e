//! The bottom line built from [`crate::app::screens::keymap`], so it always names the keys that
//! work right now, and the `?` overlay listing all of them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::screens::Binding;

fn binding_spans(b: &Binding, theme: &Theme) -> [Span<'static>; 3] {
    [
        Span::styled(b.0, theme.key()),
        Span::raw(" "),
        Span::styled(b.1, theme.dim()),
    ]
}

fn binding_width(b: &Binding) -> usize {
    Span::raw(b.0).width() + 1 + Span::raw(b.1).width()
}

/// The help bar: as many bindings as fit, always keeping `?` (help) when it is bound.
#[derive(Debug, Clone)]
pub struct HelpBar<'a> {
    /// The active keymap.
    pub keys: &'a [Binding],
    /// Styling.
    pub theme: Theme,
}

impl Widget for &HelpBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let width = usize::from(area.width);
        let total = |list: &[&Binding]| {
            1 + list.iter().map(|b| binding_width(b)).sum::<usize>()
                + 2 * list.len().saturating_sub(1)
        };
        let help = self.keys.iter().find(|b| b.0 == "?");
        let mut shown: Vec<&Binding> = Vec::new();
        for b in self.keys.iter().filter(|b| b.0 != "?") {
            let mut trial = shown.clone();
            trial.push(b);
            trial.extend(help);
            if total(&trial) > width {
                break;
            }
            shown.push(b);
        }
        if let Some(h) = help {
            let mut trial = shown.clone();
            trial.push(h);
            if total(&trial) <= width {
                shown.push(h);
            }
        }
        let mut spans = vec![Span::raw(" ")];
        for (i, b) in shown.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw("  "));
            }
            spans.extend(binding_spans(b, &self.theme));
        }
        Line::from(spans).render(area, buf);
    }
}

/// The `?` overlay: every key of the active keymap with what it does.
#[derive(Debug, Clone)]
pub struct HelpOverlay<'a> {
    /// The active keymap.
    pub keys: &'a [Binding],
    /// Styling.
    pub theme: Theme,
}

impl Widget for &HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let key_w = self
            .keys
            .iter()
            .map(|b| Span::raw(b.0).width())
            .max()
            .unwrap_or(0);
        let mut lines: Vec<Line> = self
            .keys
            .iter()
            .map(|b| {
                Line::from(vec![
                    Span::styled(format!(" {:<key_w$}  ", b.0), self.theme.key()),
                    Span::raw(b.1),
                ])
            })
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled(" Esc or ? closes this list", self.theme.dim()));
        let content_w = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
        let w = u16::try_from(content_w + 2).unwrap_or(u16::MAX);
        let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let popup = text::centered(area, w, h);
        Clear.render(popup, buf);
        Paragraph::new(lines)
            .block(text::panel(" Keys ", &self.theme))
            .render(popup, buf);
    }
}
