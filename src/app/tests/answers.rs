//! Typed answers to requests (`app::answer`): every `Event::Action` is answered, accepted or
//! refused with why; what follows at once from an accepted request can still refuse it.

use super::*;

fn answers(fx: &[Effect]) -> Vec<&Answer> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Answer(a) => Some(a),
            _ => None,
        })
        .collect()
}

fn create_of(fx: &[Effect]) -> LedgerOp {
    fx.iter()
        .find_map(|e| match e {
            Effect::Persist(op @ LedgerOp::Create { .. }) => Some(op.clone()),
            _ => None,
        })
        .expect("the sale is recorded first")
}

#[test]
fn a_started_sale_is_accepted_once_after_its_effects() {
    let mut s = ready_state();
    let fx = sale(&mut s, 1234, "EXT1");
    assert_eq!(answers(&fx), [&Answer::Accepted]);
    assert_eq!(fx.last(), Some(&Effect::Answer(Answer::Accepted)));
    assert_eq!(sends(&fx), ["sale"]);
}

#[test]
fn a_refusal_names_why_with_the_text_people_see() {
    // Not connected.
    let mut s = State::new(AppSettings::default());
    let fx = sale(&mut s, 100, "A");
    let text = s.notice.clone().unwrap().text;
    assert_eq!(
        fx,
        [Effect::Answer(Answer::Refused {
            why: Refusal::NotConnected,
            text,
        })]
    );
    // Invalid input.
    let mut s = ready_state();
    let fx = update(&mut s, Event::Action(Action::ShowMessage("  ".into())));
    assert_eq!(only_refused(&fx), Some(Refusal::InvalidInput));
    // Another payment pending: refused, and that one is recovered (its effects are given).
    let mut s = in_progress("EXT1");
    let fx = sale(&mut s, 500, "EXT2");
    assert_eq!(
        answers(&fx).first().and_then(|a| a.refusal()),
        Some(Refusal::PendingPayment)
    );
    assert_eq!(answers(&fx).len(), 1);
}

#[test]
fn a_failed_first_write_refuses_the_accepted_sale() {
    let mut s = ready_state();
    let fx = sale(&mut s, 1234, "EXT1");
    let op = create_of(&fx);
    let fx = update(
        &mut s,
        Event::PersistFailed {
            op: op.clone(),
            error: PersistError::Failed("disk full".into()),
        },
    );
    assert_eq!(only_refused(&fx), Some(Refusal::PersistFailed));
    assert!(s.payment.is_none());
    // The ledger's one-open-payment rule: refused as a pending payment.
    let mut s = ready_state();
    sale(&mut s, 1234, "EXT1");
    let fx = update(
        &mut s,
        Event::PersistFailed {
            op,
            error: PersistError::PendingPayment("EXT0 is still open".into()),
        },
    );
    assert_eq!(only_refused(&fx), Some(Refusal::PendingPayment));
}

#[test]
fn a_sale_that_never_reached_the_device_is_refused_as_not_sent() {
    let mut s = ready_state();
    sale(&mut s, 1234, "EXT1");
    let fx = dev(
        &mut s,
        DeviceInput::CommandFailed {
            command: crate::device::CommandKind::Sale,
            error: "not connected".into(),
            not_sent: true,
        },
    );
    assert_eq!(answers(&fx).len(), 1);
    assert_eq!(answers(&fx)[0].refusal(), Some(Refusal::NotSent));
    assert_eq!(
        s.last_outcome.as_ref().map(|o| o.state),
        Some(PaymentState::NotFound)
    );
}

#[test]
fn a_reset_with_a_payment_at_risk_is_answered_again_once_decided() {
    let mut s = in_progress("EXT1");
    let fx = update(&mut s, Event::Action(Action::Reset { confirm: None }));
    assert_eq!(answers(&fx), [&Answer::Accepted], "recovery runs first");
    dev(
        &mut s,
        status(ExternalDeviceState::WaitingForPos, Some("EXT1")),
    );
    let fx = dev(&mut s, retrieve(QueryStatus::InProgress, "EXT1", None));
    assert_eq!(
        answers(&fx).first().and_then(|a| a.refusal()),
        Some(Refusal::ResetNeedsConfirmation)
    );
}

#[test]
fn keys_and_device_events_give_no_answer_of_their_own() {
    let mut s = State::new(AppSettings::default());
    // The TUI's Enter on the sale screen while not connected: a notice, no answer.
    for c in "5".chars() {
        update(&mut s, Event::Key(Key::Char(c)));
    }
    let fx = update(&mut s, Event::Key(Key::Enter));
    assert!(answers(&fx).is_empty(), "{fx:?}");
    assert!(s.notice.is_some());
    let fx = dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    assert!(answers(&fx).is_empty(), "{fx:?}");
}

#[test]
fn asking_the_device_status_forgets_the_last_answer() {
    let mut s = ready_state();
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    assert!(s.device_status.is_some());
    let fx = update(&mut s, Event::Action(Action::QueryStatus));
    assert!(s.device_status.is_none());
    assert_eq!(sends(&fx), ["device status"]);
    assert_eq!(answers(&fx), [&Answer::Accepted]);
}
