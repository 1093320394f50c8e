//! Pairing (§3.6), a second POS, discovery, ACKs and PING/PONG.

use super::*;
use crate::protocol::{CLOUD_PACKAGE, DiscoveryRequest, MessageType, PairingState};

#[test]
fn first_pairing_shows_a_code_then_pairs_with_a_new_token() {
    let mut sim = Sim::manual();
    assert!(trace(&sim.connect(1)).is_empty());
    let out = sim.pairing_request(1, None);
    assert_eq!(trace(&out), ["PAIRING_CODE"]);
    let code = one!(out, PairingCode).pairing_code.expect("a code");
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    assert_eq!(
        frames(&out)[0].envelope.version,
        Some(1),
        "pairing frames use envelope version 1"
    );

    let screen = sim.dev.screen();
    assert_eq!(screen.pairing_code.as_deref(), Some(code.as_str()));
    assert!(screen.actions.contains(&"approve-pairing".to_owned()));

    let out = sim.act(CustomerAction::ApprovePairing).unwrap();
    assert_eq!(trace(&out), ["PAIRING_RESPONSE"]);
    let response = one!(out, PairingResponse);
    assert_eq!(response.pairing_state, Some(PairingState::Paired));
    assert_eq!(response.millis, Some(sim.now));
    assert_eq!(response.name.as_deref(), Some("TUI POS"));
    assert_eq!(response.serial_number.as_deref(), Some("LANE-1"));
    assert_eq!(response.application_name.as_deref(), Some("TUI POS"));
    assert_eq!(
        response.authentication_token.as_deref().map(str::len),
        Some(36)
    );
    assert_eq!(sim.dev.screen().pairing_code, None);
    assert!(
        sim.act(CustomerAction::ApprovePairing).is_err(),
        "nothing left to approve"
    );
}

#[test]
fn auto_customer_types_the_code_after_the_pairing_delay() {
    let mut config = auto_config();
    config.customer = CustomerMode::Auto {
        card_delay_ms: 0,
        sign_delay_ms: 0,
        pairing_delay_ms: 500,
    };
    let mut sim = Sim::new(config);
    sim.connect(1);
    assert_eq!(trace(&sim.pairing_request(1, None)), ["PAIRING_CODE"]);
    assert!(trace(&sim.advance(499)).is_empty());
    assert_eq!(trace(&sim.advance(1)), ["PAIRING_RESPONSE"]);

    // With no delay it happens in the same event.
    let mut sim = Sim::auto();
    sim.connect(1);
    assert_eq!(
        trace(&sim.pairing_request(1, None)),
        ["PAIRING_CODE", "PAIRING_RESPONSE"]
    );
}

#[test]
fn a_known_token_skips_the_code_and_is_replaced() {
    let mut sim = Sim::manual();
    let first = sim.paired(1);
    sim.disconnect(1);
    sim.connect(2);
    let out = sim.pairing_request(2, Some(&first));
    assert_eq!(trace(&out), ["PAIRING_RESPONSE"]);
    let second = token_of(&out);
    assert_ne!(first, second, "a new token every time");

    // Tokens are single use: the first one no longer pairs directly, but gets a code (never FAILED).
    sim.disconnect(2);
    sim.connect(3);
    assert_eq!(
        trace(&sim.pairing_request(3, Some(&first))),
        ["PAIRING_CODE"]
    );
    // The latest one still works.
    sim.disconnect(3);
    sim.connect(4);
    assert_eq!(
        trace(&sim.pairing_request(4, Some(&second))),
        ["PAIRING_RESPONSE"]
    );
}

