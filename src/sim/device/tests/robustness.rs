//! Bad input never panics and never loses state; every recorded JS SDK frame is accepted; the
//! same seed gives the same outputs; screen commands.

use super::*;
use crate::protocol::{
    ExternalDeviceSubState, PaymentConfirmed, SignatureVerified, TerminalMessage,
};

fn fixture_lines() -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/official-js-sdk-4.1.2-pos-frames.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn malformed_and_unknown_commands_get_remote_error_and_state_survives() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2503, "EXT-BAD"), ConfirmPayment);
    let bad = [
        "not JSON at all",
        "[1,2,3]",
        "{}",
        r#"{"id":"77","type":"COMMAND","method":"TX_START","payload":"{not json"}"#,
        r#"{"id":"78","type":"COMMAND","method":"TX_START","payload":"{\"payIntent\":42}"}"#,
        r#"{"id":"79","type":"COMMAND","method":"NOT_A_METHOD","payload":"{}"}"#,
        r#"{"id":"80","type":"COMMAND","method":"FINISH_OK","payload":"{}"}"#,
        r#"{"id":"81","type":"COMMAND","method":"VAULT_CARD","payload":"{}"}"#,
        r#"{"id":"82","type":"COMMAND","method":"TX_START","payload":"x","fragmentIndex":0,"lastFragment":false}"#,
        r#"{"id":"83","type":"COMMAND","payload":"{}"}"#,
    ];
    for text in bad {
        let out = sim.text(1, text);
        assert_eq!(trace(&out), ["REMOTE_ERROR"], "{text}");
        let error = one!(out, RemoteError);
        assert!(
            error.error_code.is_some()
                && error.error_message.is_some()
                && error.error_detail.is_some()
        );
    }
    // Harmless envelope types are ignored.
    assert!(
        trace(&sim.text(
            1,
            r#"{"type":"EVENT","method":"FORCECONNECT","payload":"{}"}"#
        ))
        .is_empty()
    );
    // Nothing was lost: the challenge is still pending and can be answered.
    let status = one!(sim.status(1, false), RetrieveDeviceStatusResponse);
    assert_eq!(
        status.substate,
        Some(ExternalDeviceSubState::ConfirmPayment)
    );
    let out = sim.send(
        1,
        &Message::PaymentConfirmed(PaymentConfirmed {
            payment: ask.payment,
        }),
    );
    assert_eq!(trace(&out).last().unwrap(), "FINISH_OK");
}

#[test]
fn answers_that_do_not_fit_change_nothing() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2503, "EXT-FIT"), ConfirmPayment);
    // Wrong payment id, or none: REMOTE_ERROR.
    let wrong = Payment {
        id: Some("WRONGPAYMENT1".into()),
        ..Payment::default()
    };
    for payment in [Some(wrong), None] {
        let out = sim.send(1, &Message::PaymentConfirmed(PaymentConfirmed { payment }));
        assert_eq!(trace(&out), ["ACK", "REMOTE_ERROR"]);
    }
    // A signature answer while a challenge is pending: INVALID_STATE_TRANSITION.
    let answer = SignatureVerified {
        payment: ask.payment.clone(),
        verified: Some(true),
    };
    let out = sim.send(1, &Message::SignatureVerified(answer));
    assert_eq!(trace(&out), ["ACK", "INVALID_STATE_TRANSITION"]);
    let refusal = one!(out, InvalidStateTransition);
    assert_eq!(
        refusal.requested_transition.as_deref(),
        Some("SIGNATURE_VERIFIED")
    );
    assert_eq!(
        refusal.substate,
        Some(ExternalDeviceSubState::ConfirmPayment)
    );
    // The right answer still works; afterwards the same answer no longer fits.
    let out = sim.send(
        1,
        &Message::PaymentConfirmed(PaymentConfirmed {
            payment: ask.payment.clone(),
        }),
    );
    assert_eq!(trace(&out).last().unwrap(), "FINISH_OK");
    let out = sim.send(
        1,
        &Message::PaymentConfirmed(PaymentConfirmed {
            payment: ask.payment,
        }),
    );
    assert_eq!(trace(&out), ["ACK", "INVALID_STATE_TRANSITION"]);
}

#[test]
fn every_fixture_pos_frame_is_accepted() {
    for config in [DeviceConfig::default(), auto_config()] {
        let manual = config.customer == CustomerMode::Manual;
        let mut sim = Sim::new(config);
        sim.ready(1);
        for line in fixture_lines() {
            let out = sim.text(1, &line);
            if manual && trace(&out).contains(&"PAIRING_CODE".to_owned()) {
                // The recorded session pairs again with an unknown token: the merchant types the code.
                sim.act(CustomerAction::ApprovePairing).unwrap();
            }
            let t = trace(&out);
            assert!(!t.contains(&"REMOTE_ERROR".to_owned()), "{line}\n→ {t:?}");
            let frame = Frame::decode(&line).unwrap();
            if frame.kind() == MessageType::Command {
                let ack = all!(out, Ack);
                assert_eq!(ack.len(), 1, "{line}");
                assert_eq!(ack[0].source_message_id, frame.envelope.id, "{line}");
            }
        }
    }
}

