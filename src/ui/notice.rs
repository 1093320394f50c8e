//! The latest notice: errors in the error style (red with colours), information plainly.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::app::{Level, Notice, State};

/// The notice as lines (empty when there is none). Errors start with `!`.
pub fn lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    state
        .notice()
        .as_ref()
        .map(|n| vec![line(n, theme)])
        .unwrap_or_default()
}

/// One notice as a line.
pub fn line(n: &Notice, theme: &Theme) -> Line<'static> {
    match n.level {
        Level::Error => Line::from(vec![
            Span::styled("! ", theme.error()),
            Span::styled(n.text.clone(), theme.error()),
        ]),
        Level::Info => Line::from(vec![
            Span::styled("i ", theme.info()),
            Span::raw(n.text.clone()),
        ]),
    }
}

/// Rows the notice needs at this width (at most `max`).
pub fn height(n: &Notice, width: u16, max: u16) -> u16 {
    if width == 0 {
        return 0;
    }
    let w = line(n, &Theme::default()).width();
    let rows = w.div_ceil(usize::from(width)).max(1);
    u16::try_from(rows).unwrap_or(u16::MAX).min(max)
}

/// The notice as a wrapping paragraph.
pub fn inline(state: &State, theme: &Theme) -> Paragraph<'static> {
    Paragraph::new(lines(state, theme)).wrap(Wrap { trim: true })
}

/// Renders the notice into `area` (nothing when there is none). Device text can hold wide
/// characters, which a wrapping paragraph may place in the last column of a row: drawn through
/// a scratch buffer, a character that would not fit is left out instead of spilling past `area`.
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut scratch = Buffer::empty(Rect::new(
        area.x,
        area.y,
        area.width.saturating_add(2),
        area.height,
    ));
    inline(state, theme).render(area, &mut scratch);
    for pos in area.positions() {
        let cell = &scratch[pos];
        let wide = Span::raw(cell.symbol()).width() > 1;
        if wide && pos.x + 1 >= area.right() {
            buf[pos].set_symbol(" ");
        } else {
            buf[pos] = cell.clone();
        }
    }
}
