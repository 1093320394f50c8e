//! The sale flow of §5.8 and every row of the amount-driven outcome table.

use super::*;
use crate::protocol::{
    CardTransactionState, CardTransactionType, CardType, ChallengeType, ExternalDeviceState,
    ExternalDeviceSubState, KeyPress, KeyPressMessage, PayIntent, PaymentConfirmed,
    PaymentRejected, PaymentResult, QueryStatus, RequestInfo, SignatureVerified, TipMode,
    TransactionSettings, TxStart, TxStartResponseResult, VoidReason,
};
use crate::sim::cards;

const APPROVED: [&str; 11] = [
    "ACK",
    "TX_START_RESPONSE",
    "UI START ENTER",
    "UI START EXIT",
    "UI PROCESSING ENTER",
    "TX_STATE START",
    "UI PROCESSING EXIT",
    "UI RECEIPT_OPTIONS ENTER",
    "UI RECEIPT_OPTIONS EXIT",
    "TX_STATE SUCCESS",
    "FINISH_OK",
];

fn confirm(sim: &mut Sim, payment: Option<Payment>) -> Vec<Output> {
    sim.send(1, &Message::PaymentConfirmed(PaymentConfirmed { payment }))
}

fn reject(sim: &mut Sim, payment: Option<Payment>, reason: VoidReason) -> Vec<Output> {
    sim.send(
        1,
        &Message::PaymentRejected(PaymentRejected {
            payment,
            reason: Some(reason),
        }),
    )
}

fn verify(sim: &mut Sim, payment: Option<Payment>, verified: bool) -> Vec<Output> {
    sim.send(
        1,
        &Message::SignatureVerified(SignatureVerified {
            payment,
            verified: Some(verified),
        }),
    )
}

fn state(sim: &mut Sim) -> (ExternalDeviceState, ExternalDeviceSubState) {
    let response = one!(sim.status(1, false), RetrieveDeviceStatusResponse);
    (response.state.unwrap(), response.substate.unwrap())
}

fn found(sim: &mut Sim, external_id: &str) -> (QueryStatus, Option<Payment>) {
    let response = one!(
        sim.retrieve_payment(1, external_id),
        RetrievePaymentResponse
    );
    (response.query_status.unwrap(), response.payment)
}

#[test]
fn approved_sale_follows_the_reference_order_with_a_realistic_payment() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.sale(1, 2500, "POS-20240611-0001");
    assert_eq!(trace(&out), APPROVED);

    let start = one!(out, TxStartResponse);
    assert_eq!(start.result, Some(TxStartResponseResult::Success));
    assert_eq!(start.success, Some(true));
    assert_eq!(
        start.external_payment_id.as_deref(),
        Some("POS-20240611-0001")
    );
    assert_eq!(start.request_info, Some(RequestInfo::Sale));
    let prompt = &all!(out, UiState)[0];
    assert_eq!(prompt.ui_text.as_deref(), Some("Insert, tap or swipe card"));
    let cancel = prompt.input_options.as_ref().unwrap();
    assert_eq!(cancel[0].key_press, Some(KeyPress::Esc));
    assert_eq!(cancel[0].description.as_deref(), Some("Cancel"));

    let finish = one!(out, FinishOk);
    assert_eq!(finish.request_info, Some(RequestInfo::Sale));
    assert_eq!(finish.signature, None);
    let p = finish.payment.unwrap();
    assert_eq!(p.id.as_deref().map(str::len), Some(13));
    assert_eq!(
        p.order.as_ref().and_then(|o| o.id.as_deref()).map(str::len),
        Some(13)
    );
    assert_eq!(p.result, Some(PaymentResult::Success));
    assert_eq!(
        (p.amount, p.tip_amount, p.tax_amount),
        (Some(2500), Some(0), Some(0))
    );
    assert_eq!(p.external_payment_id.as_deref(), Some("POS-20240611-0001"));
    assert_eq!(p.created_time, Some(sim.now));
    assert!(p.tender.as_ref().and_then(|t| t.label.as_deref()).is_some());
    let ct = p.card_transaction.as_ref().unwrap();
    assert_eq!(ct.card_type, Some(CardType::Visa));
    assert_eq!(ct.last4.as_deref(), Some("4242"));
    assert_eq!(ct.kind, Some(CardTransactionType::Auth));
    assert_eq!(ct.state, Some(CardTransactionState::Pending));
    assert_eq!(ct.auth_code.as_deref().map(str::len), Some(6));
    assert!(ct.entry_type.is_some() && ct.reference_id.is_some());

    // On the wire the payment is a JSON string inside the payload string (§2.8).
    let payload = raw_payload(&out, "FINISH_OK");
    assert!(payload["payment"].is_string(), "{payload}");
    assert_eq!(payload["version"], 1);
    assert_eq!(
        sim.dev.payments_by_external_id("POS-20240611-0001").len(),
        1
    );
    assert_eq!(state(&mut sim).0, ExternalDeviceState::Idle);
}

