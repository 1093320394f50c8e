//! Table tests of refunds, voids and credits in the POS state machine: every transition,
//! including late and re-delivered frames, and recovery through the sale's RETRIEVE_PAYMENT.

use super::*;
use crate::payment::PaymentKind;

const SALE: &str = "SALE1";
const DEVPAY: &str = "PAY123";

fn ready(void_response: bool) -> State {
    let mut s = State::new(AppSettings::default());
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo {
            supports_void_payment_response: void_response,
            ..DeviceInfo::default()
        })),
    );
    // The runtime hands in a fresh external id at start (the app makes none).
    update(&mut s, Event::FreshExternalId("FRESH-ID-1".into()));
    s
}

fn link(known: &[&str]) -> SaleLink {
    SaleLink {
        external_id: SALE.into(),
        device_payment_id: DEVPAY.into(),
        order_id: Some("ORD1".into()),
        known_refunds: known.iter().map(|k| k.to_string()).collect(),
        card: Some("VISA …4242".into()),
        ..SaleLink::default()
    }
}

fn refund_action(amount: i64, remainder: i64) -> Event {
    Event::Action(Action::Refund {
        sale: link(&["OLDREF"]),
        amount: Cents(amount),
        remainder: Cents(remainder),
        external_id: Some("REF1".into()),
    })
}

fn void_action() -> Event {
    Event::Action(Action::Void {
        sale: link(&[]),
        amount: Cents(1234),
        external_id: Some("VOID1".into()),
    })
}

fn refund_obj(id: &str, amount: i64) -> Refund {
    Refund {
        id: Some(id.into()),
        amount: Some(amount),
        payment: Some(Reference {
            id: Some(DEVPAY.into()),
            ..Reference::default()
        }),
        ..Refund::default()
    }
}

fn sale_with_refunds(result: PaymentResult, refunds: &[Refund]) -> Payment {
    let mut p = Payment {
        id: Some(DEVPAY.into()),
        external_payment_id: Some(SALE.into()),
        amount: Some(1234),
        result: Some(result),
        ..Payment::default()
    };
    p.extra
        .insert("refunds".into(), serde_json::json!({ "elements": refunds }));
    p
}

fn status(state: ExternalDeviceState) -> DeviceInput {
    DeviceInput::DeviceStatus {
        state,
        substate: None,
        external_id: None,
    }
}

fn retrieve(payment: Option<Payment>) -> DeviceInput {
    DeviceInput::RetrievePayment {
        query: if payment.is_some() {
            QueryStatus::Found
        } else {
            QueryStatus::NotFound
        },
        external_id: Some(SALE.into()),
        payment,
    }
}

