//! Property: for any sequence of device inputs, valid or hostile, the ledger op stream of the
//! state machine never sets `approved` unless the input just applied carried our external id and
//! an amount within the request (amount + tip + tax, or a tip the customer chose on the device).

use proptest::prelude::*;
use till::app::{
    Action, AppSettings, DeviceInfo, DeviceInput, Effect, Event, LedgerOp, State, update,
};
use till::payment::PaymentState;
use till::protocol::{
    CardTransaction, CardType, Cents, Challenge, ChallengeType, ExternalDeviceState, Payment,
    PaymentResult, QueryStatus, Signature, TxStartResponseResult, VoidReason,
};

const EXT: &str = "EXT-PROP-1";
const AMOUNT: i64 = 1234;
const TIP: i64 = 100;
const TAX: i64 = 50;

fn ext() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(Some(EXT.to_owned())),
        1 => Just(Some("OTHER-SALE".to_owned())),
        1 => Just(None),
    ]
}

fn amount() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        Just(Some(AMOUNT)),
        Just(Some(AMOUNT / 2)),
        Just(Some(AMOUNT + TAX)),
        Just(Some(AMOUNT + 1_000)),
        Just(Some(77_777_777)),
        Just(Some(-5)),
        Just(Some(0)),
        Just(None),
        (0i64..5_000).prop_map(Some),
    ]
}

fn result() -> impl Strategy<Value = Option<PaymentResult>> {
    prop_oneof![
        4 => Just(Some(PaymentResult::Success)),
        1 => Just(Some(PaymentResult::Fail)),
        1 => Just(Some(PaymentResult::Voided)),
        1 => Just(Some(PaymentResult::Auth)),
        1 => Just(None),
    ]
}

fn payment() -> impl Strategy<Value = Payment> {
    (
        ext(),
        amount(),
        prop_oneof![
            Just(None),
            Just(Some(0i64)),
            Just(Some(TIP)),
            (0i64..3_000).prop_map(Some),
            Just(Some(-1))
        ],
        result(),
        prop_oneof![Just("PAY1"), Just("PAY2")],
    )
        .prop_map(|(ext, amount, tip, result, id)| Payment {
            id: Some(id.to_owned()),
            external_payment_id: ext,
            amount,
            tip_amount: tip,
            result,
            card_transaction: Some(CardTransaction {
                card_type: Some(CardType::Visa),
                last4: Some("4242".into()),
                ..CardTransaction::default()
            }),
            ..Payment::default()
        })
}

fn challenges() -> impl Strategy<Value = Vec<Challenge>> {
    prop::collection::vec(
        (
            prop_oneof![
                Just(None),
                Just(Some(ChallengeType::DuplicateChallenge)),
                Just(Some(ChallengeType::PartialAuthChallenge)),
                Just(Some(ChallengeType::OfflineChallenge)),
            ],
            prop_oneof![Just(None), Just(Some(VoidReason::RejectDuplicate))],
        )
            .prop_map(|(kind, reason)| Challenge {
                kind,
                message: None,
                reason,
            }),
        0..3,
    )
}

