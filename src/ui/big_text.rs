//! Large digits drawn with a 5-row block font, for the pairing code. Falls back to plain,
//! spaced text when the code has characters the font lacks or the area is too small.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Rows of every glyph.
pub const GLYPH_ROWS: u16 = 5;
const GLYPH_COLS: u16 = 3;

fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => [" █ ", "██ ", " █ ", " █ ", "███"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", " ██", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", " █ ", " █ ", " █ "],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        '-' => ["   ", "   ", "███", "   ", "   "],
        ' ' => ["   ", "   ", "   ", "   ", "   "],
        _ => return None,
    })
}

/// Text drawn large and centred in its area.
#[derive(Debug, Clone)]
pub struct BigText<'a> {
    /// What to draw.
    pub text: &'a str,
    /// Its style.
    pub style: Style,
}

impl BigText<'_> {
    /// Columns needed with each font pixel `scale` cells wide (0 when the font lacks a char).
    pub fn width(&self, scale: u16) -> Option<u16> {
        let n = self.text.chars().count();
        if n == 0 || self.text.chars().any(|c| glyph(c).is_none()) {
            return None;
        }
        let n = u16::try_from(n).ok()?;
        // Glyphs plus one pixel of space between them.
        n.checked_mul(GLYPH_COLS + 1)?
            .checked_sub(1)?
            .checked_mul(scale)
    }

    /// Rows this widget uses in an area this wide: 5 when the big font fits, else 1.
    pub fn height_for(&self, width: u16) -> u16 {
        if self.width(1).is_some_and(|w| w <= width) {
            GLYPH_ROWS
        } else {
            1
        }
    }
}

impl Widget for &BigText<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let scale = [2u16, 1]
            .into_iter()
            .find(|&s| self.width(s).is_some_and(|w| w <= area.width) && area.height >= GLYPH_ROWS);
        let Some(scale) = scale else {
            // Plain fallback: the characters spaced out, centred.
            let spaced: String = self
                .text
                .chars()
                .flat_map(|c| [c, ' '])
                .collect::<String>()
                .trim_end()
                .to_owned();
            let y = area.y + area.height / 2;
            Line::styled(spaced, self.style)
                .centered()
                .render(Rect::new(area.x, y, area.width, 1), buf);
            return;
        };
        let width = self.width(scale).unwrap_or(0);
        let x0 = area.x + (area.width - width) / 2;
        let y0 = area.y + (area.height - GLYPH_ROWS) / 2;
        let mut x = x0;
        for c in self.text.chars() {
            let Some(rows) = glyph(c) else { continue };
            for (dy, row) in rows.iter().enumerate() {
                for (dx, px) in row.chars().enumerate() {
                    if px == ' ' {
                        continue;
                    }
                    for s in 0..scale {
                        let cx = x + dx as u16 * scale + s;
                        let cy = y0 + dy as u16;
                        if cx < area.right() && cy < area.bottom() {
                            buf[(cx, cy)].set_char('█').set_style(self.style);
                        }
                    }
                }
            }
            x += (GLYPH_COLS + 1) * scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(buf: &Buffer) -> Vec<String> {
        let a = buf.area;
        (a.top()..a.bottom())
            .map(|y| {
                (a.left()..a.right())
                    .map(|x| buf[(x, y)].symbol())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn digits_are_drawn_large_when_they_fit() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 11, 5));
        (&BigText {
            text: "17",
            style: Style::new(),
        })
            .render(buf.area, &mut buf);
        assert_eq!(
            lines(&buf),
            vec![
                "   █  ███  ",
                "  ██    █  ",
                "   █   █   ",
                "   █   █   ",
                "  ███  █   ",
            ]
        );
    }

    #[test]
    fn too_small_or_unknown_falls_back_to_plain_text() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 11, 1));
        (&BigText {
            text: "492815",
            style: Style::new(),
        })
            .render(buf.area, &mut buf);
        assert_eq!(lines(&buf), vec!["4 9 2 8 1 5"]);
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 5));
        (&BigText {
            text: "AB",
            style: Style::new(),
        })
            .render(buf.area, &mut buf);
        assert_eq!(lines(&buf)[2].trim(), "A B");
        let mut buf = Buffer::empty(Rect::new(0, 0, 0, 0));
        (&BigText {
            text: "1",
            style: Style::new(),
        })
            .render(buf.area, &mut buf);
    }
}
