//! A sale: rung, sent, answered, challenged, signed, declined, canceled, cut off.

use super::*;

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
    assert_eq!(
        only_refused(&sale(&mut s, 100, "A")),
        Some(Refusal::NotConnected)
    );
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::NotConnected);
    let mut s = ready_state();
    assert_eq!(
        only_refused(&sale(&mut s, 0, "A")),
        Some(Refusal::InvalidInput)
    );
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::Validation);
    s.settings.max_amount = Some(Cents(1000));
    assert_eq!(
        only_refused(&sale(&mut s, 1001, "A")),
        Some(Refusal::InvalidInput)
    );
    assert!(s.notice.as_ref().unwrap().text.contains("maximum"));
    assert_eq!(
        only_refused(&sale(&mut s, 100, "has space")),
        Some(Refusal::InvalidInput)
    );
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