#[test]
fn the_outcome_table_end_to_end() {
    // (amount, must appear in order, final frame)
    let table: &[(i64, &[&str], &str)] = &[
        (2500, &["TX_STATE START"], "FINISH_OK"),
        (
            2501,
            &[
                "UI DECLINED ENTER",
                "TX_STATE FAIL",
                "UI START ENTER",
                "UI START EXIT",
            ],
            "FINISH_CANCEL",
        ),
        (2502, &["PARTIAL_AUTH", "TX_STATE SUCCESS"], "FINISH_OK"),
        (2503, &["TX_STATE START"], "CONFIRM_PAYMENT_MESSAGE"),
        (2504, &["TX_STATE START"], "CONFIRM_PAYMENT_MESSAGE"),
        (
            2505,
            &["UI ADD_SIGNATURE ENTER", "UI ADD_SIGNATURE EXIT"],
            "VERIFY_SIGNATURE",
        ),
        (2506, &["TX_STATE SUCCESS"], "CLOSE None"),
        (2507, &["UI START ENTER", "UI START EXIT"], "FINISH_CANCEL"),
        (2508, &["TX_START_RESPONSE"], "UI START ENTER"),
        (2509, &["TX_STATE START"], "CONFIRM_PAYMENT_MESSAGE"),
        (2510, &["TX_START_RESPONSE"], "STALL"),
        (2511, &["UI START ENTER"], "CLOSE None"),
        (2599, &["TX_STATE START"], "FINISH_OK"),
    ];
    for (amount, expected, last) in table {
        let mut sim = Sim::auto();
        sim.ready(1);
        let t = trace(&sim.sale(1, *amount, "EXT-TABLE"));
        let mut at = 0;
        for step in *expected {
            let i = t[at..]
                .iter()
                .position(|s| s == step)
                .unwrap_or_else(|| panic!("{amount}: no {step} in {t:?}"));
            at += i + 1;
        }
        assert_eq!(t.last().map(String::as_str), Some(*last), "{amount}: {t:?}");
    }
}

#[test]
fn decline_restarts_at_the_card_prompt_or_cancels() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let t = trace(&sim.sale(1, 1001, "EXT-DECLINE"));
    assert_eq!(
        t.iter().filter(|s| *s == "UI START ENTER").count(),
        2,
        "restarted: {t:?}"
    );
    assert!(!t.contains(&"FINISH_OK".to_owned()));
    assert_eq!(
        found(&mut sim, "EXT-DECLINE").0,
        QueryStatus::NotFound,
        "no payment after a decline"
    );

    let mut sim = Sim::auto();
    sim.ready(1);
    let options = SaleOptions {
        disable_restart_on_failure: true,
        ..SaleOptions::default()
    };
    let t = trace(&sim.send(1, &sale(1001, "EXT-DECLINE", options)));
    assert_eq!(
        t[2..],
        [
            "UI START ENTER",
            "UI START EXIT",
            "UI PROCESSING ENTER",
            "TX_STATE START",
            "UI PROCESSING EXIT",
            "UI DECLINED ENTER",
            "UI DECLINED EXIT",
            "TX_STATE FAIL",
            "FINISH_CANCEL"
        ]
    );
}

