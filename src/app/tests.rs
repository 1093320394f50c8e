//! Table tests of the POS state machine: scripted events in, effects and state out. No I/O.

use super::*;
use crate::protocol::*;

fn ready_state() -> State {
    let mut s = State::new(AppSettings::default());
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo::default())),
    );
    s
}

fn sale(s: &mut State, cents: i64, ext: &str) -> Vec<Effect> {
    update(
        s,
        Event::Action(Action::StartSale {
            amount: Cents(cents),
            tip: None,
            tax: None,
            external_id: Some(ext.into()),
        }),
    )
}

fn dev(s: &mut State, input: DeviceInput) -> Vec<Effect> {
    update(s, Event::Device(input))
}

fn paid(ext: &str, result: PaymentResult) -> Payment {
    Payment {
        id: Some("PAY123".into()),
        external_payment_id: Some(ext.into()),
        amount: Some(1234),
        result: Some(result),
        card_transaction: Some(CardTransaction {
            card_type: Some(CardType::Visa),
            last4: Some("4242".into()),
            auth_code: Some("OK1234".into()),
            cardholder_name: Some("SECRET/NAME".into()),
            ..CardTransaction::default()
        }),
        ..Payment::default()
    }
}

fn transitions(fx: &[Effect]) -> Vec<PaymentState> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Persist(LedgerOp::Transition { to, .. }) => Some(*to),
            _ => None,
        })
        .collect()
}

fn sends(fx: &[Effect]) -> Vec<&'static str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(c) => Some(c.name()),
            _ => None,
        })
        .collect()
}

fn in_progress(ext: &str) -> State {
    let mut s = ready_state();
    sale(&mut s, 1234, ext);
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some(ext.into()),
            message: None,
        },
    );
    s
}

fn status(state: ExternalDeviceState, ext: Option<&str>) -> DeviceInput {
    DeviceInput::DeviceStatus {
        state,
        substate: None,
        external_id: ext.map(str::to_owned),
    }
}

fn retrieve(query: QueryStatus, ext: &str, payment: Option<Payment>) -> DeviceInput {
    DeviceInput::RetrievePayment {
        query,
        external_id: Some(ext.into()),
        payment,
    }
}

#[test]
fn a_sale_is_persisted_before_it_is_sent_and_ends_approved() {
    let mut s = ready_state();
    let fx = sale(&mut s, 1234, "EXT1");
    assert!(
        matches!(&fx[0], Effect::Persist(LedgerOp::Create { external_id, amount: Cents(1234), .. }) if external_id == "EXT1")
    );
    assert!(matches!(&fx[1], Effect::Send(DeviceCommand::Sale(r)) if r.external_id() == "EXT1"));
    assert_eq!(transitions(&fx), vec![PaymentState::Sent]);
    let fx = dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("EXT1".into()),
            message: None,
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::InProgress]);
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(paid("EXT1", PaymentResult::Success)),
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    let Some(Effect::Persist(LedgerOp::Transition { facts, .. })) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(facts.last4.as_deref(), Some("4242"));
    assert_eq!(facts.card_brand.as_deref(), Some("VISA"));
    assert!(
        !format!("{fx:?}").contains("SECRET/NAME"),
        "cardholder name must not reach the ledger"
    );
    assert!(s.pending().is_none());
    assert_eq!(
        s.last_outcome.as_ref().unwrap().state,
        PaymentState::Approved
    );
}

#[test]
fn nothing_is_sent_when_not_ready_or_invalid() {
    let mut s = State::new(AppSettings::default());
    assert!(sale(&mut s, 100, "A").is_empty());
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::NotConnected);
    let mut s = ready_state();
    assert!(sale(&mut s, 0, "A").is_empty());
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::Validation);
    s.settings.max_amount = Some(Cents(1000));
    assert!(sale(&mut s, 1001, "A").is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("maximum"));
    assert!(sale(&mut s, 100, "has space").is_empty());
    assert!(s.payment.is_none());
}

#[test]
fn a_second_sale_is_refused_while_one_is_pending_and_recovery_starts() {
    let mut s = in_progress("EXT1");
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("gone")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    let fx = sale(&mut s, 500, "EXT2");
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::PendingPayment);
    assert!(s.notice.as_ref().unwrap().text.contains("EXT1"));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Send(DeviceCommand::Sale(_))))
    );
    assert_eq!(s.payment.as_ref().unwrap().external_id, "EXT1");
}