#[test]
fn a_refund_is_recorded_before_it_is_sent_and_decided_by_its_response() {
    let mut s = ready(true);
    let fx = update(&mut s, refund_action(500, 1234));
    match &fx[0] {
        Effect::Persist(LedgerOp::CreateLinked {
            external_id,
            kind,
            parent,
            amount,
            ..
        }) => {
            assert_eq!(
                (external_id.as_str(), *kind, parent.as_deref(), *amount),
                ("REF1", PaymentKind::Refund, Some(SALE), Cents(500))
            );
        }
        other => panic!("the create must come first: {other:?}"),
    }
    assert!(matches!(
        &fx[1],
        Effect::Send(DeviceCommand::Refund { payment_id, amount, .. })
            if payment_id == DEVPAY && *amount == Cents(500)
    ));
    assert_eq!(transitions(&fx), vec![PaymentState::Sent]);
    assert_eq!(s.kind(), PaymentKind::Refund);

    let fx = dev(
        &mut s,
        DeviceInput::RefundResponse {
            success: true,
            payment_id: Some(DEVPAY.into()),
            refund: Some(refund_obj("NEWREF", 500)),
            message: None,
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    let o = s.last_outcome.clone().unwrap();
    assert_eq!(o.facts.device_payment_id.as_deref(), Some("NEWREF"));
    assert_eq!(o.facts.amount_charged, Some(Cents(500)));
    assert_eq!(
        s.last_txn.as_ref().map(|t| t.kind),
        Some(PaymentKind::Refund)
    );
    assert!(s.pending().is_none() && s.txn.is_none());

    // The FINISH_OK that follows (and any re-delivery) is only noted.
    for _ in 0..2 {
        let fx = dev(
            &mut s,
            DeviceInput::RefundFinished(refund_obj("NEWREF", 500)),
        );
        assert!(transitions(&fx).is_empty());
        assert!(
            fx.iter().any(|e| matches!(e, Effect::Persist(LedgerOp::Note { detail, .. }) if detail.contains("re-delivered"))),
            "{fx:?}"
        );
        assert!(
            !fx.iter()
                .any(|e| matches!(e, Effect::Persist(LedgerOp::Reopen { .. })))
        );
    }
}

#[test]
fn refund_answers_table() {
    type Case = (&'static str, Vec<DeviceInput>, Option<PaymentState>);
    let ok = |r: Refund| DeviceInput::RefundResponse {
        success: true,
        payment_id: Some(DEVPAY.into()),
        refund: Some(r),
        message: None,
    };
    let cases: Vec<Case> = vec![
        (
            "refused by the device",
            vec![DeviceInput::RefundResponse {
                success: false,
                payment_id: Some(DEVPAY.into()),
                refund: None,
                message: Some("FAIL: more than left".into()),
            }],
            Some(PaymentState::Declined),
        ),
        (
            "response without refund, then FINISH_OK",
            vec![
                DeviceInput::RefundResponse {
                    success: true,
                    payment_id: Some(DEVPAY.into()),
                    refund: None,
                    message: None,
                },
                DeviceInput::RefundFinished(refund_obj("NEWREF", 500)),
            ],
            Some(PaymentState::Approved),
        ),
        (
            "FINISH_CANCEL after the request",
            vec![DeviceInput::FinishCancel {
                request_info: Some(RequestInfo::Refund),
            }],
            Some(PaymentState::Declined),
        ),
        (
            "a refund larger than asked is a conflict",
            vec![ok(refund_obj("NEWREF", 900))],
            Some(PaymentState::Unknown),
        ),
        (
            "a refund known before is not ours",
            vec![ok(refund_obj("OLDREF", 500))],
            None,
        ),
        (
            "a refund of another payment is not ours",
            vec![ok(Refund {
                payment: Some(Reference {
                    id: Some("OTHER".into()),
                    ..Reference::default()
                }),
                ..refund_obj("NEWREF", 500)
            })],
            None,
        ),
        (
            "a response about another payment is ignored",
            vec![DeviceInput::RefundResponse {
                success: false,
                payment_id: Some("OTHER".into()),
                refund: None,
                message: None,
            }],
            None,
        ),
        (
            "a sale's FINISH_OK says nothing about the refund",
            vec![DeviceInput::FinishOk {
                payment: Some(sale_with_refunds(PaymentResult::Success, &[])),
                request_info: None,
            }],
            None,
        ),
        (
            "a credit's FINISH_CANCEL says nothing about the refund",
            vec![DeviceInput::FinishCancel {
                request_info: Some(RequestInfo::Credit),
            }],
            None,
        ),
    ];
    for (what, inputs, want) in cases {
        let mut s = ready(true);
        update(&mut s, refund_action(500, 1234));
        let mut all = Vec::new();
        for input in inputs {
            all.extend(dev(&mut s, input));
        }
        let last = transitions(&all).last().copied();
        match want {
            Some(state) => assert_eq!(last, Some(state), "{what}: {all:?}"),
            None => {
                assert!(last.is_none_or(|l| !l.is_final()), "{what}: {all:?}");
                assert!(
                    s.pending().is_some_and(|p| p.evidence.conflict.is_none()),
                    "{what}: still open, undecided"
                );
            }
        }
        if want == Some(PaymentState::Unknown) {
            assert!(s.pending().unwrap().evidence.conflict.is_some(), "{what}");
        }
    }
}

#[test]
fn refunds_are_refused_before_anything_is_sent() {
    let cases = [
        ("zero", 0, 1234),
        ("negative", -5, 1234),
        ("above the remainder", 1235, 1234),
        ("nothing left", 1, 0),
    ];
    for (what, amount, remainder) in cases {
        let mut s = ready(true);
        let fx = update(&mut s, refund_action(amount, remainder));
        assert_eq!(
            only_refused(&fx),
            Some(Refusal::InvalidInput),
            "{what}: {fx:?}"
        );
        let n = s.notice.clone().unwrap();
        assert_eq!(n.kind, NoticeKind::Validation, "{what}");
        assert!(n.text.starts_with("Nothing was sent"), "{what}: {}", n.text);
        assert!(s.pending().is_none());
    }
    // Another transaction open: refused, and that one is recovered.
    let mut s = ready(true);
    update(&mut s, refund_action(500, 1234));
    let fx = update(&mut s, void_action());
    assert_eq!(s.notice.clone().unwrap().kind, NoticeKind::PendingPayment);
    assert!(fx.contains(&Effect::Answer(Answer::Refused {
        why: Refusal::PendingPayment,
        text: s.notice.clone().unwrap().text,
    })));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Persist(LedgerOp::CreateLinked { .. })))
    );
    // Not ready: nothing sent.
    let mut s = State::new(AppSettings::default());
    let fx = update(&mut s, refund_action(500, 1234));
    assert_eq!(only_refused(&fx), Some(Refusal::NotConnected));
    assert_eq!(s.notice.clone().unwrap().kind, NoticeKind::NotConnected);
}