#[test]
fn partial_auth_approves_half_the_amount() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.sale(1, 2502, "EXT-PARTIAL");
    assert_eq!(one!(out, PartialAuth).partial_auth_amount, Some(1251));
    assert_eq!(one!(out, FinishOk).payment.unwrap().amount, Some(1251));

    // Without allowPartialAuth the card is declined instead.
    let mut sim = Sim::manual();
    sim.ready(1);
    let mut tx = sale(3000, "EXT-NOPARTIAL", SaleOptions::default());
    if let Message::TxStart(TxStart {
        pay_intent: Some(pi),
        ..
    }) = &mut tx
    {
        pi.allow_partial_auth = Some(false);
    }
    sim.send(1, &tx);
    let t = trace(
        &sim.act(CustomerAction::TapCard(cards::PARTIAL_VISA.into()))
            .unwrap(),
    );
    assert!(
        t.contains(&"UI DECLINED ENTER".to_owned()) && !t.contains(&"PARTIAL_AUTH".to_owned()),
        "{t:?}"
    );
}

#[test]
fn duplicate_challenge_accepted_then_finishes() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.sale(1, 2503, "EXT-DUP");
    let ask = one!(out, ConfirmPayment);
    let challenge = &ask.challenges.as_ref().unwrap()[0];
    assert_eq!(challenge.kind, Some(ChallengeType::DuplicateChallenge));
    assert_eq!(challenge.reason, Some(VoidReason::RejectDuplicate));
    assert!(challenge.message.as_deref().unwrap().contains("$25.03"));
    assert!(raw_payload(&out, "CONFIRM_PAYMENT_MESSAGE")["payment"].is_string());
    assert_eq!(
        state(&mut sim),
        (
            ExternalDeviceState::WaitingForPos,
            ExternalDeviceSubState::ConfirmPayment
        )
    );
    assert_eq!(found(&mut sim, "EXT-DUP").0, QueryStatus::InProgress);

    let out = confirm(&mut sim, ask.payment.clone());
    assert_eq!(trace(&out)[0], "ACK");
    let finish = one!(out, FinishOk).payment.unwrap();
    assert_eq!(finish.id, ask.payment.unwrap().id);
    assert_eq!(found(&mut sim, "EXT-DUP").0, QueryStatus::Found);
}

#[test]
fn challenges_rejected_void_the_payment() {
    for (amount, kind, reason) in [
        (
            2503,
            ChallengeType::DuplicateChallenge,
            VoidReason::RejectDuplicate,
        ),
        (
            2504,
            ChallengeType::OfflineChallenge,
            VoidReason::RejectOffline,
        ),
    ] {
        let mut sim = Sim::auto();
        sim.ready(1);
        let ask = one!(sim.sale(1, amount, "EXT-REJ"), ConfirmPayment);
        let challenge = ask.challenges.as_ref().unwrap()[0].clone();
        assert_eq!(challenge.kind, Some(kind.clone()));
        if kind == ChallengeType::OfflineChallenge {
            assert_eq!(ask.payment.as_ref().unwrap().offline, Some(true));
        }
        let out = reject(
            &mut sim,
            ask.payment.clone(),
            challenge.reason.clone().unwrap(),
        );
        assert_eq!(
            trace(&out),
            ["ACK", "PAYMENT_VOIDED", "FINISH_CANCEL"],
            "{amount}"
        );
        let voided = one!(out, PaymentVoided);
        assert_eq!(voided.void_reason, Some(reason.clone()));
        let (status, payment) = found(&mut sim, "EXT-REJ");
        assert_eq!(status, QueryStatus::Found);
        let payment = payment.unwrap();
        assert_eq!(payment.result, Some(PaymentResult::Voided));
        assert_eq!(payment.void_reason, Some(reason));
        // A voided payment does not block a retry with the same external id.
        let retry = one!(sim.sale(1, 2500, "EXT-REJ"), TxStartResponse);
        assert_eq!(retry.result, Some(TxStartResponseResult::Success));
    }
}

#[test]
fn offline_challenge_accepted() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2504, "EXT-OFF"), ConfirmPayment);
    let out = confirm(&mut sim, ask.payment);
    assert_eq!(one!(out, FinishOk).payment.unwrap().offline, Some(true));
}