#[test]
fn challenge_arriving_on_another_screen_takes_over_and_a_accepts() {
    let mut s = in_progress("EXT1");
    s.ui.screen = Screen::History;
    let challenge = Challenge {
        kind: Some(ChallengeType::DuplicateChallenge),
        message: Some("dup?".into()),
        reason: Some(VoidReason::RejectDuplicate),
    };
    dev(
        &mut s,
        DeviceInput::ConfirmPayment {
            payment: paid("EXT1", PaymentResult::Success),
            challenges: vec![challenge],
        },
    );
    assert_eq!(s.ui.screen, Screen::Prompt);
    let fx = update(&mut s, Event::Key(Key::Char('a')));
    assert_eq!(sends(&fx), vec!["accept payment"]);
    assert!(s.prompt.is_none());
    assert_eq!(s.ui.screen, Screen::InProgress);
}

#[test]
fn a_rejected_challenge_ends_voided_not_canceled() {
    let mut s = in_progress("EXT1");
    let challenge = Challenge {
        kind: Some(ChallengeType::DuplicateChallenge),
        message: None,
        reason: Some(VoidReason::RejectDuplicate),
    };
    dev(
        &mut s,
        DeviceInput::ConfirmPayment {
            payment: paid("EXT1", PaymentResult::Success),
            challenges: vec![challenge],
        },
    );
    update(&mut s, Event::Key(Key::Char('r')));
    let fx = dev(
        &mut s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Voided]);
    assert_eq!(
        s.last_outcome.as_ref().unwrap().facts.last4.as_deref(),
        Some("4242")
    );
}

#[test]
fn signature_reject_sends_verified_false() {
    let mut s = in_progress("EXT1");
    dev(
        &mut s,
        DeviceInput::VerifySignature {
            payment: paid("EXT1", PaymentResult::Success),
            signature: Signature::default(),
        },
    );
    let fx = update(&mut s, Event::Key(Key::Char('r')));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Send(DeviceCommand::RejectSignature(_))))
    );
}

#[test]
fn foreign_duplicate_and_late_frames_change_nothing() {
    let mut s = in_progress("EXT1");
    let before = s.payment.clone();
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(paid("OTHER", PaymentResult::Success)),
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert!(fx.is_empty());
    assert_eq!(s.payment, before);
    let fx = dev(
        &mut s,
        DeviceInput::ConfirmPayment {
            payment: paid("OTHER", PaymentResult::Success),
            challenges: vec![],
        },
    );
    assert!(fx.is_empty());
    assert!(s.prompt.is_none());
    // The real FINISH_OK, then a re-delivered copy of it: the copy is only recorded.
    dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(paid("EXT1", PaymentResult::Success)),
            request_info: Some(RequestInfo::Sale),
        },
    );
    let outcome = s.last_outcome.clone();
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(paid("EXT1", PaymentResult::Success)),
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert!(
        transitions(&fx).is_empty() && sends(&fx).is_empty(),
        "{fx:?}"
    );
    assert_eq!(s.last_outcome, outcome);
    let fx = dev(
        &mut s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert!(fx.is_empty());
}

#[test]
fn decline_then_finish_cancel_is_declined_and_plain_cancel_is_canceled() {
    let mut s = in_progress("EXT1");
    dev(
        &mut s,
        DeviceInput::UiState {
            text: "Declined".into(),
            direction: Some(UiDirection::Enter),
            declined: true,
            signing: false,
            timed_out: false,
        },
    );
    let fx = dev(
        &mut s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Declined]);
    let mut s = in_progress("EXT2");
    let fx = dev(&mut s, DeviceInput::FinishCancel { request_info: None });
    assert_eq!(transitions(&fx), vec![PaymentState::Canceled]);
}

#[test]
fn disconnect_mid_sale_makes_it_unknown_and_ready_recovers() {
    let mut s = in_progress("EXT1");
    let fx = dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("socket closed")),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    let fx = dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Send(DeviceCommand::DeviceStatus {
            send_last_message: true
        })
    )));
}

/// Runs recovery with the given answers; returns the final ledger state of EXT1 and the prompt.
fn recover(
    device: ExternalDeviceState,
    query: QueryStatus,
    found: Option<PaymentResult>,
    redelivered: Option<DeviceInput>,
) -> (PaymentState, bool) {
    let mut s = in_progress("EXT1");
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("x")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(device, Some("EXT1")));
    if let Some(frame) = redelivered {
        dev(&mut s, frame);
    }
    dev(
        &mut s,
        retrieve(query, "EXT1", found.map(|r| paid("EXT1", r))),
    );
    let st = s
        .pending()
        .map(|p| p.state)
        .unwrap_or_else(|| s.last_outcome.as_ref().unwrap().state);
    (st, s.prompt.is_some())
}

