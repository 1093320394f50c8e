//! A payment from before a restart that recovery settled, as the cashier sees it: on the sale
//! screen and on Check Payment Status, until dismissed with `x`.

mod ui_support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use till::app::screens::Screen;
use till::app::{Event, Key, State, update};
use till::payment::PaymentState;
use till::ui::{self, Theme};
use ui_support::*;

fn screen_text(state: &State, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|frame| ui::render(state, None, &Theme::default(), frame))
        .expect("draw");
    buffer_text(terminal.backend().buffer())
}

#[test]
fn the_recovered_outcome_shows_on_the_sale_and_status_screens_until_dismissed() {
    let mut s = ready();
    s.set_recovered(vec![outcome(
        PaymentState::Approved,
        approved_facts(),
        "approved",
    )]);
    let line = "Payment 12.34 from before the restart: APPROVED (VISA 4242)";
    for (w, h) in [(80, 24), (60, 20)] {
        let out = screen_text(&s, w, h);
        assert!(out.contains(line), "{w}x{h}:\n{out}");
        assert!(out.contains("x dismisses"), "{w}x{h}:\n{out}");
    }
    let mut status = s.clone();
    status.ui_mut().screen = Screen::Status;
    let out = screen_text(&status, 100, 24);
    assert!(out.contains("Recovered"), "{out}");
    assert!(out.contains(line), "{out}");
    assert!(
        out.contains("x dismiss recovered"),
        "the help bar names the key:\n{out}"
    );

    update(&mut s, Event::Key(Key::Char('x')));
    let out = screen_text(&s, 80, 24);
    assert!(!out.contains("from before the restart"), "{out}");
}
