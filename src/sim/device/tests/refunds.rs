//! Refunds, voids and manual refunds (PROTOCOL.md §7.2, issue #15 item 3), in both profiles.

use super::*;
use crate::protocol::{
    CardTransactionType, ErrorCode, PayIntent, PaymentResult, QueryStatus, RefundRequest,
    RequestInfo, TipMode, TransactionSettings, TransactionType, TxStart, TxState, VoidPayment,
    VoidReason,
};

const PROFILES: [Profile; 2] = [Profile::Default, Profile::Real];

fn sim(profile: Profile) -> Sim {
    let mut sim = Sim::new(auto_config().with_profile(profile));
    sim.ready(1);
    sim
}

/// An approved sale of `amount`; its payment.
fn approved(sim: &mut Sim, amount: i64, external_id: &str) -> Payment {
    let out = sim.sale(1, amount, external_id);
    one!(out, FinishOk).payment.expect("approved")
}

fn order_of(payment: &Payment) -> Option<String> {
    payment.order.as_ref().and_then(|o| o.id.clone())
}

fn refund(sim: &mut Sim, payment: &Payment, amount: Option<i64>) -> Vec<Output> {
    let request = RefundRequest {
        order_id: order_of(payment),
        payment_id: payment.id.clone(),
        amount,
        full_refund: Some(amount.is_none()),
        ..RefundRequest::default()
    };
    sim.send(1, &Message::RefundRequest(request))
}

fn retrieve(sim: &mut Sim, external_id: &str) -> Payment {
    let response = one!(
        sim.retrieve_payment(1, external_id),
        RetrievePaymentResponse
    );
    assert_eq!(response.query_status, Some(QueryStatus::Found));
    response.payment.expect("a payment")
}

/// The refunds RETRIEVE_PAYMENT shows on a payment: (id, amount).
fn refunds_of(payment: &Payment) -> Vec<(String, i64)> {
    payment_factory::refunds(payment)
        .into_iter()
        .map(|r| (r.id.unwrap_or_default(), r.amount.unwrap_or(0)))
        .collect()
}

#[test]
fn a_full_refund_answers_refund_response_then_finish_ok_and_stays_on_the_payment() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let payment = approved(&mut sim, 2500, "EXT-REFUND");
        let out = refund(&mut sim, &payment, None);
        assert_eq!(
            trace(&out),
            [
                "ACK",
                "UI PROCESSING ENTER",
                "UI PROCESSING EXIT",
                "REFUND_RESPONSE",
                "FINISH_OK"
            ],
            "{profile}"
        );
        let response = one!(out, RefundResponse);
        assert_eq!(response.code, Some(TxState::Success));
        assert_eq!(response.payment_id, payment.id);
        assert_eq!(response.order_id, order_of(&payment));
        let made = response.refund.expect("the refund");
        assert_eq!(made.amount, Some(2500));
        assert_eq!(made.payment.and_then(|p| p.id), payment.id);
        let ct = made.card_transaction.expect("card transaction");
        assert_eq!(ct.kind, Some(CardTransactionType::Refund));
        assert_eq!(ct.last4.as_deref(), Some("4242"));
        let finish = one!(out, FinishOk);
        assert_eq!(finish.payment, None);
        assert_eq!(finish.refund.and_then(|r| r.id), made.id);
        let request_info = (!profile.is_real()).then_some(RequestInfo::Refund);
        assert_eq!(finish.request_info, request_info, "{profile}");
        assert!(raw_payload(&out, "FINISH_OK")["refund"].is_string());

        let found = retrieve(&mut sim, "EXT-REFUND");
        assert_eq!(found.result, Some(PaymentResult::Success));
        assert_eq!(
            refunds_of(&found),
            [(made.id.clone().unwrap(), 2500)],
            "{profile}"
        );
        // sendLastMessage re-sends the refund's FINISH_OK.
        let again = one!(sim.status(1, true), FinishOk);
        assert_eq!(again.refund.and_then(|r| r.id), made.id);
    }
}

