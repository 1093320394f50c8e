//! The simulator server over real loopback sockets: ws and wss, pairing and a sale through the
//! real device state machine, the frame log, malformed frames, several devices, shutdown.

mod sim_support;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use sim_support::{PATIENCE, Pos, auto_config};
use till::protocol::{Frame, Message, PaymentResult};
use till::sim::Simulator;
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[tokio::test]
async fn ws_pairing_then_sale_approved_then_token_reuse() {
    let sim = Simulator::start(auto_config())
        .await
        .expect("simulator starts");
    assert!(
        sim.url().starts_with("ws://127.0.0.1:") && sim.url().ends_with("/remote_pay"),
        "{}",
        sim.url()
    );

    let mut pos = Pos::connect(&sim.url()).await;
    let token = pos.pair(None).await;
    assert!(
        pos.methods().contains(&"PAIRING_CODE".to_owned()),
        "a first pairing shows a code: {:?}",
        pos.methods()
    );
    let discovery = pos.discover().await;
    let Some(Message::DiscoveryResponse(info)) = discovery.message else {
        panic!("typed DISCOVERY_RESPONSE")
    };
    assert_eq!(info.ready, Some(true));

    pos.start_sale(1000, "EXTSALE0001").await;
    let finish = pos.expect("FINISH_OK").await;
    let Some(Message::FinishOk(ok)) = finish.message else {
        panic!("typed FINISH_OK")
    };
    let payment = ok.payment.expect("FINISH_OK carries the payment");
    assert_eq!(payment.amount, Some(1000));
    assert_eq!(payment.result, Some(PaymentResult::Success));
    assert_eq!(payment.external_payment_id.as_deref(), Some("EXTSALE0001"));
    drop(pos);

    // Reconnect with the saved token: PAIRED straight away, no code.
    let mut again = Pos::connect(&sim.url()).await;
    let rotated = again.pair(Some(&token)).await;
    assert_ne!(rotated, token, "every pairing rotates the token");
    assert!(
        !again.methods().contains(&"PAIRING_CODE".to_owned()),
        "{:?}",
        again.methods()
    );
    let remembered = sim
        .payments("default", "EXTSALE0001")
        .await
        .expect("device answers");
    assert_eq!(remembered.len(), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn wss_works_with_the_written_ca_and_is_refused_without_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_path = dir.path().join("sim-ca.pem");
    let mut config = auto_config();
    config.tls = true;
    config.ca_out = Some(ca_path.clone());
    let sim = Simulator::start(config).await.expect("simulator starts");
    assert!(sim.url().starts_with("wss://127.0.0.1:"), "{}", sim.url());
    let written = std::fs::read_to_string(&ca_path).expect("CA file written");
    assert!(written.contains("BEGIN CERTIFICATE"));
    assert_eq!(sim.ca_pem(), Some(written.as_str()));

    let mut pos = Pos::connect_with(&sim.url(), Some(&written))
        .await
        .expect("trusting the CA file connects");
    pos.pair(None).await;
    pos.discover().await;

    let localhost = sim.url().replace("127.0.0.1", "localhost");
    Pos::connect_with(&localhost, Some(&written))
        .await
        .expect("the leaf also covers localhost");

    let refused = Pos::connect_with(&sim.url(), None).await;
    assert!(
        refused.is_err(),
        "a client without the CA must refuse the certificate"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn frame_log_records_both_directions_for_till_decode() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("frames.jsonl");
    let mut config = auto_config();
    config.frames = Some(log.clone());
    let sim = Simulator::start(config).await.expect("simulator starts");
    let mut pos = Pos::connect(&sim.url()).await;
    pos.pair(None).await;
    pos.discover().await;
    sim.shutdown().await;

    let text = std::fs::read_to_string(&log).expect("log written");
    let mut directions = std::collections::BTreeSet::new();
    for line in text.lines() {
        let entry: Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(entry["ts"].as_i64().is_some_and(|ts| ts > 0), "{line}");
        assert_eq!(entry["device"], "default");
        assert!(entry["conn"].as_u64().is_some());
        directions.insert(entry["dir"].as_str().expect("dir").to_owned());
        Frame::decode(entry["frame"].as_str().expect("frame text")).expect("logged frames decode");
    }
    let expected: std::collections::BTreeSet<String> =
        ["device->pos", "pos->device"].map(String::from).into();
    assert_eq!(directions, expected);
}

#[tokio::test]
async fn malformed_frames_do_not_kill_the_connection() {
    let sim = Simulator::start(auto_config())
        .await
        .expect("simulator starts");
    let mut pos = Pos::connect(&sim.url()).await;
    for garbage in [
        "not json",
        "{}",
        "[1,2,3]",
        "{\"method\":42,\"payload\":{}}",
        "{\"type\":\"COMMAND\",\"method\":\"TX_START\",\"payload\":\"{oops\"}",
    ] {
        pos.send_raw(garbage).await;
    }
    pos.ws
        .send(WsMessage::Binary(vec![0xff, 0x00, 0x13].into()))
        .await
        .expect("binary sent");
    // An RFC 6455 ping is still answered, and the protocol still works afterwards.
    pos.ws
        .send(WsMessage::Ping(b"still there?".to_vec().into()))
        .await
        .expect("ping sent");
    let pong = loop {
        match tokio::time::timeout(PATIENCE, pos.ws.next())
            .await
            .expect("an answer")
        {
            Some(Ok(WsMessage::Pong(data))) => break data,
            Some(Ok(_)) => {}
            other => panic!("connection ended: {other:?}"),
        }
    };
    assert_eq!(&pong[..], b"still there?");
    pos.pair(None).await;
    pos.discover().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn devices_on_two_paths_are_independent() {
    let sim = Simulator::start(auto_config())
        .await
        .expect("simulator starts");
    assert_eq!(sim.device_url("lane-2"), format!("{}/lane-2", sim.url()));
    let mut a = Pos::connect(&sim.device_url("lane-1")).await;
    let mut b = Pos::connect(&sim.device_url("lane-2")).await;
    let token_a = a.pair(None).await;
    b.pair(None).await;
    a.discover().await;
    b.discover().await;
    a.start_sale(1500, "EXT-LANE-1").await;
    a.expect("FINISH_OK").await;
    assert_eq!(
        sim.payments("lane-1", "EXT-LANE-1")
            .await
            .expect("answer")
            .len(),
        1
    );
    assert!(
        sim.payments("lane-2", "EXT-LANE-1")
            .await
            .expect("answer")
            .is_empty()
    );
    assert!(
        sim.payments("default", "EXT-LANE-1")
            .await
            .expect("answer")
            .is_empty()
    );

    // lane-1's token means nothing to lane-3: a code is shown there.
    let mut c = Pos::connect(&sim.device_url("lane-3")).await;
    c.pair(Some(&token_a)).await;
    assert!(
        c.methods().contains(&"PAIRING_CODE".to_owned()),
        "{:?}",
        c.methods()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_paths_are_refused_with_http_errors() {
    let sim = Simulator::start(auto_config())
        .await
        .expect("simulator starts");
    let base = sim.url().trim_end_matches("/remote_pay").to_owned();
    for path in ["/remote_pay/a%2Fb", "/elsewhere"] {
        let result = Pos::connect_with(&format!("{base}{path}"), None).await;
        match result {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), 404, "{path}")
            }
            other => panic!(
                "{path}: expected an HTTP 404, got {:?}",
                other.map(|_| "a connection")
            ),
        }
    }
    let (status, _, body) =
        sim_support::http(sim.local_addr(), "GET", "/remote_pay", &[], "").await;
    assert_eq!(status, 426, "{body}");
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_connections_with_1001() {
    let sim = Simulator::start(auto_config())
        .await
        .expect("simulator starts");
    let mut pos = Pos::connect(&sim.url()).await;
    pos.pair(None).await;
    sim.shutdown().await;
    let code = loop {
        match tokio::time::timeout(PATIENCE, pos.ws.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(WsMessage::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(code, Some(1001));
}

#[tokio::test]
async fn customer_actions_that_do_not_apply_say_why() {
    let sim = Simulator::start(till::sim::SimConfig::default())
        .await
        .expect("simulator starts");
    let why = sim
        .act("default", till::sim::CustomerAction::Sign)
        .await
        .expect_err("nothing to sign when idle");
    assert!(!why.is_empty());
    let bad = sim
        .act("a/b", till::sim::CustomerAction::Sign)
        .await
        .expect_err("bad id");
    assert!(bad.contains("not a device id"), "{bad}");
    let screen = sim.screen("default").expect("screen").borrow().clone();
    assert!(
        !screen.title.is_empty(),
        "the idle screen has a title: {screen:?}"
    );
    sim.shutdown().await;
}