#[test]
fn recovery_table() {
    use ExternalDeviceState as D;
    use PaymentState as P;
    use QueryStatus as Q;
    let challenge = || DeviceInput::ConfirmPayment {
        payment: paid("EXT1", PaymentResult::Success),
        challenges: vec![Challenge::default()],
    };
    let signature = || DeviceInput::VerifySignature {
        payment: paid("EXT1", PaymentResult::Success),
        signature: Signature::default(),
    };
    let finish_ok = |r| DeviceInput::FinishOk {
        payment: Some(paid("EXT1", r)),
        request_info: Some(RequestInfo::Sale),
    };
    let foreign_ok = || DeviceInput::FinishOk {
        payment: Some(paid("ZZZ", PaymentResult::Success)),
        request_info: Some(RequestInfo::Sale),
    };
    let cancel = || DeviceInput::FinishCancel {
        request_info: Some(RequestInfo::Sale),
    };
    type Case = (D, Q, Option<PaymentResult>, Option<DeviceInput>, P, bool);
    let cases: Vec<Case> = vec![
        (
            D::Idle,
            Q::Found,
            Some(PaymentResult::Success),
            None,
            P::Approved,
            false,
        ),
        (
            D::Idle,
            Q::Found,
            Some(PaymentResult::Voided),
            None,
            P::Voided,
            false,
        ),
        (
            D::Idle,
            Q::Found,
            Some(PaymentResult::Fail),
            None,
            P::Declined,
            false,
        ),
        (
            D::Idle,
            Q::Found,
            Some(PaymentResult::Voiding),
            None,
            P::Unknown,
            false,
        ),
        (D::Idle, Q::NotFound, None, None, P::NotFound, false),
        (D::Busy, Q::NotFound, None, None, P::Unknown, false),
        (
            D::WaitingForCustomer,
            Q::NotFound,
            None,
            None,
            P::Unknown,
            false,
        ),
        (D::Busy, Q::InProgress, None, None, P::InProgress, false),
        (
            D::WaitingForPos,
            Q::InProgress,
            None,
            Some(challenge()),
            P::InProgress,
            true,
        ),
        (
            D::WaitingForPos,
            Q::InProgress,
            None,
            Some(signature()),
            P::InProgress,
            true,
        ),
        (
            D::Idle,
            Q::Found,
            Some(PaymentResult::Success),
            Some(finish_ok(PaymentResult::Success)),
            P::Approved,
            false,
        ),
        (
            D::Idle,
            Q::Found,
            Some(PaymentResult::Voided),
            Some(finish_ok(PaymentResult::Voided)),
            P::Voided,
            false,
        ),
        (
            D::Idle,
            Q::NotFound,
            None,
            Some(foreign_ok()),
            P::NotFound,
            false,
        ),
        (
            D::Busy,
            Q::NotFound,
            None,
            Some(foreign_ok()),
            P::Unknown,
            false,
        ),
        (
            D::Idle,
            Q::NotFound,
            None,
            Some(cancel()),
            P::NotFound,
            false,
        ),
        (
            D::Busy,
            Q::InProgress,
            None,
            Some(cancel()),
            P::InProgress,
            false,
        ),
    ];
    for (i, (d, q, found, frame, want, prompt)) in cases.into_iter().enumerate() {
        let label = format!("case {i}: {d:?} {q:?} {found:?} {frame:?}");
        assert_eq!(recover(d, q, found, frame), (want, prompt), "{label}");
    }
}

#[test]
fn recovery_polls_with_backoff_until_final() {
    let mut s = in_progress("EXT1");
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("x")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(ExternalDeviceState::Busy, Some("EXT1")));
    let fx = dev(&mut s, retrieve(QueryStatus::InProgress, "EXT1", None));
    let Some(Effect::StartTimer { id, after_ms }) = fx.last().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(after_ms, 1_000);
    let fx = update(&mut s, Event::Timer(id));
    assert!(sends(&fx).contains(&"device status"));
    dev(&mut s, status(ExternalDeviceState::Busy, Some("EXT1")));
    let fx = dev(&mut s, retrieve(QueryStatus::InProgress, "EXT1", None));
    assert!(matches!(
        fx.last(),
        Some(Effect::StartTimer {
            after_ms: 2_000,
            ..
        })
    ));
    // Stale timer: the first id is gone.
    assert!(update(&mut s, Event::Timer(id)).is_empty());
}

