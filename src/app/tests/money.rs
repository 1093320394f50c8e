//! Table tests of the money-truth rules (issue #12): what a device payment proves about the sale
//! in progress, decided in `verdict.rs`. Scripted events in, ledger ops and sends out. No I/O.

use super::*;

fn act(s: &mut State, action: Action) -> Vec<Effect> {
    update(s, Event::Action(action))
}

fn sale_of(s: &mut State, cents: i64, tip: Option<i64>, ext: &str) -> Vec<Effect> {
    act(
        s,
        Action::StartSale {
            amount: Cents(cents),
            tip: tip.map(Cents),
            tax: None,
            external_id: Some(ext.into()),
        },
    )
}

fn accepted(s: &mut State, ext: &str) -> Vec<Effect> {
    dev(
        s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some(ext.into()),
            message: None,
        },
    )
}

/// A sale of 12.34 the device accepted.
fn running(ext: &str) -> State {
    let mut s = ready_state();
    sale_of(&mut s, 1234, None, ext);
    accepted(&mut s, ext);
    s
}

fn payment(ext: Option<&str>, amount: i64, result: PaymentResult) -> Payment {
    Payment {
        id: Some("PAY123".into()),
        external_payment_id: ext.map(str::to_owned),
        amount: Some(amount),
        result: Some(result),
        card_transaction: Some(CardTransaction {
            card_type: Some(CardType::Visa),
            last4: Some("4242".into()),
            auth_code: Some("OK1234".into()),
            ..CardTransaction::default()
        }),
        ..Payment::default()
    }
}

fn finish_ok(p: Payment) -> DeviceInput {
    DeviceInput::FinishOk {
        payment: Some(p),
        request_info: None,
    }
}

fn finish_cancel() -> DeviceInput {
    DeviceInput::FinishCancel { request_info: None }
}

fn details(fx: &[Effect]) -> String {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Persist(LedgerOp::Transition { detail, .. })
            | Effect::Persist(LedgerOp::Note { detail, .. })
            | Effect::Persist(LedgerOp::Reopen { detail, .. }) => Some(detail.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn screens(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Send(DeviceCommand::ShowThankYou | DeviceCommand::ShowWelcome)
            )
        })
        .count()
}

fn recovering(ext: &str, status_state: ExternalDeviceState) -> State {
    let mut s = running(ext);
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("gone")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(
        &mut s,
        DeviceInput::DeviceStatus {
            state: status_state,
            substate: None,
            external_id: None,
        },
    );
    s
}

fn found(ext: &str, p: Option<Payment>, query: QueryStatus) -> DeviceInput {
    DeviceInput::RetrievePayment {
        query,
        external_id: Some(ext.into()),
        payment: p,
    }
}