#[test]
fn a_lost_refund_answer_is_recovered_from_the_sale_never_resent() {
    type Case = (&'static str, Payment, PaymentState);
    let cases: Vec<Case> = vec![
        (
            "a new refund with our amount: ours",
            sale_with_refunds(
                PaymentResult::Success,
                &[refund_obj("OLDREF", 500), refund_obj("NEWREF", 500)],
            ),
            PaymentState::Approved,
        ),
        (
            "only the refund known before: never happened",
            sale_with_refunds(PaymentResult::Success, &[refund_obj("OLDREF", 500)]),
            PaymentState::NotFound,
        ),
        (
            "two new refunds: cannot tell",
            sale_with_refunds(
                PaymentResult::Success,
                &[refund_obj("N1", 500), refund_obj("N2", 500)],
            ),
            PaymentState::Unknown,
        ),
    ];
    for (what, sale, want) in cases {
        let mut s = ready(true);
        update(&mut s, refund_action(500, 1234));
        let fx = dev(
            &mut s,
            DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
        );
        assert_eq!(transitions(&fx), vec![PaymentState::Unknown], "{what}");
        let fx = dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
        assert_eq!(sends(&fx), vec!["device status"], "{what}");
        let fx = dev(&mut s, status(ExternalDeviceState::Idle));
        assert!(
            fx.iter().any(
                |e| matches!(e, Effect::Send(DeviceCommand::RetrievePayment(id)) if id == SALE)
            ),
            "{what}: the sale is looked up, not the refund: {fx:?}"
        );
        let fx = dev(&mut s, retrieve(Some(sale)));
        if want == PaymentState::Unknown {
            // Already unknown since the cut: the conflict is said as an event.
            assert!(
                s.pending().unwrap().evidence.conflict.is_some(),
                "{what}: {fx:?}"
            );
        } else {
            assert_eq!(
                transitions(&fx).last().copied(),
                Some(want),
                "{what}: {fx:?}"
            );
        }
        assert!(
            !fx.iter()
                .any(|e| matches!(e, Effect::Send(DeviceCommand::Refund { .. }))),
            "{what}: never re-sent"
        );
        if want == PaymentState::Unknown {
            assert!(
                s.recovery.is_none(),
                "{what}: a conflict waits for a person"
            );
        }
    }
}

#[test]
fn the_re_sent_refund_response_decides_during_recovery() {
    let mut s = ready(true);
    update(&mut s, refund_action(500, 1234));
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    let fx = dev(
        &mut s,
        DeviceInput::RefundResponse {
            success: true,
            payment_id: Some(DEVPAY.into()),
            refund: Some(refund_obj("NEWREF", 500)),
            message: None,
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    assert!(s.recovery.is_none());
}

#[test]
fn voids_with_and_without_a_void_payment_response() {
    // With the response: it decides.
    let mut s = ready(true);
    let fx = update(&mut s, void_action());
    assert!(matches!(
        &fx[0],
        Effect::Persist(LedgerOp::CreateLinked {
            kind: PaymentKind::Void,
            ..
        })
    ));
    assert!(sends(&fx).contains(&"void"));
    let fx = dev(
        &mut s,
        DeviceInput::VoidResponse {
            success: true,
            payment: Some(sale_with_refunds(PaymentResult::Voided, &[])),
            message: None,
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);

    // Refused by the device.
    let mut s = ready(true);
    update(&mut s, void_action());
    let fx = dev(
        &mut s,
        DeviceInput::VoidResponse {
            success: false,
            payment: Some(sale_with_refunds(PaymentResult::Success, &[])),
            message: Some("payment has refunds".into()),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Declined]);
    assert_eq!(s.notice.clone().unwrap().kind, NoticeKind::DeviceRefused);

    // Without the response: the device is asked about the sale at once.
    let mut s = ready(false);
    let fx = update(&mut s, void_action());
    assert_eq!(sends(&fx), vec!["void", "device status"]);
    dev(&mut s, status(ExternalDeviceState::Idle));
    let fx = dev(
        &mut s,
        retrieve(Some(sale_with_refunds(PaymentResult::Voided, &[]))),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);

    // Still SUCCESS on an idle device proves nothing (EVIDENCE.md #1): unknown, named.
    let mut s = ready(false);
    update(&mut s, void_action());
    dev(&mut s, status(ExternalDeviceState::Idle));
    let fx = dev(
        &mut s,
        retrieve(Some(sale_with_refunds(PaymentResult::Success, &[]))),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    let why = s.pending().unwrap().evidence.conflict.clone().unwrap();
    assert!(why.contains("SUCCESS"), "{why}");

    // PAYMENT_VOIDED for our sale proves it; for another it is ignored.
    let mut s = ready(true);
    update(&mut s, void_action());
    let other = Payment {
        id: Some("OTHER".into()),
        ..Payment::default()
    };
    let fx = dev(
        &mut s,
        DeviceInput::PaymentVoided {
            payment: Some(other),
            reason: None,
        },
    );
    assert!(transitions(&fx).is_empty());
    let fx = dev(
        &mut s,
        DeviceInput::PaymentVoided {
            payment: Some(sale_with_refunds(PaymentResult::Success, &[])),
            reason: Some("USER_CANCEL".into()),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
}

#[test]
fn credits_run_like_a_sale_and_end_with_their_credit() {
    let mut s = ready(true);
    let fx = update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(700),
            external_id: Some("CRED1".into()),
        }),
    );
    assert!(matches!(
        &fx[0],
        Effect::Persist(LedgerOp::CreateLinked {
            kind: PaymentKind::Credit,
            parent: None,
            ..
        })
    ));
    assert_eq!(sends(&fx), vec!["credit"]);
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("CRED1".into()),
            message: None,
        },
    );
    assert_eq!(s.pending().unwrap().state, PaymentState::InProgress);
    let credit = Credit {
        id: Some("CR1".into()),
        amount: Some(700),
        ..Credit::default()
    };
    let fx = dev(&mut s, DeviceInput::CreditFinished(credit.clone()));
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    // Re-delivered: noted only.
    let fx = dev(&mut s, DeviceInput::CreditFinished(credit));
    assert!(transitions(&fx).is_empty());

    // Canceled on the device; a credit above the request is a conflict.
    for (input, want) in [
        (
            DeviceInput::FinishCancel {
                request_info: Some(RequestInfo::Credit),
            },
            PaymentState::Canceled,
        ),
        (
            DeviceInput::CreditFinished(Credit {
                id: Some("CR2".into()),
                amount: Some(7000),
                ..Credit::default()
            }),
            PaymentState::Unknown,
        ),
    ] {
        let mut s = ready(true);
        update(
            &mut s,
            Event::Action(Action::Credit {
                amount: Cents(700),
                external_id: Some("CRED2".into()),
            }),
        );
        dev(
            &mut s,
            DeviceInput::TxStartResponse {
                result: TxStartResponseResult::Success,
                external_id: Some("CRED2".into()),
                message: None,
            },
        );
        let fx = dev(&mut s, input);
        assert_eq!(transitions(&fx), vec![want]);
    }
}

#[test]
fn a_refused_create_sends_nothing_and_frees_the_device() {
    let mut s = ready(true);
    let fx = update(&mut s, refund_action(500, 1234));
    let op = match &fx[0] {
        Effect::Persist(op) => op.clone(),
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Event::PersistFailed {
            op,
            error: "cannot refund payment SALE1: it was voided".into(),
        },
    );
    assert!(s.pending().is_none() && s.txn.is_none());
    let n = s.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::PersistFailed);
    assert!(n.text.contains("refund was not recorded"), "{}", n.text);
}

#[test]
fn an_open_refund_found_at_start_is_recovered() {
    let mut s = ready(true);
    let fx = update(
        &mut s,
        Event::PendingTxn {
            payment: PendingPayment {
                external_id: "REF1".into(),
                amount: Cents(500),
                tip: None,
                tax: None,
                state: PaymentState::Sent,
                device: "ws://dev".into(),
                this_endpoint: true,
            },
            txn: TxnInfo {
                kind: PaymentKind::Refund,
                link: Some(link(&[])),
                accepted: false,
            },
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    assert_eq!(sends(&fx), vec!["device status"]);
    assert_eq!(s.kind(), PaymentKind::Refund);
}

fn offer(remainder: i64) -> refund_keys::RefundOffer {
    refund_keys::RefundOffer {
        sale: link(&[]),
        remainder: Cents(remainder),
        charged: Cents(1234),
        refusal: None,
    }
}

fn key(s: &mut State, k: Key) -> Vec<Effect> {
    update(s, Event::Key(k))
}

#[test]
fn the_tui_refunds_the_selected_payment_after_a_confirmation() {
    let mut s = ready(true);
    s.ui.screen = Screen::History;
    s.ui.history = vec![screens::HistoryRow {
        external_id: SALE.into(),
        created_ms: 0,
        amount: Cents(1234),
        state: PaymentState::Approved,
        card: "VISA 4242".into(),
        items: None,
    }];
    s.ui.history_total = 1;
    let fx = key(&mut s, Key::Char('r'));
    assert_eq!(fx, vec![Effect::LoadRefundOffer(SALE.into())]);
    assert_eq!(screens::keymap(&s), vec![("Esc", "back")], "loading");
    update(&mut s, Event::RefundOffer(Ok(offer(1234))));
    assert_eq!(
        s.ui.refund_input().unwrap().amount,
        "12.34",
        "the remainder is prefilled"
    );
    // Type half instead.
    for _ in 0..5 {
        key(&mut s, Key::Backspace);
    }
    for c in "6.17".chars() {
        key(&mut s, Key::Char(c));
    }
    assert!(
        key(&mut s, Key::Enter).is_empty(),
        "nothing is sent before the confirmation"
    );
    let text = refund_keys::lines(s.ui.refund_input().unwrap()).join("\n");
    for needle in ["6.17", "VISA …4242", SALE, "y yes"] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
    let fx = key(&mut s, Key::Char('y'));
    assert!(matches!(
        &fx[0],
        Effect::Persist(LedgerOp::CreateLinked { kind: PaymentKind::Refund, amount, .. }) if *amount == Cents(617)
    ));
    assert_eq!(s.ui.screen, Screen::InProgress);
    assert!(s.ui.refund_input().is_none());
}

#[test]
fn the_tui_says_why_a_payment_cannot_be_refunded_and_sends_nothing() {
    let mut s = ready(true);
    s.ui.screen = Screen::History;
    s.ui.history = vec![screens::HistoryRow {
        external_id: SALE.into(),
        created_ms: 0,
        amount: Cents(1234),
        state: PaymentState::Voided,
        card: String::new(),
        items: None,
    }];
    s.ui.history_total = 1;
    key(&mut s, Key::Char('v'));
    let refused = refund_keys::RefundOffer {
        refusal: Some("it was voided: no money was taken, nothing to give back".into()),
        ..offer(0)
    };
    update(&mut s, Event::RefundOffer(Ok(refused)));
    for k in [Key::Char('y'), Key::Enter, Key::Char('1')] {
        assert!(key(&mut s, k).is_empty());
    }
    let text = refund_keys::lines(s.ui.refund_input().unwrap()).join("\n");
    assert!(text.contains("voided"), "{text}");
    assert_eq!(screens::keymap(&s), vec![("Esc", "back")]);
    key(&mut s, Key::Esc);
    assert!(s.ui.refund_input().is_none());
}

#[test]
fn the_sale_screen_gives_a_typed_amount_back_as_a_credit() {
    let mut s = ready(true);
    assert!(screens::keymap(&s).contains(&("C", "credit")));
    for c in "7.50".chars() {
        key(&mut s, Key::Char(c));
    }
    key(&mut s, Key::Char('C'));
    let text = refund_keys::lines(s.ui.refund_input().unwrap()).join("\n");
    assert!(text.contains("Credit 7.50"), "{text}");
    let fx = key(&mut s, Key::Char('y'));
    assert!(matches!(
        &fx[0],
        Effect::Persist(LedgerOp::CreateLinked { kind: PaymentKind::Credit, amount, .. }) if *amount == Cents(750)
    ));
}

/// Cloud mode: what the idle device could not decide (it no longer knows the sale, or a void's
/// sale still reads SUCCESS) goes to Clover's REST payments with the sale's external id.
#[test]
fn cloud_rest_decides_what_the_idle_device_could_not() {
    let voided = || {
        let mut p = sale_with_refunds(PaymentResult::Voided, &[]);
        p.void_reason = Some(VoidReason::UserCancel);
        p
    };
    let other = || Payment {
        id: Some("OTHERPAY".into()),
        ..sale_with_refunds(PaymentResult::Success, &[refund_obj("NEWREF", 500)])
    };
    // (what, a void?, the device's answer, Clover's answer, expected state or None = unknown)
    type Case = (
        &'static str,
        bool,
        Option<Payment>,
        Result<Vec<Payment>, String>,
        Option<PaymentState>,
    );
    let cases: Vec<Case> = vec![
        (
            "refund: the device forgot the sale, Clover shows a new refund of our amount",
            false,
            None,
            Ok(vec![sale_with_refunds(
                PaymentResult::Success,
                &[refund_obj("OLDREF", 500), refund_obj("NEWREF", 500)],
            )]),
            Some(PaymentState::Approved),
        ),
        (
            "refund: Clover shows the sale without a new refund",
            false,
            None,
            Ok(vec![sale_with_refunds(
                PaymentResult::Success,
                &[refund_obj("OLDREF", 500)],
            )]),
            Some(PaymentState::NotFound),
        ),
        (
            "refund: Clover shows a bigger refund than asked",
            false,
            None,
            Ok(vec![sale_with_refunds(
                PaymentResult::Success,
                &[refund_obj("NEWREF", 900)],
            )]),
            None,
        ),
        (
            "refund: Clover has only another payment",
            false,
            None,
            Ok(vec![other()]),
            None,
        ),
        (
            "refund: neither has the sale",
            false,
            None,
            Ok(vec![]),
            None,
        ),
        (
            "void: the sale reads SUCCESS on the device, VOIDED at Clover",
            true,
            Some(sale_with_refunds(PaymentResult::Success, &[])),
            Ok(vec![voided()]),
            Some(PaymentState::Approved),
        ),
        (
            "void: the device forgot the sale, Clover has it voided",
            true,
            None,
            Ok(vec![voided()]),
            Some(PaymentState::Approved),
        ),
        (
            "void: SUCCESS at Clover too proves nothing",
            true,
            Some(sale_with_refunds(PaymentResult::Success, &[])),
            Ok(vec![sale_with_refunds(PaymentResult::Success, &[])]),
            None,
        ),
    ];
    for (what, void, device, clover, want) in cases {
        let mut s = ready(true);
        s.settings.rest_lookup = true;
        if void {
            update(&mut s, void_action());
        } else {
            update(&mut s, refund_action(500, 1234));
        }
        dev(
            &mut s,
            DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
        );
        dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
        dev(&mut s, status(ExternalDeviceState::Idle));
        let fx = dev(&mut s, retrieve(device));
        assert!(
            fx.contains(&Effect::RestLookup(SALE.into())),
            "{what}: Clover is asked about the sale: {fx:?}"
        );
        assert!(transitions(&fx).is_empty(), "{what}: {fx:?}");
        // An answer about another external id is not this lookup's.
        let stray = update(
            &mut s,
            Event::RestPayments {
                external_id: "OTHER".into(),
                result: Ok(vec![]),
            },
        );
        assert!(stray.is_empty(), "{what}: {stray:?}");
        let fx = update(
            &mut s,
            Event::RestPayments {
                external_id: SALE.into(),
                result: clover,
            },
        );
        match want {
            Some(state) => {
                assert_eq!(
                    transitions(&fx).last().copied(),
                    Some(state),
                    "{what}: {fx:?}"
                );
                assert!(s.pending().is_none(), "{what}");
            }
            None => {
                let p = s.pending().expect("still open");
                assert_eq!(p.state, PaymentState::Unknown, "{what}");
                assert!(
                    p.evidence.conflict.is_some(),
                    "{what}: the next step is named"
                );
            }
        }
        assert!(s.recovery.is_none(), "{what}: recovery ended");
        assert!(
            !fx.iter().any(|e| matches!(
                e,
                Effect::Send(DeviceCommand::Refund { .. } | DeviceCommand::Void { .. })
            )),
            "{what}: never re-sent"
        );
    }

    // A failed lookup leaves the refund open and asks again later.
    let mut s = ready(true);
    s.settings.rest_lookup = true;
    update(&mut s, refund_action(500, 1234));
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(ExternalDeviceState::Idle));
    dev(&mut s, retrieve(None));
    let fx = update(
        &mut s,
        Event::RestPayments {
            external_id: SALE.into(),
            result: Err("503".into()),
        },
    );
    assert!(transitions(&fx).is_empty(), "{fx:?}");
    assert!(
        matches!(fx.last(), Some(Effect::StartTimer { .. })),
        "{fx:?}"
    );
    assert!(s.pending().is_some());

    // A credit is not a payment: Clover's payments are not asked; it stays unknown, named.
    let mut s = ready(true);
    s.settings.rest_lookup = true;
    update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(700),
            external_id: Some("CRED1".into()),
        }),
    );
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(&mut s, status(ExternalDeviceState::Idle));
    let fx = dev(
        &mut s,
        DeviceInput::RetrievePayment {
            query: QueryStatus::NotFound,
            external_id: Some("CRED1".into()),
            payment: None,
        },
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::RestLookup(_))),
        "{fx:?}"
    );
    let p = s.pending().expect("still open");
    assert_eq!(p.state, PaymentState::Unknown);
    assert!(p.evidence.conflict.is_some());
}

