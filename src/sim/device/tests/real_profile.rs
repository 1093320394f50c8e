//! The real-device profile (EVIDENCE.md, `fixtures/real/`): every shape asserted on the encoded
//! frames, and the flows that differ from the default profile.

use serde_json::{Map, Value};

use super::*;
use crate::protocol::{
    CardTransactionState, ChallengeType, KeyPress, PayIntent, PaymentConfirmed, PaymentRejected,
    PaymentResult, QueryStatus, RequestInfo, SignatureVerified, TipMode, TransactionSettings,
    TxStart, VoidReason,
};

/// Auto customer acting at once, real profile.
fn real() -> Sim {
    Sim::new(auto_config().with_profile(Profile::Real))
}

/// A manual customer, real profile.
fn real_manual() -> Sim {
    Sim::new(DeviceConfig::default().with_profile(Profile::Real))
}

/// A JSON object.
type Object = Map<String, Value>;

/// Every sent frame as raw JSON: (envelope, payload object or `None` for PING/PONG).
fn raw(out: &[Output]) -> Vec<(Object, Option<Object>)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send { text, .. } => {
                let Value::Object(envelope) = serde_json::from_str(text).expect("JSON") else {
                    panic!("envelope is not an object: {text}");
                };
                let payload = envelope.get("payload").map(|p| {
                    let text = p.as_str().expect("payload is a string");
                    match serde_json::from_str(text).expect("payload JSON") {
                        Value::Object(map) => map,
                        other => panic!("payload is not an object: {other}"),
                    }
                });
                Some((envelope, payload))
            }
            _ => None,
        })
        .collect()
}

