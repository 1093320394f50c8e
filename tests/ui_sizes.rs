//! Every screen renders at every size without panicking and without drawing outside its area:
//! all sizes from 0×0 to 24×10, a spread of larger ones, and random ones (proptest), drawn into
//! a region of a bigger buffer whose outside must stay untouched.

mod ui_support;

use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use till::ui::{self, Theme};
use ui_support::*;

fn check(w: u16, h: u16, x: u16, y: u16) {
    let outer = Rect::new(0, 0, w + x + 3, h + y + 3);
    for (name, state, sim) in scenarios() {
        for theme in [Theme::new(true), Theme::new(false)] {
            let mut buf = Buffer::empty(outer);
            let area = Rect::new(x, y, w, h);
            ui::draw(&state, sim.as_ref(), &theme, area, &mut buf);
            for pos in outer.positions() {
                if !area.contains(pos) {
                    assert_eq!(
                        buf[pos],
                        ratatui::buffer::Cell::default(),
                        "{name} at {w}x{h}+{x}+{y} drew outside its area at {pos:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_screen_at_every_small_size() {
    for w in 0..=24 {
        for h in 0..=10 {
            check(w, h, 1, 2);
        }
    }
}

#[test]
fn every_screen_at_common_and_odd_sizes() {
    for (w, h) in [
        (60, 20),
        (80, 24),
        (10, 3),
        (1, 1),
        (200, 60),
        (45, 40),
        (120, 30),
        (99, 21),
        (100, 19),
    ] {
        check(w, h, 0, 0);
    }
}

#[test]
fn through_a_terminal_at_zero_and_tiny_sizes() {
    for (w, h) in [(0, 0), (0, 5), (5, 0), (10, 3), (20, 5)] {
        for (name, state, sim) in scenarios() {
            let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            t.draw(|f| ui::render(&state, sim.as_ref(), &Theme::default(), f))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_sizes_and_offsets(w in 0u16..160, h in 0u16..60, x in 0u16..5, y in 0u16..5) {
        check(w, h, x, y);
    }
}