#[test]
fn a_payment_without_our_id_or_above_the_request_is_never_approved() {
    // No external id in FINISH_OK: unknown, named, and the device is asked by our id.
    let mut s = running("EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(None, 1234, PaymentResult::Success)),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown], "{fx:?}");
    assert!(details(&fx).contains("no external id"), "{}", details(&fx));
    assert!(sends(&fx).contains(&"device status"), "{fx:?}");
    // Over the amount asked (12 340.01 on a 12.34 sale): unknown, named, not re-asked.
    let mut s = running("EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1_234_001, PaymentResult::Success)),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
    assert!(details(&fx).contains("more than the 12.34 asked for"));
    assert!(s.pending().unwrap().evidence.conflict.is_some());
    assert!(s.recovery.is_none());
    assert_ne!(
        s.last_outcome.as_ref().map(|o| o.state),
        Some(PaymentState::Approved)
    );
    // A negative amount is no evidence either.
    let mut s = running("EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), -5, PaymentResult::Success)),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
}

#[test]
fn a_stale_finish_before_tx_start_response_changes_nothing() {
    let mut s = ready_state();
    sale_of(&mut s, 1234, None, "EXT1");
    for input in [
        finish_ok(payment(None, 1234, PaymentResult::Success)),
        finish_ok(payment(Some("OLD"), 500, PaymentResult::Success)),
        finish_cancel(),
    ] {
        let fx = dev(&mut s, input);
        assert!(transitions(&fx).is_empty(), "{fx:?}");
        assert_eq!(screens(&fx), 0, "no screen command for a stray frame");
        assert_eq!(s.pending().unwrap().state, PaymentState::Sent);
    }
    // The real answer still ends it.
    accepted(&mut s, "EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1234, PaymentResult::Success)),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
}

#[test]
fn recovery_never_approves_a_found_payment_without_our_id_or_too_large() {
    for p in [
        payment(None, 77_777_777, PaymentResult::Success),
        payment(None, 1234, PaymentResult::Success),
        payment(Some("EXT1"), 77_777_777, PaymentResult::Success),
    ] {
        let mut s = recovering("EXT1", ExternalDeviceState::Idle);
        let fx = dev(&mut s, found("EXT1", Some(p), QueryStatus::Found));
        assert!(
            !transitions(&fx).contains(&PaymentState::Approved),
            "{fx:?}"
        );
        assert_eq!(s.pending().unwrap().state, PaymentState::Unknown);
        assert!(s.pending().unwrap().evidence.conflict.is_some());
        assert!(s.recovery.is_none(), "asking again cannot settle it");
    }
}

#[test]
fn payment_voided_with_success_inside_is_voided() {
    // As recorded on a real device: PAYMENT_VOIDED whose payment still says SUCCESS and
    // carries no external id, only the device payment id seen in the signature request.
    let mut s = running("EXT1");
    dev(
        &mut s,
        DeviceInput::VerifySignature {
            payment: payment(Some("EXT1"), 1234, PaymentResult::Success),
            signature: Signature::default(),
        },
    );
    act(&mut s, Action::AnswerSignature { accept: false });
    let fx = dev(
        &mut s,
        DeviceInput::PaymentVoided {
            payment: Some(payment(None, 1234, PaymentResult::Success)),
            reason: Some("REJECT_SIGNATURE".into()),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Voided]);
    let o = s.last_outcome.as_ref().unwrap();
    assert_eq!(o.facts.amount_charged, None, "no money taken: no charged");
    // Its FINISH_CANCEL gets the one screen command, and changes nothing else.
    let fx = dev(&mut s, finish_cancel());
    assert_eq!(screens(&fx), 1);
    assert!(transitions(&fx).is_empty());
    // A PAYMENT_VOIDED about another payment changes nothing.
    let mut s = running("EXT2");
    let fx = dev(
        &mut s,
        DeviceInput::PaymentVoided {
            payment: Some(payment(Some("OTHER"), 1234, PaymentResult::Success)),
            reason: None,
        },
    );
    assert!(transitions(&fx).is_empty());
}

#[test]
fn a_success_found_after_our_rejection_is_a_conflict_not_approved() {
    let mut s = running("EXT1");
    dev(
        &mut s,
        DeviceInput::VerifySignature {
            payment: payment(Some("EXT1"), 1234, PaymentResult::Success),
            signature: Signature::default(),
        },
    );
    act(&mut s, Action::AnswerSignature { accept: false });
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("dropped")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(
        &mut s,
        DeviceInput::DeviceStatus {
            state: ExternalDeviceState::Idle,
            substate: None,
            external_id: None,
        },
    );
    let fx = dev(
        &mut s,
        found(
            "EXT1",
            Some(payment(Some("EXT1"), 1234, PaymentResult::Success)),
            QueryStatus::Found,
        ),
    );
    assert!(!transitions(&fx).contains(&PaymentState::Approved));
    let all = details(&fx);
    assert!(all.contains("check it on the Clover dashboard"), "{all}");
    assert!(s.notice.as_ref().unwrap().text.contains("Clover dashboard"));
    // FOUND VOIDED is the void.
    let mut s = recovering("EXT3", ExternalDeviceState::Idle);
    let fx = dev(
        &mut s,
        found(
            "EXT3",
            Some(payment(Some("EXT3"), 1234, PaymentResult::Voided)),
            QueryStatus::Found,
        ),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Voided]);
}

#[test]
fn not_found_after_an_authorisation_is_not_not_found() {
    let mut s = running("EXT1");
    dev(
        &mut s,
        DeviceInput::ConfirmPayment {
            payment: payment(Some("EXT1"), 1234, PaymentResult::Success),
            challenges: vec![Challenge {
                kind: Some(ChallengeType::DuplicateChallenge),
                message: Some("Duplicate?".into()),
                reason: Some(VoidReason::RejectDuplicate),
            }],
        },
    );
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("dropped")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(
        &mut s,
        DeviceInput::DeviceStatus {
            state: ExternalDeviceState::Idle,
            substate: None,
            external_id: None,
        },
    );
    let fx = dev(&mut s, found("EXT1", None, QueryStatus::NotFound));
    assert!(
        !transitions(&fx).contains(&PaymentState::NotFound),
        "{fx:?}"
    );
    assert!(s.pending().unwrap().evidence.conflict.is_some());
    // Without any authorisation seen, NOT_FOUND + IDLE still closes as not_found.
    let mut s = recovering("EXT2", ExternalDeviceState::Idle);
    let fx = dev(&mut s, found("EXT2", None, QueryStatus::NotFound));
    assert_eq!(transitions(&fx), vec![PaymentState::NotFound]);
}

#[test]
fn a_partial_approval_is_approved_with_what_is_still_due() {
    let mut s = ready_state();
    sale_of(&mut s, 800, None, "EXT1");
    accepted(&mut s, "EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 400, PaymentResult::Success)),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    let Some(Effect::Persist(LedgerOp::Transition { facts, detail, .. })) = fx
        .iter()
        .find(|e| matches!(e, Effect::Persist(LedgerOp::Transition { .. })))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(facts.remaining, Some(Cents(400)));
    assert_eq!(facts.amount_charged, Some(Cents(400)));
    assert!(detail.contains("4.00 taken, 4.00 still due"), "{detail}");
    assert!(details(&fx).contains("amount 4.00 (asked 8.00)"));
}

#[test]
fn a_tip_chosen_on_the_device_is_recorded_and_charged_includes_it() {
    let mut s = running("EXT1");
    let fx = dev(&mut s, DeviceInput::TipAdded(Cents(300)));
    assert!(details(&fx).contains("tip 3.00 chosen on the device"));
    let mut p = payment(Some("EXT1"), 1234, PaymentResult::Success);
    p.tip_amount = Some(300);
    let fx = dev(&mut s, finish_ok(p.clone()));
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    let o = s.last_outcome.as_ref().unwrap();
    assert_eq!(o.facts.tip, Some(Cents(300)));
    assert_eq!(o.facts.amount_charged, Some(Cents(1534)));
    assert_eq!(o.facts.remaining, None);
    assert!(details(&fx).contains("tip 3.00 (asked 0.00)"));
    // Without TIP_ADDED a tip above what was asked is more than the request: a conflict.
    let mut s = running("EXT2");
    p.external_payment_id = Some("EXT2".into());
    let fx = dev(&mut s, finish_ok(p));
    assert_eq!(transitions(&fx), vec![PaymentState::Unknown]);
}

#[test]
fn a_second_finish_ok_that_changes_the_money_reopens_the_sale() {
    let mut s = running("EXT1");
    dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1234, PaymentResult::Fail)),
    );
    assert_eq!(
        s.last_outcome.as_ref().unwrap().state,
        PaymentState::Declined
    );
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1234, PaymentResult::Success)),
    );
    assert!(
        matches!(&fx[0], Effect::Persist(LedgerOp::Reopen { external_id, .. }) if external_id == "EXT1"),
        "{fx:?}"
    );
    assert_eq!(s.pending().unwrap().state, PaymentState::Unknown);
    assert_eq!(
        s.last_outcome.as_ref().unwrap().state,
        PaymentState::Unknown
    );
    assert!(details(&fx).contains("recorded declined"));
    // A new sale is refused until it is settled.
    let fx = sale_of(&mut s, 100, None, "EXT2");
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Persist(LedgerOp::Create { .. })))
    );
}