/// A credit names nothing of ours, so a FINISH_OK `{credit}` re-sent during recovery
/// (`sendLastMessage`) decides a credit only when the device accepted that credit's TX_START;
/// otherwise it stays `unknown`, named.
#[test]
fn a_re_sent_credit_decides_only_a_credit_the_device_accepted() {
    let credit = |id: &str| {
        DeviceInput::CreditFinished(Credit {
            id: Some(id.into()),
            amount: Some(700),
            ..Credit::default()
        })
    };
    let start = |s: &mut State, ext: &str, accepted: bool| {
        update(
            s,
            Event::Action(Action::Credit {
                amount: Cents(700),
                external_id: Some(ext.into()),
            }),
        );
        if accepted {
            dev(
                s,
                DeviceInput::TxStartResponse {
                    result: TxStartResponseResult::Success,
                    external_id: Some(ext.into()),
                    message: None,
                },
            );
        }
        let fx = dev(
            s,
            DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
        );
        assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
        dev(s, DeviceInput::Ready(DeviceInfo::default()));
        dev(s, status(ExternalDeviceState::Idle));
    };

    // Accepted, then the answer was lost: the re-sent credit is ours.
    let mut s = ready(true);
    start(&mut s, "CRED1", true);
    let fx = dev(&mut s, credit("CR1"));
    assert_eq!(transitions(&fx), vec![PaymentState::Approved], "{fx:?}");
    assert!(s.recovery.is_none());

    // The next credit's TX_START never reached the device: its last message is CR1 again,
    // which cannot be tied to this credit: unknown, named, never approved.
    start(&mut s, "CRED2", false);
    let fx = dev(&mut s, credit("CR1"));
    assert!(transitions(&fx).is_empty(), "already unknown: {fx:?}");
    let p = s.pending().expect("still open");
    assert!(p.evidence.conflict.is_some(), "the next step is named");

    // Never accepted: a re-sent credit may be an earlier one (another POS's, or from before a
    // restart): unknown with the conflict named, never approved.
    let mut s = ready(true);
    start(&mut s, "CRED3", false);
    let fx = dev(&mut s, credit("CRX"));
    assert!(
        !transitions(&fx).contains(&PaymentState::Approved),
        "{fx:?}"
    );
    let p = s.pending().expect("still open");
    assert_eq!(p.state, PaymentState::Unknown);
    assert!(
        p.evidence
            .conflict
            .as_deref()
            .is_some_and(|c| c.contains("never confirmed")),
        "{:?}",
        p.evidence.conflict
    );
    assert!(s.recovery.is_none(), "a conflict waits for a person");

    // Found open in the ledger at start: whether the device had accepted it comes with it.
    for (accepted, want) in [
        (true, PaymentState::Approved),
        (false, PaymentState::Unknown),
    ] {
        let mut s = ready(true);
        update(
            &mut s,
            Event::PendingTxn {
                payment: PendingPayment {
                    this_endpoint: true,
                    external_id: "CRED4".into(),
                    amount: Cents(700),
                    tip: None,
                    tax: None,
                    state: PaymentState::Unknown,
                    device: "sim".into(),
                },
                txn: TxnInfo {
                    kind: PaymentKind::Credit,
                    link: None,
                    accepted,
                },
            },
        );
        dev(&mut s, status(ExternalDeviceState::Idle));
        dev(&mut s, credit("CR4"));
        assert_eq!(
            s.last_outcome
                .as_ref()
                .map(|o| o.state)
                .or(s.pending().map(|p| p.state)),
            Some(want),
            "accepted {accepted}"
        );
    }
}

