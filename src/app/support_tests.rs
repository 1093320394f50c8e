//! Support's screens in the app: today's totals (`t`) and the read-only mode.

use super::screens::{DAY_MS, Key, Screen, keymap};
use super::*;

#[test]
fn t_opens_todays_totals_and_r_refreshes_them() {
    let mut s = State::new(AppSettings::default());
    s.now_ms = 1_796_083_200_000 + 5 * 3_600_000; // 2026-12-01T05:00Z
    let fx = update(&mut s, Event::Key(Key::Char('t')));
    assert_eq!(s.ui.screen, Screen::Report);
    let day = Effect::LoadReport {
        since_ms: 1_796_083_200_000,
        until_ms: 1_796_083_200_000 + DAY_MS,
    };
    assert_eq!(fx, vec![day.clone()]);
    assert!(keymap(&s).contains(&("t", "today's totals")));
    assert!(keymap(&s).contains(&("r", "refresh")));
    let report = crate::ledger::Report::default();
    update(&mut s, Event::Report(Ok(Box::new(report.clone()))));
    assert_eq!(s.ui.report, Some(Ok(Box::new(report))));
    assert_eq!(update(&mut s, Event::Key(Key::Char('r'))), vec![day]);
    update(&mut s, Event::Key(Key::Esc));
    assert_eq!(s.ui.screen, Screen::Sale);
}

#[test]
fn slash_searches_the_history_and_esc_shows_all_again() {
    let mut s = State::new(AppSettings::default());
    update(&mut s, Event::Key(Key::Char('h')));
    s.ui.history_selected = 7;
    assert!(update(&mut s, Event::Key(Key::Char('/'))).is_empty());
    assert!(keymap(&s).contains(&("Enter", "search")));
    for c in "4242 sq".chars() {
        update(&mut s, Event::Key(Key::Char(c)));
    }
    update(&mut s, Event::Key(Key::Backspace));
    update(&mut s, Event::Key(Key::Backspace));
    assert_eq!(s.ui.history_typing.as_deref(), Some("4242 "));
    assert_eq!(
        update(&mut s, Event::Key(Key::Enter)),
        vec![Effect::LoadHistory]
    );
    assert_eq!(
        (s.ui.history_query.as_str(), s.ui.history_selected),
        ("4242", 0)
    );
    assert!(keymap(&s).contains(&("Esc", "show all")));
    // Esc while typing cancels the typing only.
    update(&mut s, Event::Key(Key::Char('/')));
    update(&mut s, Event::Key(Key::Char('x')));
    update(&mut s, Event::Key(Key::Esc));
    assert_eq!(
        (s.ui.history_query.as_str(), s.ui.history_typing.clone()),
        ("4242", None)
    );
    assert_eq!(
        update(&mut s, Event::Key(Key::Esc)),
        vec![Effect::LoadHistory]
    );
    assert_eq!(s.ui.history_query, "");
    assert_eq!(s.ui.screen, Screen::History);
}

#[test]
fn read_only_keeps_to_history_and_totals() {
    let mut s = State::new(AppSettings::default());
    s.ui.read_only = Some("another till holds it".into());
    s.ui.screen = Screen::History;
    for key in [
        Key::Char('s'),
        Key::Char('f'),
        Key::Esc,
        Key::Char('1'),
        Key::Enter,
    ] {
        let fx = update(&mut s, Event::Key(key));
        assert!(
            fx.iter()
                .all(|e| matches!(e, Effect::LoadHistory | Effect::LoadPaymentEvents(_))),
            "{key:?}: {fx:?}"
        );
        assert_eq!(s.ui.screen, Screen::History, "{key:?}");
    }
    assert!(!keymap(&s).iter().any(|(k, _)| *k == "s" || *k == "f"));
    update(&mut s, Event::Key(Key::Char('t')));
    assert_eq!(s.ui.screen, Screen::Report);
    update(&mut s, Event::Key(Key::Esc));
    assert_eq!(s.ui.screen, Screen::History);
}