#[test]
fn an_empty_challenge_list_can_be_rejected_with_a_default_reason() {
    let mut s = running("EXT1");
    dev(
        &mut s,
        DeviceInput::ConfirmPayment {
            payment: payment(Some("EXT1"), 1234, PaymentResult::Success),
            challenges: vec![],
        },
    );
    assert!(s.prompt.is_some());
    let fx = act(&mut s, Action::AnswerChallenge { accept: false });
    let Some(Effect::Send(DeviceCommand::RejectPayment(_, c))) =
        fx.iter().find(|e| matches!(e, Effect::Send(_)))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(c.reason, Some(VoidReason::UserCancel));
    // A partial-auth challenge without a reason gets REJECT_PARTIAL_AUTH.
    let mut s = running("EXT2");
    dev(
        &mut s,
        DeviceInput::ConfirmPayment {
            payment: payment(Some("EXT2"), 617, PaymentResult::Success),
            challenges: vec![Challenge {
                kind: Some(ChallengeType::PartialAuthChallenge),
                message: None,
                reason: None,
            }],
        },
    );
    let fx = act(&mut s, Action::AnswerChallenge { accept: false });
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Send(DeviceCommand::RejectPayment(_, c)) if c.reason == Some(VoidReason::RejectPartialAuth))));
}

