//! Reset of the device with a payment at risk, and quitting with one open.

use super::*;

#[test]
fn reset_is_refused_until_the_typed_id_matches_then_rechecks() {
    let mut s = in_progress("EXT1");
    let fx = update(&mut s, Event::Action(Action::Reset { confirm: None }));
    assert_eq!(sends(&fx), vec!["device status"]);
    dev(
        &mut s,
        status(ExternalDeviceState::WaitingForPos, Some("EXT1")),
    );
    let fx = dev(&mut s, retrieve(QueryStatus::InProgress, "EXT1", None));
    assert!(!sends(&fx).contains(&"reset"));
    assert_eq!(
        s.notice.as_ref().unwrap().kind,
        NoticeKind::ResetNeedsConfirmation
    );
    assert!(
        s.notice.as_ref().unwrap().text.contains("EXT1")
            && s.notice.as_ref().unwrap().text.contains("12.34")
    );
    // Typed in the TUI: wrong id, then the right one.
    s.ui.screen = Screen::Status;
    update(&mut s, Event::Key(Key::Char('R')));
    for c in "EXT9".chars() {
        update(&mut s, Event::Key(Key::Char(c)));
    }
    let fx = update(&mut s, Event::Key(Key::Enter));
    assert!(!sends(&fx).contains(&"reset"), "{fx:?}");
    let text = &s.notice.as_ref().unwrap().text;
    assert!(
        text.contains("does not match") && text.contains("\"EXT9\"") && text.contains("EXT1"),
        "the mistyped id is named with the one at risk: {text}"
    );
    update(&mut s, Event::Key(Key::Char('R')));
    for c in "EXT1".chars() {
        update(&mut s, Event::Key(Key::Char(c)));
    }
    let fx = update(&mut s, Event::Key(Key::Enter));
    assert!(sends(&fx).contains(&"reset"), "{fx:?}");
    // The device voided it: FINISH_CANCEL during the reset does not decide; the re-check does.
    assert!(
        dev(
            &mut s,
            DeviceInput::FinishCancel {
                request_info: Some(RequestInfo::Sale)
            }
        )
        .iter()
        .all(|e| !matches!(e, Effect::Persist(LedgerOp::Transition { .. })))
    );
    let fx = dev(
        &mut s,
        DeviceInput::ResetDone {
            state: Some(ExternalDeviceState::Idle),
        },
    );
    assert!(sends(&fx).contains(&"device status"));
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    let fx = dev(
        &mut s,
        retrieve(
            QueryStatus::Found,
            "EXT1",
            Some(paid("EXT1", PaymentResult::Voided)),
        ),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Voided]);
}

#[test]
fn a_payment_found_before_reset_is_recorded_before_the_reset_is_sent() {
    let mut s = in_progress("EXT1");
    update(&mut s, Event::Action(Action::Reset { confirm: None }));
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    let fx = dev(
        &mut s,
        retrieve(
            QueryStatus::Found,
            "EXT1",
            Some(paid("EXT1", PaymentResult::Success)),
        ),
    );
    let persist = fx.iter().position(|e| {
        matches!(
            e,
            Effect::Persist(LedgerOp::Transition {
                to: PaymentState::Approved,
                ..
            })
        )
    });
    let reset = fx
        .iter()
        .position(|e| matches!(e, Effect::Send(DeviceCommand::Reset)));
    assert!(persist.unwrap() < reset.unwrap(), "{fx:?}");
}

#[test]
fn reset_with_nothing_pending_goes_straight_out() {
    let mut s = ready_state();
    let fx = update(&mut s, Event::Action(Action::Reset { confirm: None }));
    assert_eq!(sends(&fx), vec!["reset"]);
}

#[test]
fn quitting_with_a_pending_payment_asks_first() {
    let mut s = in_progress("EXT1");
    assert!(update(&mut s, Event::Key(Key::Char('q'))).is_empty());
    assert!(s.ui.quit_confirm());
    assert!(update(&mut s, Event::Key(Key::Char('n'))).is_empty());
    update(&mut s, Event::Key(Key::Char('q')));
    let fx = update(&mut s, Event::Key(Key::Char('y')));
    assert_eq!(fx, vec![Effect::Quit]);
    let mut s = ready_state();
    assert_eq!(
        update(&mut s, Event::Key(Key::Char('q'))),
        vec![Effect::Quit]
    );
}

/// A sale EXT that the customer cancels on the device: the FINISH_CANCEL must decide it.
fn cancel_counts(s: &mut State, ext: &str) {
    sale(s, 500, ext);
    dev(
        s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some(ext.into()),
            message: None,
        },
    );
    let fx = dev(
        s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Canceled], "{fx:?}");
}

