//! Snapshots of every screen and overlay at 80×24 and 60×20 (plus the simulator panel at
//! 120×30), rendered through a real `Terminal<TestBackend>` from fixed states, and checks of
//! the things a snapshot cannot show (colours, NO_COLOR, the help bar matching the keymap).

mod ui_support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use till::app::screens::keymap;
use till::app::{Level, NoticeKind, State};
use till::sim::device::Screen as SimScreen;
use till::ui::{self, Theme, View};
use ui_support::*;

fn render(
    state: &State,
    sim: Option<&SimScreen>,
    theme: Theme,
    w: u16,
    h: u16,
) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|frame| ui::render(state, sim, &theme, frame))
        .expect("draw");
    terminal
}

fn text(state: &State, sim: Option<&SimScreen>, w: u16, h: u16) -> String {
    buffer_text(
        render(state, sim, Theme::default(), w, h)
            .backend()
            .buffer(),
    )
}

#[test]
fn every_screen_and_overlay_at_80x24_and_60x20() {
    let mut names = Vec::new();
    for (name, state, sim) in scenarios() {
        let mut sizes = vec![(80, 24), (60, 20)];
        if sim.is_some() {
            sizes.push((120, 30));
        }
        for (w, h) in sizes {
            let snap = format!("{name}_{w}x{h}");
            insta::assert_snapshot!(snap.clone(), text(&state, sim.as_ref(), w, h));
            names.push(snap);
        }
    }
    assert!(names.len() >= 60, "only {} snapshots", names.len());
}

#[test]
fn each_scenario_shows_the_view_it_is_named_after() {
    for (name, state, _) in scenarios() {
        let view = ui::view_for(&state);
        let expected = match name.split('_').next().unwrap_or_default() {
            "connect" => View::Connect,
            "sale" => View::Sale,
            "in" => View::InProgress,
            "prompt" => View::Prompt,
            "result" => View::Result,
            "status" => View::Status,
            "history" => View::History,
            "frames" => View::Frames,
            "report" => View::Report,
            "overlay" | "sim" => continue,
            other => panic!("scenario {other} has no expected view"),
        };
        assert_eq!(view, expected, "{name}");
    }
}

#[test]
fn the_pairing_code_is_large_and_centred() {
    let mut s = ready();
    s.set_connection(till::app::Connection::Pairing {
        code: "492815".into(),
    });
    let full = text(&s, None, 80, 24);
    // The status bar and the sale entry name the code; the device panel draws it with blocks
    // over five rows.
    let out: String = full
        .lines()
        .skip(1)
        .take_while(|l| !l.contains("New sale"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!out.contains("492815"), "{out}");
    let block_rows = out.lines().filter(|l| l.matches('█').count() >= 6).count();
    assert_eq!(block_rows, 5, "{out}");
    assert!(out.contains("Enter this code on the device"));
    // Centred: the first block row has the same margin on both sides (±1).
    let row = out.lines().find(|l| l.contains('█')).unwrap_or_default();
    let chars: Vec<char> = row.chars().collect();
    let left = chars.iter().position(|c| *c == '█').unwrap_or(0);
    let right = 80 - 1 - chars.iter().rposition(|c| *c == '█').unwrap_or(0);
    assert!(
        left.abs_diff(right) <= 2,
        "left {left} right {right}\n{out}"
    );
}

#[test]
fn the_help_bar_names_every_key_of_the_keymap_when_wide() {
    for (name, state, sim) in scenarios() {
        let term = render(&state, sim.as_ref(), Theme::default(), 200, 24);
        let out = buffer_text(term.backend().buffer());
        let bar = out.lines().last().unwrap_or_default();
        for (key, what) in keymap(&state) {
            assert!(
                bar.contains(&format!("{key} {what}")),
                "{name}: {key} missing in {bar:?}"
            );
        }
    }
}

#[test]
fn the_help_bar_keeps_the_help_key_when_narrow() {
    let out = text(&ready(), None, 40, 10);
    let bar = out.lines().last().unwrap_or_default();
    assert!(bar.contains("? help"), "{bar:?}");
}

#[test]
fn errors_are_red_with_colours_and_plain_with_no_color() {
    let mut s = ready();
    s.ui_mut().screen = till::app::screens::Screen::History;
    s.set_notice(notice(
        Level::Error,
        NoticeKind::General,
        "Could not send cancel: not connected.",
    ));
    let colored = render(&s, None, Theme::new(true), 80, 24);
    let buf = colored.backend().buffer();
    let red = buf
        .content()
        .iter()
        .any(|c| c.symbol() == "!" && c.fg == Color::Red);
    assert!(red, "the error notice is not red");

    for (name, state, sim) in scenarios() {
        let plain = render(
            &state,
            sim.as_ref(),
            Theme::from_no_color(Some("1".as_ref())),
            80,
            24,
        );
        for cell in plain.backend().buffer().content() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{name}: a colour is used with NO_COLOR: {cell:?}"
            );
        }
    }
}

