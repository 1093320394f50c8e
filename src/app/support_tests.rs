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