#[test]
fn a_reset_whose_answer_is_lost_ends_unconfirmed_and_the_payment_is_rechecked() {
    let mut s = in_progress("EXT1");
    update(
        &mut s,
        Event::Action(Action::Reset {
            confirm: Some("EXT1".into()),
        }),
    );
    dev(
        &mut s,
        status(ExternalDeviceState::WaitingForPos, Some("EXT1")),
    );
    let fx = dev(&mut s, retrieve(QueryStatus::InProgress, "EXT1", None));
    assert!(sends(&fx).contains(&"reset"), "{fx:?}");
    // The connection drops before RESET_DEVICE_RESPONSE: that answer will never come.
    let fx = dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("connection reset")),
    );
    assert!(s.reset.is_none(), "{:?}", s.reset);
    assert_eq!(
        s.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::ResetUnconfirmed)
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Persist(LedgerOp::Note { cause, detail, .. })
                if cause == "reset" && detail.contains("not confirmed")
        )),
        "{fx:?}"
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    // Back: the payment is checked again and the device's answer decides.
    let fx = dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    assert_eq!(sends(&fx), vec!["device status"]);
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    let fx = dev(
        &mut s,
        retrieve(
            QueryStatus::Found,
            "EXT1",
            Some(paid("EXT1", PaymentResult::Voided)),
        ),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Voided]);
    // Nothing of the reset lingers: a later sale's FINISH_CANCEL decides it.
    cancel_counts(&mut s, "EXT2");
}

#[test]
fn a_reset_waiting_for_confirmation_ends_when_the_payment_at_risk_does() {
    let mut s = in_progress("EXT1");
    update(&mut s, Event::Action(Action::Reset { confirm: None }));
    dev(
        &mut s,
        status(ExternalDeviceState::WaitingForPos, Some("EXT1")),
    );
    dev(&mut s, retrieve(QueryStatus::InProgress, "EXT1", None));
    assert_eq!(
        s.reset.as_ref().map(|r| r.phase),
        Some(ResetPhase::NeedsConfirmation)
    );
    // The payment ends after all (the device finished it): nothing is at risk any more.
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(paid("EXT1", PaymentResult::Success)),
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    assert!(s.reset.is_none(), "{:?}", s.reset);
    // A later sale's FINISH_CANCEL is not taken for the reset's.
    cancel_counts(&mut s, "EXT2");
    // And a reset with nothing at risk goes straight out.
    let fx = update(&mut s, Event::Action(Action::Reset { confirm: None }));
    assert_eq!(sends(&fx), vec!["reset"]);
}

/// The running timer with this purpose.
fn running(s: &State, purpose: TimerPurpose) -> Option<TimerId> {
    s.timers
        .iter()
        .find(|(_, p)| **p == purpose)
        .map(|(id, _)| *id)
}

#[test]
fn when_recovery_gets_no_answer_a_waiting_reset_decides_instead_of_the_next_poll() {
    // Without a reset, a recovery round without an answer asks the device again later.
    let mut s = in_progress("EXT1");
    update(&mut s, Event::Action(Action::Recover));
    let id = running(&s, TimerPurpose::RecoveryResponse).expect("response timer");
    update(&mut s, Event::Timer(id));
    assert!(running(&s, TimerPurpose::RecoveryPoll).is_some());
    assert!(s.reset.is_none());

    // With a reset waiting on recovery, the reset decides: the payment at risk needs the
    // operator's confirmation, nothing is sent, and recovery does not poll meanwhile.
    let mut s = in_progress("EXT1");
    update(&mut s, Event::Action(Action::Reset { confirm: None }));
    let id = running(&s, TimerPurpose::RecoveryResponse).expect("response timer");
    let fx = update(&mut s, Event::Timer(id));
    assert_eq!(
        s.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::ResetNeedsConfirmation)
    );
    assert!(sends(&fx).is_empty(), "{fx:?}");
    assert_eq!(running(&s, TimerPurpose::RecoveryPoll), None, "{fx:?}");
    assert_eq!(
        s.recovery.as_ref().map(|r| r.step),
        Some(RecoveryStep::Suspended)
    );
}

#[test]
fn one_box_at_a_time_the_help_gives_way_to_the_reset_confirmation() {
    let mut s = in_progress("EXT1");
    s.ui.screen = Screen::Status;
    update(&mut s, Event::Key(Key::Char('?')));
    assert_eq!(s.ui.modal, Some(Modal::Help));
    // A key of the status screen closes the overlay and opens its own box in its place.
    update(&mut s, Event::Key(Key::Char('R')));
    assert_eq!(s.ui.modal, Some(Modal::ResetInput(String::new())));
    assert!(!s.ui.help());
    update(&mut s, Event::Key(Key::Esc));
    assert_eq!(s.ui.modal, None);
}