fn notes_with(fx: &[Effect], text: &str) -> bool {
    fx.iter().any(
        |e| matches!(e, Effect::Persist(LedgerOp::Note { detail, .. }) if detail.contains(text)),
    )
}

fn reopened(fx: &[Effect]) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::Persist(LedgerOp::Reopen { .. })))
}

/// Late and re-delivered frames after a refund, void or credit ended: the same answer is only
/// noted; an answer that says the device did what was recorded as not done reopens it as
/// `unknown`; nothing is ever sent again.
#[test]
fn late_and_re_delivered_frames_table() {
    let refused_refund = DeviceInput::RefundResponse {
        success: false,
        payment_id: Some(DEVPAY.into()),
        refund: None,
        message: Some("FAIL".into()),
    };
    let void_ok = || DeviceInput::VoidResponse {
        success: true,
        payment: Some(sale_with_refunds(PaymentResult::Voided, &[])),
        message: None,
    };
    let void_refused = || DeviceInput::VoidResponse {
        success: false,
        payment: Some(sale_with_refunds(PaymentResult::Success, &[])),
        message: Some("payment has refunds".into()),
    };
    // (what, refund? else void, the deciding frame, its state, the late frame, reopened?)
    type Case = (
        &'static str,
        bool,
        DeviceInput,
        PaymentState,
        DeviceInput,
        bool,
    );
    let cases: Vec<Case> = vec![
        (
            "refund refused, then a FINISH_OK with a new refund: reopened",
            true,
            refused_refund.clone(),
            PaymentState::Declined,
            DeviceInput::RefundFinished(refund_obj("NEWREF", 500)),
            true,
        ),
        (
            "refund refused, then the same refusal again: noted",
            true,
            refused_refund.clone(),
            PaymentState::Declined,
            refused_refund.clone(),
            false,
        ),
        (
            "refund done, then another refund id in a late FINISH_OK: reopened",
            true,
            DeviceInput::RefundFinished(refund_obj("NEWREF", 500)),
            PaymentState::Approved,
            DeviceInput::RefundFinished(refund_obj("ANOTHER", 500)),
            true,
        ),
        (
            "void done, then its response again: noted",
            false,
            void_ok(),
            PaymentState::Approved,
            void_ok(),
            false,
        ),
        (
            "void refused, then its refusal again: noted",
            false,
            void_refused(),
            PaymentState::Declined,
            void_refused(),
            false,
        ),
        (
            "void refused, then a late success: reopened",
            false,
            void_refused(),
            PaymentState::Declined,
            void_ok(),
            true,
        ),
        (
            "void done, then a late failure: noted with what to check",
            false,
            void_ok(),
            PaymentState::Approved,
            void_refused(),
            false,
        ),
    ];
    for (what, refund, decide, decided, late, reopens) in cases {
        let mut s = ready(true);
        update(
            &mut s,
            if refund {
                refund_action(500, 1234)
            } else {
                void_action()
            },
        );
        let fx = dev(&mut s, decide);
        assert_eq!(transitions(&fx), vec![decided], "{what}: {fx:?}");
        let fx = dev(&mut s, late);
        assert_eq!(reopened(&fx), reopens, "{what}: {fx:?}");
        assert!(transitions(&fx).is_empty(), "{what}: {fx:?}");
        assert!(sends(&fx).is_empty(), "{what}: never re-sent: {fx:?}");
        if reopens {
            let p = s.pending().expect("reopened");
            assert_eq!(p.state, PaymentState::Unknown, "{what}");
            assert!(p.evidence.conflict.is_some(), "{what}: named");
        } else {
            assert!(s.pending().is_none(), "{what}");
            assert!(
                notes_with(&fx, "re-delivered") || notes_with(&fx, "Clover dashboard"),
                "{what}: {fx:?}"
            );
        }
    }

    // A credit: a stale FINISH_CANCEL before the device accepted it is ignored; after it ended,
    // its FINISH_OK again is noted and a late FINISH_CANCEL changes nothing.
    let mut s = ready(true);
    update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(700),
            external_id: Some("CRED1".into()),
        }),
    );
    let fx = dev(
        &mut s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Credit),
        },
    );
    assert!(transitions(&fx).is_empty(), "{fx:?}");
    assert!(notes_with(&fx, "stale"), "{fx:?}");
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("CRED1".into()),
            message: None,
        },
    );
    let credit = DeviceInput::CreditFinished(Credit {
        id: Some("CR1".into()),
        amount: Some(700),
        ..Credit::default()
    });
    assert_eq!(
        transitions(&dev(&mut s, credit.clone())),
        vec![PaymentState::Approved]
    );
    let fx = dev(&mut s, credit);
    assert!(
        transitions(&fx).is_empty() && notes_with(&fx, "again"),
        "{fx:?}"
    );
    let fx = dev(
        &mut s,
        DeviceInput::FinishCancel {
            request_info: Some(RequestInfo::Credit),
        },
    );
    assert!(transitions(&fx).is_empty() && !reopened(&fx), "{fx:?}");
    assert!(s.pending().is_none());
}