#[test]
fn sale_timeout_triggers_recovery_and_a_stale_timer_is_ignored() {
    let mut s = ready_state();
    let fx = sale(&mut s, 100, "EXT1");
    let ids: Vec<TimerId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartTimer { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let sale_timer = ids[0];
    let fx = update(&mut s, Event::Timer(sale_timer));
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    assert!(sends(&fx).contains(&"device status"));
    assert!(update(&mut s, Event::Timer(sale_timer)).is_empty());
}

#[test]
fn duplicate_external_id_is_checked_not_failed() {
    let mut s = ready_state();
    sale(&mut s, 100, "EXT1");
    let fx = dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Duplicate,
            external_id: Some("EXT1".into()),
            message: None,
        },
    );
    // The device's payment with that id belongs to another sale: never taken over.
    assert_eq!(transitions(&fx), vec![PaymentState::Canceled]);
    assert!(sends(&fx).is_empty(), "{fx:?}");
    assert!(s.recovery.is_none() && s.pending().is_none());
    let o = s.last_outcome.as_ref().unwrap();
    assert!(
        o.message.contains("external id already used on the device"),
        "{}",
        o.message
    );
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::DeviceRefused);
}

#[test]
fn unsent_sale_is_not_found_and_failed_persist_stops_everything() {
    let mut s = ready_state();
    sale(&mut s, 100, "EXT1");
    let fx = dev(
        &mut s,
        DeviceInput::CommandFailed {
            command: "sale",
            error: "not connected".into(),
            not_sent: true,
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::NotFound]);
    let mut s = ready_state();
    let fx = sale(&mut s, 100, "EXT2");
    let Effect::Persist(op) = fx[0].clone() else {
        panic!()
    };
    update(
        &mut s,
        Event::PersistFailed {
            op,
            error: "disk full".into(),
        },
    );
    assert!(s.payment.is_none());
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::PersistFailed);
}

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
    assert!(s.ui.quit_confirm);
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

#[test]
fn open_payments_found_at_start_are_recovered_when_ready() {
    let mut s = State::new(AppSettings::default());
    let fx = update(
        &mut s,
        Event::Pending(vec![PendingPayment {
            external_id: "EXT1".into(),
            amount: Cents(100),
            tip: None,
            tax: None,
            state: PaymentState::Sent,
            device: "sim".into(),
            this_endpoint: true,
        }]),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    assert!(sends(&fx).is_empty());
    let fx = dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    assert!(sends(&fx).contains(&"device status"));
}

#[test]
fn typing_an_amount_and_enter_rings_a_sale() {
    let mut s = ready_state();
    s.ui.next_external_id = "NEXTID".into();
    for c in "12.34".chars() {
        update(&mut s, Event::Key(Key::Char(c)));
    }
    update(&mut s, Event::Key(Key::Backspace));
    update(&mut s, Event::Key(Key::Char('5')));
    let fx = update(&mut s, Event::Key(Key::Enter));
    assert!(
        matches!(&fx[0], Effect::Persist(LedgerOp::Create { amount: Cents(1235), external_id, .. }) if external_id == "NEXTID")
    );
    assert_eq!(s.ui.screen, Screen::InProgress);
    assert!(fx.contains(&Effect::FreshExternalId));
    // A bad amount stays on screen with an inline error.
    let mut s = ready_state();
    update(&mut s, Event::Key(Key::Char('.')));
    update(&mut s, Event::Key(Key::Char('.')));
    assert!(update(&mut s, Event::Key(Key::Enter)).is_empty());
    assert_eq!(s.ui.screen, Screen::Sale);
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::Validation);
}

#[test]
fn cloud_recovery_asks_clover_when_the_idle_device_has_nothing() {
    let mut s = in_progress("EXT1");
    s.settings.rest_lookup = true;
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("x")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    let fx = dev(&mut s, retrieve(QueryStatus::NotFound, "EXT1", None));
    assert!(fx.contains(&Effect::RestLookup("EXT1".into())), "{fx:?}");
    assert!(transitions(&fx).is_empty());
    // The device forgot (rebooted) but Clover has it approved.
    let fx = update(
        &mut s,
        Event::RestPayments {
            external_id: "EXT1".into(),
            result: Ok(vec![paid("EXT1", PaymentResult::Success)]),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);

    // Nothing anywhere: not found. A failed lookup: still open, asked again later.
    let mut s = in_progress("EXT2");
    s.settings.rest_lookup = true;
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("x")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    dev(&mut s, retrieve(QueryStatus::NotFound, "EXT2", None));
    let fx = update(
        &mut s,
        Event::RestPayments {
            external_id: "EXT2".into(),
            result: Err("503".into()),
        },
    );
    assert!(transitions(&fx).is_empty());
    assert!(matches!(fx.last(), Some(Effect::StartTimer { .. })));
    assert!(s.pending().is_some());
    let mut s = in_progress("EXT3");
    s.settings.rest_lookup = true;
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("x")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    dev(&mut s, retrieve(QueryStatus::NotFound, "EXT3", None));
    let fx = update(
        &mut s,
        Event::RestPayments {
            external_id: "EXT3".into(),
            result: Ok(vec![]),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::NotFound]);
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