#[test]
fn an_answer_that_cannot_be_sent_brings_the_question_back() {
    let mut s = running("EXT1");
    dev(
        &mut s,
        DeviceInput::VerifySignature {
            payment: payment(Some("EXT1"), 1234, PaymentResult::Success),
            signature: Signature::default(),
        },
    );
    act(&mut s, Action::AnswerSignature { accept: false });
    assert!(s.prompt.is_none());
    assert!(s.pending().unwrap().evidence.void_proven.is_some());
    dev(
        &mut s,
        DeviceInput::CommandFailed {
            command: crate::device::CommandKind::RejectSignature,
            error: "socket closed".into(),
            not_sent: true,
        },
    );
    assert!(
        matches!(s.prompt, Some(Prompt::Signature { .. })),
        "{:?}",
        s.prompt
    );
    assert!(
        s.pending().unwrap().evidence.void_proven.is_none(),
        "an unsent rejection proves nothing"
    );
    assert!(s.notice.as_ref().unwrap().text.contains("open again"));
}

#[test]
fn a_device_busy_with_another_payment_ends_the_sale_at_once() {
    let mut s = ready_state();
    sale_of(&mut s, 1234, None, "EXT1");
    let fx = dev(
        &mut s,
        DeviceInput::Busy("the device refused TX_START in BUSY".into()),
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Canceled]);
    assert!(details(&fx).contains("device busy with another payment — nothing charged"));
    assert!(s.pending().is_none() && s.recovery.is_none());
    assert!(s.timers.is_empty(), "no 15 s wait: {:?}", s.timers);
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::DeviceRefused);
}

#[test]
fn exactly_one_screen_command_after_each_finish_and_none_for_strays() {
    // Approved: one thank-you.
    let mut s = running("EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1234, PaymentResult::Success)),
    );
    assert_eq!(sends(&fx), vec!["thank-you screen"]);
    // Re-delivered: none.
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1234, PaymentResult::Success)),
    );
    assert_eq!(screens(&fx), 0);
    assert_eq!(screens(&dev(&mut s, finish_cancel())), 0);
    // Canceled: one welcome.
    let mut s = running("EXT2");
    let fx = dev(&mut s, finish_cancel());
    assert_eq!(sends(&fx), vec!["welcome screen"]);
    // Declined by FINISH_OK: one welcome.
    let mut s = running("EXT3");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT3"), 1234, PaymentResult::Fail)),
    );
    assert_eq!(sends(&fx), vec!["welcome screen"]);
    // A stray FINISH_* while the device works on another payment (ours not accepted yet).
    let mut s = ready_state();
    sale_of(&mut s, 1234, None, "EXT4");
    assert_eq!(
        screens(&dev(
            &mut s,
            finish_ok(payment(Some("OTHER"), 1, PaymentResult::Success))
        )),
        0
    );
    assert_eq!(screens(&dev(&mut s, finish_cancel())), 0);
}

#[test]
fn a_final_write_that_fails_is_never_reported_as_done() {
    let mut s = running("EXT1");
    let fx = dev(
        &mut s,
        finish_ok(payment(Some("EXT1"), 1234, PaymentResult::Success)),
    );
    let op = fx
        .iter()
        .find_map(|e| match e {
            Effect::Persist(op @ LedgerOp::Transition { .. }) => Some(op.clone()),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Event::PersistFailed {
            op,
            error: "disk full".into(),
        },
    );
    let o = s.last_outcome.as_ref().unwrap();
    assert_eq!(o.state, PaymentState::Unknown);
    assert!(
        o.message
            .starts_with("approved on the device — NOT recorded: run `till recover`"),
        "{}",
        o.message
    );
    assert_eq!(s.unrecorded.as_deref(), Some("EXT1"));
    assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::NotRecorded);
    assert!(s.pending().is_some(), "the payment stays open");
}