#[test]
fn partial_refunds_up_to_the_remainder_tip_included() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let tx = Message::TxStart(TxStart {
            order: None,
            pay_intent: Some(PayIntent {
                amount: Some(2500),
                external_payment_id: Some("EXT-TIPPED".into()),
                transaction_settings: Some(TransactionSettings {
                    tip_mode: Some(TipMode::OnScreenAfterPayment),
                    ..Default::default()
                }),
                ..PayIntent::default()
            }),
            request_info: Some(RequestInfo::Sale),
            suppress_on_screen_tips: None,
        });
        let payment = one!(sim.send(1, &tx), FinishOk).payment.unwrap();
        assert_eq!(
            (payment.amount, payment.tip_amount),
            (Some(2500), Some(375))
        );

        let first = one!(refund(&mut sim, &payment, Some(1000)), RefundResponse);
        assert_eq!(first.code, Some(TxState::Success));
        // 2 875 charged, 1 000 refunded: 1 876 is too much.
        let out = refund(&mut sim, &payment, Some(1876));
        assert_eq!(
            trace(&out),
            ["ACK", "REFUND_RESPONSE", "FINISH_CANCEL"],
            "{profile}"
        );
        let refused = one!(out, RefundResponse);
        assert_eq!(refused.code, Some(TxState::Fail));
        assert_eq!(refused.reason, Some(ErrorCode::Fail));
        assert!(refused.refund.is_none());
        let message = refused.message.unwrap();
        assert!(
            message.contains("18.76") && message.contains("18.75"),
            "{message}"
        );
        let cancel = one!(out, FinishCancel);
        let request_info = (!profile.is_real()).then_some(RequestInfo::Refund);
        assert_eq!(cancel.request_info, request_info, "{profile}");
        // The rest, as a full refund, then nothing is left.
        let rest = one!(refund(&mut sim, &payment, None), RefundResponse);
        assert_eq!(rest.refund.and_then(|r| r.amount), Some(1875));
        let done = one!(refund(&mut sim, &payment, Some(1)), RefundResponse);
        assert!(done.message.unwrap().contains("refunded in full"));
        let found = retrieve(&mut sim, "EXT-TIPPED");
        let amounts: Vec<i64> = refunds_of(&found).into_iter().map(|(_, a)| a).collect();
        assert_eq!(amounts, [1000, 1875]);
    }
}

#[test]
fn refunds_of_unknown_voided_or_wrong_payments_are_refused_with_reason_codes() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let payment = approved(&mut sim, 2500, "EXT-R1");
        let reason_of = |out: &[Output]| {
            let r = one!(out, RefundResponse);
            (r.code, r.reason)
        };
        let mut unknown = payment.clone();
        unknown.id = Some("NOSUCHPAYMENT".into());
        let out = refund(&mut sim, &unknown, None);
        assert_eq!(
            reason_of(&out),
            (Some(TxState::Fail), Some(ErrorCode::PaymentNotFound))
        );
        let mut other_order = payment.clone();
        other_order.order = Some(crate::protocol::Reference::to("OTHERORDER001"));
        let out = refund(&mut sim, &other_order, None);
        assert_eq!(
            reason_of(&out),
            (Some(TxState::Fail), Some(ErrorCode::OrderNotFound))
        );
        for amount in [0, -100] {
            let out = refund(&mut sim, &payment, Some(amount));
            assert_eq!(
                reason_of(&out),
                (Some(TxState::Fail), Some(ErrorCode::Fail))
            );
        }
        // Voided (rejected signature): nothing to refund.
        let ask = one!(sim.sale(1, 2505, "EXT-R2"), VerifySignature);
        let voided = ask.payment.clone().unwrap();
        sim.send(
            1,
            &Message::SignatureVerified(crate::protocol::SignatureVerified {
                payment: ask.payment,
                verified: Some(false),
            }),
        );
        let out = refund(&mut sim, &voided, None);
        assert_eq!(
            reason_of(&out),
            (Some(TxState::Fail), Some(ErrorCode::Fail))
        );
        assert!(
            one!(out, RefundResponse)
                .message
                .unwrap()
                .contains("VOIDED")
        );
        // None of these changed the payment.
        assert!(refunds_of(&retrieve(&mut sim, "EXT-R1")).is_empty());
    }
}