/// How a credit ends without money given back: the card declined (the DECLINED screen, then
/// FINISH_CANCEL) is `declined`; the customer canceling is `canceled`; a FINISH_CANCEL during
/// recovery only notes (the lookup decides); a sale's FINISH_CANCEL says nothing about it.
#[test]
fn credit_endings_table() {
    let declined_screen = DeviceInput::UiState {
        text: "Declined".into(),
        direction: Some(UiDirection::Enter),
        declined: true,
        signing: false,
        timed_out: false,
    };
    let cancel = |info: RequestInfo| DeviceInput::FinishCancel {
        request_info: Some(info),
    };
    type Case = (&'static str, Vec<DeviceInput>, Option<PaymentState>);
    let cases: Vec<Case> = vec![
        (
            "card declined",
            vec![declined_screen.clone(), cancel(RequestInfo::Credit)],
            Some(PaymentState::Declined),
        ),
        (
            "customer canceled",
            vec![cancel(RequestInfo::Credit)],
            Some(PaymentState::Canceled),
        ),
        (
            "a sale's FINISH_CANCEL",
            vec![cancel(RequestInfo::Sale)],
            None,
        ),
    ];
    for (what, inputs, want) in cases {
        let mut s = ready(true);
        update(
            &mut s,
            Event::Action(Action::Credit {
                amount: Cents(700),
                external_id: Some("CRED1".into()),
            }),
        );
        dev(
            &mut s,
            DeviceInput::TxStartResponse {
                result: TxStartResponseResult::Success,
                external_id: Some("CRED1".into()),
                message: None,
            },
        );
        let mut all = Vec::new();
        for input in inputs {
            all.extend(dev(&mut s, input));
        }
        assert_eq!(
            transitions(&all).last().copied().filter(|t| t.is_final()),
            want,
            "{what}: {all:?}"
        );
        if want.is_none() {
            assert!(s.pending().is_some(), "{what}: still open");
        }
    }

    // During recovery a FINISH_CANCEL is noted; the device lookup decides.
    let mut s = ready(true);
    update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(700),
            external_id: Some("CRED2".into()),
        }),
    );
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("CRED2".into()),
            message: None,
        },
    );
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("cut")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    let fx = dev(&mut s, cancel(RequestInfo::Credit));
    assert!(transitions(&fx).is_empty(), "{fx:?}");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Persist(LedgerOp::Note { detail, .. }) if detail.contains("recovery"))),
        "{fx:?}"
    );
    assert!(s.pending().is_some());
}

