//! Recovery of an open payment: device status, RETRIEVE_PAYMENT, REST, polling and timeouts.

use super::*;

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
            command: crate::device::CommandKind::Sale,
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
