//! The connector's side of #17: each auth command becomes the frame the JS SDK sends (checked
//! against the SDK's recorded frames by `protocol_auth_fixtures`), a bad parameter is refused
//! before anything is sent, and each device answer decodes into the app's input with card data
//! and amounts as the device gave them.

use till::connector::{CommandError, decode, encode};
use till::device::{DeviceCommand, DeviceInput};
use till::protocol::{
    Batch, BatchState, CapturePreAuthResponse, Cents, CloseoutResponse, Message, RequestInfo,
    ResultStatus, SaleRequest, TipAdjustResponse, TransactionType,
};

fn message(command: DeviceCommand) -> Message {
    encode::message_for(&command)
        .expect("valid")
        .expect("a frame")
}

#[test]
fn auth_commands_become_their_frames() {
    let request = SaleRequest::builder()
        .amount(Cents(2000))
        .external_id("TAB-1")
        .build()
        .unwrap();
    let Message::TxStart(auth) = message(DeviceCommand::Auth(request.clone())) else {
        panic!("an auth is a TX_START");
    };
    assert_eq!(auth.request_info, Some(RequestInfo::Auth));
    let Message::TxStart(pre) = message(DeviceCommand::PreAuth(request)) else {
        panic!("a pre-auth is a TX_START");
    };
    assert_eq!(pre.request_info, Some(RequestInfo::Preauth));
    assert_eq!(
        pre.pay_intent.and_then(|p| p.transaction_type),
        Some(TransactionType::Auth)
    );

    let Message::CapturePreAuth(c) = message(DeviceCommand::Capture {
        payment_id: "PAY1".into(),
        amount: Cents(4500),
        tip: Cents(500),
    }) else {
        panic!("CAPTURE_PREAUTH");
    };
    assert_eq!(
        (c.payment_id.as_deref(), c.amount, c.tip_amount),
        (Some("PAY1"), Some(4500), Some(500))
    );
    let Message::IncrementPreAuth(i) = message(DeviceCommand::Increment {
        payment_id: "PAY1".into(),
        amount: Cents(1000),
    }) else {
        panic!("INCREMENT_PREAUTH_REQUEST");
    };
    assert_eq!(i.amount, Some(1000));
    let Message::TipAdjust(t) = message(DeviceCommand::TipAdjust {
        payment_id: "PAY1".into(),
        order_id: Some("ORD1".into()),
        tip: Cents(300),
    }) else {
        panic!("TIP_ADJUST");
    };
    assert_eq!(
        (t.tip_amount, t.order_id.as_deref()),
        (Some(300), Some("ORD1"))
    );
    let Message::CloseoutRequest(k) = message(DeviceCommand::Closeout {
        allow_open_tabs: true,
    }) else {
        panic!("CLOSEOUT_REQUEST");
    };
    assert_eq!(k.allow_open_tabs, Some(true));
}

#[test]
fn bad_parameters_are_refused_before_anything_is_sent() {
    let bad = [
        DeviceCommand::Capture {
            payment_id: " ".into(),
            amount: Cents(100),
            tip: Cents(0),
        },
        DeviceCommand::Capture {
            payment_id: "PAY1".into(),
            amount: Cents(0),
            tip: Cents(0),
        },
        DeviceCommand::Capture {
            payment_id: "PAY1".into(),
            amount: Cents(100),
            tip: Cents(-1),
        },
        DeviceCommand::Increment {
            payment_id: "PAY1".into(),
            amount: Cents(-5),
        },
        DeviceCommand::TipAdjust {
            payment_id: "".into(),
            order_id: None,
            tip: Cents(1),
        },
        DeviceCommand::TipAdjust {
            payment_id: "PAY1".into(),
            order_id: None,
            tip: Cents(-1),
        },
    ];
    for command in bad {
        assert!(
            matches!(
                encode::message_for(&command),
                Err(CommandError::Invalid { .. })
            ),
            "{command:?}"
        );
    }
}

#[test]
fn device_answers_decode_into_app_inputs() {
    let inputs = decode::inputs(Message::CapturePreAuthResponse(CapturePreAuthResponse {
        status: Some(ResultStatus::Fail),
        reason: Some("FAIL".into()),
        message: Some("above the hold".into()),
        payment_id: Some("PAY1".into()),
        amount: Some(9000),
        tip_amount: Some(0),
    }));
    assert_eq!(
        inputs,
        vec![DeviceInput::CaptureResponse {
            success: false,
            payment_id: Some("PAY1".into()),
            amount: Some(Cents(9000)),
            tip: Some(Cents(0)),
            message: Some("FAIL: above the hold".into()),
        }]
    );
    let inputs = decode::inputs(Message::TipAdjustResponse(TipAdjustResponse {
        success: Some(true),
        amount: Some(350),
        payment_id: Some("PAY1".into()),
        ..Default::default()
    }));
    assert!(matches!(
        inputs.as_slice(),
        [DeviceInput::TipAdjustResponse { success: true, tip: Some(t), .. }] if *t == Cents(350)
    ));
    let inputs = decode::inputs(Message::CloseoutResponse(CloseoutResponse {
        status: Some(ResultStatus::Success),
        batch: Some(Batch {
            id: Some("B1".into()),
            tx_count: Some(3),
            total_batch_amount: Some(4200),
            state: Some(BatchState::Closed),
            ..Default::default()
        }),
        ..Default::default()
    }));
    match inputs.as_slice() {
        [
            DeviceInput::CloseoutResponse {
                success: true,
                batch: Some(b),
                ..
            },
        ] => {
            assert_eq!(
                (b.id.as_deref(), b.count, b.total, b.state.as_deref()),
                (Some("B1"), Some(3), Some(Cents(4200)), Some("CLOSED"))
            );
        }
        other => panic!("{other:?}"),
    }
}
