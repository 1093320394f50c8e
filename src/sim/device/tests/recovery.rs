//! Recovery (§6): RETRIEVE_PAYMENT, RETRIEVE_DEVICE_STATUS with sendLastMessage, BREAK in each
//! phase, reboot, VOID_PAYMENT, and a transaction that survives its POS.

use super::*;
use crate::protocol::{
    ExternalDeviceState, ExternalDeviceSubState, PaymentConfirmed, PaymentResult, QueryStatus,
    VoidPayment, VoidReason,
};
use crate::sim::cards;

fn found(sim: &mut Sim, conn: ConnId, external_id: &str) -> (QueryStatus, Option<Payment>) {
    let response = one!(
        sim.retrieve_payment(conn, external_id),
        RetrievePaymentResponse
    );
    assert_eq!(
        response.status,
        Some(ResultStatus::Success),
        "status is SUCCESS whenever the lookup ran"
    );
    assert_eq!(response.external_payment_id.as_deref(), Some(external_id));
    (response.query_status.unwrap(), response.payment)
}

fn break_device(sim: &mut Sim) -> Vec<Output> {
    sim.send(1, &Message::Break(Default::default()))
}

#[test]
fn retrieve_payment_found_in_progress_not_found_and_forgotten_after_a_day() {
    let mut sim = Sim::manual();
    sim.ready(1);
    assert_eq!(found(&mut sim, 1, "EXT-R").0, QueryStatus::NotFound);
    sim.sale(1, 2500, "EXT-R");
    let (status, payment) = found(&mut sim, 1, "EXT-R");
    assert_eq!(
        (status, payment),
        (QueryStatus::InProgress, None),
        "not authorised yet"
    );
    sim.act(CustomerAction::TapCard(cards::APPROVE_VISA.into()))
        .unwrap();
    let (status, payment) = found(&mut sim, 1, "EXT-R");
    assert_eq!(status, QueryStatus::Found);
    assert_eq!(payment.unwrap().result, Some(PaymentResult::Success));
    assert!(
        raw_payload(
            &sim.retrieve_payment(1, "EXT-R"),
            "RETRIEVE_PAYMENT_RESPONSE"
        )["payment"]
            .is_string()
    );

    sim.advance(PAYMENT_MEMORY_MS - 1);
    assert_eq!(found(&mut sim, 1, "EXT-R").0, QueryStatus::Found);
    sim.advance(2);
    assert_eq!(found(&mut sim, 1, "EXT-R").0, QueryStatus::NotFound);
    assert!(sim.dev.payments_by_external_id("EXT-R").is_empty());
    // Forgotten, it is no duplicate any more either.
    sim.sale(1, 2500, "EXT-R");
    assert_eq!(found(&mut sim, 1, "EXT-R").0, QueryStatus::InProgress);
}

#[test]
fn in_progress_includes_the_authorised_payment() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2503, "EXT-IP"), ConfirmPayment);
    let (status, payment) = found(&mut sim, 1, "EXT-IP");
    assert_eq!(status, QueryStatus::InProgress);
    assert_eq!(payment.and_then(|p| p.id), ask.payment.and_then(|p| p.id));
}

#[test]
fn status_reports_result_and_status_and_the_phase() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.status(1, true);
    assert_eq!(
        trace(&out),
        ["ACK", "RETRIEVE_DEVICE_STATUS_RESPONSE"],
        "idle, nothing happened yet"
    );
    let payload = raw_payload(&out, "RETRIEVE_DEVICE_STATUS_RESPONSE");
    assert_eq!(
        (payload["result"].as_str(), payload["status"].as_str()),
        (Some("SUCCESS"), Some("SUCCESS"))
    );
    assert_eq!(
        (payload["state"].as_str(), payload["substate"].as_str()),
        (Some("IDLE"), Some("UNKNOWN"))
    );
    assert_eq!(payload["data"], serde_json::json!({}));

    sim.sale(1, 2508, "EXT-ST");
    let response = one!(sim.status(1, true), RetrieveDeviceStatusResponse);
    assert_eq!(
        response.state,
        Some(ExternalDeviceState::WaitingForCustomer)
    );
    assert_eq!(
        response.substate,
        Some(ExternalDeviceSubState::StartingPaymentFlow)
    );
    assert_eq!(
        response.data.unwrap().external_payment_id.as_deref(),
        Some("EXT-ST")
    );
    // At the card prompt nothing is re-sent: an older FINISH would pass for this sale's result.
    assert_eq!(
        trace(&sim.status(1, true)),
        ["ACK", "RETRIEVE_DEVICE_STATUS_RESPONSE"]
    );
}