#[test]
fn stale_or_unknown_tokens_get_a_fresh_code_never_failed() {
    let config = DeviceConfig {
        token_ttl_ms: 1_000,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    let token = sim.paired(1);
    sim.disconnect(1);
    sim.advance(1_000);
    sim.connect(2);
    assert_eq!(
        trace(&sim.pairing_request(2, Some(&token))),
        ["PAIRING_CODE"],
        "expired"
    );
    assert_eq!(
        trace(&sim.pairing_request(2, Some("not-a-token"))),
        ["PAIRING_CODE"],
        "unknown"
    );
}

#[test]
fn a_new_request_while_a_code_is_shown_restarts_with_a_new_code() {
    let mut sim = Sim::manual();
    sim.connect(1);
    let first = one!(sim.pairing_request(1, None), PairingCode).pairing_code;
    let second = one!(sim.pairing_request(1, None), PairingCode).pairing_code;
    assert_ne!(first, second);
    assert_eq!(sim.dev.screen().pairing_code, second);
}

#[test]
fn rejected_pairing_fails_then_waits_for_a_new_request() {
    let mut sim = Sim::manual();
    sim.connect(1);
    sim.pairing_request(1, None);
    let out = sim.act(CustomerAction::RejectPairing).unwrap();
    assert_eq!(trace(&out), ["PAIRING_RESPONSE"]);
    let response = one!(out, PairingResponse);
    assert_eq!(response.pairing_state, Some(PairingState::Failed));
    assert_eq!(response.authentication_token, None);
    assert!(sim.act(CustomerAction::RejectPairing).is_err());
    // Still not paired: commands are ignored.
    assert!(
        trace(&sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()))).is_empty()
    );
    assert_eq!(trace(&sim.pairing_request(1, None)), ["PAIRING_CODE"]);
}

#[test]
fn legacy_devices_answer_initial() {
    let config = DeviceConfig {
        legacy_initial: true,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    sim.connect(1);
    sim.pairing_request(1, None);
    let out = sim.act(CustomerAction::ApprovePairing).unwrap();
    assert_eq!(
        one!(out, PairingResponse).pairing_state,
        Some(PairingState::Initial)
    );
    // INITIAL counts as paired: discovery is answered.
    let out = sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()));
    assert_eq!(trace(&out), ["ACK", "DISCOVERY_RESPONSE"]);
}

#[test]
fn nothing_but_pairing_frames_before_pairing_completes() {
    let config = DeviceConfig {
        ping_interval_ms: 100,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    sim.connect(1);
    let ping = r#"{"type":"PING","packageName":"com.clover.remote_protocol_broadcast.app"}"#;
    let unknown = r#"{"id":"9","type":"COMMAND","method":"NOT_A_METHOD","payload":"{}"}"#;
    for step in 0..2 {
        let mut out = sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()));
        out.extend(sim.sale(1, 2500, "EXT-EARLY"));
        out.extend(sim.text(1, "this is not JSON"));
        out.extend(sim.text(1, ping));
        out.extend(sim.text(1, unknown));
        out.extend(sim.advance(1_000));
        assert!(trace(&out).is_empty(), "step {step}: {:?}", trace(&out));
        assert!(
            out.iter().all(|o| !matches!(o, Output::StartTimer { .. })),
            "no PINGs before pairing"
        );
        // Second round: while the code is shown.
        sim.pairing_request(1, None);
    }
    assert!(sim.dev.tx.is_none(), "the early TX_START was ignored");
}

#[test]
fn cloud_connections_need_no_pairing() {
    let mut sim = Sim::manual();
    sim.handle(Input::Connected {
        conn: 7,
        transport: Transport::Cloud,
    });
    let out = sim.send(7, &Message::DiscoveryRequest(DiscoveryRequest::default()));
    assert_eq!(trace(&out), ["ACK", "DISCOVERY_RESPONSE"]);
    assert!(
        frames(&out)
            .iter()
            .all(|f| f.envelope.package_name.as_deref() == Some(CLOUD_PACKAGE))
    );
    // A PAIRING_REQUEST there changes nothing.
    let out = sim.pairing_request(7, None);
    assert_eq!(trace(&out), ["ACK"]);
}

