//! A signature's strokes drawn on a braille canvas, scaled to the area with the aspect ratio
//! kept (one braille dot is about square: a cell is 2 dots wide and 4 tall, and about twice as
//! tall as it is wide).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line as Segment, Points};

use super::theme::Theme;
use crate::protocol::Signature;

/// The strokes of a signature.
#[derive(Debug, Clone, Copy)]
pub struct SignatureView<'a> {
    /// The signature.
    pub signature: &'a Signature,
    /// Styling.
    pub theme: Theme,
}

/// The drawing's frame in signature coordinates: `(x0, y0, width, height)`, from the
/// signature's own size when it has one, else the strokes' bounding box.
pub fn frame_of(sig: &Signature) -> Option<(f64, f64, f64, f64)> {
    if let (Some(w), Some(h)) = (sig.width, sig.height)
        && w > 0
        && h > 0
    {
        return Some((0.0, 0.0, f64::from(w), f64::from(h)));
    }
    let mut points = sig.strokes.iter().flat_map(|s| s.points.iter());
    let first = points.next()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    let w = (f64::from(x1) - f64::from(x0)).max(1.0);
    let h = (f64::from(y1) - f64::from(y0)).max(1.0);
    Some((f64::from(x0), f64::from(y0), w, h))
}

/// The largest rectangle in `area` with the drawing's aspect ratio (in braille dots), centred.
pub fn fit(area: Rect, width: f64, height: f64) -> Rect {
    if area.is_empty() || width <= 0.0 || height <= 0.0 {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let dots_w = f64::from(area.width) * 2.0;
    let dots_h = f64::from(area.height) * 4.0;
    let scale = (dots_w / width).min(dots_h / height);
    let cells_w = ((width * scale / 2.0).round() as u16).clamp(1, area.width);
    let cells_h = ((height * scale / 4.0).round() as u16).clamp(1, area.height);
    super::text::centered(area, cells_w, cells_h)
}

impl Widget for &SignatureView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let Some((x0, y0, w, h)) = frame_of(self.signature) else {
            Line::styled("(the device sent no strokes)", self.theme.dim())
                .centered()
                .render(
                    Rect::new(area.x, area.y + area.height / 2, area.width, 1),
                    buf,
                );
            return;
        };
        let target = fit(area, w, h);
        let color = self.theme.ink().fg.unwrap_or_default();
        // Canvas y grows upwards; signature y grows downwards.
        let flip = |y: i32| y0 + h - f64::from(y);
        let sig = self.signature;
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([x0, x0 + w])
            .y_bounds([y0, y0 + h])
            .paint(|ctx| {
                for stroke in &sig.strokes {
                    match stroke.points.as_slice() {
                        [] => {}
                        [p] => ctx.draw(&Points {
                            coords: &[(f64::from(p.x), flip(p.y))],
                            color,
                        }),
                        pts => {
                            for pair in pts.windows(2) {
                                ctx.draw(&Segment::new(
                                    f64::from(pair[0].x),
                                    flip(pair[0].y),
                                    f64::from(pair[1].x),
                                    flip(pair[1].y),
                                    color,
                                ));
                            }
                        }
                    }
                }
            })
            .render(target, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Point, Stroke};

    #[test]
    fn frame_comes_from_the_size_or_the_bounding_box() {
        let mut sig = Signature {
            width: Some(400),
            height: Some(100),
            strokes: vec![Stroke {
                points: vec![Point { x: 10, y: 20 }, Point { x: 30, y: 60 }],
            }],
        };
        assert_eq!(frame_of(&sig), Some((0.0, 0.0, 400.0, 100.0)));
        sig.width = None;
        assert_eq!(frame_of(&sig), Some((10.0, 20.0, 20.0, 40.0)));
        sig.strokes.clear();
        assert_eq!(frame_of(&sig), None);
    }

    #[test]
    fn fit_keeps_the_aspect_ratio_in_dots() {
        // 4:1 drawing in a 40x20 area (80x80 dots): 80x20 dots = 40x5 cells.
        assert_eq!(
            fit(Rect::new(0, 0, 40, 20), 400.0, 100.0),
            Rect::new(0, 7, 40, 5)
        );
        // 1:1 drawing: 80x80 dots limited by both = 40 cells x 20 rows.
        assert_eq!(
            fit(Rect::new(0, 0, 40, 20), 10.0, 10.0),
            Rect::new(0, 0, 40, 20)
        );
        // 1:2 drawing (tall): 40x80 dots = 20x20 cells, centred.
        assert_eq!(
            fit(Rect::new(0, 0, 40, 20), 10.0, 20.0),
            Rect::new(10, 0, 20, 20)
        );
    }
}