#[test]
fn signature_verified_or_rejected() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.sale(1, 2505, "EXT-SIG");
    let ask = one!(out, VerifySignature);
    let signature = ask.signature.clone().unwrap();
    assert!(signature.strokes.len() >= 3);
    assert!(signature.strokes.iter().all(|s| s.points.len() >= 24));
    assert!(
        raw_payload(&out, "VERIFY_SIGNATURE")["signature"].is_object(),
        "Signature2 is a plain object"
    );
    assert_eq!(
        state(&mut sim),
        (
            ExternalDeviceState::WaitingForPos,
            ExternalDeviceSubState::VerifySignature
        )
    );
    let out = verify(&mut sim, ask.payment.clone(), true);
    let t = trace(&out);
    assert_eq!(t[1..], APPROVED[7..], "receipt, success, finish");
    assert_eq!(one!(out, FinishOk).signature, Some(signature));

    let mut sim = Sim::auto();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2505, "EXT-SIG"), VerifySignature);
    let out = verify(&mut sim, ask.payment, false);
    assert_eq!(
        trace(&out),
        [
            "ACK",
            "UI SIGNATURE_REJECT ENTER",
            "UI SIGNATURE_REJECT EXIT",
            "PAYMENT_VOIDED",
            "FINISH_CANCEL"
        ]
    );
    let (_, payment) = found(&mut sim, "EXT-SIG");
    assert_eq!(
        payment.unwrap().void_reason,
        Some(VoidReason::RejectSignature)
    );
}

#[test]
fn duplicate_then_signature_and_the_switched_order() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2509, "EXT-9"), ConfirmPayment);
    let out = confirm(&mut sim, ask.payment);
    let t = trace(&out);
    assert_eq!(
        t,
        [
            "ACK",
            "UI ADD_SIGNATURE ENTER",
            "UI ADD_SIGNATURE EXIT",
            "VERIFY_SIGNATURE"
        ]
    );
    let ask = one!(out, VerifySignature);
    assert_eq!(
        trace(&verify(&mut sim, ask.payment, true)).last().unwrap(),
        "FINISH_OK"
    );

    let mut config = auto_config();
    config.signature_before_challenge = true;
    let mut sim = Sim::new(config);
    sim.ready(1);
    let out = sim.sale(1, 2509, "EXT-9");
    assert_eq!(trace(&out).last().unwrap(), "VERIFY_SIGNATURE");
    let out = verify(&mut sim, one!(out, VerifySignature).payment, true);
    assert_eq!(trace(&out), ["ACK", "CONFIRM_PAYMENT_MESSAGE"]);
}

#[test]
fn request_settings_skip_challenges_and_signature_verification() {
    let options = SaleOptions {
        auto_accept_payment_confirmations: true,
        auto_accept_signature: true,
        ..SaleOptions::default()
    };
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.send(1, &sale(2509, "EXT-AUTO", options));
    let t = trace(&out);
    assert!(
        !t.iter()
            .any(|s| s == "CONFIRM_PAYMENT_MESSAGE" || s == "VERIFY_SIGNATURE"),
        "{t:?}"
    );
    assert!(
        t.contains(&"UI ADD_SIGNATURE ENTER".to_owned()),
        "the customer still signs"
    );
    assert!(
        one!(out, FinishOk).signature.is_some(),
        "the captured signature comes with FINISH_OK"
    );

    let options = SaleOptions {
        disable_duplicate_check: true,
        disable_receipt_selection: true,
        ..SaleOptions::default()
    };
    let mut sim = Sim::auto();
    sim.ready(1);
    let t = trace(&sim.send(1, &sale(2503, "EXT-NODUP", options)));
    assert!(
        !t.contains(&"CONFIRM_PAYMENT_MESSAGE".to_owned())
            && !t.iter().any(|s| s.contains("RECEIPT")),
        "{t:?}"
    );
    assert_eq!(t.last().unwrap(), "FINISH_OK");
}