#[test]
fn a_second_pos_takes_over_or_is_refused() {
    let mut sim = Sim::manual();
    sim.paired(1);
    let out = sim.connect(2);
    assert_eq!(closes(&out), [(1, Some(1000))]);
    sim.pairing_request(2, None);
    sim.act(CustomerAction::ApprovePairing).unwrap();
    assert_eq!(
        receivers(&sim.send(2, &Message::DiscoveryRequest(DiscoveryRequest::default()))),
        [2]
    );

    let config = DeviceConfig {
        second_pos: SecondPos::Refuse,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    sim.paired(1);
    let out = sim.connect(2);
    assert_eq!(closes(&out), [(2, Some(1008))]);
    assert!(
        trace(&sim.pairing_request(2, None)).is_empty(),
        "the newcomer is gone"
    );
    assert_eq!(
        trace(&sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()))),
        ["ACK", "DISCOVERY_RESPONSE"]
    );
}

#[test]
fn discovery_sends_every_flag_explicitly_and_answers_repeats() {
    let mut sim = Sim::manual();
    sim.paired(1);
    for _ in 0..2 {
        let out = sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()));
        assert_eq!(trace(&out), ["ACK", "DISCOVERY_RESPONSE"]);
        let payload = raw_payload(&out, "DISCOVERY_RESPONSE");
        for flag in [
            "ready",
            "supportsTipAdjust",
            "supportsManualRefund",
            "supportsMultiPayToken",
            "supportsAcknowledgement",
            "supportsRemoteConfirmation",
            "supportsNakedCredit",
            "supportsVoidPaymentResponse",
            "supportsPreAuth",
            "supportsAuth",
            "supportsVaultCard",
        ] {
            assert!(
                payload[flag].is_boolean(),
                "{flag} must be a JSON boolean: {payload}"
            );
        }
        assert_eq!(payload["ready"], true);
        assert_eq!(payload["supportsAcknowledgement"], true);
        assert_eq!(payload["merchantId"], "MRCHNT0000001");
        assert_eq!(payload["merchantMId"], "000000001234567");
        assert_eq!(payload["model"], "Clover_C300");
        assert_eq!(payload["version"], 1);
        assert_eq!(frames(&out)[1].envelope.version, Some(2));
    }

    let mut config = DeviceConfig::default();
    config.faults.never_ready = true;
    let mut sim = Sim::new(config);
    sim.paired(1);
    let out = sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()));
    assert_eq!(raw_payload(&out, "DISCOVERY_RESPONSE")["ready"], false);
}

#[test]
fn acks_name_the_envelope_id_and_method_and_come_first() {
    let mut sim = Sim::manual();
    sim.paired(1);
    let out = sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()));
    let ack = one!(out, Ack);
    assert_eq!(ack.source_message_id, Some(sim.last_id()));
    assert_eq!(ack.source_method.as_deref(), Some("DISCOVERY_REQUEST"));
    assert_eq!(trace(&out)[0], "ACK");

    // A Java-style id is echoed as is.
    let text = r#"{"id":"PR-7","type":"COMMAND","method":"DISCOVERY_REQUEST","payload":"{\"method\":\"DISCOVERY_REQUEST\"}"}"#;
    assert_eq!(
        one!(sim.text(1, text), Ack).source_message_id.as_deref(),
        Some("PR-7")
    );

    for faults in [false, true] {
        let mut config = DeviceConfig::default();
        if faults {
            config.faults.drop_acks = true;
        } else {
            config.supports_ack = false;
        }
        let mut sim = Sim::new(config);
        sim.paired(1);
        let out = sim.send(1, &Message::DiscoveryRequest(DiscoveryRequest::default()));
        assert_eq!(trace(&out), ["DISCOVERY_RESPONSE"]);
        let advertised = raw_payload(&out, "DISCOVERY_RESPONSE")["supportsAcknowledgement"].clone();
        assert_eq!(advertised, faults, "drop_acks still advertises ACKs");
    }
}

