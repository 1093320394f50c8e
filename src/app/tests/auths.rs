//! Table tests of auths, pre-auths, captures, increments, tip adjusts and closeouts (#17) in the
//! POS state machine: every transition, the device's answers judged by what was asked, late and
//! re-delivered frames, recovery through RETRIEVE_PAYMENT of the payment (never a re-send), the
//! discovery flags, and closeout.

use super::*;
use crate::app::auth::Adjust;
use crate::payment::{Batch, CloseoutState, PaymentKind};

const TAB: &str = "TAB1";
const DEVPAY: &str = "PAY123";

fn device(auth: bool, pre_auth: bool, tip_adjust: bool) -> State {
    let mut s = State::new(AppSettings::default());
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo {
            supports_auths: auth,
            supports_pre_auths: pre_auth,
            supports_tip_adjust: tip_adjust,
            ..DeviceInfo::default()
        })),
    );
    // The runtime hands in a fresh external id at start (the app makes none).
    update(&mut s, Event::FreshExternalId("FRESH-ID-1".into()));
    s
}

fn ready() -> State {
    device(true, true, true)
}

/// An approved auth (amount 20.00, tip `tip`) or pre-auth (hold 50.00) as the ledger has it.
fn tab(kind: PaymentKind, tip: i64) -> SaleLink {
    SaleLink {
        external_id: TAB.into(),
        device_payment_id: DEVPAY.into(),
        order_id: Some("ORD1".into()),
        card: Some("VISA …4242".into()),
        amount: Cents(if kind == PaymentKind::Auth {
            2000
        } else {
            5000
        }),
        tip: Cents(tip),
        ..SaleLink::default()
    }
}

fn adjust(s: &mut State, kind: PaymentKind, adjust: Adjust) -> Vec<Effect> {
    update(
        s,
        Event::Action(Action::Adjust {
            tab: tab(kind, 0),
            adjust,
            external_id: Some("ADJ1".into()),
        }),
    )
}

fn tip_adjust(s: &mut State, tip: i64) -> Vec<Effect> {
    adjust(s, PaymentKind::Auth, Adjust::TipAdjust { tip: Cents(tip) })
}

fn capture(s: &mut State, amount: i64, tip: i64) -> Vec<Effect> {
    adjust(
        s,
        PaymentKind::PreAuth,
        Adjust::Capture {
            amount: Cents(amount),
            tip: Cents(tip),
        },
    )
}

fn tip_response(success: bool, tip: Option<i64>) -> DeviceInput {
    DeviceInput::TipAdjustResponse {
        success,
        payment_id: Some(DEVPAY.into()),
        tip: tip.map(Cents),
        message: (!success).then(|| "FAIL: batch closed".into()),
    }
}

fn capture_response(success: bool, amount: Option<i64>, tip: Option<i64>) -> DeviceInput {
    DeviceInput::CaptureResponse {
        success,
        payment_id: Some(DEVPAY.into()),
        amount: amount.map(Cents),
        tip: tip.map(Cents),
        message: (!success).then(|| "FAIL: amount above the hold".into()),
    }
}

/// The auth or pre-auth as RETRIEVE_PAYMENT shows it.
fn on_device(amount: i64, tip: i64, result: PaymentResult) -> Payment {
    Payment {
        id: Some(DEVPAY.into()),
        external_payment_id: Some(TAB.into()),
        amount: Some(amount),
        tip_amount: Some(tip),
        result: Some(result),
        ..Payment::default()
    }
}

fn notes(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Persist(LedgerOp::Note { detail, .. }) => Some(detail.clone()),
            _ => None,
        })
        .collect()
}