#[test]
fn the_fixture_session_runs_on_a_fresh_connection_too() {
    // The recorded session starts with its own PAIRING_REQUEST (no token): a code, then PAIRED.
    let mut sim = Sim::auto();
    sim.connect(1);
    let mut all_out = Vec::new();
    for line in fixture_lines() {
        all_out.extend(sim.text(1, &line));
    }
    let t = trace(&all_out);
    assert!(
        t.starts_with(&["PAIRING_CODE".to_owned(), "PAIRING_RESPONSE".to_owned()]),
        "{t:?}"
    );
    assert!(t.contains(&"FINISH_OK".to_owned()), "{t:?}");
}

#[test]
fn same_seed_same_outputs() {
    let script = |seed: u64| {
        let mut config = auto_config();
        config.seed = seed;
        let mut sim = Sim::new(config);
        let mut out = Vec::new();
        sim.connect(1);
        out.extend(sim.pairing_request(1, None));
        for (i, amount) in [2500, 2502, 2503, 2505, 2509, 2501].into_iter().enumerate() {
            out.extend(sim.sale(1, amount, &format!("EXT-{i}")));
            if let Some(tx) = sim.dev.tx.as_ref() {
                let payment = tx.payment.clone();
                out.extend(sim.send(
                    1,
                    &Message::PaymentConfirmed(PaymentConfirmed {
                        payment: payment.clone(),
                    }),
                ));
                out.extend(sim.send(
                    1,
                    &Message::SignatureVerified(SignatureVerified {
                        payment,
                        verified: Some(true),
                    }),
                ));
            }
        }
        out
    };
    let a = script(42);
    assert_eq!(a, script(42));
    assert_ne!(a, script(43));
    assert!(all!(a, FinishOk).len() >= 5);
}

#[test]
fn screen_commands_show_what_they_say() {
    let mut sim = Sim::manual();
    sim.ready(1);
    let text = TerminalMessage {
        text: Some("Hello from TUI POS".into()),
    };
    let out = sim.send(1, &Message::TerminalMessage(text));
    assert_eq!(trace(&out), ["ACK", "UI DISPLAY_MESSAGE ENTER"]);
    let ui = one!(out, UiState);
    assert_eq!(ui.ui_text.as_deref(), Some("Hello from TUI POS"));
    assert_eq!(ui.input_options, Some(vec![]));
    assert_eq!(sim.dev.screen().title, "Hello from TUI POS");
    let out = sim.send(1, &Message::ShowWelcomeScreen(Default::default()));
    assert_eq!(trace(&out), ["ACK", "UI WELCOME_SCREEN ENTER"]);
    let out = sim.send(1, &Message::ShowThankYouScreen(Default::default()));
    assert_eq!(trace(&out), ["ACK", "UI THANKYOU_SCREEN ENTER"]);
    assert_eq!(sim.dev.screen().title, "Thank you!");
    let out = sim.send(1, &Message::Shutdown(Default::default()));
    assert_eq!(trace(&out), ["ACK", "CLOSE Some(1000)"]);
    assert!(
        trace(&sim.send(1, &Message::DiscoveryRequest(Default::default()))).is_empty(),
        "closed"
    );
}

/// Payload values chosen to hit type errors, overflows and nested-string decoding.
fn weird_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Value::Null),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(i64::MAX)),
        Just(serde_json::json!(i64::MIN)),
        Just(serde_json::json!(1.5)),
        Just(serde_json::json!("")),
        Just(serde_json::json!("ESC")),
        Just(serde_json::json!(true)),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!("{\"id\":5}")),
        Just(
            serde_json::json!({"amount": i64::MAX, "externalPaymentId": "EXT-P2",
            "transactionSettings": {"tipMode": "ON_SCREEN_AFTER_PAYMENT"}})
        ),
        Just(serde_json::json!({"amount": 1, "externalPaymentId": 7})),
        ".{0,12}".prop_map(Value::String),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_frames_never_panic(
        frames_in in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "TX_START", "PAYMENT_CONFIRMED", "PAYMENT_REJECTED", "SIGNATURE_VERIFIED",
                    "KEY_PRESS", "RETRIEVE_PAYMENT_REQUEST", "RETRIEVE_DEVICE_STATUS_REQUEST",
                    "BREAK", "TERMINAL_MESSAGE", "PAIRING_REQUEST", "DISCOVERY_REQUEST",
                    "VOID_PAYMENT", "FINISH_OK", "WHATEVER",
                ]),
                proptest::collection::btree_map(
                    proptest::sample::select(vec![
                        "payIntent", "amount", "externalPaymentId", "payment", "verified", "keyPress",
                        "sendLastMessage", "authenticationToken", "reason", "text", "requestInfo",
                    ]),
                    weird_value(),
                    0..4,
                ),
                proptest::bool::ANY,
            ),
            1..12,
        ),
        garbage in ".{0,40}",
    ) {
        let mut sim = Sim::auto();
        sim.ready(1);
        sim.sale(1, 2503, "EXT-P");
        for (method, fields, as_string) in frames_in {
            let mut payload: serde_json::Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            payload.insert("method".into(), Value::String(method.to_owned()));
            let payload = Value::Object(payload);
            let payload = if as_string { Value::String(payload.to_string()) } else { payload };
            let envelope = serde_json::json!({"id": "p", "type": "COMMAND", "method": method, "payload": payload});
            sim.text(1, &envelope.to_string());
            sim.advance(100_000);
        }
        sim.text(1, &garbage);
        // The device is alive and still answers (unless the script itself closed the socket).
        sim.connect(2);
        sim.pairing_request(2, None);
        let out = sim.status(2, false);
        proptest::prop_assert!(trace(&out).contains(&"RETRIEVE_DEVICE_STATUS_RESPONSE".to_owned()));
    }
}
