//! The codec against recorded frames: the official JS SDK's POS frames and real device frames.

use serde_json::Value;
use till::protocol::*;

fn lines(name: &str) -> Vec<String> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn payload_json(envelope: &Value) -> Value {
    match envelope.get("payload") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap(),
        other => other.cloned().unwrap_or(Value::Null),
    }
}

#[test]
fn every_fixture_frame_decodes_to_a_typed_message() {
    for file in [
        "official-js-sdk-4.1.2-pos-frames.jsonl",
        "real-device-frames.jsonl",
    ] {
        for (i, line) in lines(file).iter().enumerate() {
            let frame = Frame::decode(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
            match frame.kind() {
                MessageType::Ping | MessageType::Pong => assert!(frame.message.is_none()),
                _ => {
                    let msg = frame.message.as_ref().expect("a message");
                    assert!(
                        !matches!(msg, Message::Unknown { .. }),
                        "{file}:{}: {} decoded as Unknown",
                        i + 1,
                        msg.method()
                    );
                }
            }
        }
    }
}

#[test]
fn pos_fixture_frames_re_encode_identically() {
    for (i, line) in lines("official-js-sdk-4.1.2-pos-frames.jsonl")
        .iter()
        .enumerate()
    {
        let frame = Frame::decode(line).unwrap();
        let again: Value = serde_json::from_str(&frame.encode()).unwrap();
        let original: Value = serde_json::from_str(line).unwrap();
        let strip = |v: &Value| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().remove("payload");
            v
        };
        assert_eq!(
            strip(&again),
            strip(&original),
            "envelope of line {}",
            i + 1
        );
        assert_eq!(
            payload_json(&again),
            payload_json(&original),
            "payload of line {}",
            i + 1
        );
    }
}

#[test]
fn real_device_frames_keep_their_quirks() {
    let frames: Vec<Frame> = lines("real-device-frames.jsonl")
        .iter()
        .map(|l| Frame::decode(l).unwrap())
        .collect();
    assert_eq!(frames.len(), 14);

    // TX_START_RESPONSE with only `success`.
    let Some(Message::TxStartResponse(tsr)) = &frames[0].message else {
        panic!()
    };
    assert_eq!(tsr.result, None);
    assert_eq!(tsr.outcome(), TxStartResponseResult::Success);

    // A uiText with U+FFFD survives.
    let Some(Message::UiState(ui)) = &frames[1].message else {
        panic!()
    };
    assert_eq!(ui.ui_state, Some(UiState::Configuring));
    assert!(ui.ui_text.as_deref().unwrap().contains('\u{FFFD}'));

    // Nested payment as a JSON string, with signature strokes.
    let vs = frames.iter().find_map(|f| match &f.message {
        Some(Message::VerifySignature(v)) => Some(v),
        _ => None,
    });
    let vs = vs.expect("VERIFY_SIGNATURE");
    let payment = vs.payment.as_ref().unwrap();
    assert_eq!(payment.id.as_deref(), Some("BB8SXKRWMA4H8"));
    assert_eq!(payment.amount, Some(20000));
    assert_eq!(payment.card_brand(), Some(&CardType::Mc));
    assert_eq!(payment.last4(), Some("9571"));
    assert!(vs.signature.as_ref().unwrap().point_count() > 10);

    // FINISH_OK with a credit, the USB package name, FINISH_CANCEL without requestInfo.
    let credit = frames.iter().find_map(|f| match &f.message {
        Some(Message::FinishOk(ok)) => ok.credit.clone(),
        _ => None,
    });
    assert_eq!(credit.unwrap().amount, Some(649));
    assert!(
        frames
            .iter()
            .any(|f| f.envelope.package_name.as_deref() == Some("com.clover.remote.protocol.usb"))
    );
    assert!(
        frames.iter().any(
            |f| matches!(&f.message, Some(Message::FinishCancel(c)) if c.request_info.is_none())
        )
    );

    // PAYMENT_VOIDED with its reason.
    let voided = frames.iter().find_map(|f| match &f.message {
        Some(Message::PaymentVoided(v)) => Some(v),
        _ => None,
    });
    assert_eq!(voided.unwrap().void_reason, Some(VoidReason::NotApproved));
}