fn notice(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

/// Times the adjustment out and runs recovery to the RETRIEVE_PAYMENT of its payment, with the
/// device in `device_state`.
fn recover_to_lookup(s: &mut State, device_state: ExternalDeviceState) -> Vec<Effect> {
    let timer = *s
        .timers
        .iter()
        .find(|(_, p)| **p == TimerPurpose::SaleResponse)
        .expect("a response timer")
        .0;
    let mut fx = update(s, Event::Timer(timer));
    fx.extend(dev(s, status(device_state, None)));
    fx
}

#[test]
fn an_auth_is_recorded_before_it_is_sent_and_decided_by_its_finish_ok() {
    let mut s = ready();
    let fx = update(
        &mut s,
        Event::Action(Action::StartAuth {
            kind: PaymentKind::Auth,
            amount: Cents(2000),
            external_id: Some(TAB.into()),
        }),
    );
    assert!(
        matches!(&fx[0], Effect::Persist(LedgerOp::CreateLinked { kind: PaymentKind::Auth, parent: None, amount, .. }) if *amount == Cents(2000)),
        "the create comes first: {fx:?}"
    );
    assert!(matches!(&fx[1], Effect::Send(DeviceCommand::Auth(r)) if r.external_id() == TAB));
    assert_eq!(transitions(&fx), vec![PaymentState::Sent]);
    assert_eq!(s.kind(), PaymentKind::Auth);
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some(TAB.into()),
            message: None,
        },
    );
    // A sale's FINISH_OK (requestInfo SALE) says nothing about an auth.
    let mut payment = on_device(2000, 0, PaymentResult::Success);
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(payment.clone()),
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert!(transitions(&fx).is_empty(), "{fx:?}");
    assert_eq!(s.pending().unwrap().state, PaymentState::InProgress);
    payment.card_transaction = Some(CardTransaction {
        kind: Some(CardTransactionType::Preauth),
        card_type: Some(CardType::Visa),
        last4: Some("4242".into()),
        ..CardTransaction::default()
    });
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(payment),
            request_info: Some(RequestInfo::Auth),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    assert_eq!(sends(&fx), vec!["thank-you screen"]);
    assert_eq!(s.last_txn.as_ref().map(|t| t.kind), Some(PaymentKind::Auth));
    // Re-delivered: recorded as a note, nothing changes.
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(on_device(2000, 0, PaymentResult::Success)),
            request_info: Some(RequestInfo::Auth),
        },
    );
    assert!(transitions(&fx).is_empty());
    assert!(s.pending().is_none());
}

#[test]
fn a_preauth_is_a_hold_approved_with_result_auth_and_recovered_by_its_own_id() {
    let mut s = ready();
    let fx = update(
        &mut s,
        Event::Action(Action::StartAuth {
            kind: PaymentKind::PreAuth,
            amount: Cents(5000),
            external_id: Some(TAB.into()),
        }),
    );
    assert!(matches!(&fx[1], Effect::Send(DeviceCommand::PreAuth(_))));
    // The answer is lost: recovery asks the device by the pre-auth's own external id.
    let fx = recover_to_lookup(&mut s, ExternalDeviceState::Idle);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Send(DeviceCommand::RetrievePayment(id)) if id == TAB))
    );
    assert!(!sends(&fx).contains(&"preauth"), "never re-sent: {fx:?}");
    let fx = dev(
        &mut s,
        retrieve(
            QueryStatus::Found,
            TAB,
            Some(on_device(5000, 0, PaymentResult::Auth)),
        ),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    assert!(s.recovery.is_none());
}

#[test]
fn a_flow_the_device_does_not_support_is_refused_naming_its_flag() {
    type Start = fn(&mut State) -> Vec<Effect>;
    let auth: Start = |s| {
        update(
            s,
            Event::Action(Action::StartAuth {
                kind: PaymentKind::Auth,
                amount: Cents(100),
                external_id: None,
            }),
        )
    };
    let preauth: Start = |s| {
        update(
            s,
            Event::Action(Action::StartAuth {
                kind: PaymentKind::PreAuth,
                amount: Cents(100),
                external_id: None,
            }),
        )
    };
    let tip: Start = |s| tip_adjust(s, 100);
    let cap: Start = |s| capture(s, 100, 0);
    let cases: [(&str, State, Start, &str); 4] = [
        ("auth", device(false, true, true), auth, "supportsAuth"),
        (
            "pre-auth",
            device(true, false, true),
            preauth,
            "supportsPreAuth",
        ),
        (
            "tip adjust",
            device(true, true, false),
            tip,
            "supportsTipAdjust",
        ),
        ("capture", device(true, false, true), cap, "supportsPreAuth"),
    ];
    for (what, mut s, start, flag) in cases {
        let fx = start(&mut s);
        assert_eq!(
            only_refused(&fx),
            Some(Refusal::InvalidInput),
            "{what}: nothing recorded or sent: {fx:?}"
        );
        assert!(s.payment.is_none(), "{what}");
        let n = s.notice.clone().unwrap();
        assert_eq!(n.kind, NoticeKind::Validation, "{what}");
        assert!(n.text.contains(flag), "{what}: {}", n.text);
    }
}

