//! Golden test: the SHOW_ORDER_SCREEN, PRINT_TEXT, PRINT_JOB_STATUS_REQUEST, GET_PRINTERS_REQUEST
//! and SHOW_PAYMENT_RECEIPT_OPTIONS frames `till` writes for an order equal the frames the official
//! JS SDK 4.1.2 writes for the same order (recorded by `tests/conformance/record_order_frames.js`
//! through the SDK's own `DefaultCloverDevice` and serializer). `id`, `messageId`, the envelope
//! `version`, `remoteSourceSDK` and `remoteApplicationID` may differ; payloads compare as JSON.

use serde_json::{Map, Value};
use till::connector::display_requests as req;
use till::connector::frames::FrameWriter;
use till::order::display::{DisplayLabels, order_removed, order_update};
use till::order::{Change, DiscountKind, NewLine, Order, Percent};
use till::protocol::{Cents, Frame, Message};

fn recorded() -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/official-js-sdk-4.1.2-order-frames.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn comparable(text: &str) -> (Map<String, Value>, Value) {
    let Value::Object(mut envelope) = serde_json::from_str::<Value>(text).unwrap() else {
        panic!("not an object: {text}")
    };
    for k in ["id", "remoteSourceSDK", "remoteApplicationID", "version"] {
        envelope.remove(k);
    }
    let payload = match envelope.remove("payload") {
        Some(Value::String(s)) => {
            let mut p: Value = serde_json::from_str(&s).unwrap();
            p.as_object_mut().unwrap().remove("messageId");
            p
        }
        other => panic!("payload is not a string: {other:?}"),
    };
    (envelope, payload)
}

fn labels() -> DisplayLabels {
    DisplayLabels {
        order_id: "O1".into(),
        title: Some("Thank you for shopping".into()),
        note: None,
        currency: "USD".into(),
    }
}

fn item(name: &str, qty: u32, price: i64) -> NewLine {
    NewLine {
        name: Some(name.into()),
        quantity: qty,
        unit_price: Cents(price),
        tax_rate: None,
        code: None,
    }
}

/// The same edits the recording script makes, through till's order model.
fn till_messages() -> Vec<Message> {
    let l = labels();
    let mut order = Order::new(Percent::parse("10").unwrap());
    let mut out = Vec::new();
    let mut send = |order: &Order, change: Change| {
        out.push(req::show_order(order_update(order, &l, &change)).unwrap());
    };
    let c = order.add_line(item("Coffee", 2, 350)).unwrap();
    send(&order, c);
    let c = order.add_line(item("Bagel", 1, 225)).unwrap();
    send(&order, c);
    let c = order
        .add_discount("Promo", DiscountKind::Amount(Cents(100)))
        .unwrap();
    send(&order, c);
    let c = order.remove_discount("D1").unwrap();
    send(&order, c);
    let c = order.remove_line("L1").unwrap();
    send(&order, c);
    send(&order, Change::Modified);
    out.push(req::show_order(order_removed(&order, &l)).unwrap());
    let lines = [
        "Till Cafe",
        "Bagel    1 x 2.25    2.25",
        "TOTAL              2.48",
    ]
    .map(String::from);
    out.push(req::print_text(&lines, "J1").unwrap());
    out.push(req::print_job_status("J1").unwrap());
    out.push(req::retrieve_printers(Some("RECEIPT")).unwrap());
    out.push(req::show_payment_receipt_options("ORDER1", "PAY1").unwrap());
    out
}

#[test]
fn display_and_print_frames_match_the_official_sdk() {
    let recorded = recorded();
    let ours = till_messages();
    assert_eq!(recorded.len(), ours.len(), "one frame per recorded request");
    let mut writer = FrameWriter::direct("com.example.tuipos:0.1.0");
    for (i, (sdk, message)) in recorded.iter().zip(&ours).enumerate() {
        let frame = writer.command(message).text;
        let (sdk_env, sdk_payload) = comparable(sdk);
        let (our_env, our_payload) = comparable(&frame);
        assert_eq!(our_env, sdk_env, "frame {i} envelope");
        assert_eq!(
            our_payload,
            sdk_payload,
            "frame {i} ({}) payload",
            message.method()
        );
    }
}

#[test]
fn recorded_sdk_frames_decode_to_the_typed_messages() {
    for (sdk, ours) in recorded().iter().zip(till_messages()) {
        let frame = Frame::decode(sdk).unwrap();
        assert_eq!(frame.message, Some(ours), "{sdk}");
    }
}

#[test]
fn malformed_requests_are_refused_before_the_wire() {
    assert!(req::print_text(&[], "J1").is_err());
    assert!(req::print_text(&["ok\u{1b}[2J".into()], "J1").is_err());
    assert!(req::print_text(&["ok".into()], "").is_err());
    assert!(req::retrieve_printers(Some("KITCHEN")).is_err());
    let mut two = order_removed(&Order::new(Percent::ZERO), &labels());
    two.line_items_added_operation = Some(Default::default());
    assert!(req::show_order(two).is_err());
}