#[test]
fn a_refund_while_a_transaction_runs_is_an_invalid_state_transition() {
    let mut sim = Sim::new(DeviceConfig::default());
    sim.ready(1);
    let payment = Payment {
        id: Some("ANYPAYMENT001".into()),
        ..Payment::default()
    };
    sim.sale(1, 2500, "EXT-BUSY");
    let out = refund(&mut sim, &payment, None);
    assert_eq!(trace(&out), ["ACK", "INVALID_STATE_TRANSITION"]);
    assert!(sim.dev.tx.is_some(), "the sale runs on");
}

#[test]
fn a_refund_of_cents_06_drops_the_connection_before_finish_ok_but_is_made() {
    let mut sim = sim(Profile::Default);
    let payment = approved(&mut sim, 2500, "EXT-R6");
    let out = refund(&mut sim, &payment, Some(1006));
    assert_eq!(
        trace(&out),
        [
            "ACK",
            "UI PROCESSING ENTER",
            "UI PROCESSING EXIT",
            "REFUND_RESPONSE",
            "CLOSE None"
        ]
    );
    let token = sim.paired(2);
    assert!(!token.is_empty());
    assert_eq!(refunds_of(&retrieve_on(&mut sim, 2, "EXT-R6")).len(), 1);
    // The lost FINISH_OK comes back with sendLastMessage.
    let again = one!(
        sim.send(
            2,
            &Message::RetrieveDeviceStatusRequest(crate::protocol::RetrieveDeviceStatusRequest {
                send_last_message: Some(true),
            }),
        ),
        FinishOk
    );
    assert_eq!(again.refund.and_then(|r| r.amount), Some(1006));
}

#[test]
fn a_refund_of_cents_10_drops_the_connection_before_refund_response_but_is_made() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let payment = approved(&mut sim, 2500, "EXT-R10");
        let out = refund(&mut sim, &payment, Some(1010));
        assert_eq!(
            trace(&out),
            [
                "ACK",
                "UI PROCESSING ENTER",
                "UI PROCESSING EXIT",
                "CLOSE None"
            ],
            "{profile}"
        );
        sim.paired(2);
        assert_eq!(
            refunds_of(&retrieve_on(&mut sim, 2, "EXT-R10")).len(),
            1,
            "{profile}"
        );
        let again = one!(
            sim.send(
                2,
                &Message::RetrieveDeviceStatusRequest(
                    crate::protocol::RetrieveDeviceStatusRequest {
                        send_last_message: Some(true),
                    }
                ),
            ),
            FinishOk
        );
        assert_eq!(again.refund.and_then(|r| r.amount), Some(1010));
    }
}

fn retrieve_on(sim: &mut Sim, conn: ConnId, external_id: &str) -> Payment {
    let request = crate::protocol::RetrievePaymentRequest {
        external_payment_id: Some(external_id.into()),
    };
    let out = sim.send(conn, &Message::RetrievePaymentRequest(request));
    one!(out, RetrievePaymentResponse)
        .payment
        .expect("a payment")
}

fn void(sim: &mut Sim, payment: &Payment) -> Vec<Output> {
    let request = VoidPayment {
        payment: Some(Payment {
            id: payment.id.clone(),
            order: payment.order.clone(),
            ..Payment::default()
        }),
        void_reason: Some(VoidReason::UserCancel),
        ..VoidPayment::default()
    };
    sim.send(1, &Message::VoidPayment(request))
}