#[test]
fn bad_amounts_and_tips_are_refused_before_anything_is_recorded() {
    let cases: [(&str, Adjust); 4] = [
        (
            "zero capture",
            Adjust::Capture {
                amount: Cents(0),
                tip: Cents(0),
            },
        ),
        (
            "negative capture tip",
            Adjust::Capture {
                amount: Cents(100),
                tip: Cents(-1),
            },
        ),
        (
            "negative increment",
            Adjust::Increment { amount: Cents(-5) },
        ),
        ("negative tip", Adjust::TipAdjust { tip: Cents(-1) }),
    ];
    for (what, a) in cases {
        let mut s = ready();
        let kind = match a {
            Adjust::TipAdjust { .. } => PaymentKind::Auth,
            _ => PaymentKind::PreAuth,
        };
        let fx = adjust(&mut s, kind, a);
        assert_eq!(
            only_refused(&fx),
            Some(Refusal::InvalidInput),
            "{what}: {fx:?}"
        );
        assert_eq!(
            s.notice.as_ref().map(|n| n.kind),
            Some(NoticeKind::Validation),
            "{what}"
        );
    }
    let mut s = ready();
    let fx = update(
        &mut s,
        Event::Action(Action::StartAuth {
            kind: PaymentKind::Auth,
            amount: Cents(0),
            external_id: None,
        }),
    );
    assert_eq!(only_refused(&fx), Some(Refusal::InvalidInput));
    assert_eq!(
        s.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::Validation)
    );
}

#[test]
fn a_tip_adjust_is_decided_by_its_response_and_the_tip_it_names() {
    // (response, final state, notice contains)
    let cases = [
        (
            tip_response(true, Some(300)),
            Some(PaymentState::Approved),
            "",
        ),
        (tip_response(true, None), Some(PaymentState::Approved), ""),
        (
            tip_response(true, Some(500)),
            Some(PaymentState::Unknown),
            "tip of 5.00",
        ),
        (
            tip_response(false, None),
            Some(PaymentState::Declined),
            "batch closed",
        ),
        (
            DeviceInput::TipAdjustResponse {
                success: true,
                payment_id: Some("OTHER".into()),
                tip: Some(Cents(300)),
                message: None,
            },
            None,
            "",
        ),
    ];
    for (i, (response, to, says)) in cases.into_iter().enumerate() {
        let mut s = ready();
        let fx = tip_adjust(&mut s, 300);
        match &fx[0] {
            Effect::Persist(LedgerOp::CreateAdjustment {
                kind,
                parent,
                amount,
                tip,
                ..
            }) => assert_eq!(
                (*kind, parent.as_str(), *amount, *tip),
                (PaymentKind::TipAdjust, TAB, Cents(2000), Cents(300))
            ),
            other => panic!("the create must come first: {other:?}"),
        }
        assert!(matches!(
            &fx[1],
            Effect::Send(DeviceCommand::TipAdjust { payment_id, tip, .. })
                if payment_id == DEVPAY && *tip == Cents(300)
        ));
        let fx = dev(&mut s, response);
        assert_eq!(transitions(&fx).last().copied(), to, "case {i}: {fx:?}");
        assert!(notice(&s).contains(says), "case {i}: {}", notice(&s));
        if to == Some(PaymentState::Approved) {
            let facts = fx.iter().find_map(|e| match e {
                Effect::Persist(LedgerOp::Transition { facts, .. }) => Some(facts.clone()),
                _ => None,
            });
            let facts = facts.unwrap();
            assert_eq!(
                (facts.tip, facts.amount_charged),
                (Some(Cents(300)), Some(Cents(2300)))
            );
        }
        if to.is_none() {
            assert_eq!(
                s.pending().unwrap().state,
                PaymentState::Sent,
                "foreign: ignored"
            );
        }
    }
}