#[test]
fn send_last_message_redelivers_a_pending_challenge_to_a_reconnected_pos() {
    let mut sim = Sim::auto();
    let token = sim.ready(1);
    let ask = sim.sale(1, 2509, "EXT-CRASH");
    let original = raw_payload(&ask, "CONFIRM_PAYMENT_MESSAGE");
    let original_id = frames(&ask).last().unwrap().envelope.id.clone();
    // The POS crashes: the transaction waits.
    sim.disconnect(1);
    let waiting = sim.dev.screen();
    assert_eq!(waiting.title, "Merchant is verifying your payment");

    let token = sim.reconnect(2, &token);
    assert!(!token.is_empty());
    let out = sim.status(2, true);
    assert_eq!(
        trace(&out),
        [
            "ACK",
            "RETRIEVE_DEVICE_STATUS_RESPONSE",
            "CONFIRM_PAYMENT_MESSAGE"
        ]
    );
    assert_eq!(receivers(&out), [2]);
    let response = one!(out, RetrieveDeviceStatusResponse);
    assert_eq!(response.state, Some(ExternalDeviceState::WaitingForPos));
    assert_eq!(
        response.substate,
        Some(ExternalDeviceSubState::ConfirmPayment)
    );
    assert_eq!(
        raw_payload(&out, "CONFIRM_PAYMENT_MESSAGE"),
        original,
        "re-sent unchanged"
    );
    assert_ne!(
        frames(&out).last().unwrap().envelope.id,
        original_id,
        "with a new envelope id"
    );

    // The new POS answers and the flow continues on it.
    let payment = one!(out, ConfirmPayment).payment;
    let out = sim.send(2, &Message::PaymentConfirmed(PaymentConfirmed { payment }));
    assert_eq!(trace(&out).last().unwrap(), "VERIFY_SIGNATURE");
    assert_eq!(receivers(&out), [2]);
    // And a pending signature verification is re-delivered the same way.
    let out = sim.status(2, true);
    assert_eq!(trace(&out).last().unwrap(), "VERIFY_SIGNATURE");
    assert_eq!(
        one!(out, RetrieveDeviceStatusResponse).substate,
        Some(ExternalDeviceSubState::VerifySignature)
    );
}

#[test]
fn send_last_message_redelivers_a_lost_finish_ok() {
    let mut sim = Sim::auto();
    let token = sim.ready(1);
    let out = sim.sale(1, 2506, "EXT-LOST");
    assert_eq!(closes(&out), [(1, None)], "dropped just before FINISH_OK");
    assert!(!trace(&out).contains(&"FINISH_OK".to_owned()));
    sim.disconnect(1);

    sim.reconnect(2, &token);
    let out = sim.status(2, true);
    assert_eq!(
        trace(&out),
        ["ACK", "RETRIEVE_DEVICE_STATUS_RESPONSE", "FINISH_OK"]
    );
    assert_eq!(
        one!(out, RetrieveDeviceStatusResponse).state,
        Some(ExternalDeviceState::Idle)
    );
    let finish = one!(out, FinishOk);
    assert_eq!(
        finish.request_info,
        Some(crate::protocol::RequestInfo::Sale)
    );
    let payment = finish.payment.unwrap();
    assert_eq!(payment.external_payment_id.as_deref(), Some("EXT-LOST"));
    assert_eq!(found(&mut sim, 2, "EXT-LOST").0, QueryStatus::Found);
    // Without sendLastMessage nothing is re-sent.
    assert_eq!(
        trace(&sim.status(2, false)),
        ["ACK", "RETRIEVE_DEVICE_STATUS_RESPONSE"]
    );
    // A cancelled sale's FINISH_CANCEL is the last outcome after it.
    sim.sale(2, 2507, "EXT-CANCEL");
    assert_eq!(trace(&sim.status(2, true)).last().unwrap(), "FINISH_CANCEL");
}

#[test]
fn break_when_idle_answers_idle() {
    let mut sim = Sim::manual();
    sim.ready(1);
    let out = break_device(&mut sim);
    assert_eq!(trace(&out), ["ACK", "RESET_DEVICE_RESPONSE"]);
    let payload = raw_payload(&out, "RESET_DEVICE_RESPONSE");
    assert_eq!(
        (payload["result"].as_str(), payload["status"].as_str()),
        (Some("SUCCESS"), Some("SUCCESS"))
    );
    assert_eq!(payload["state"], "IDLE");
}

#[test]
fn break_at_the_card_prompt_cancels_in_either_order() {
    for (first, expected) in [
        (
            false,
            [
                "ACK",
                "UI START EXIT",
                "FINISH_CANCEL",
                "RESET_DEVICE_RESPONSE",
            ],
        ),
        (
            true,
            [
                "ACK",
                "RESET_DEVICE_RESPONSE",
                "UI START EXIT",
                "FINISH_CANCEL",
            ],
        ),
    ] {
        let config = DeviceConfig {
            reset_response_first: first,
            ..DeviceConfig::default()
        };
        let mut sim = Sim::new(config);
        sim.ready(1);
        sim.sale(1, 1800, "POS-20240611-0002");
        assert_eq!(trace(&break_device(&mut sim)), expected);
        assert_eq!(
            found(&mut sim, 1, "POS-20240611-0002").0,
            QueryStatus::NotFound
        );
        assert_eq!(sim.dev.screen().title, "Welcome");
    }
}

