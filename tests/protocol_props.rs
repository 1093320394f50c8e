//! Property tests of the codec and of `Cents`.

use proptest::prelude::*;
use till::protocol::*;

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[ -~]{0,24}")
}

fn payment() -> impl Strategy<Value = Payment> {
    (
        opt_text(),
        proptest::option::of(any::<i64>()),
        proptest::option::of(0i64..1_000_000),
        opt_text(),
        any::<bool>(),
    )
        .prop_map(|(id, amount, tip, ext, approved)| Payment {
            id,
            amount,
            tip_amount: tip,
            external_payment_id: ext,
            result: Some(if approved {
                PaymentResult::Success
            } else {
                PaymentResult::Voided
            }),
            card_transaction: Some(CardTransaction {
                card_type: Some(CardType::Visa),
                last4: Some("4242".into()),
                ..CardTransaction::default()
            }),
            ..Payment::default()
        })
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (opt_text(), opt_text(), opt_text()).prop_map(|(name, serial, token)| {
            Message::PairingRequest(PairingRequest {
                name,
                serial_number: serial,
                application_name: None,
                authentication_token: token,
            })
        }),
        opt_text().prop_map(|text| Message::TerminalMessage(TerminalMessage { text })),
        (
            1i64..i64::MAX / 4,
            proptest::option::of(0i64..10_000),
            "[A-Za-z0-9]{1,32}"
        )
            .prop_map(|(amount, tip, id)| {
                let mut b = SaleRequest::builder().amount(Cents(amount)).external_id(id);
                if let Some(t) = tip {
                    b = b.tip(Cents(t));
                }
                b.build().unwrap().to_message()
            }),
        payment().prop_map(|p| Message::PaymentConfirmed(PaymentConfirmed { payment: Some(p) })),
        (payment(), any::<bool>()).prop_map(|(p, v)| Message::SignatureVerified(
            SignatureVerified {
                payment: Some(p),
                verified: Some(v)
            }
        )),
        (
            payment(),
            proptest::option::of(proptest::collection::vec((0i32..800, 0i32..400), 0..20))
        )
            .prop_map(|(p, pts)| Message::FinishOk(FinishOk {
                payment: Some(p),
                signature: pts.map(|pts| Signature {
                    width: Some(800),
                    height: Some(400),
                    strokes: vec![Stroke {
                        points: pts.into_iter().map(|(x, y)| Point { x, y }).collect()
                    }],
                }),
                request_info: Some(RequestInfo::Sale),
                ..FinishOk::default()
            })),
        (opt_text(), any::<bool>()).prop_map(|(ext, found)| Message::RetrievePaymentResponse(
            RetrievePaymentResponse {
                status: Some(ResultStatus::Success),
                query_status: Some(if found {
                    QueryStatus::Found
                } else {
                    QueryStatus::NotFound
                }),
                external_payment_id: ext,
                ..RetrievePaymentResponse::default()
            }
        )),
        any::<bool>().prop_map(|b| Message::RetrieveDeviceStatusRequest(
            RetrieveDeviceStatusRequest {
                send_last_message: Some(b)
            }
        )),
        "[A-Z_]{1,20}".prop_map(|s| Message::UiState(UiStateMessage {
            ui_state: Some(UiState::from_wire(&s)),
            ui_direction: Some(UiDirection::Enter),
            ..UiStateMessage::default()
        })),
        Just(Message::Break(NoFields {})),
    ]
}

proptest! {
    #[test]
    fn encode_then_decode_is_identity(msg in message(), id in "[0-9]{1,6}", pos in any::<bool>()) {
        let enc = if pos {
            Encoder::pos(SNPD_PACKAGE, "test:1", "app")
        } else {
            Encoder::device(SNPD_PACKAGE, "sim:1")
        };
        let text = enc.command(&id, &msg);
        let frame = Frame::decode(&text).unwrap();
        prop_assert_eq!(frame.envelope.id.as_deref(), Some(id.as_str()));
        prop_assert_eq!(frame.message.as_ref(), Some(&msg));
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = Frame::decode(&text);
    }

    #[test]
    fn decoding_arbitrary_json_never_panics(json in arb_json(), method in prop::sample::select(Message::KNOWN_METHODS)) {
        let _ = Frame::from_value(json.clone());
        // The same value as the payload of every known method.
        let envelope = serde_json::json!({"type": "COMMAND", "method": method, "payload": json.to_string()});
        let _ = Frame::from_value(envelope);
        let envelope = serde_json::json!({"method": method, "payload": json});
        let _ = Frame::from_value(envelope);
    }

    #[test]
    fn cents_display_parse_round_trip(c in 0i64..=i64::MAX) {
        prop_assert_eq!(Cents::parse(&Cents(c).to_string()), Ok(Cents(c)));
    }

    #[test]
    fn cents_parse_matches_exact_arithmetic(whole in 0u64..10_000_000_000, frac in 0u64..100) {
        let text = format!("{whole}.{frac:02}");
        prop_assert_eq!(Cents::parse(&text), Ok(Cents((whole * 100 + frac) as i64)));
    }

    #[test]
    fn cents_parse_never_panics(text in ".{0,40}") {
        let _ = Cents::parse(&text);
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(vec!["payment", "{\"id\":1}", "{", "PAIRED", "SALE"])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "payment",
                        "payIntent",
                        "amount",
                        "challenges",
                        "signature",
                        "strokes",
                        "points",
                        "method",
                        "type",
                        "payload",
                        "id",
                        "version",
                        "uiState",
                        "inputOptions",
                        "data",
                        "queryStatus",
                        "x",
                    ]),
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}
