//! Auths, pre-auths, captures, tip adjusts and closeout through the simulator over real loopback
//! sockets (issue #17): the device's answers, the cloud REST endpoint showing the new amounts
//! and tip, and `till sim --no-auth --no-preauth --no-tip-adjust` switching the flows off.

mod sim_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use sim_support::{Pos, auto_config};
use till::protocol::{Message, Payment, ResultStatus};
use till::sim::{CloudConfig, DEV_ACCESS_TOKEN, Simulator};

const MERCHANT: &str = "MRCHNT0000001";

/// TX_START of an auth (`AUTH`) or a pre-auth (`PREAUTH`), shaped like the JS SDK's.
async fn start(pos: &mut Pos, request_info: &str, amount: i64, external_id: &str) {
    let kind = if request_info == "AUTH" {
        "PAYMENT"
    } else {
        "AUTH"
    };
    let mut settings =
        json!({"cardEntryMethods": 34567, "disableRestartTransactionOnFailure": true});
    if request_info == "AUTH" {
        settings["tipMode"] = json!("ON_PAPER");
    }
    let pay_intent = json!({
        "amount": amount, "transactionType": kind, "externalPaymentId": external_id,
        "requiresRemoteConfirmation": true, "allowPartialAuth": true,
        "transactionSettings": settings,
    });
    pos.send(
        "TX_START",
        json!({"payIntent": pay_intent, "requestInfo": request_info, "order": null}),
    )
    .await;
}

async fn finished_payment(pos: &mut Pos) -> Payment {
    match pos.expect("FINISH_OK").await.message {
        Some(Message::FinishOk(f)) => f.payment.expect("a payment"),
        other => panic!("not a FINISH_OK: {other:?}"),
    }
}

async fn rest_payment(sim: &Simulator, external_id: &str) -> Value {
    let path = format!(
        "/v3/merchants/{MERCHANT}/payments?filter=externalPaymentId={external_id}&expand=voids"
    );
    let auth = format!("Bearer {DEV_ACCESS_TOKEN}");
    let (status, _, body) = sim_support::http(
        sim.local_addr(),
        "GET",
        &path,
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    answer["elements"][0].clone()
}

#[tokio::test]
async fn capture_and_tip_adjust_show_in_the_cloud_rest_payment() {
    let mut config = auto_config();
    config.cloud = Some(CloudConfig::dev(MERCHANT));
    let sim = Simulator::start(config).await.expect("simulator starts");
    let mut pos = Pos::connect(&sim.url()).await;
    pos.pair(None).await;
    pos.discover().await;

    start(&mut pos, "PREAUTH", 5000, "EXTHOLD0001").await;
    let hold = finished_payment(&mut pos).await;
    assert_eq!(rest_payment(&sim, "EXTHOLD0001").await["result"], "AUTH");
    pos.send(
        "CAPTURE_PREAUTH",
        json!({"amount": 4500, "tipAmount": 500, "paymentId": hold.id}),
    )
    .await;
    let Some(Message::CapturePreAuthResponse(captured)) =
        pos.expect("CAPTURE_PREAUTH_RESPONSE").await.message
    else {
        panic!("a typed CAPTURE_PREAUTH_RESPONSE")
    };
    assert_eq!(captured.status, Some(ResultStatus::Success));
    let rest = rest_payment(&sim, "EXTHOLD0001").await;
    assert_eq!(
        (&rest["result"], &rest["amount"], &rest["tipAmount"]),
        (&json!("SUCCESS"), &json!(4500), &json!(500))
    );

    start(&mut pos, "AUTH", 2000, "EXTTAB0001").await;
    let tab = finished_payment(&mut pos).await;
    let order = tab.order.as_ref().and_then(|o| o.id.clone());
    pos.send(
        "TIP_ADJUST",
        json!({"tipAmount": 350, "orderId": order, "paymentId": tab.id}),
    )
    .await;
    let Some(Message::TipAdjustResponse(adjusted)) =
        pos.expect("TIP_ADJUST_RESPONSE").await.message
    else {
        panic!("a typed TIP_ADJUST_RESPONSE")
    };
    assert_eq!((adjusted.success, adjusted.amount), (Some(true), Some(350)));
    assert_eq!(rest_payment(&sim, "EXTTAB0001").await["tipAmount"], 350);

    pos.send("CLOSEOUT_REQUEST", json!({"allowOpenTabs": false}))
        .await;
    let Some(Message::CloseoutResponse(closed)) = pos.expect("CLOSEOUT_RESPONSE").await.message
    else {
        panic!("a typed CLOSEOUT_RESPONSE")
    };
    let batch = closed.batch.expect("the batch");
    assert_eq!(
        (batch.tx_count, batch.total_batch_amount),
        (Some(2), Some(5000 + 2350))
    );
    assert_eq!(
        rest_payment(&sim, "EXTTAB0001").await["cardTransaction"]["state"],
        "CLOSED"
    );
    sim.shutdown().await;
}

/// A `till sim` child, killed on drop.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn till_sim_flags_switch_auth_preauth_and_tip_adjust_off() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
        .args([
            "sim",
            "--listen",
            "127.0.0.1:0",
            "--customer",
            "auto",
            "--delay-ms",
            "0",
            "--no-auth",
            "--no-preauth",
            "--no-tip-adjust",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("till sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let child = Child(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the listening line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let mut pos = Pos::connect(&url).await;
    pos.pair(None).await;
    let Some(Message::DiscoveryResponse(flags)) = pos.discover().await.message else {
        panic!("a typed DISCOVERY_RESPONSE")
    };
    assert_eq!(
        (
            flags.supports_auth,
            flags.supports_pre_auth,
            flags.supports_tip_adjust
        ),
        (Some(false), Some(false), Some(false))
    );
    start(&mut pos, "AUTH", 2000, "EXTNOAUTH1").await;
    let Some(Message::TxStartResponse(refused)) = pos.expect("TX_START_RESPONSE").await.message
    else {
        panic!("a typed TX_START_RESPONSE")
    };
    assert_eq!(refused.success, Some(false));
    assert!(refused.message.unwrap_or_default().contains("supportsAuth"));
    pos.send(
        "TIP_ADJUST",
        json!({"tipAmount": 100, "orderId": "O", "paymentId": "P"}),
    )
    .await;
    let Some(Message::TipAdjustResponse(no_tip)) = pos.expect("TIP_ADJUST_RESPONSE").await.message
    else {
        panic!("a typed TIP_ADJUST_RESPONSE")
    };
    assert_eq!(no_tip.reason.as_deref(), Some("UNSUPPORTED"));
    drop(child);
}