#[test]
fn odd_device_details_are_sanitised_not_fatal() {
    let mut s = running("EXT1");
    let mut p = payment(Some("EXT1"), 1234, PaymentResult::Success);
    let ct = p.card_transaction.as_mut().unwrap();
    ct.card_type = Some(CardType::from_wire("VISA2"));
    ct.last4 = Some("42\u{1b}[31m".into());
    ct.auth_code = Some("OK 12\u{7}".into());
    let fx = dev(&mut s, finish_ok(p));
    assert_eq!(transitions(&fx), vec![PaymentState::Approved]);
    let f = &s.last_outcome.as_ref().unwrap().facts;
    assert_eq!(f.card_brand.as_deref(), Some("VISA"));
    assert_eq!(f.last4, None);
    assert_eq!(f.auth_code, None);
}

#[test]
fn update_run_twice_on_the_same_events_gives_the_same_effects() {
    let events = || {
        vec![
            Event::Device(DeviceInput::Ready(DeviceInfo::default())),
            Event::Action(Action::StartSale {
                amount: Cents(1234),
                tip: Some(Cents(100)),
                tax: None,
                external_id: Some("EXT1".into()),
            }),
            Event::Device(DeviceInput::TxStartResponse {
                result: TxStartResponseResult::Success,
                external_id: Some("EXT1".into()),
                message: None,
            }),
            Event::Device(DeviceInput::TipAdded(Cents(200))),
            Event::Device(DeviceInput::Disconnected(
                crate::device::Disconnect::stopped("x"),
            )),
            Event::Device(DeviceInput::Ready(DeviceInfo::default())),
            Event::Timer(3),
            Event::Device(finish_ok(payment(
                Some("EXT1"),
                1234,
                PaymentResult::Success,
            ))),
            // Requests without an external id take the one the runtime hands in: the app makes
            // none (a uuid made inside `update` differs from run to run).
            Event::FreshExternalId("FRESH-1".into()),
            Event::Action(Action::Credit {
                amount: Cents(500),
                external_id: None,
            }),
        ]
    };
    let run = || {
        let mut s = State::new(AppSettings::default());
        let fx: Vec<Vec<Effect>> = events().into_iter().map(|e| update(&mut s, e)).collect();
        (fx, s)
    };
    let (a, sa) = run();
    let (b, sb) = run();
    assert_eq!(a, b);
    assert_eq!(sa, sb);
}

#[test]
fn a_rest_payment_with_voids_is_voided_in_cloud_mode() {
    let mut s = State::new(AppSettings {
        rest_lookup: true,
        ..AppSettings::default()
    });
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    sale_of(&mut s, 1234, None, "EXT1");
    accepted(&mut s, "EXT1");
    dev(
        &mut s,
        DeviceInput::Disconnected(crate::device::Disconnect::stopped("gone")),
    );
    dev(&mut s, DeviceInput::Ready(DeviceInfo::default()));
    dev(
        &mut s,
        DeviceInput::DeviceStatus {
            state: ExternalDeviceState::Idle,
            substate: None,
            external_id: None,
        },
    );
    dev(&mut s, found("EXT1", None, QueryStatus::NotFound));
    let mut p = payment(Some("EXT1"), 1234, PaymentResult::Success);
    p.extra.insert(
        "voids".into(),
        serde_json::json!({"elements": [{"id": "V1", "voidReason": "USER_CANCEL"}]}),
    );
    let fx = update(
        &mut s,
        Event::RestPayments {
            external_id: "EXT1".into(),
            result: Ok(vec![p]),
        },
    );
    assert_eq!(transitions(&fx), vec![PaymentState::Voided], "{fx:?}");
}

#[test]
fn a_sale_the_ledger_refuses_says_why_with_the_right_kind() {
    for (error, kind) in [
        (
            PersistError::PendingPayment(
                "device device:S@M still has an unfinished payment OPEN of 1.00 (unknown); run `till recover`".into(),
            ),
            NoticeKind::PendingPayment,
        ),
        (
            PersistError::Failed("database or disk is full".into()),
            NoticeKind::PersistFailed,
        ),
        // The words alone decide nothing: only the ledger's typed refusal is a pending payment.
        (
            PersistError::Failed("still has an unfinished payment".into()),
            NoticeKind::PersistFailed,
        ),
    ] {
        let mut s = ready_state();
        let fx = sale_of(&mut s, 1234, None, "EXT1");
        let Some(Effect::Persist(op)) = fx.first() else {
            panic!("{fx:?}")
        };
        update(
            &mut s,
            Event::PersistFailed {
                op: op.clone(),
                error: error.clone(),
            },
        );
        assert!(s.payment.is_none());
        assert_eq!(s.notice.as_ref().unwrap().kind, kind, "{error}");
    }
}
