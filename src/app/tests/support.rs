//! Support's screens in the app: today's totals (`t`) and the read-only mode.

use super::*;
use crate::app::screens::{DAY_MS, Key, Screen, keymap};

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
    assert_eq!(s.ui.history_typing().map(String::as_str), Some("4242 "));
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
        (s.ui.history_query.as_str(), s.ui.history_typing().cloned()),
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

#[test]
fn check_payment_status_resolves_by_hand_behind_a_confirmation() {
    use crate::app::{DeviceInfo, DeviceInput, PendingPayment};
    use crate::ledger::RESOLVE_CAUSE;
    use crate::payment::PaymentState;
    use crate::protocol::Cents;
    let mut s = State::new(AppSettings::default());
    let pending = PendingPayment {
        external_id: "LOST-1".into(),
        amount: Cents(1234),
        tip: None,
        tax: None,
        state: PaymentState::Unknown,
        device: "d".into(),
        this_endpoint: true,
    };
    update(&mut s, Event::Pending(vec![pending]));
    s.ui.screen = Screen::Status;
    // Recovery has not tried yet: not offered.
    update(&mut s, Event::Key(Key::Char('M')));
    assert!(s.ui.resolve_input().is_none());
    assert!(!keymap(&s).iter().any(|(k, _)| *k == "M"));
    // The device becomes ready: recovery starts (its note is the ledger's "recovered" mark).
    let fx = update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo::default())),
    );
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Persist(LedgerOp::Note { cause, .. }) if cause == "recovery")
        ),
        "{fx:?}"
    );
    assert!(keymap(&s).contains(&("M", "resolve by hand")));
    update(&mut s, Event::Key(Key::Char('M')));
    update(&mut s, Event::Key(Key::Char('x'))); // not an outcome
    assert_eq!(s.ui.resolve_input().unwrap().to, None);
    update(&mut s, Event::Key(Key::Char('n')));
    assert!(
        update(&mut s, Event::Key(Key::Enter)).is_empty(),
        "a note is required"
    );
    for c in "not on the dashboard".chars() {
        update(&mut s, Event::Key(Key::Char(c)));
    }
    update(&mut s, Event::Key(Key::Enter));
    assert!(keymap(&s).contains(&("y", "resolve")));
    // `n` goes back to the note; Esc would cancel everything.
    update(&mut s, Event::Key(Key::Char('n')));
    assert!(!s.ui.resolve_input().unwrap().confirming);
    update(&mut s, Event::Key(Key::Enter));
    let fx = update(&mut s, Event::Key(Key::Char('y')));
    assert_eq!(
        fx.first(),
        Some(&Effect::Persist(LedgerOp::Resolve {
            external_id: "LOST-1".into(),
            to: PaymentState::NotFound,
            note: "not on the dashboard".into(),
        }))
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Send(_))),
        "nothing sent: {fx:?}"
    );
    assert!(s.pending().is_none());
    let outcome = s.last_outcome.as_ref().unwrap();
    assert_eq!(outcome.state, PaymentState::NotFound);
    assert!(
        outcome.message.contains("resolved by hand"),
        "{}",
        outcome.message
    );
    assert_eq!(s.ui.screen, Screen::Result);
    assert_eq!(RESOLVE_CAUSE, "resolve");
}
