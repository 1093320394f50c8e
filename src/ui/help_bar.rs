//! The bottom line built from [`crate::app::screens::keymap`], so it always names the keys that
//! work right now, and the `?` overlay listing every key of every screen (both from the one
//! table in [`crate::app::keymap`]).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::State;
use crate::app::keymap;
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

/// The `?` overlay: every key of every screen, from the one keymap table, with the keys that
/// work right now first, and the simulated device panel's function keys when there is one.
/// Scrolls (↑/↓) when it does not fit.
#[derive(Debug, Clone)]
pub struct HelpOverlay<'a> {
    /// The app state (which keys work now, how far the list is scrolled).
    pub state: &'a State,
    /// The TUI runs on the embedded simulator: list its device panel keys too.
    pub simulator: bool,
    /// Styling.
    pub theme: Theme,
}

/// One section of the overlay: a heading and its keys.
pub type HelpSection = (String, Vec<(&'static str, &'static str)>);

/// The overlay's sections, in order: the keys that work now, then every mode of the keymap
/// table, then the device panel (when `simulator`).
pub fn help_sections(state: &State, simulator: bool) -> Vec<HelpSection> {
    let now = keymap::active(state)
        .into_iter()
        .map(|b| (b.key, b.what))
        .collect();
    let mut out: Vec<HelpSection> = vec![("Here and now".into(), now)];
    for mode in keymap::MODES {
        let keys = keymap::bindings(*mode).map(|b| (b.key, b.what)).collect();
        out.push((mode.title().into(), keys));
    }
    if simulator {
        let keys = keymap::DEVICE_PANEL_KEYS
            .iter()
            .map(|(_, key, what)| (*key, *what))
            .collect();
        out.push(("Device panel (the simulated customer)".into(), keys));
    }
    out
}

impl Widget for &HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let w = area.width.saturating_sub(2).clamp(1, 76);
        let inner_w = usize::from(w.saturating_sub(2).max(1));
        let mut lines: Vec<Line> = Vec::new();
        for (title, keys) in help_sections(self.state, self.simulator) {
            // Each "key what" pair stays on one line; a section wraps between pairs.
            let mut spans = vec![Span::styled(format!(" {title}:"), self.theme.strong())];
            let mut used = Span::raw(format!(" {title}:")).width();
            for (key, what) in keys {
                let pair = 2 + Span::raw(key).width() + 1 + Span::raw(what).width();
                if used + pair > inner_w && used > 3 {
                    lines.push(Line::from(std::mem::take(&mut spans)));
                    spans.push(Span::raw("  "));
                    used = 2;
                }
                spans.push(Span::raw("  "));
                spans.push(Span::styled(key, self.theme.key()));
                spans.push(Span::raw(" "));
                spans.push(Span::raw(what));
                used += pair;
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::styled(
            " ↑↓ scroll · Esc or ? closes this list",
            self.theme.dim(),
        ));
        let wanted = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let h = wanted.saturating_add(2).min(area.height);
        let visible = h.saturating_sub(2);
        let scroll = self
            .state
            .ui()
            .help_scroll
            .min(wanted.saturating_sub(visible));
        let para = Paragraph::new(lines);
        let popup = text::centered(area, w, h);
        Clear.render(popup, buf);
        para.scroll((scroll, 0))
            .block(text::panel(" Keys ", &self.theme))
            .render(popup, buf);
    }
}