#[test]
fn device_frames_nest_payments_as_strings() {
    let enc = Encoder::device(SNPD_PACKAGE, "com.clover.remote.device:till-sim");
    let payment = Payment {
        id: Some("PAY1".into()),
        amount: Some(2500),
        ..Payment::default()
    };
    let text = enc.command(
        "d1",
        &Message::FinishOk(FinishOk {
            payment: Some(payment.clone()),
            request_info: Some(RequestInfo::Sale),
            ..FinishOk::default()
        }),
    );
    let envelope: Value = serde_json::from_str(&text).unwrap();
    assert!(envelope["payload"].is_string());
    let payload = payload_json(&envelope);
    assert!(payload["payment"].is_string(), "{payload}");
    assert_eq!(payload["version"], 1);
    assert_eq!(payload["method"], "FINISH_OK");
    assert!(payload.get("messageId").is_none());
    assert_eq!(envelope["version"], 2);
    let back = Frame::decode(&text).unwrap();
    let Some(Message::FinishOk(ok)) = back.message else {
        panic!()
    };
    assert_eq!(ok.payment, Some(payment));
}

#[test]
fn a_sale_encodes_like_the_js_sdk() {
    let fixture = &lines("official-js-sdk-4.1.2-pos-frames.jsonl")[3];
    let sale = SaleRequest::builder()
        .amount(Cents(1050))
        .external_id("EXT0000000001")
        .build()
        .unwrap();
    let enc = Encoder::pos(
        SNPD_PACKAGE,
        "com.clover.cloverconnector.cloud:4.1.2",
        "com.example.pos",
    );
    let ours: Value = serde_json::from_str(&enc.command("4", &sale.to_message())).unwrap();
    let theirs: Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(payload_json(&ours), payload_json(&theirs));
    assert_eq!(ours["method"], theirs["method"]);
    assert_eq!(ours["type"], theirs["type"]);
    assert_eq!(ours["packageName"], theirs["packageName"]);
}

#[test]
fn tolerant_decoding_rules() {
    // Windows pairing request: no id, no type, no packageName.
    let f = Frame::decode(r#"{"version":1,"method":"PAIRING_REQUEST","payload":"{\"method\":\"PAIRING_REQUEST\",\"serialNumber\":\"LANE-1\",\"name\":\"TUI POS\",\"authenticationToken\":\"tok\"}"}"#).unwrap();
    assert_eq!(f.kind(), MessageType::Command);
    let Some(Message::PairingRequest(p)) = f.message else {
        panic!()
    };
    assert_eq!(p.authentication_token.as_deref(), Some("tok"));

    // Unknown method, unknown enum value, null members, `status` vs `result`.
    let f =
        Frame::decode(r#"{"type":"COMMAND","method":"NEW_THING","payload":"{\"x\":1}"}"#).unwrap();
    assert!(
        matches!(f.message, Some(Message::Unknown { ref method, .. }) if method == "NEW_THING")
    );
    let f = Frame::decode(
        r#"{"method":"UI_STATE","payload":"{\"uiState\":\"BRAND_NEW\",\"uiText\":null}"}"#,
    )
    .unwrap();
    let Some(Message::UiState(ui)) = f.message else {
        panic!()
    };
    assert_eq!(ui.ui_state, Some(UiState::Unknown("BRAND_NEW".into())));
    assert_eq!(ui.ui_text, None);
    let f = Frame::decode(r#"{"method":"RETRIEVE_DEVICE_STATUS_RESPONSE","payload":"{\"result\":\"SUCCESS\",\"state\":\"IDLE\"}"}"#).unwrap();
    let Some(Message::RetrieveDeviceStatusResponse(s)) = f.message else {
        panic!()
    };
    assert_eq!(s.outcome(), Some(&ResultStatus::Success));

    // Big money values.
    let f = Frame::decode(r#"{"method":"TIP_ADDED","payload":"{\"tipAmount\":5000000000000}"}"#)
        .unwrap();
    assert!(matches!(
        f.message,
        Some(Message::TipAdded(TipAdded {
            tip_amount: Some(5_000_000_000_000)
        }))
    ));

    // Errors say what is wrong.
    assert!(matches!(
        Frame::decode("nope"),
        Err(DecodeError::NotJson(_))
    ));
    assert!(matches!(
        Frame::decode("[1]"),
        Err(DecodeError::NotAnObject(_))
    ));
    assert!(matches!(
        Frame::decode("{}"),
        Err(DecodeError::NotAnEnvelope)
    ));
    assert!(matches!(
        Frame::decode(r#"{"type":"COMMAND"}"#),
        Err(DecodeError::NoMethod)
    ));
    assert!(matches!(
        Frame::decode(r#"{"method":"TX_START","payload":"{\"payIntent\":7}"}"#),
        Err(DecodeError::BadPayload { .. })
    ));
}
