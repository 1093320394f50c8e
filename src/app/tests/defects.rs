//! Table tests of what a cashier met in use (#13): a payment recovered after a restart is shown
//! until dismissed, notices end with the state they describe, a walk-away is a card timeout.

use super::*;

fn ui(text: &str, state: Option<UiState>) -> DeviceInput {
    DeviceInput::UiState {
        text: text.into(),
        direction: Some(UiDirection::Enter),
        declined: state == Some(UiState::Declined),
        signing: state == Some(UiState::AddSignature),
        timed_out: state == Some(UiState::TimedOut),
    }
}

fn start_sale(s: &mut State, ext: &str) {
    update(
        s,
        Event::Action(Action::StartSale {
            amount: Cents(1234),
            tip: None,
            tax: None,
            external_id: Some(ext.into()),
        }),
    );
    dev(
        s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some(ext.into()),
            message: None,
        },
    );
}

#[test]
fn a_payment_recovered_after_a_restart_is_shown_until_dismissed() {
    let mut s = State::new(AppSettings::default());
    update(
        &mut s,
        Event::Pending(vec![PendingPayment {
            external_id: "OLD1".into(),
            amount: Cents(3100),
            tip: None,
            tax: None,
            state: crate::payment::PaymentState::InProgress,
            device: "sim".into(),
            this_endpoint: true,
        }]),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(
        &mut s,
        DeviceInput::DeviceStatus {
            state: ExternalDeviceState::WaitingForCustomer,
            substate: None,
            external_id: Some("OLD1".into()),
        },
    );
    let payment = Payment {
        id: Some("PAY1".into()),
        external_payment_id: Some("OLD1".into()),
        amount: Some(3100),
        result: Some(PaymentResult::Success),
        card_transaction: Some(CardTransaction {
            card_type: Some(CardType::Visa),
            last4: Some("4242".into()),
            ..CardTransaction::default()
        }),
        ..Payment::default()
    };
    dev(
        &mut s,
        DeviceInput::RetrievePayment {
            query: QueryStatus::Found,
            external_id: Some("OLD1".into()),
            payment: Some(payment),
        },
    );
    assert!(s.pending().is_none(), "{:?}", s.payment);
    assert_eq!(s.recovered.len(), 1);
    assert_eq!(
        crate::ui::recovered_line(&s.recovered[0]),
        "Payment 31.00 from before the restart: APPROVED (VISA 4242)"
    );
    assert!(
        s.notice
            .as_ref()
            .is_none_or(|n| !n.text.contains("Checking again")),
        "the polling notice ended with the polling: {:?}",
        s.notice
    );
    // It stays through other keys, and goes with `x`.
    update(&mut s, Event::Key(Key::Char('5')));
    assert_eq!(s.recovered.len(), 1);
    update(&mut s, Event::Key(Key::Char('x')));
    assert!(s.recovered.is_empty());
}

#[test]
fn notices_end_with_the_state_they_describe() {
    let mut s = ready_state();
    dev(&mut s, DeviceInput::Paired);
    assert!(s.notice.is_some());
    start_sale(&mut s, "E1");
    assert!(s.notice.is_none(), "'Paired' ends when a sale starts");

    let mut s = ready_state();
    s.ui.amount = "1.2.3".into();
    update(&mut s, Event::Key(Key::Enter));
    assert_eq!(
        s.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::Validation)
    );
    update(&mut s, Event::Key(Key::Backspace));
    assert!(
        s.notice.is_none(),
        "the amount error ends when it is corrected"
    );

    let mut s = ready_state();
    start_sale(&mut s, "E2");
    dev(&mut s, ui("Insert card", Some(UiState::Start)));
    assert!(s.device_text.is_some());
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("gone")),
    );
    assert!(
        s.device_text.is_none(),
        "'Device says' ends with the device"
    );
}

#[test]
fn a_walk_away_ends_as_a_card_timeout() {
    let mut s = ready_state();
    start_sale(&mut s, "W1");
    dev(&mut s, ui("Timed out", Some(UiState::TimedOut)));
    dev(
        &mut s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Sale),
        },
    );
    let o = s.last_outcome.as_ref().expect("an outcome");
    assert_eq!(o.state, crate::payment::PaymentState::Canceled);
    assert!(o.message.starts_with("card timeout"), "{}", o.message);
    assert!(
        !o.message.contains("canceled on the device"),
        "{}",
        o.message
    );
}

#[test]
fn c_on_the_status_screen_reconnects_now_when_the_device_is_gone() {
    let mut s = ready_state();
    s.ui.screen = Screen::Status;
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect {
            reason: crate::device::DisconnectReason::TakenOver {
                code: 1000,
                reason: String::new(),
            },
            retry_in: Some(std::time::Duration::from_secs(55)),
        }),
    );
    let fx = update(&mut s, Event::Key(Key::Char('c')));
    assert!(
        fx.contains(&Effect::Send(DeviceCommand::Reconnect)),
        "{fx:?}"
    );
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("again now"))
    );
}
