//! The ledger, newest first, virtualised: only the rows that fit are drawn, from the window the
//! app loaded (`ui.history`, starting at absolute index `ui.history_offset`). The selected row is
//! highlighted and kept in view; its event lines show below when opened.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::State;
use crate::app::screens::HistoryRow;

/// The history view.
#[derive(Debug, Clone, Copy)]
pub struct HistoryView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

/// The first absolute row to draw so that `selected` is visible in `visible` rows (the
/// selection is kept near the middle once the list scrolls).
pub fn first_visible(selected: usize, total: usize, visible: usize) -> usize {
    if visible == 0 || total <= visible {
        return 0;
    }
    let selected = selected.min(total - 1);
    selected.saturating_sub(visible / 2).min(total - visible)
}

/// The card column is shown from this width on (the external id matters more).
const CARD_FROM_WIDTH: u16 = 85;

fn header(card: bool) -> String {
    let mut h = format!(
        "  {:<16} {:>9}  {:<11} {:<32}",
        "When (UTC)", "Amount", "State", "External id"
    );
    if card {
        h.push_str("  Card, items");
    }
    h
}

fn row_line(row: &HistoryRow, selected: bool, card: bool, theme: &Theme) -> Line<'static> {
    let (_, st_style) = text::payment_state(row.state, theme);
    let st = row.state.as_str();
    let marker = if selected { "▸ " } else { "  " };
    let mut spans = vec![
        Span::raw(marker),
        Span::styled(text::utc_minute(row.created_ms), theme.dim()),
        Span::raw(format!(" {:>9}  ", row.amount.to_string())),
        Span::styled(format!("{st:<11}"), st_style),
        Span::raw(format!(" {:<32}", row.external_id)),
    ];
    if card {
        spans.push(Span::raw(format!("  {}", row.card)));
        if let Some(n) = row.items {
            let s = if n == 1 { "" } else { "s" };
            spans.push(Span::styled(format!("  {n} item{s}"), theme.dim()));
        }
    }
    let line = Line::from(spans);
    if selected {
        line.style(theme.focus())
    } else {
        line
    }
}

impl Widget for &HistoryView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let ui = &self.state.ui();
        let total = ui.history_total;
        let selected = ui.history_selected.min(total.saturating_sub(1));
        let query: String = ui
            .history_query
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect();
        let title = match ui.history_typing() {
            Some(line) => {
                let line: String = line.chars().filter(|c| !c.is_control()).collect();
                format!("Search: {line}▏ (Enter to search, Esc to cancel)")
            }
            None if !query.is_empty() && total == 0 => {
                format!("History · nothing matches “{query}”")
            }
            None if !query.is_empty() => {
                format!("History · “{query}” · {} of {total} matching", selected + 1)
            }
            None if total == 0 => "History · no payments yet".to_owned(),
            None => format!("History · {} of {total} · newest first", selected + 1),
        };
        let card = area.width >= CARD_FROM_WIDTH;
        let mut y = area.y;
        Line::styled(title, theme.strong()).render(Rect::new(area.x, y, area.width, 1), buf);
        y += 1;
        if y >= area.bottom() {
            return;
        }
        Line::styled(header(card), theme.dim()).render(Rect::new(area.x, y, area.width, 1), buf);
        y += 1;
        let rest = area.bottom().saturating_sub(y);
        // The opened payment's events take the lower part when there is room: wrapped to the
        // pane, scrolled so that the last events show unless scrolled back.
        let wrapped = ui
            .history_detail
            .as_ref()
            .map(|lines| wrap(lines, usize::from(area.width.saturating_sub(2))));
        let detail_h = match &wrapped {
            Some(lines) if rest >= 8 => (u16::try_from(lines.len()).unwrap_or(u16::MAX))
                .saturating_add(2)
                .clamp(3, rest - 4),
            _ => 0,
        };
        let list_h = rest - detail_h;
        if total == 0 && list_h > 0 {
            let hint = if query.is_empty() {
                "  Sales appear here once they are rung."
            } else {
                "  Esc shows every payment; / searches again."
            };
            Line::styled(hint, theme.dim()).render(Rect::new(area.x, y, area.width, 1), buf);
        }
        let visible = usize::from(list_h);
        let first = first_visible(selected, total, visible);
        for (i, abs) in (first..total).take(visible).enumerate() {
            let r = Rect::new(area.x, y + i as u16, area.width, 1);
            let line = match abs
                .checked_sub(ui.history_offset)
                .and_then(|k| ui.history.get(k))
            {
                Some(row) => row_line(row, abs == selected, card, theme),
                None => Line::styled(if abs == selected { "▸ …" } else { "  …" }, theme.dim()),
            };
            line.render(r, buf);
        }
        if detail_h > 0 {
            let r = Rect::new(area.x, y + list_h, area.width, detail_h);
            let all = wrapped.unwrap_or_default();
            let visible = usize::from(detail_h.saturating_sub(2));
            let latest_first = all.len().saturating_sub(visible);
            let first = latest_first.saturating_sub(ui.history_detail_back);
            let lines: Vec<Line> = all
                .iter()
                .skip(first)
                .take(visible)
                .map(|l| Line::raw(l.as_str()))
                .collect();
            let position = if all.len() > visible {
                let last = (first + visible).min(all.len());
                format!("· {}–{last}/{} ", first + 1, all.len())
            } else {
                String::new()
            };
            let title = match ui
                .history_selected
                .checked_sub(ui.history_offset)
                .and_then(|k| ui.history.get(k))
            {
                Some(row) => format!(" Events of {} {position}", row.external_id),
                None => format!(" Events {position}"),
            };
            Paragraph::new(lines)
                .block(text::panel(&title, theme))
                .render(r, buf);
        }
    }
}