#[test]
fn device_pings_after_pairing_and_drops_a_silent_pos() {
    let config = DeviceConfig {
        ping_interval_ms: 1_000,
        ping_max_missed: 2,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    sim.paired(1);
    let out = sim.advance(1_000);
    assert_eq!(trace(&out), ["PING"]);
    let ping = &frames(&out)[0];
    assert_eq!(ping.kind(), MessageType::Ping);
    assert_eq!(
        (ping.envelope.id.as_ref(), ping.envelope.payload.as_ref()),
        (None, None)
    );
    // Answered: the count restarts.
    sim.text(1, &sim.pos.pong());
    assert_eq!(trace(&sim.advance(1_000)), ["PING"]);
    assert_eq!(trace(&sim.advance(1_000)), ["PING"]);
    // Two unanswered now: dropped at the next tick.
    let out = sim.advance(1_000);
    assert_eq!(closes(&out), [(1, Some(1001))]);
    assert!(trace(&sim.advance(5_000)).is_empty());

    // ping_max_missed 0: never dropped.
    let config = DeviceConfig {
        ping_interval_ms: 1_000,
        ..DeviceConfig::default()
    };
    let mut sim = Sim::new(config);
    sim.paired(1);
    assert_eq!(trace(&sim.advance(10_000)), ["PING"; 10]);
}

#[test]
fn pairing_again_on_a_paired_connection_keeps_one_ping_timer() {
    let config = DeviceConfig {
        ping_interval_ms: 1_000,
        ..auto_config()
    };
    let mut sim = Sim::new(config);
    let token = sim.paired(1);
    sim.advance(500);
    assert_eq!(
        trace(&sim.pairing_request(1, Some(&token))),
        ["ACK", "PAIRING_RESPONSE"]
    );
    assert_eq!(trace(&sim.advance(10_000)), ["PING"; 10]);
}

#[test]
fn java_and_windows_pairing_envelopes_are_understood() {
    let java = r#"{"id":"PR-0","method":"PAIRING_REQUEST","payload":"{\"method\":\"PAIRING_REQUEST\",\"serialNumber\":\"LANE-1\",\"name\":\"TUI POS\"}","type":"COMMAND"}"#;
    let windows = r#"{"version":1,"method":"PAIRING_REQUEST","payload":"{\"method\":\"PAIRING_REQUEST\",\"serialNumber\":\"LANE-1\",\"name\":\"TUI POS\",\"authenticationToken\":\"c3f1b1f2-8a7e-4a2b-9f5d-0e1d2c3b4a59\"}","remoteApplicationID":"com.example.tuipos:0.1.0","remoteSourceSDK":"win"}"#;
    for text in [java, windows] {
        let mut sim = Sim::manual();
        sim.connect(1);
        assert_eq!(trace(&sim.text(1, text)), ["PAIRING_CODE"], "{text}");
        let out = sim.act(CustomerAction::ApprovePairing).unwrap();
        assert_eq!(
            one!(out, PairingResponse).serial_number.as_deref(),
            Some("LANE-1")
        );
    }
}

#[test]
fn a_pos_ping_gets_a_pong() {
    let mut sim = Sim::manual();
    sim.paired(1);
    let out = sim.text(1, &sim.pos.ping());
    assert_eq!(trace(&out), ["PONG"]);
    assert_eq!(frames(&out)[0].envelope.id, None);
}

#[test]
fn a_pairing_code_is_shown_even_while_a_sale_waits() {
    let mut sim = Sim::manual();
    sim.ready(1);
    sim.sale(1, 2500, "EXT-WAIT");
    sim.disconnect(1);
    sim.connect(2);
    let code = one!(sim.pairing_request(2, None), PairingCode).pairing_code;
    let screen = sim.dev.screen();
    assert_eq!(screen.title, "Insert, tap or swipe card");
    assert_eq!(screen.pairing_code, code);
    assert_eq!(
        screen.actions,
        [
            "card",
            "decline",
            "cancel",
            "walk-away",
            "approve-pairing",
            "reject-pairing",
            "reboot"
        ]
    );
    sim.act(CustomerAction::ApprovePairing).unwrap();
    assert_eq!(sim.dev.screen().pairing_code, None);
}