#[test]
fn a_capture_above_what_was_asked_or_with_another_tip_is_unknown_named() {
    let cases = [
        (
            capture_response(true, Some(4500), Some(500)),
            PaymentState::Approved,
            "",
        ),
        (
            capture_response(true, Some(4000), Some(500)),
            PaymentState::Approved,
            "",
        ),
        (
            capture_response(true, Some(4600), Some(500)),
            PaymentState::Unknown,
            "capture of 46.00",
        ),
        (
            capture_response(true, Some(4500), Some(900)),
            PaymentState::Unknown,
            "tip of 9.00",
        ),
        (
            capture_response(false, None, None),
            PaymentState::Declined,
            "above the hold",
        ),
    ];
    for (i, (response, to, says)) in cases.into_iter().enumerate() {
        let mut s = ready();
        let fx = capture(&mut s, 4500, 500);
        assert!(matches!(
            &fx[1],
            Effect::Send(DeviceCommand::Capture { amount, tip, .. })
                if *amount == Cents(4500) && *tip == Cents(500)
        ));
        let fx = dev(&mut s, response);
        assert_eq!(transitions(&fx), vec![to], "case {i}");
        assert!(notice(&s).contains(says), "case {i}: {}", notice(&s));
    }
}

#[test]
fn an_increment_is_approved_by_the_increment_or_the_new_hold() {
    let cases = [
        (Some(1000), PaymentState::Approved),
        (Some(6000), PaymentState::Approved),
        (None, PaymentState::Approved),
        (Some(9999), PaymentState::Unknown),
    ];
    for (amount, to) in cases {
        let mut s = ready();
        let fx = adjust(
            &mut s,
            PaymentKind::PreAuth,
            Adjust::Increment {
                amount: Cents(1000),
            },
        );
        assert_eq!(sends(&fx), vec!["increment"]);
        let fx = dev(
            &mut s,
            DeviceInput::IncrementResponse {
                success: true,
                payment_id: Some(DEVPAY.into()),
                amount: amount.map(Cents),
                message: None,
            },
        );
        assert_eq!(transitions(&fx), vec![to], "{amount:?}");
    }
}

#[test]
fn a_lost_answer_is_decided_by_the_payments_new_amounts_never_by_a_resend() {
    // (what was asked, how the device shows the payment, device state, outcome)
    type Start = fn(&mut State) -> Vec<Effect>;
    let tip: Start = |s| tip_adjust(s, 300);
    let cap: Start = |s| capture(s, 4500, 500);
    let inc: Start = |s| {
        adjust(
            s,
            PaymentKind::PreAuth,
            Adjust::Increment {
                amount: Cents(1000),
            },
        )
    };
    use ExternalDeviceState::{Busy, Idle};
    use PaymentResult::{Auth, Success};
    let cases: [(
        &str,
        Start,
        Payment,
        ExternalDeviceState,
        Option<PaymentState>,
    ); 10] = [
        (
            "tip set",
            tip,
            on_device(2000, 300, Success),
            Idle,
            Some(PaymentState::Approved),
        ),
        (
            "tip unchanged",
            tip,
            on_device(2000, 0, Success),
            Idle,
            Some(PaymentState::NotFound),
        ),
        (
            "tip unchanged, busy",
            tip,
            on_device(2000, 0, Success),
            Busy,
            None,
        ),
        (
            "another tip",
            tip,
            on_device(2000, 700, Success),
            Idle,
            Some(PaymentState::Unknown),
        ),
        (
            "captured",
            cap,
            on_device(4500, 500, Success),
            Idle,
            Some(PaymentState::Approved),
        ),
        (
            "still held",
            cap,
            on_device(5000, 0, Auth),
            Idle,
            Some(PaymentState::NotFound),
        ),
        (
            "captured otherwise",
            cap,
            on_device(4000, 0, Success),
            Idle,
            Some(PaymentState::Unknown),
        ),
        (
            "hold raised",
            inc,
            on_device(6000, 0, Auth),
            Idle,
            Some(PaymentState::Approved),
        ),
        (
            "hold unchanged",
            inc,
            on_device(5000, 0, Auth),
            Idle,
            Some(PaymentState::NotFound),
        ),
        (
            "hold odd",
            inc,
            on_device(5500, 0, Auth),
            Idle,
            Some(PaymentState::Unknown),
        ),
    ];
    for (what, start, payment, device_state, to) in cases {
        let mut s = ready();
        let kind_sent = sends(&start(&mut s))[0];
        let fx = recover_to_lookup(&mut s, device_state.clone());
        assert!(
            fx.iter().any(
                |e| matches!(e, Effect::Send(DeviceCommand::RetrievePayment(id)) if id == TAB)
            ),
            "{what}: asks about the payment it acts on: {fx:?}"
        );
        let fx2 = dev(&mut s, retrieve(QueryStatus::Found, TAB, Some(payment)));
        let all: Vec<_> = fx.iter().chain(&fx2).cloned().collect();
        assert!(!sends(&all).contains(&kind_sent), "{what}: never re-sent");
        match to {
            Some(PaymentState::Unknown) => {
                // Already unknown after the time-out: the conflict is named and it stays open.
                let p = s.pending().expect("stays open");
                assert_eq!(p.state, PaymentState::Unknown, "{what}");
                assert!(p.evidence.conflict.is_some(), "{what}");
                assert!(notice(&s).contains("dashboard"), "{what}: {}", notice(&s));
            }
            Some(to) => {
                assert_eq!(
                    transitions(&fx2).last().copied(),
                    Some(to),
                    "{what}: {fx2:?}"
                );
                assert!(s.recovery.is_none(), "{what}");
            }
            None => {
                assert!(
                    s.pending().is_some(),
                    "{what}: stays open while the device works"
                );
                assert!(transitions(&fx2).iter().all(|t| !t.is_final()), "{what}");
            }
        }
    }
}