/// Wraps `lines` to `width` columns (at spaces when it can, else mid-word), control characters
/// (escape codes included) shown as `�`. Every line gives at least one line.
pub fn wrap(lines: &[String], width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in lines {
        let clean: Vec<char> = line
            .chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect();
        let mut rest: &[char] = &clean;
        loop {
            if rest.len() <= width {
                out.push(rest.iter().collect());
                break;
            }
            let cut = rest[..=width]
                .iter()
                .rposition(|c| *c == ' ')
                .filter(|&i| i > 0)
                .unwrap_or(width);
            out.push(rest[..cut].iter().collect());
            rest = &rest[cut..];
            while rest.first() == Some(&' ') {
                rest = &rest[1..];
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{first_visible, wrap};

    #[test]
    fn event_lines_wrap_at_spaces_and_lose_escape_codes() {
        let lines = vec![
            "2026-12-01T10:00:00Z in_progress → approved [FINISH_OK] approved".to_owned(),
            "x".repeat(25),
            String::new(),
            "red \u{1b}[31m".to_owned(),
        ];
        let w = wrap(&lines, 20);
        assert_eq!(w[0], "2026-12-01T10:00:00Z");
        assert_eq!(w[1], "in_progress →");
        assert_eq!(w[2], "approved [FINISH_OK]");
        assert_eq!(w[3], "approved");
        assert_eq!(w[4], "x".repeat(20));
        assert_eq!(w[5], "xxxxx");
        assert_eq!(w[6], "");
        assert_eq!(w[7], "red \u{fffd}[31m");
        assert!(w.iter().all(|l| l.chars().count() <= 20));
    }

    #[test]
    fn the_selection_stays_visible() {
        assert_eq!(first_visible(0, 5, 10), 0);
        assert_eq!(first_visible(3, 100, 10), 0);
        assert_eq!(first_visible(50, 100, 10), 45);
        assert_eq!(first_visible(99, 100, 10), 90);
        assert_eq!(first_visible(500, 100, 10), 90);
        assert_eq!(first_visible(7, 100, 0), 0);
        for sel in 0..100 {
            let f = first_visible(sel, 100, 7);
            assert!(f <= sel && sel < f + 7);
        }
    }
}