/// The sorted member names of an object.
fn keys(map: &Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// The `payment` of the first frame with `method`, parsed from its JSON string.
fn raw_payment(out: &[Output], method: &str) -> Map<String, Value> {
    let payment = &raw_payload(out, method)["payment"];
    let text = payment
        .as_str()
        .expect("payment is a JSON string, as real devices send it");
    match serde_json::from_str(text).expect("payment JSON") {
        Value::Object(map) => map,
        other => panic!("payment is not an object: {other}"),
    }
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

#[test]
fn envelopes_carry_only_id_type_method_package_and_payload() {
    let mut sim = real();
    let mut out = sim.connect(1);
    out.extend(sim.pairing_request(1, None));
    out.extend(sim.send(1, &Message::DiscoveryRequest(Default::default())));
    out.extend(sim.sale(1, 2500, "EXT-ENV"));
    out.extend(sim.status(1, true));
    let frames = raw(&out);
    assert!(frames.len() > 10, "{:?}", trace(&out));
    for (envelope, payload) in frames {
        assert_eq!(
            keys(&envelope),
            ["id", "method", "packageName", "payload", "type"],
            "{envelope:?}"
        );
        assert_eq!(envelope["type"], "COMMAND");
        let id = envelope["id"].as_str().unwrap();
        assert!(id.bytes().all(|b| b.is_ascii_digit()), "numbered ids: {id}");
        let payload = payload.unwrap();
        assert_eq!(payload["version"], 1, "{payload:?}");
        assert_eq!(payload["method"], envelope["method"]);
    }
}

#[test]
fn the_card_prompt_follows_configuring_and_tx_state_start() {
    let mut sim = real();
    sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-UI");
    assert_eq!(
        trace(&out),
        [
            "ACK",
            "TX_START_RESPONSE",
            "UI CONFIGURING ENTER",
            "UI CONFIGURING EXIT",
            "UI CONFIGURING ENTER",
            "TX_STATE START",
            "UI CONFIGURING EXIT",
            "UI START ENTER",
            "UI START EXIT",
            "UI PROCESSING ENTER",
            "UI PROCESSING EXIT",
            "UI RECEIPT_OPTIONS ENTER",
            "UI RECEIPT_OPTIONS EXIT",
            "TX_STATE SUCCESS",
            "FINISH_OK",
        ]
    );
    let prompt = &all!(out, UiState)[4];
    assert_eq!(
        prompt.ui_text.as_deref(),
        Some("Customer is choosing payment method…")
    );
    let options = prompt.input_options.as_ref().unwrap();
    assert_eq!(options.len(), 1);
    assert_eq!(options[0].key_press, Some(KeyPress::Esc));
    let configuring = raw_payload(&out, "UI_STATE");
    assert_eq!(configuring["uiState"], "CONFIGURING");
    assert_eq!(configuring["inputOptions"], Value::Array(Vec::new()));
}

#[test]
fn tx_start_response_is_success_only_and_finish_frames_have_no_request_info() {
    let mut sim = real();
    sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-OK");
    let start = raw_payload(&out, "TX_START_RESPONSE");
    assert_eq!(
        keys(start.as_object().unwrap()),
        ["method", "success", "version"]
    );
    assert_eq!(start["success"], true);
    let finish = raw_payload(&out, "FINISH_OK");
    assert!(finish.get("requestInfo").is_none(), "{finish}");
    assert!(finish["payment"].is_string());

    // Cancel at the card prompt (.07): FINISH_CANCEL carries nothing but method and version.
    let out = sim.sale(1, 2507, "EXT-CANCEL");
    let cancel = raw_payload(&out, "FINISH_CANCEL");
    assert_eq!(keys(cancel.as_object().unwrap()), ["method", "version"]);
}

#[test]
fn payments_carry_explicit_nulls_and_our_external_id() {
    let mut sim = real();
    sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-NULLS");
    let payment = raw_payment(&out, "FINISH_OK");
    for key in [
        "tipAmount",
        "taxRates",
        "cashTendered",
        "lineItemPayments",
        "cashbackAmount",
    ] {
        assert_eq!(payment.get(key), Some(&Value::Null), "{key} in {payment:?}");
    }
    assert_eq!(payment["externalPaymentId"], "EXT-NULLS");
    assert_eq!(payment["result"], "SUCCESS");
    assert_eq!(payment["amount"], 2500);
    assert_eq!(payment["cardTransaction"]["state"], "CLOSED");
    // The typed decode treats the nulls as absent, as the client does.
    let decoded = one!(out, FinishOk).payment.unwrap();
    assert_eq!(decoded.tip_amount, None);
    assert_eq!(decoded.external_payment_id.as_deref(), Some("EXT-NULLS"));
}

#[test]
fn an_on_screen_tip_is_in_the_payment() {
    let mut sim = real();
    sim.ready(1);
    let tx = Message::TxStart(TxStart {
        order: None,
        pay_intent: Some(PayIntent {
            amount: Some(2500),
            external_payment_id: Some("EXT-TIP".into()),
            transaction_settings: Some(TransactionSettings {
                tip_mode: Some(TipMode::OnScreenAfterPayment),
                ..Default::default()
            }),
            ..PayIntent::default()
        }),
        request_info: Some(RequestInfo::Sale),
        suppress_on_screen_tips: None,
    });
    let out = sim.send(1, &tx);
    assert_eq!(one!(out, TipAdded).tip_amount, Some(375));
    assert_eq!(raw_payment(&out, "FINISH_OK")["tipAmount"], 375);
}

#[test]
fn discovery_has_five_flags() {
    let mut sim = real();
    sim.paired(1);
    let out = sim.send(1, &Message::DiscoveryRequest(Default::default()));
    let discovery = raw_payload(&out, "DISCOVERY_RESPONSE");
    let flags: Vec<&str> = keys(discovery.as_object().unwrap())
        .into_iter()
        .filter(|k| k.starts_with("supports") || *k == "ready")
        .collect();
    assert_eq!(
        flags,
        [
            "ready",
            "supportsAcknowledgement",
            "supportsManualRefund",
            "supportsMultiPayToken",
            "supportsTipAdjust"
        ]
    );
    for key in [
        "merchantId",
        "merchantName",
        "merchantMId",
        "name",
        "serial",
        "model",
    ] {
        assert!(discovery[key].is_string(), "{key} in {discovery}");
    }
}

#[test]
fn status_and_reset_responses_carry_result_only() {
    let mut sim = real_manual();
    sim.ready(1);
    let status = raw_payload(&sim.status(1, false), "RETRIEVE_DEVICE_STATUS_RESPONSE");
    assert_eq!(status["result"], "SUCCESS");
    assert!(status.get("status").is_none(), "{status}");
    assert_eq!(status["state"], "IDLE");

    sim.sale(1, 2500, "EXT-RESET");
    let out = sim.send(1, &Message::Break(Default::default()));
    let reset = raw_payload(&out, "RESET_DEVICE_RESPONSE");
    assert_eq!(
        keys(reset.as_object().unwrap()),
        ["method", "result", "state", "version"]
    );
    assert_eq!(reset["result"], "SUCCESS");
    assert_eq!(reset["state"], "IDLE");
}

#[test]
fn ack_names_the_source_message_only() {
    let mut sim = real();
    sim.paired(1);
    let out = sim.send(1, &Message::DiscoveryRequest(Default::default()));
    let ack = raw_payload(&out, "ACK");
    assert_eq!(
        keys(ack.as_object().unwrap()),
        ["method", "sourceMessageId", "version"]
    );
    assert_eq!(ack["sourceMessageId"], sim.last_id());
}

#[test]
fn a_voided_payment_keeps_result_success_in_payment_voided() {
    let mut sim = real();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2505, "EXT-VOID"), VerifySignature);
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
    let voided = raw_payload(&out, "PAYMENT_VOIDED");
    assert_eq!(voided["voidReason"], "REJECT_SIGNATURE");
    let payment = raw_payment(&out, "PAYMENT_VOIDED");
    assert_eq!(payment["result"], "SUCCESS", "as recorded frame 474");
    assert_eq!(payment["cardTransaction"]["state"], "CLOSED");
    assert!(payment.get("voidReason").is_none(), "{payment:?}");
    assert_eq!(payment["externalPaymentId"], "EXT-VOID");
    let decoded = one!(out, PaymentVoided).payment.unwrap();
    assert_eq!(decoded.result, Some(PaymentResult::Success));
    assert_eq!(
        decoded.card_transaction.unwrap().state,
        Some(CardTransactionState::Closed)
    );

    // The device itself knows the payment is void: no duplicate, and RETRIEVE_PAYMENT says so.
    let response = one!(sim.retrieve_payment(1, "EXT-VOID"), RetrievePaymentResponse);
    assert_eq!(response.query_status, Some(QueryStatus::Found));
    let found = response.payment.unwrap();
    assert_eq!(found.result, Some(PaymentResult::Voided));
    assert_eq!(found.void_reason, Some(VoidReason::RejectSignature));
}