#[test]
fn a_response_re_sent_during_recovery_decides_and_ends_it() {
    let mut s = ready();
    tip_adjust(&mut s, 300);
    recover_to_lookup(&mut s, ExternalDeviceState::Idle);
    assert!(s.recovery.is_some());
    let fx = dev(&mut s, tip_response(true, Some(300)));
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    assert!(s.recovery.is_none());
    // The lookup's late answer finds nothing open: ignored.
    let fx = dev(
        &mut s,
        retrieve(
            QueryStatus::Found,
            TAB,
            Some(on_device(2000, 300, PaymentResult::Success)),
        ),
    );
    assert!(transitions(&fx).is_empty());
}

#[test]
fn a_late_response_is_noted_when_it_agrees_and_reopens_when_it_does_not() {
    let mut s = ready();
    tip_adjust(&mut s, 300);
    dev(&mut s, tip_response(true, Some(300)));
    let fx = dev(&mut s, tip_response(true, Some(300)));
    assert!(
        notes(&fx).iter().any(|n| n.contains("re-delivered")),
        "{fx:?}"
    );
    assert!(s.pending().is_none());
    let fx = dev(&mut s, tip_response(true, Some(900)));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Persist(LedgerOp::Reopen { external_id, .. }) if external_id == "ADJ1")),
        "{fx:?}"
    );
    assert_eq!(s.pending().unwrap().state, PaymentState::Unknown);
    assert_eq!(s.kind(), PaymentKind::TipAdjust);
    // A capture response while a tip adjust was the last: not about it, nothing happens.
    let mut s = ready();
    tip_adjust(&mut s, 300);
    dev(&mut s, tip_response(true, Some(300)));
    let fx = dev(&mut s, capture_response(true, Some(100), Some(0)));
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn nothing_else_starts_while_an_adjustment_is_open() {
    let mut s = ready();
    tip_adjust(&mut s, 300);
    let fx = capture(&mut s, 100, 0);
    assert!(!sends(&fx).contains(&"capture"));
    assert_eq!(
        s.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::PendingPayment)
    );
    let fx = update(
        &mut s,
        Event::Action(Action::Closeout {
            allow_open_tabs: true,
            open_tabs: 0,
            request_id: None,
        }),
    );
    assert!(!sends(&fx).contains(&"closeout"));
    assert!(notice(&s).contains("ADJ1"), "{}", notice(&s));
}

fn closeout(s: &mut State, allow: bool, open_tabs: usize) -> Vec<Effect> {
    update(
        s,
        Event::Action(Action::Closeout {
            allow_open_tabs: allow,
            open_tabs,
            request_id: Some("CLOSE1".into()),
        }),
    )
}

fn closeouts(fx: &[Effect]) -> Vec<CloseoutState> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Persist(LedgerOp::UpdateCloseout { state, .. }) => Some(*state),
            _ => None,
        })
        .collect()
}