#[test]
fn no_color_still_marks_the_focused_field() {
    let plain = render(&ready(), None, Theme::new(false), 80, 24);
    let buf = plain.backend().buffer();
    let reversed = buf
        .content()
        .iter()
        .filter(|c| c.modifier.contains(Modifier::REVERSED))
        .count();
    assert!(reversed > 0);
}

#[test]
fn no_color_value_follows_the_convention() {
    assert!(Theme::from_no_color(None).colors);
    assert!(Theme::from_no_color(Some("".as_ref())).colors);
    assert!(!Theme::from_no_color(Some("1".as_ref())).colors);
}

#[test]
fn the_signature_strokes_are_drawn_in_braille() {
    let (_, state, _) = scenarios()
        .into_iter()
        .find(|(n, ..)| *n == "prompt_signature")
        .expect("scenario");
    let out = text(&state, None, 80, 24);
    let braille = out
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count();
    assert!(braille > 50, "{braille} braille cells\n{out}");
}

#[test]
fn history_draws_only_the_visible_window_with_the_selection() {
    let s = history(100_000, 54_321);
    let out = text(&s, None, 80, 24);
    assert!(out.contains("54322 of 100000"), "{out}");
    let selected = format!("{:032x}", 0xabc0_0000_u64 + 54_321);
    let line = out
        .lines()
        .find(|l| l.contains(&selected))
        .expect("selected row shown");
    assert!(line.starts_with('▸'), "{line}");
    // 24 rows: bar, title, header, 20 rows, help.
    let shown = out.lines().filter(|l| l.contains("000abc")).count();
    assert_eq!(shown, 20, "{out}");
}

#[test]
fn elapsed_time_comes_from_the_state_clock() {
    let mut s = ready();
    s.ui_mut().screen = till::app::screens::Screen::InProgress;
    s.set_payment(Some(payment(till::payment::PaymentState::InProgress)));
    assert!(text(&s, None, 80, 24).contains("01:05"));
    s.set_now_ms(s.now_ms() + 60_000);
    assert!(text(&s, None, 80, 24).contains("02:05"));
}

/// Issue #13.18: a payment's events wrap to the pane (nothing cut at its width) and the last
/// ones show; the arrows scroll back to the first and forward again; Esc closes them.
#[test]
fn history_events_wrap_show_the_last_and_scroll() {
    use till::app::{Event, Key, update};
    let mut s = history(100, 10);
    let events = (1..=30)
        .map(|i| till::ledger::PaymentEvent {
            external_id: "E".into(),
            seq: i,
            at_ms: 1_796_119_200_000 + i * 1000,
            from: Some(till::payment::PaymentState::InProgress),
            to: till::payment::PaymentState::InProgress,
            cause: "UI_STATE".into(),
            detail: format!("event number {i} with a long detail that ends in END{i}"),
            correction: false,
        })
        .collect();
    update(
        &mut s,
        Event::PaymentEvents(till::app::PaymentHistory {
            events,
            order: None,
        }),
    );
    let out = text(&s, None, 60, 20);
    assert!(out.contains("END30"), "the last event shows:\n{out}");
    assert!(!out.contains("END1\n") && !out.contains("END1 "), "{out}");
    assert!(out.contains("51–60/60"), "position in the title:\n{out}");
    for _ in 0..200 {
        update(&mut s, Event::Key(Key::Up));
    }
    let out = text(&s, None, 60, 20);
    assert!(
        out.contains("event number 1 ") && !out.contains("END30"),
        "{out}"
    );
    assert!(out.contains("· 1–10/60"), "{out}");
    for _ in 0..200 {
        update(&mut s, Event::Key(Key::Down));
    }
    assert!(text(&s, None, 60, 20).contains("END30"));
    update(&mut s, Event::Key(Key::Esc));
    assert!(s.ui().history_detail.is_none());
    assert_eq!(s.ui().screen, till::app::Screen::History);
}