#[test]
fn break_after_authorisation_voids_the_payment() {
    // Challenge pending, customer signing, signature pending verification.
    type Setup = fn(&mut Sim);
    let setups: [(&str, i64, Setup); 3] = [
        ("challenge", 2503, |_| {}),
        ("signing", 2505, |_| {}),
        ("verify", 2505, |sim| {
            sim.act(CustomerAction::Sign).unwrap();
        }),
    ];
    for (phase, amount, setup) in setups {
        let mut sim = Sim::manual();
        sim.ready(1);
        sim.sale(1, amount, "EXT-BRK");
        sim.act(CustomerAction::TapCard(cards::APPROVE_VISA.into()))
            .unwrap();
        setup(&mut sim);
        let out = break_device(&mut sim);
        assert_eq!(
            trace(&out),
            [
                "ACK",
                "PAYMENT_VOIDED",
                "FINISH_CANCEL",
                "RESET_DEVICE_RESPONSE"
            ],
            "{phase}"
        );
        assert_eq!(
            one!(out, PaymentVoided).void_reason,
            Some(VoidReason::UserCancel)
        );
        let (status, payment) = found(&mut sim, 1, "EXT-BRK");
        assert_eq!(status, QueryStatus::Found, "{phase}");
        let payment = payment.unwrap();
        assert_eq!(payment.result, Some(PaymentResult::Voided), "{phase}");
        assert_eq!(payment.void_reason, Some(VoidReason::UserCancel));
        assert_eq!(
            one!(sim.status(1, false), RetrieveDeviceStatusResponse).state,
            Some(ExternalDeviceState::Idle)
        );
    }
}

#[test]
fn reboot_forgets_the_transaction_in_flight_and_drops_every_pos() {
    let mut sim = Sim::auto();
    let token = sim.ready(1);
    sim.sale(1, 2500, "EXT-DONE");
    let out = sim.sale(1, 2511, "EXT-REBOOT");
    assert_eq!(closes(&out), [(1, None)]);
    assert!(!trace(&out).iter().any(|s| s.starts_with("FINISH")));
    // Late events for the closed connection are harmless.
    assert!(trace(&sim.disconnect(1)).is_empty());
    // Tokens and finished payments survive; the in-flight id does not.
    sim.reconnect(2, &token);
    assert_eq!(found(&mut sim, 2, "EXT-REBOOT").0, QueryStatus::NotFound);
    assert_eq!(found(&mut sim, 2, "EXT-DONE").0, QueryStatus::Found);
    assert_eq!(
        trace(&sim.status(2, true)),
        ["ACK", "RETRIEVE_DEVICE_STATUS_RESPONSE"],
        "no last message after a reboot"
    );

    // The manual reboot does the same, and always applies.
    let mut sim = Sim::manual();
    sim.ready(1);
    sim.sale(1, 2500, "EXT-M");
    let out = sim.act(CustomerAction::Reboot).unwrap();
    assert_eq!(closes(&out), [(1, None)]);
    assert!(sim.dev.tx.is_none());
    assert!(sim.act(CustomerAction::Reboot).is_ok());
}

#[test]
fn timers_of_a_forgotten_transaction_do_nothing() {
    let mut config = auto_config();
    config.customer = CustomerMode::Auto {
        card_delay_ms: 1_000,
        sign_delay_ms: 0,
        pairing_delay_ms: 0,
    };
    let mut sim = Sim::new(config);
    let token = sim.ready(1);
    sim.sale(1, 2500, "EXT-T1");
    sim.act(CustomerAction::Reboot).unwrap();
    sim.reconnect(2, &token);
    sim.sale(2, 3000, "EXT-T2");
    // Only the second sale's customer acts, once.
    let out = sim.advance(60_000);
    assert_eq!(all!(out, FinishOk).len(), 1);
    assert_eq!(
        one!(out, FinishOk)
            .payment
            .unwrap()
            .external_payment_id
            .as_deref(),
        Some("EXT-T2")
    );
}

#[test]
fn void_payment_voids_a_remembered_payment_once() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let payment = one!(sim.sale(1, 2500, "EXT-V"), FinishOk).payment;
    let request = VoidPayment {
        payment: payment.clone(),
        void_reason: Some(VoidReason::UserCancel),
        ..Default::default()
    };
    let out = sim.send(1, &Message::VoidPayment(request.clone()));
    assert_eq!(trace(&out), ["ACK", "VOID_PAYMENT_RESPONSE"]);
    let response = one!(out, VoidPaymentResponse);
    assert_eq!(
        (response.success, response.status),
        (Some(true), Some(ResultStatus::Success))
    );
    assert_eq!(
        found(&mut sim, 1, "EXT-V").1.unwrap().result,
        Some(PaymentResult::Voided)
    );
    let again = one!(
        sim.send(1, &Message::VoidPayment(request)),
        VoidPaymentResponse
    );
    assert_eq!(again.success, Some(false));
    let unknown = VoidPayment {
        payment: Some(Payment {
            id: Some("NOPE".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        one!(
            sim.send(1, &Message::VoidPayment(unknown)),
            VoidPaymentResponse
        )
        .status,
        Some(ResultStatus::Fail)
    );
}