#[test]
fn a_closeout_is_refused_with_open_tabs_unless_allowed_and_records_its_batch() {
    let mut s = ready();
    let fx = closeout(&mut s, false, 2);
    assert_eq!(only_refused(&fx), Some(Refusal::InvalidInput), "{fx:?}");
    assert!(
        notice(&s).contains("2 tabs are still open"),
        "{}",
        notice(&s)
    );
    assert!(notice(&s).contains("--allow-open-tabs"));

    let fx = closeout(&mut s, true, 2);
    assert!(matches!(
        &fx[0],
        Effect::Persist(LedgerOp::CreateCloseout { request_id, allow_open_tabs: true, .. }) if request_id == "CLOSE1"
    ));
    assert!(matches!(
        &fx[1],
        Effect::Send(DeviceCommand::Closeout {
            allow_open_tabs: true
        })
    ));
    assert_eq!(closeouts(&fx), vec![CloseoutState::Sent]);
    // No sale while it runs.
    let fx = sale(&mut s, 100, "S1");
    assert_eq!(only_refused(&fx), Some(Refusal::PendingPayment), "{fx:?}");
    assert!(notice(&s).contains("CLOSE1"), "{}", notice(&s));
    let batch = Batch {
        id: Some("B1".into()),
        count: Some(3),
        total: Some(Cents(4200)),
        state: Some("CLOSED".into()),
    };
    let fx = dev(
        &mut s,
        DeviceInput::CloseoutResponse {
            success: true,
            batch: Some(batch.clone()),
            message: None,
        },
    );
    assert_eq!(closeouts(&fx), vec![CloseoutState::Closed]);
    let o = s.last_closeout.clone().unwrap();
    assert_eq!((o.state, o.batch), (CloseoutState::Closed, batch));
    assert!(o.message.contains("B1"), "{}", o.message);
    assert!(s.closeout.is_none());
    // A late one changes nothing.
    let fx = dev(
        &mut s,
        DeviceInput::CloseoutResponse {
            success: false,
            batch: None,
            message: None,
        },
    );
    assert!(closeouts(&fx).is_empty());
}

#[test]
fn a_closeout_refused_timed_out_or_cut_ends_refused_or_unknown() {
    let mut s = ready();
    closeout(&mut s, false, 0);
    let fx = dev(
        &mut s,
        DeviceInput::CloseoutResponse {
            success: false,
            batch: None,
            message: Some("OPEN_TABS".into()),
        },
    );
    assert_eq!(closeouts(&fx), vec![CloseoutState::Refused]);
    assert_eq!(
        s.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::DeviceRefused)
    );

    let mut s = ready();
    closeout(&mut s, false, 0);
    let timer = *s
        .timers
        .iter()
        .find(|(_, p)| **p == TimerPurpose::CloseoutResponse)
        .unwrap()
        .0;
    let fx = update(&mut s, Event::Timer(timer));
    assert_eq!(closeouts(&fx), vec![CloseoutState::Unknown]);
    assert!(notice(&s).contains("dashboard"));

    let mut s = ready();
    closeout(&mut s, false, 0);
    let fx = dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
    );
    assert_eq!(closeouts(&fx), vec![CloseoutState::Unknown]);
    assert!(s.closeout.is_none());
}

