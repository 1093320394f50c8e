//! The protocol inspector: every frame's direction and redacted one-line summary, newest at the
//! bottom, scrolled back by `ui.frames_back`. Only the visible lines are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::State;
use crate::protocol::Sender;

/// The frames view.
#[derive(Debug, Clone, Copy)]
pub struct FramesView<'a> {
    /// What to show.
    pub state: &'a State,
    /// Styling.
    pub theme: Theme,
}

/// The range of frame indices to draw: ending `back` frames before the newest, at most `rows`.
pub fn visible_range(len: usize, back: usize, rows: usize) -> std::ops::Range<usize> {
    let end = len.saturating_sub(back.min(len.saturating_sub(1)));
    end.saturating_sub(rows)..end
}

fn direction(d: Sender) -> (&'static str, bool) {
    match d {
        Sender::Pos => ("POS → dev", true),
        Sender::Device => ("dev → POS", false),
    }
}

impl Widget for &FramesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = &self.theme;
        let frames = &self.state.frames();
        let back = self.state.ui().frames_back;
        let title = if back > 0 {
            format!(
                "Frames · {} kept · scrolled back {back} (↓ returns to the newest)",
                frames.len()
            )
        } else {
            format!("Frames · {} kept · newest at the bottom", frames.len())
        };
        Line::styled(title, theme.strong()).render(Rect { height: 1, ..area }, buf);
        if area.height < 2 {
            return;
        }
        let rows = usize::from(area.height - 1);
        if frames.is_empty() {
            Line::styled("No frames yet.", theme.dim())
                .render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
            return;
        }
        let range = visible_range(frames.len(), back, rows);
        // Bottom-aligned: the newest shown frame sits on the last row.
        let top = area.bottom() - range.len() as u16;
        for (i, idx) in range.enumerate() {
            let (dir, summary) = &frames[idx];
            let (arrow, outgoing) = direction(*dir);
            let arrow_style = if outgoing { theme.key() } else { theme.info() };
            Line::from(vec![
                Span::styled(format!("{:>5} ", idx + 1), theme.dim()),
                Span::styled(arrow, arrow_style),
                Span::raw("  "),
                Span::raw(summary.as_str()),
            ])
            .render(Rect::new(area.x, top + i as u16, area.width, 1), buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::visible_range;

    #[test]
    fn newest_at_the_bottom_and_scrolls_back() {
        assert_eq!(visible_range(0, 0, 5), 0..0);
        assert_eq!(visible_range(3, 0, 5), 0..3);
        assert_eq!(visible_range(100, 0, 5), 95..100);
        assert_eq!(visible_range(100, 10, 5), 85..90);
        assert_eq!(visible_range(100, 500, 5), 0..1);
        assert_eq!(visible_range(100, 0, 0), 100..100);
    }
}