#[test]
fn partial_authorisation_is_a_challenge_the_pos_accepts() {
    let mut sim = real();
    sim.ready(1);
    let out = sim.sale(1, 2502, "EXT-PARTIAL");
    let t = trace(&out);
    assert!(!t.contains(&"PARTIAL_AUTH".to_owned()), "{t:?}");
    assert_eq!(
        t.last().map(String::as_str),
        Some("CONFIRM_PAYMENT_MESSAGE")
    );
    let ask = one!(out, ConfirmPayment);
    let challenges = ask.challenges.clone().unwrap();
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        challenges[0].kind,
        Some(ChallengeType::PartialAuthChallenge)
    );
    assert_eq!(challenges[0].reason, Some(VoidReason::RejectPartialAuth));
    assert!(challenges[0].message.as_deref().unwrap().contains("12.51"));
    assert_eq!(ask.payment.as_ref().unwrap().amount, Some(1251));
    let raw_challenge = &raw_payload(&out, "CONFIRM_PAYMENT_MESSAGE")["challenges"][0];
    assert_eq!(raw_challenge["type"], "PARTIAL_AUTH_CHALLENGE");

    let out = sim.send(
        1,
        &Message::PaymentConfirmed(PaymentConfirmed {
            payment: ask.payment,
        }),
    );
    assert_eq!(trace(&out).last().map(String::as_str), Some("FINISH_OK"));
    let payment = one!(out, FinishOk).payment.unwrap();
    assert_eq!(payment.amount, Some(1251));
    assert_eq!(payment.result, Some(PaymentResult::Success));
}