fn event() -> impl Strategy<Value = Event> {
    let dev = |i: DeviceInput| Event::Device(i);
    prop_oneof![
        1 => (
            prop_oneof![
                Just(TxStartResponseResult::Success),
                Just(TxStartResponseResult::Duplicate),
                Just(TxStartResponseResult::Fail),
            ],
            ext()
        )
            .prop_map(move |(result, external_id)| dev(DeviceInput::TxStartResponse {
                result,
                external_id,
                message: None
            })),
        4 => payment().prop_map(move |p| dev(DeviceInput::FinishOk {
            payment: Some(p),
            request_info: None
        })),
        1 => Just(dev(DeviceInput::FinishCancel { request_info: None })),
        1 => (payment(), challenges()).prop_map(move |(payment, challenges)| dev(
            DeviceInput::ConfirmPayment {
                payment,
                challenges
            }
        )),
        1 => payment().prop_map(move |payment| dev(DeviceInput::VerifySignature {
            payment,
            signature: Signature::default()
        })),
        1 => payment().prop_map(move |p| dev(DeviceInput::PaymentVoided {
            payment: Some(p),
            reason: None
        })),
        1 => (0i64..3_000).prop_map(move |t| dev(DeviceInput::TipAdded(Cents(t)))),
        3 => (
            prop_oneof![
                Just(QueryStatus::Found),
                Just(QueryStatus::NotFound),
                Just(QueryStatus::InProgress)
            ],
            ext(),
            prop::option::of(payment())
        )
            .prop_map(move |(query, external_id, payment)| dev(
                DeviceInput::RetrievePayment {
                    query,
                    external_id,
                    payment
                }
            )),
        1 => prop_oneof![
            Just(ExternalDeviceState::Idle),
            Just(ExternalDeviceState::Busy),
            Just(ExternalDeviceState::WaitingForCustomer)
        ]
        .prop_map(move |state| dev(DeviceInput::DeviceStatus {
            state,
            substate: None,
            external_id: None
        })),
        1 => Just(dev(DeviceInput::Disconnected(till::device::Disconnect::stopped("dropped")))),
        1 => Just(dev(DeviceInput::Ready(DeviceInfo::default()))),
        1 => Just(dev(DeviceInput::Busy("busy".into()))),
        1 => any::<bool>().prop_map(|accept| Event::Action(Action::AnswerChallenge { accept })),
        1 => any::<bool>().prop_map(|accept| Event::Action(Action::AnswerSignature { accept })),
        1 => (1u64..12).prop_map(Event::Timer),
    ]
}

/// The payment an input carries, if any.
fn carried(e: &Event) -> Option<&Payment> {
    match e {
        Event::Device(
            DeviceInput::FinishOk {
                payment: Some(p), ..
            }
            | DeviceInput::RetrievePayment {
                payment: Some(p), ..
            }
            | DeviceInput::ConfirmPayment { payment: p, .. }
            | DeviceInput::VerifySignature { payment: p, .. }
            | DeviceInput::PaymentVoided {
                payment: Some(p), ..
            },
        ) => Some(p),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn approved_only_on_our_id_and_an_amount_within_the_request(events in prop::collection::vec(event(), 1..24)) {
        let mut s = State::new(AppSettings::default());
        update(&mut s, Event::Device(DeviceInput::Ready(DeviceInfo::default())));
        update(&mut s, Event::Action(Action::StartSale {
            amount: Cents(AMOUNT),
            tip: Some(Cents(TIP)),
            tax: Some(Cents(TAX)),
            external_id: Some(EXT.into()),
        }));
        let mut tip_added = 0i64;
        for e in events {
            if let Event::Device(DeviceInput::TipAdded(t)) = &e {
                tip_added = tip_added.max(t.0);
            }
            let input = e.clone();
            let fx = update(&mut s, e);
            for effect in &fx {
                if let Effect::Persist(LedgerOp::Transition { to: PaymentState::Approved, .. }) = effect {
                    let p = carried(&input);
                    prop_assert!(p.is_some(), "approved without a payment: {input:?}");
                    let p = p.unwrap();
                    prop_assert_eq!(p.external_payment_id.as_deref(), Some(EXT), "approved on {:?}", input);
                    let taken = p.amount.unwrap_or(i64::MAX).saturating_add(p.tip_amount.unwrap_or(0));
                    let ceiling = AMOUNT + TIP.max(tip_added) + TAX;
                    prop_assert!(p.amount.unwrap_or(0) > 0 && taken <= ceiling, "approved {taken} > {ceiling}: {input:?}");
                    prop_assert!(!matches!(p.result, Some(PaymentResult::Fail | PaymentResult::Voided) | None));
                }
            }
        }
    }
}