#[test]
fn a_refund_records_its_card_by_the_payment_rules_brand_clean_and_four_digits() {
    let card = |brand: &str, last4: &str| CardTransaction {
        card_type: Some(CardType::Unknown(brand.into())),
        last4: Some(last4.into()),
        ..CardTransaction::default()
    };
    let mut s = ready(true);
    update(&mut s, refund_action(500, 1234));
    let refund = Refund {
        card_transaction: Some(card("VISA\u{1b}\u{7}", "42a2")),
        ..refund_obj("NEWREF", 500)
    };
    let fx = dev(
        &mut s,
        DeviceInput::RefundResponse {
            success: true,
            payment_id: Some(DEVPAY.into()),
            refund: Some(refund),
            message: None,
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    let facts = &s.last_outcome.as_ref().unwrap().facts;
    assert_eq!(facts.card_brand.as_deref(), Some("VISA"));
    assert_eq!(facts.last4, None, "not four digits: not kept");

    // A credit's card by the same rules.
    let mut s = ready(true);
    update(
        &mut s,
        Event::Action(Action::Credit {
            amount: Cents(700),
            external_id: Some("CRED1".into()),
        }),
    );
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("CRED1".into()),
            message: None,
        },
    );
    let fx = dev(
        &mut s,
        DeviceInput::CreditFinished(Credit {
            id: Some("CR1".into()),
            amount: Some(-700),
            card_transaction: Some(card("MC\u{7}", "1234")),
            ..Credit::default()
        }),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved], "{fx:?}");
    let facts = &s.last_outcome.as_ref().unwrap().facts;
    assert_eq!(facts.card_brand.as_deref(), Some("MC"));
    assert_eq!(facts.last4.as_deref(), Some("1234"));
}