#[test]
fn on_screen_tip_is_added() {
    for (mode, tip_before_processing) in [
        (TipMode::OnScreenAfterPayment, false),
        (TipMode::OnScreenBeforePayment, true),
    ] {
        let mut sim = Sim::auto();
        sim.ready(1);
        let tx = Message::TxStart(TxStart {
            order: None,
            pay_intent: Some(PayIntent {
                amount: Some(2500),
                external_payment_id: Some("EXT-TIP".into()),
                transaction_settings: Some(TransactionSettings {
                    tip_mode: Some(mode),
                    ..Default::default()
                }),
                ..PayIntent::default()
            }),
            request_info: Some(RequestInfo::Sale),
            suppress_on_screen_tips: None,
        });
        let out = sim.send(1, &tx);
        assert_eq!(one!(out, TipAdded).tip_amount, Some(375));
        let t = trace(&out);
        let tip = t.iter().position(|s| s == "TIP_ADDED").unwrap();
        let processing = t.iter().position(|s| s == "UI PROCESSING ENTER").unwrap();
        assert_eq!(tip < processing, tip_before_processing, "{t:?}");
        let payment = one!(out, FinishOk).payment.unwrap();
        assert_eq!(
            (payment.amount, payment.tip_amount),
            (Some(2500), Some(375))
        );
    }
}

#[test]
fn key_press_esc_at_the_card_prompt_cancels() {
    let mut sim = Sim::manual();
    sim.ready(1);
    sim.sale(1, 2500, "EXT-ESC");
    let other = sim.send(
        1,
        &Message::KeyPress(KeyPressMessage {
            key_press: Some(KeyPress::Enter),
        }),
    );
    assert_eq!(trace(&other), ["ACK"], "other keys do nothing");
    let out = sim.send(
        1,
        &Message::KeyPress(KeyPressMessage {
            key_press: Some(KeyPress::Esc),
        }),
    );
    assert_eq!(trace(&out), ["ACK", "UI START EXIT", "FINISH_CANCEL"]);
    assert_eq!(
        one!(out, FinishCancel).request_info,
        Some(RequestInfo::Sale)
    );
    assert_eq!(state(&mut sim).0, ExternalDeviceState::Idle);
    let esc = sim.send(
        1,
        &Message::KeyPress(KeyPressMessage {
            key_press: Some(KeyPress::Esc),
        }),
    );
    assert_eq!(trace(&esc), ["ACK"], "nothing to cancel any more");
}

#[test]
fn a_second_tx_start_while_busy_is_refused_and_the_first_runs_on() {
    let mut sim = Sim::manual();
    sim.ready(1);
    sim.sale(1, 2500, "EXT-FIRST");
    let out = sim.sale(1, 4000, "EXT-SECOND");
    assert_eq!(trace(&out), ["ACK", "INVALID_STATE_TRANSITION"]);
    let refusal = one!(out, InvalidStateTransition);
    assert_eq!(refusal.result, Some(ResultStatus::Fail));
    assert_eq!(refusal.requested_transition.as_deref(), Some("TX_START"));
    assert_eq!(refusal.state, Some(ExternalDeviceState::WaitingForCustomer));
    assert_eq!(
        refusal.data.unwrap().external_payment_id.as_deref(),
        Some("EXT-FIRST")
    );
    assert!(refusal.reason.is_some());
    let out = sim
        .act(CustomerAction::TapCard(cards::APPROVE_VISA.into()))
        .unwrap();
    assert_eq!(
        one!(out, FinishOk)
            .payment
            .unwrap()
            .external_payment_id
            .as_deref(),
        Some("EXT-FIRST")
    );

    let config = DeviceConfig {
        busy_answer: BusyAnswer::TxStartFail,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    sim.ready(1);
    sim.sale(1, 2500, "EXT-FIRST");
    let refusal = one!(sim.sale(1, 4000, "EXT-SECOND"), TxStartResponse);
    assert_eq!(refusal.result, Some(TxStartResponseResult::Fail));
    assert_eq!(refusal.external_payment_id.as_deref(), Some("EXT-SECOND"));
    assert_eq!(refusal.request_info, Some(RequestInfo::Sale));
}

#[test]
fn an_external_id_with_a_completed_payment_is_a_duplicate() {
    let mut sim = Sim::auto();
    sim.ready(1);
    sim.sale(1, 2500, "EXT-ONCE");
    let out = sim.sale(1, 2500, "EXT-ONCE");
    assert_eq!(
        trace(&out),
        ["ACK", "TX_START_RESPONSE"],
        "no FINISH after a refused TX_START"
    );
    let response = one!(out, TxStartResponse);
    assert_eq!(response.result, Some(TxStartResponseResult::Duplicate));
    assert_eq!(response.success, Some(false));
    assert_eq!(response.external_payment_id.as_deref(), Some("EXT-ONCE"));
    assert_eq!(response.request_info, Some(RequestInfo::Sale));
    assert!(response.message.is_some());
    // A cancelled sale leaves no payment: its id may be used again.
    sim.sale(1, 2507, "EXT-CANCELLED");
    assert_eq!(
        one!(sim.sale(1, 2500, "EXT-CANCELLED"), TxStartResponse).result,
        Some(TxStartResponseResult::Success)
    );
}

#[test]
fn invalid_requests_fail_with_reason_and_message() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let bad = |amount: i64, external_id: &str, request_info: RequestInfo| {
        Message::TxStart(TxStart {
            order: None,
            pay_intent: Some(PayIntent {
                amount: Some(amount),
                external_payment_id: Some(external_id.into()),
                ..PayIntent::default()
            }),
            request_info: Some(request_info),
            suppress_on_screen_tips: None,
        })
    };
    let sale = RequestInfo::Sale;
    for message in [
        bad(0, "EXT-ZERO", sale.clone()),
        bad(-5, "EXT-NEG", sale.clone()),
        bad(100, "", sale.clone()),
        bad(100, &"X".repeat(33), sale.clone()),
        bad(100, "EXT-REFUND-TX", RequestInfo::Refund),
    ] {
        let out = sim.send(1, &message);
        assert_eq!(trace(&out), ["ACK", "TX_START_RESPONSE"]);
        let response = one!(out, TxStartResponse);
        assert_eq!(response.result, Some(TxStartResponseResult::Fail));
        assert!(response.reason.is_some() && response.message.is_some());
        assert!(sim.dev.tx.is_none());
    }
    let no_intent = Message::TxStart(TxStart::default());
    assert_eq!(
        one!(sim.send(1, &no_intent), TxStartResponse).result,
        Some(TxStartResponseResult::Fail)
    );
}

