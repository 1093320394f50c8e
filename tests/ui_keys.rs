//! The `?` overlay and the help bar, as the operator sees them: every key of every screen from
//! the one keymap table, and the simulated device panel's function keys even when the panel
//! itself has no room (60×20).

mod ui_support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use till::app::keymap::{DEVICE_PANEL_KEYS, KEYMAP};
use till::app::screens::Screen;
use till::app::{Event, Key, State, update};
use till::ui::{self, Theme};
use ui_support::*;

fn screen_text(state: &State, sim: bool, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let screen = sim.then(sim_screen);
    terminal
        .draw(|frame| ui::render(state, screen.as_ref(), &Theme::default(), frame))
        .expect("draw");
    buffer_text(terminal.backend().buffer())
}

#[test]
fn the_help_overlay_lists_every_key_of_every_screen_and_the_device_panel() {
    let mut s = ready();
    update(&mut s, Event::Key(Key::Char('?')));
    assert!(s.ui().help());
    let out = screen_text(&s, true, 120, 60);
    for b in KEYMAP {
        assert!(
            out.contains(&format!("{} {}", b.key, b.what)),
            "{:?} {} missing:\n{out}",
            b.mode,
            b.key
        );
    }
    for (_, key, what) in DEVICE_PANEL_KEYS {
        assert!(
            out.contains(&format!("{key} {what}")),
            "{key} missing:\n{out}"
        );
    }
}

#[test]
fn at_60x20_the_device_panel_keys_are_one_scroll_away_in_the_help() {
    let mut s = ready();
    let plain = screen_text(&s, true, 60, 20);
    assert!(
        !plain.contains("F1 card"),
        "the panel has no room here:\n{plain}"
    );
    update(&mut s, Event::Key(Key::Char('?')));
    let mut seen = String::new();
    // The list grows with every screen's keys: scroll well past its end (it stops there).
    for _ in 0..120 {
        seen.push_str(&screen_text(&s, true, 60, 20));
        update(&mut s, Event::Key(Key::Down));
        assert!(s.ui().help(), "scrolling keeps the list open");
    }
    for (_, key, what) in DEVICE_PANEL_KEYS {
        assert!(seen.contains(&format!("{key} {what}")), "{key} never shown");
    }
    update(&mut s, Event::Key(Key::Esc));
    assert!(!s.ui().help());
}

#[test]
fn the_help_bar_shows_esc_where_it_works() {
    let s = ready();
    let out = screen_text(&s, false, 100, 24);
    let bar = out.lines().last().unwrap_or_default();
    assert!(bar.contains("Esc clear"), "{bar:?}");
    let mut h = history(40, 3);
    h.ui_mut().screen = Screen::History;
    let out = screen_text(&h, false, 100, 24);
    let bar = out.lines().last().unwrap_or_default();
    assert!(bar.contains("Esc back"), "{bar:?}");
}

#[test]
fn while_the_customer_signs_nothing_promises_that_esc_cancels() {
    let mut s = ready();
    s.set_payment(Some(payment(till::payment::PaymentState::InProgress)));
    s.ui_mut().screen = Screen::InProgress;
    s.set_device_wants_signature(true);
    let out = screen_text(&s, false, 100, 24);
    assert!(!out.contains("Esc cancel"), "{out}");
    assert!(out.contains("ignores cancel"), "{out}");
    update(&mut s, Event::Key(Key::Esc));
    let out = screen_text(&s, false, 100, 24);
    assert!(
        out.contains("Not canceled"),
        "what happened is said:\n{out}"
    );
}