#[test]
fn void_payment_answers_per_supports_void_payment_response() {
    // Default profile: advertised, answered.
    let mut sim = sim(Profile::Default);
    let payment = approved(&mut sim, 2500, "EXT-V1");
    let out = void(&mut sim, &payment);
    assert_eq!(trace(&out), ["ACK", "VOID_PAYMENT_RESPONSE"]);
    let response = one!(out, VoidPaymentResponse);
    assert_eq!(response.success, Some(true));
    assert_eq!(
        response.payment.and_then(|p| p.result),
        Some(PaymentResult::Voided)
    );
    assert_eq!(
        retrieve(&mut sim, "EXT-V1").result,
        Some(PaymentResult::Voided)
    );
    let again = one!(void(&mut sim, &payment), VoidPaymentResponse);
    assert_eq!(again.success, Some(false), "a voided payment stays voided");

    // Real profile (and the default one configured so): not advertised, only the ACK.
    let without = DeviceConfig {
        supports_void_payment_response: false,
        ..auto_config()
    };
    for config in [auto_config().with_profile(Profile::Real), without] {
        let mut sim = Sim::new(config);
        sim.paired(1);
        let discovery = one!(
            sim.send(1, &Message::DiscoveryRequest(Default::default())),
            DiscoveryResponse
        );
        assert_ne!(discovery.supports_void_payment_response, Some(true));
        let payment = approved(&mut sim, 2500, "EXT-V2");
        let out = void(&mut sim, &payment);
        assert_eq!(trace(&out), ["ACK"]);
        assert_eq!(
            retrieve(&mut sim, "EXT-V2").result,
            Some(PaymentResult::Voided)
        );
    }
}

#[test]
fn a_refunded_payment_cannot_be_voided() {
    let mut sim = sim(Profile::Default);
    let payment = approved(&mut sim, 2500, "EXT-V3");
    refund(&mut sim, &payment, Some(500));
    let response = one!(void(&mut sim, &payment), VoidPaymentResponse);
    assert_eq!(response.success, Some(false));
    assert!(response.message.unwrap().contains("has refunds"));
    assert_eq!(
        retrieve(&mut sim, "EXT-V3").result,
        Some(PaymentResult::Success)
    );
}

/// A manual refund as the JS SDK's `manualRefund` builds it (negative amount, CREDIT).
fn credit(amount: i64, external_id: &str) -> Message {
    Message::TxStart(TxStart {
        order: None,
        pay_intent: Some(PayIntent {
            amount: Some(-amount),
            external_payment_id: Some(external_id.into()),
            transaction_type: Some(TransactionType::Credit),
            transaction_settings: Some(TransactionSettings {
                disable_restart_transaction_on_failure: Some(true),
                ..Default::default()
            }),
            ..PayIntent::default()
        }),
        request_info: Some(RequestInfo::Credit),
        suppress_on_screen_tips: None,
    })
}

#[test]
fn a_manual_refund_credits_the_card_with_finish_ok_credit() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let out = sim.send(1, &credit(1500, "EXT-CREDIT"));
        let t = trace(&out);
        assert_eq!(t.last().map(String::as_str), Some("FINISH_OK"), "{t:?}");
        assert!(!t.contains(&"CONFIRM_PAYMENT_MESSAGE".to_owned()));
        let finish = one!(out, FinishOk);
        assert_eq!(finish.payment, None);
        let made = finish.credit.expect("a credit");
        assert_eq!(made.amount, Some(1500));
        let ct = made.card_transaction.unwrap();
        assert_eq!(ct.kind, Some(CardTransactionType::Nakedrefund));
        assert_eq!(ct.last4.as_deref(), Some("4242"));
        let request_info = (!profile.is_real()).then_some(RequestInfo::Credit);
        assert_eq!(finish.request_info, request_info, "{profile}");
        assert!(raw_payload(&out, "FINISH_OK")["credit"].is_string());
        assert!(sim.dev.tx.is_none());
    }
}

#[test]
fn a_declined_credit_card_cancels_the_manual_refund() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        // .01: the customer's card is declined.
        let out = sim.send(1, &credit(1501, "EXT-CREDIT-NO"));
        let t = trace(&out);
        assert!(t.contains(&"UI DECLINED ENTER".to_owned()), "{t:?}");
        assert_eq!(t.last().map(String::as_str), Some("FINISH_CANCEL"), "{t:?}");
        assert!(all!(out, FinishOk).is_empty());
    }
}