#[test]
fn a_capture_found_open_at_restart_is_recovered_with_its_asked_tip() {
    let mut s = ready();
    let fx = update(
        &mut s,
        Event::PendingTxn {
            payment: PendingPayment {
                external_id: "ADJ9".into(),
                amount: Cents(4500),
                tip: Some(Cents(500)),
                tax: None,
                state: PaymentState::Sent,
                device: "ws://dev".into(),
                this_endpoint: true,
            },
            txn: TxnInfo {
                kind: PaymentKind::Capture,
                link: Some(tab(PaymentKind::PreAuth, 0)),
                accepted: false,
            },
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    dev(&mut s, status(ExternalDeviceState::Idle, None));
    let fx = dev(
        &mut s,
        retrieve(
            QueryStatus::Found,
            TAB,
            Some(on_device(4500, 500, PaymentResult::Success)),
        ),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
}

fn key(s: &mut State, k: Key) -> Vec<Effect> {
    update(s, Event::Key(k))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, Key::Char(c));
    }
}

#[test]
fn the_sale_screen_kind_selector_starts_an_auth_or_a_preauth() {
    let mut s = ready();
    typed(&mut s, "20.00");
    key(&mut s, Key::Char('k'));
    assert_eq!(s.ui.entry_kind, crate::app::tab_keys::EntryKind::Auth);
    let fx = key(&mut s, Key::Enter);
    assert_eq!(sends(&fx), vec!["auth"], "{fx:?}");
    assert_eq!(s.kind(), PaymentKind::Auth);
    assert_eq!(s.ui.screen, Screen::InProgress);
    // k cycles on: pre-auth, then sale again; a typed tip is refused for a pre-auth.
    let mut s = ready();
    key(&mut s, Key::Char('k'));
    key(&mut s, Key::Char('k'));
    typed(&mut s, "50.00");
    key(&mut s, Key::Tab);
    typed(&mut s, "1.00");
    let fx = key(&mut s, Key::Enter);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(notice(&s).contains("no tip or tax"), "{}", notice(&s));
    key(&mut s, Key::Char('k'));
    assert_eq!(s.ui.entry_kind, crate::app::tab_keys::EntryKind::Sale);
}

fn with_tabs(s: &mut State) {
    let fx = key(s, Key::Char('o'));
    assert_eq!(fx, vec![Effect::LoadTabs]);
    assert_eq!(s.ui.screen, Screen::Tabs);
    update(
        s,
        Event::Tabs(Ok(vec![
            crate::app::tab_keys::TabRow {
                kind: PaymentKind::Auth,
                link: tab(PaymentKind::Auth, 0),
            },
            crate::app::tab_keys::TabRow {
                kind: PaymentKind::PreAuth,
                link: SaleLink {
                    external_id: "HOLD1".into(),
                    ..tab(PaymentKind::PreAuth, 0)
                },
            },
        ])),
    );
}

#[test]
fn the_tabs_screen_adjusts_a_tip_and_captures_from_the_selected_tab() {
    let mut s = ready();
    with_tabs(&mut s);
    // c on an auth says what to do instead; a opens the tip box.
    assert!(key(&mut s, Key::Char('c')).is_empty());
    assert!(
        notice(&s).contains("only a pre-auth is captured"),
        "{}",
        notice(&s)
    );
    key(&mut s, Key::Char('a'));
    typed(&mut s, "3.50");
    let fx = key(&mut s, Key::Enter);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Send(DeviceCommand::TipAdjust { tip, .. }) if *tip == Cents(350))),
        "{fx:?}"
    );
    // It is recorded under the fresh id the runtime handed in, and the next one is asked for.
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Persist(op) if op.creates() == Some("FRESH-ID-1"))),
        "{fx:?}"
    );
    assert_eq!(fx.last(), Some(&Effect::FreshExternalId), "{fx:?}");
    assert_eq!(s.ui.screen, Screen::InProgress);
    dev(&mut s, tip_response(true, Some(350)));
    assert!(s.pending().is_none());

    // The pre-auth: the capture box is prefilled with the hold; Tab moves to the tip. The tip
    // adjust used the fresh external id; the runtime answers with the next one.
    update(&mut s, Event::FreshExternalId("FRESH-ID-2".into()));
    with_tabs(&mut s);
    key(&mut s, Key::Down);
    key(&mut s, Key::Char('c'));
    key(&mut s, Key::Tab);
    typed(&mut s, "4");
    let fx = key(&mut s, Key::Enter);
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Send(DeviceCommand::Capture { amount, tip, .. })
            if *amount == Cents(5000) && *tip == Cents(400))
        ),
        "{fx:?}"
    );
}

#[test]
fn a_closeout_from_the_tabs_screen_asks_first_and_names_the_open_tabs() {
    let mut s = ready();
    with_tabs(&mut s);
    assert!(key(&mut s, Key::Char('X')).is_empty());
    // n keeps everything as it was.
    assert!(key(&mut s, Key::Char('n')).is_empty());
    assert!(s.ui.tab_input().is_none());
    key(&mut s, Key::Char('X'));
    let fx = key(&mut s, Key::Char('y'));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Send(DeviceCommand::Closeout {
                allow_open_tabs: true
            })
        )),
        "{fx:?}"
    );
    assert!(s.closeout.is_some());
}