#[test]
fn a_rejected_partial_authorisation_is_voided() {
    let mut sim = real();
    sim.ready(1);
    let ask = one!(sim.sale(1, 2502, "EXT-PARTIAL-NO"), ConfirmPayment);
    let out = sim.send(
        1,
        &Message::PaymentRejected(PaymentRejected {
            payment: ask.payment,
            reason: Some(VoidReason::RejectPartialAuth),
        }),
    );
    assert_eq!(trace(&out), ["ACK", "PAYMENT_VOIDED", "FINISH_CANCEL"]);
    assert_eq!(
        one!(out, PaymentVoided).void_reason,
        Some(VoidReason::RejectPartialAuth)
    );
    let response = one!(
        sim.retrieve_payment(1, "EXT-PARTIAL-NO"),
        RetrievePaymentResponse
    );
    assert_eq!(
        response.payment.unwrap().result,
        Some(PaymentResult::Voided)
    );
}

#[test]
fn the_device_pings_about_once_a_second() {
    let mut sim = real_manual();
    sim.ready(1);
    let out = sim.advance(3_000);
    let pings = raw(&out);
    assert_eq!(pings.len(), 3, "{:?}", trace(&out));
    for (envelope, payload) in pings {
        assert_eq!(keys(&envelope), ["packageName", "type"]);
        assert_eq!(envelope["type"], "PING");
        assert!(payload.is_none());
    }
    // Unanswered PINGs never drop the POS (the client may answer with WebSocket pongs only).
    let out = sim.advance(60_000);
    assert!(closes(&out).is_empty(), "{:?}", trace(&out));
}

#[test]
fn the_default_profile_keeps_its_shapes() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.sale(1, 2500, "EXT-DEFAULT");
    let (envelope, _) = raw(&out).into_iter().next().unwrap();
    assert_eq!(envelope["version"], 2);
    assert!(envelope.contains_key("remoteSourceSDK"));
    assert!(!trace(&out).contains(&"UI CONFIGURING ENTER".to_owned()));
    assert_eq!(
        raw_payload(&out, "TX_START_RESPONSE")["externalPaymentId"],
        "EXT-DEFAULT"
    );
    assert_eq!(raw_payload(&out, "FINISH_OK")["requestInfo"], "SALE");
    assert!(sim.advance(5_000).is_empty(), "no PINGs by default");
}

#[test]
fn the_voided_reads_success_fault_shows_a_voided_payment_as_success_on_lookup() {
    for profile in [Profile::Default, Profile::Real] {
        let mut config = auto_config().with_profile(profile);
        config.faults.voided_reads_success = true;
        let mut sim = Sim::new(config);
        sim.ready(1);
        let ask = one!(sim.sale(1, 2505, "EXT-VRS"), VerifySignature);
        verify(&mut sim, ask.payment, false);
        let response = one!(sim.retrieve_payment(1, "EXT-VRS"), RetrievePaymentResponse);
        assert_eq!(response.query_status, Some(QueryStatus::Found));
        let found = response.payment.unwrap();
        assert_eq!(found.result, Some(PaymentResult::Success), "{profile}");
        assert_eq!(found.void_reason, None);
        assert_eq!(
            found.card_transaction.unwrap().state,
            Some(CardTransactionState::Closed)
        );
        // The device itself still knows the payment is void.
        let remembered = sim.dev.payments_by_external_id("EXT-VRS");
        assert_eq!(remembered[0].result, Some(PaymentResult::Voided));
    }
}