#[test]
fn manual_customer_taps_clover_test_cards() {
    for (number, brand, last4, outcome) in [
        ("4242 4242 4242 4242", CardType::Visa, "4242", "FINISH_OK"),
        ("5555 5555 5555 4444", CardType::Mc, "4444", "FINISH_OK"),
        ("3782 822463 10005", CardType::Amex, "0005", "FINISH_OK"),
        (
            "6011 1111 1111 1117",
            CardType::Discover,
            "1117",
            "FINISH_OK",
        ),
        ("4005 5780 0333 3335", CardType::Visa, "3335", "FINISH_OK"),
        (
            "4005 5717 0222 2222",
            CardType::Visa,
            "2222",
            "UI START ENTER",
        ),
    ] {
        let mut sim = Sim::manual();
        sim.ready(1);
        sim.sale(1, 2000, "EXT-CARD");
        let out = sim.act(CustomerAction::TapCard(number.into())).unwrap();
        assert_eq!(
            trace(&out).last().map(String::as_str),
            Some(outcome),
            "{number}"
        );
        if outcome == "FINISH_OK" {
            let payment = one!(out, FinishOk).payment.unwrap();
            assert_eq!(payment.card_brand(), Some(&brand));
            assert_eq!(payment.last4(), Some(last4));
            let partial = number.starts_with("4005 5780");
            assert_eq!(
                payment.amount,
                Some(if partial { 1000 } else { 2000 }),
                "{number}"
            );
        }
    }
}

