//! Open tabs (key `o`): auths awaiting their tip and pre-auths awaiting capture, the selected
//! one marked; the tip, capture or closeout box when open; the closeout running or how the last
//! one ended (its batch).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::app::State;
use crate::app::tab_keys::TabInput;
use crate::payment::{CloseoutState, PaymentKind};

/// The open tabs view.
#[derive(Debug, Clone, Copy)]
pub struct TabsView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

/// Keeps only what may reach a terminal of text from the device or the ledger.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

fn box_lines(input: &TabInput, state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let row = state.ui().tabs.get(state.ui().tabs_selected);
    let id = row.map_or(String::new(), |r| clean(&r.link.external_id));
    match input {
        TabInput::Tip { tip } => vec![Line::from(vec![
            Span::styled(format!(" Tip for auth {id}: "), theme.strong()),
            Span::styled(format!(" {tip}_ "), theme.focus()),
            Span::styled("  Enter sets it · Esc cancels", theme.dim()),
        ])],
        TabInput::Capture {
            amount,
            tip,
            on_tip,
        } => {
            let (a, t) = if *on_tip {
                (format!(" {amount} "), format!(" {tip}_ "))
            } else {
                (format!(" {amount}_ "), format!(" {tip} "))
            };
            let style = |focused: bool| {
                if focused {
                    theme.focus()
                } else {
                    theme.field()
                }
            };
            vec![Line::from(vec![
                Span::styled(format!(" Capture pre-auth {id}: amount "), theme.strong()),
                Span::styled(a, style(!*on_tip)),
                Span::styled(" tip ", theme.strong()),
                Span::styled(t, style(*on_tip)),
                Span::styled("  Tab switches · Enter captures · Esc cancels", theme.dim()),
            ])]
        }
        TabInput::Closeout => {
            let n = state.ui().tabs.len();
            let open = if n == 0 {
                "no tab is open".to_owned()
            } else {
                format!("{n} tab(s) stay open (allowOpenTabs)")
            };
            vec![Line::styled(
                format!(" Close out the batch on the device? {open}. y closes out · n/Esc cancels"),
                theme.warn(),
            )]
        }
    }
}

fn closeout_lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(c) = &state.closeout() {
        return vec![Line::styled(
            format!(
                " Closeout {} sent; waiting for the device…",
                clean(&c.request_id)
            ),
            theme.info(),
        )];
    }
    let Some(o) = &state.last_closeout() else {
        return Vec::new();
    };
    let b = &o.batch;
    match o.state {
        CloseoutState::Closed => vec![Line::styled(
            format!(
                " Batch {} closed: {} transaction(s), total {}",
                clean(b.id.as_deref().unwrap_or("(no id)")),
                b.count.map_or("?".to_owned(), |c| c.to_string()),
                b.total.map_or("?".to_owned(), |t| t.to_string())
            ),
            theme.good(),
        )],
        _ => vec![Line::styled(
            format!(" Closeout {}: {}", o.state, clean(&o.message)),
            theme.error(),
        )],
    }
}

impl Widget for &TabsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let state = self.state;
        let ui = &state.ui();
        let mut lines = Vec::new();
        if ui.tabs.is_empty() {
            lines.push(Line::styled(
                " No open tab: every auth has its tip, every pre-auth is captured.",
                theme.dim(),
            ));
        }
        for (i, row) in ui.tabs.iter().enumerate() {
            let marker = if i == ui.tabs_selected { "▸ " } else { "  " };
            let (kind, waits) = match row.kind {
                PaymentKind::PreAuth => ("pre-auth", "awaits capture"),
                _ => ("auth", "awaits its tip"),
            };
            let card = row.link.card.as_deref().map(clean).unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(marker, theme.key()),
                Span::styled(format!("{kind:<9}"), theme.strong()),
                Span::raw(format!("{:>10}  ", row.link.amount.to_string())),
                Span::styled(format!("{waits:<15}"), theme.warn()),
                Span::raw(format!("{}  ", clean(&row.link.external_id))),
                Span::styled(card, theme.dim()),
            ]));
        }
        lines.push(Line::raw(""));
        if let Some(input) = ui.tab_input() {
            lines.extend(box_lines(input, state, theme));
        }
        lines.extend(closeout_lines(state, theme));
        if state.notice().is_some() {
            lines.push(Line::raw(""));
            lines.extend(super::notice::lines(state, theme));
        }
        Paragraph::new(lines)
            .block(text::panel(" Open tabs ", theme))
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}
