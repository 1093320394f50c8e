//! Every screen renders at every size without panicking and without drawing outside its area:
//! all sizes from 0×0 to 24×10, a spread of larger ones, and random ones (proptest), drawn into
//! a region of a bigger buffer whose outside must stay untouched.

mod ui_support;

use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use till::protocol::Sender;
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

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "[\\x00-\\x1f\\u{7f}\\u{200b}\\u{fe0f}\\u{1f600}-\\u{1f64f}\\u{4e00}-\\u{4e20}a-z ]{0,80}",
    ]
}

fn arb_signature() -> impl Strategy<Value = till::protocol::Signature> {
    use till::protocol::{Point, Signature, Stroke};
    let coord = prop_oneof![any::<i32>(), -50i32..700];
    let stroke = proptest::collection::vec((coord.clone(), coord), 0..40).prop_map(|pts| Stroke {
        points: pts.into_iter().map(|(x, y)| Point { x, y }).collect(),
    });
    (
        proptest::option::of(any::<i32>()),
        proptest::option::of(any::<i32>()),
        proptest::collection::vec(stroke, 0..6),
    )
        .prop_map(|(width, height, strokes)| Signature {
            width,
            height,
            strokes,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Device-supplied text and strokes (external input) never make rendering panic or spill.
    #[test]
    fn device_text_and_strokes_of_any_shape(
        text in arb_text(),
        sig in arb_signature(),
        w in 0u16..120,
        h in 0u16..40,
    ) {
        use till::app::{Connection, Prompt};
        use till::app::screens::Screen;
        let mut states = Vec::new();
        let mut s = ready();
        s.ui_mut().screen = Screen::Prompt;
        s.set_payment(Some(payment(till::payment::PaymentState::InProgress)));
        s.set_prompt(Some(Prompt::Signature { payment: device_payment(1), signature: sig }));
        states.push(s);
        let mut s = ready();
        s.ui_mut().screen = Screen::InProgress;
        s.set_payment(Some(payment(till::payment::PaymentState::InProgress)));
        s.set_device_text(Some(text.clone()));
        s.set_notice(notice(till::app::Level::Error, till::app::NoticeKind::General, &text));
        states.push(s);
        let mut s = ready();
        s.set_connection(Connection::Pairing { code: text.clone() });
        states.push(s);
        let mut s = ready();
        s.ui_mut().screen = Screen::Frames;
        s.set_frames(vec![(Sender::Device, text.clone()), (Sender::Device, text)]);
        states.push(s);
        let outer = Rect::new(0, 0, w + 2, h + 2);
        let area = Rect::new(1, 1, w, h);
        for s in &states {
            let mut buf = Buffer::empty(outer);
            ui::draw(s, None, &Theme::default(), area, &mut buf);
            for pos in outer.positions() {
                if !area.contains(pos) {
                    prop_assert_eq!(&buf[pos], &ratatui::buffer::Cell::default());
                }
            }
        }
    }
}