#[test]
fn manual_actions_that_do_not_apply_say_why_and_change_nothing() {
    let mut sim = Sim::manual();
    sim.ready(1);
    for action in [
        CustomerAction::TapCard(cards::APPROVE_VISA.into()),
        CustomerAction::Sign,
        CustomerAction::Decline,
        CustomerAction::Cancel,
        CustomerAction::WalkAway,
        CustomerAction::ApprovePairing,
        CustomerAction::RejectPairing,
    ] {
        let err = sim.act(action.clone()).unwrap_err();
        assert!(!err.is_empty(), "{action:?}");
    }
    sim.sale(1, 2505, "EXT-MANUAL");
    let before = sim.dev.screen();
    assert_eq!(before.title, "Insert, tap or swipe card");
    assert!(before.actions.contains(&"card".to_owned()));
    assert!(sim.act(CustomerAction::Sign).is_err());
    let err = sim
        .act(CustomerAction::TapCard("4242-not-a-card".into()))
        .unwrap_err();
    assert!(err.contains("not a card number"), "{err}");
    assert_eq!(sim.dev.screen(), before);
    assert_eq!(
        state(&mut sim).1,
        ExternalDeviceSubState::StartingPaymentFlow
    );

    // .05 asks the manual customer to sign.
    let out = sim
        .act(CustomerAction::TapCard(cards::APPROVE_VISA.into()))
        .unwrap();
    assert_eq!(trace(&out).last().unwrap(), "UI ADD_SIGNATURE ENTER");
    assert_eq!(
        state(&mut sim),
        (
            ExternalDeviceState::WaitingForCustomer,
            ExternalDeviceSubState::VerifySignature
        )
    );
    assert_eq!(sim.dev.screen().actions, ["sign", "walk-away", "reboot"]);
    let out = sim.act(CustomerAction::Sign).unwrap();
    assert_eq!(trace(&out).last().unwrap(), "VERIFY_SIGNATURE");
    assert_eq!(
        sim.dev.screen().title,
        "Merchant is verifying your signature"
    );
}

#[test]
fn manual_decline_and_cancel() {
    let mut sim = Sim::manual();
    sim.ready(1);
    sim.sale(1, 2500, "EXT-M");
    let t = trace(&sim.act(CustomerAction::Decline).unwrap());
    assert_eq!(
        t[t.len() - 4..],
        [
            "UI DECLINED ENTER",
            "UI DECLINED EXIT",
            "TX_STATE FAIL",
            "UI START ENTER"
        ]
    );
    let t = trace(&sim.act(CustomerAction::Cancel).unwrap());
    assert_eq!(t, ["UI START EXIT", "FINISH_CANCEL"]);
    assert_eq!(sim.dev.screen().title, "Welcome");
}

#[test]
fn walking_away_waits_for_the_card_timeout() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let t = trace(&sim.sale(1, 2508, "EXT-AWAY"));
    assert_eq!(t.last().unwrap(), "UI START ENTER");
    assert!(trace(&sim.advance(59_999)).is_empty());
    let t = trace(&sim.advance(1));
    assert_eq!(
        t,
        [
            "UI START EXIT",
            "UI TIMED_OUT ENTER",
            "UI TIMED_OUT EXIT",
            "UI START ENTER"
        ],
        "restarted"
    );
    assert_eq!(state(&mut sim).0, ExternalDeviceState::WaitingForCustomer);

    let mut sim = Sim::auto();
    sim.ready(1);
    let options = SaleOptions {
        disable_restart_on_failure: true,
        ..SaleOptions::default()
    };
    sim.send(1, &sale(2508, "EXT-AWAY", options));
    assert_eq!(trace(&sim.advance(60_000)).last().unwrap(), "FINISH_CANCEL");
}

#[test]
fn auto_customer_delays_use_timers() {
    let mut config = auto_config();
    config.customer = CustomerMode::Auto {
        card_delay_ms: 2_000,
        sign_delay_ms: 1_000,
        pairing_delay_ms: 0,
    };
    let mut sim = Sim::new(config);
    sim.ready(1);
    assert_eq!(
        trace(&sim.sale(1, 2505, "EXT-SLOW")).last().unwrap(),
        "UI START ENTER"
    );
    assert!(trace(&sim.advance(1_999)).is_empty());
    assert_eq!(
        trace(&sim.advance(1)).last().unwrap(),
        "UI ADD_SIGNATURE ENTER"
    );
    assert_eq!(
        trace(&sim.advance(1_000)).last().unwrap(),
        "VERIFY_SIGNATURE"
    );
}

#[test]
fn screens_follow_the_flow() {
    let mut sim = Sim::auto();
    sim.ready(1);
    sim.sale(1, 2503, "EXT-SCREEN");
    let screen = sim.dev.screen();
    assert_eq!(screen.title, "Merchant is verifying your payment");
    assert!(screen.detail.contains("25.03") && screen.detail.contains("EXT-SCREEN"));
    assert_eq!(screen.actions, ["reboot"]);
    sim.send(1, &Message::ShowThankYouScreen(Default::default()));
    let ask = sim.dev.tx.as_ref().unwrap().payment.clone();
    confirm(&mut sim, ask);
    assert_eq!(sim.dev.screen().title, "Thank you!");
}
