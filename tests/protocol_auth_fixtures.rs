//! Auth, pre-auth, capture, increment, tip adjust and closeout frames against the official JS
//! SDK 4.1.2: the POS frames it writes (recorded through its CloverConnector request paths) and
//! the device answers built from its own message classes (tests/conformance/record_auth_frames.js).

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

fn payload(line: &str) -> Value {
    let env: Value = serde_json::from_str(line).unwrap();
    serde_json::from_str(env["payload"].as_str().unwrap()).unwrap()
}

/// The payload with nested objects sent as JSON strings replaced by the objects.
fn unnest(mut payload: Value) -> Value {
    for value in payload.as_object_mut().unwrap().values_mut() {
        if let Value::String(text) = value
            && let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(text)
        {
            *value = inner;
        }
    }
    payload
}

fn decode(line: &str) -> Message {
    Frame::decode(line).unwrap().message.expect("a message")
}

const POS: &str = "official-js-sdk-4.1.2-auth-frames.jsonl";
const DEVICE: &str = "official-js-sdk-4.1.2-auth-response-frames.jsonl";

#[test]
fn every_sdk_auth_frame_decodes_typed_and_re_encodes_identically() {
    let methods: Vec<String> = lines(POS)
        .iter()
        .map(|l| decode(l).method().to_owned())
        .collect();
    assert_eq!(
        methods,
        [
            "TX_START",
            "TX_START",
            "CAPTURE_PREAUTH",
            "INCREMENT_PREAUTH_REQUEST",
            "TIP_ADJUST",
            "CLOSEOUT_REQUEST"
        ]
    );
    for file in [POS, DEVICE] {
        for (i, line) in lines(file).iter().enumerate() {
            let frame = Frame::decode(line).unwrap();
            let msg = frame.message.as_ref().unwrap();
            assert!(
                !matches!(msg, Message::Unknown { .. }),
                "{file}:{} decoded as Unknown",
                i + 1
            );
            // Device answers re-encode with nested objects as strings (device form, §2.8).
            let again = frame.encode();
            assert_eq!(
                unnest(payload(&again)),
                unnest(payload(line)),
                "{file}:{}",
                i + 1
            );
        }
    }
}

#[test]
fn our_requests_are_the_sdk_payloads_key_for_key() {
    let enc = Encoder::pos(
        SNPD_PACKAGE,
        "com.clover.cloverconnector.cloud:4.1.2",
        "com.example.tuipos:0.1.0",
    );
    let options = SaleOptions {
        card_entry_methods: 34567,
        ..SaleOptions::default()
    };
    let auth = SaleRequest::builder()
        .amount(Cents(2000))
        .external_id("AUTH0001")
        .options(options.clone())
        .build()
        .unwrap();
    let pre = SaleRequest::builder()
        .amount(Cents(5000))
        .external_id("PREAUTH0001")
        .options(options)
        .build()
        .unwrap();
    let ours = [
        auth.to_auth_message(),
        pre.to_preauth_message(),
        Message::CapturePreAuth(CapturePreAuth {
            amount: Some(4500),
            tip_amount: Some(500),
            payment_id: Some("PAY1".into()),
        }),
        Message::IncrementPreAuth(IncrementPreAuth {
            amount: Some(1000),
            payment_id: Some("PAY1".into()),
        }),
        Message::TipAdjust(TipAdjust {
            tip_amount: Some(300),
            order_id: Some("ORDER1".into()),
            payment_id: Some("PAY2".into()),
        }),
        Message::CloseoutRequest(CloseoutRequest {
            allow_open_tabs: Some(false),
            batch_id: None,
        }),
    ];
    for (i, (msg, line)) in ours.iter().zip(lines(POS)).enumerate() {
        let id = (i + 1).to_string();
        let text = enc.command(&id, msg);
        assert_eq!(payload(&text), payload(&line), "frame {}", i + 1);
        let ours_env: Value = serde_json::from_str(&text).unwrap();
        let theirs: Value = serde_json::from_str(&line).unwrap();
        for key in ["type", "method", "packageName", "remoteSourceSDK"] {
            assert_eq!(ours_env[key], theirs[key], "frame {} {key}", i + 1);
        }
    }
}

#[test]
fn sdk_response_frames_carry_the_fields_the_sdk_reads() {
    let msgs: Vec<Message> = lines(DEVICE).iter().map(|l| decode(l)).collect();
    let Message::CapturePreAuthResponse(cap) = &msgs[0] else {
        panic!("{:?}", msgs[0])
    };
    assert_eq!(cap.status, Some(ResultStatus::Success));
    assert_eq!(
        (cap.payment_id.as_deref(), cap.amount, cap.tip_amount),
        (Some("PAY1"), Some(4500), Some(500))
    );
    let Message::IncrementPreAuthResponse(inc) = &msgs[1] else {
        panic!()
    };
    let authz = inc.authorization.as_ref().unwrap();
    assert_eq!(authz.amount, Some(6000));
    assert_eq!(
        authz.payment.as_ref().and_then(|p| p.id.as_deref()),
        Some("PAY1")
    );
    let Message::TipAdjustResponse(tip) = &msgs[2] else {
        panic!()
    };
    assert_eq!((tip.success, tip.amount), (Some(true), Some(300)));
    assert_eq!(tip.payment_id.as_deref(), Some("PAY2"));
    let Message::CloseoutResponse(close) = &msgs[3] else {
        panic!()
    };
    let batch = close.batch.as_ref().unwrap();
    assert_eq!(batch.id.as_deref(), Some("BATCH1"));
    assert_eq!(
        (batch.tx_count, batch.total_batch_amount),
        (Some(2), Some(2300))
    );
    assert_eq!(batch.state, Some(BatchState::Closed));
    let Message::CloseoutResponse(refused) = &msgs[4] else {
        panic!()
    };
    assert_eq!(refused.status, Some(ResultStatus::Fail));
    assert_eq!(refused.batch, None);
}

#[test]
fn summaries_name_the_money_and_ids() {
    let summaries: Vec<String> = lines(POS)
        .iter()
        .chain(lines(DEVICE).iter())
        .map(|l| summary::message_fields(&decode(l)))
        .collect();
    assert!(
        summaries[0].contains("requestInfo=AUTH"),
        "{}",
        summaries[0]
    );
    assert!(
        summaries[1].contains("requestInfo=PREAUTH"),
        "{}",
        summaries[1]
    );
    assert_eq!(summaries[2], "payment=\"PAY1\" amount=45.00 tip=5.00");
    assert_eq!(summaries[4], "payment=\"PAY2\" tip=3.00");
    assert_eq!(summaries[5], "allowOpenTabs=false");
    assert!(
        summaries[9].contains("batch=\"BATCH1\" count=2 total=23.00"),
        "{}",
        summaries[9]
    );
}
