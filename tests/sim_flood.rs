//! One flooding client cannot wedge the simulator (issue #14, items 5 and 7): while and after
//! a client floods its device with frames as fast as it can, a POS on another connection pays
//! and is paid; the flooder is cut off; the frames log stays 0600, redacted and rate-limited.
//! Everything runs on 127.0.0.1 with bounded loops.

mod connector_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use connector_support::{Till, auto_sim, fast, sale, sim, token_file};
use futures_util::{SinkExt, StreamExt};
use till::connector::ConnectorSettings;
use till::device::DeviceCommand;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Frames one flooding connection tries to send (it is cut off long before).
const ROUND_FRAMES: usize = 20_000;
/// Flooding connections at most, one after the other (the flood stops earlier when told).
const MAX_ROUNDS: usize = 50;
/// Size of each flood frame.
const FLOOD_FRAME_BYTES: usize = 64 * 1024;

/// One flooding connection: sends up to [`ROUND_FRAMES`] frames as fast as the socket takes
/// them; returns how many went out before the simulator cut it off.
async fn flood_once(url: &str) -> usize {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("flooder connects");
    let padding = "x".repeat(FLOOD_FRAME_BYTES);
    let frame = format!(r#"{{"type":"COMMAND","method":"JUNK","payload":"{padding}"}}"#);
    let mut sent = 0;
    while sent < ROUND_FRAMES {
        if ws.send(WsMessage::text(frame.clone())).await.is_err() {
            break;
        }
        sent += 1;
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_completes_during_and_after_a_flood_and_the_log_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("frames.jsonl");
    let mut config = auto_sim();
    config.frames = Some(log_path.clone());
    let sim = sim(config).await;
    let flood_url = sim.device_url("flood");

    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flood = stop.clone();
    let flooder = tokio::spawn(async move {
        let mut per_round = Vec::new();
        while per_round.len() < MAX_ROUNDS && !stop_flood.load(Ordering::Relaxed) {
            per_round.push(flood_once(&flood_url).await);
        }
        per_round
    });

    // During the flood: pair, get ready and pay on another connection.
    let (_tokens_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens.clone());
    till.ready().await;
    let during = sale(1000);
    till.handle
        .send(DeviceCommand::Sale(during.clone()))
        .await
        .expect("sale sent");
    let result = till.finished().await;
    assert!(result.succeeded(), "sale during the flood: {result:?}");
    assert_eq!(
        result
            .payment()
            .and_then(|p| p.external_payment_id.as_deref()),
        Some(during.external_id())
    );
    assert!(
        !flooder.is_finished(),
        "the flood was over before the sale finished: not a test of serving during a flood"
    );
    stop.store(true, Ordering::Relaxed);

    let per_round = flooder.await.expect("flooder ran");
    for sent in &per_round {
        assert!(
            *sent < ROUND_FRAMES,
            "a flooding connection was not cut off: {per_round:?}"
        );
    }

    // After the flood: the same POS pays again.
    let after = sale(2000);
    till.handle
        .send(DeviceCommand::Sale(after.clone()))
        .await
        .expect("sale sent");
    let result = till.finished().await;
    assert!(result.succeeded(), "sale after the flood: {result:?}");
    assert_eq!(
        result
            .payment()
            .and_then(|p| p.external_payment_id.as_deref()),
        Some(after.external_id())
    );
    let token = till.saved_token().expect("paired");
    till.dispose().await;
    let elapsed = started.elapsed().as_secs_f64();
    drop(sim);

    // The frames log: private, redacted, and bounded by its rate limit (burst + rate × time,
    // plus the honest POS's few frames), with a note of what it left out.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let log = std::fs::read_to_string(&log_path).unwrap();
    let flooded = (per_round.len() * FLOOD_FRAME_BYTES * 200) as f64;
    let bound = 4.0 * 1024.0 * 1024.0 + 256.0 * 1024.0 * elapsed + 512.0 * 1024.0;
    assert!(
        (log.len() as f64) < bound,
        "frames log {} bytes, bound {bound} ({elapsed:.1} s)",
        log.len()
    );
    assert!(
        (log.len() as f64) < flooded,
        "the log kept the whole flood ({} bytes)",
        log.len()
    );
    assert!(log.contains("not logged: over the frames log rate limit"));
    assert!(!log.contains(&token), "pairing token in the frames log");
    assert!(
        !log.contains("\"cardholderName\\\":\\\"")
            || log.contains("\"cardholderName\\\":\\\"[redacted]"),
        "cardholder name in the frames log"
    );
}

#[tokio::test]
async fn an_oversized_frame_is_refused_with_1009_and_others_are_served() {
    let sim = sim(auto_sim()).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(sim.device_url("big"))
        .await
        .unwrap();
    let huge = format!(
        r#"{{"type":"COMMAND","method":"JUNK","payload":"{}"}}"#,
        "y".repeat(2 << 20)
    );
    let _ = ws.send(WsMessage::text(huge)).await;
    let mut code = None;
    for _ in 0..100 {
        match ws.next().await {
            Some(Ok(WsMessage::Close(frame))) => {
                code = frame.map(|f| u16::from(f.code));
                break;
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => break,
        }
    }
    assert_eq!(code, Some(1009), "closed with 'message too big'");

    let (_tokens_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;
    till.handle
        .send(DeviceCommand::Sale(sale(1000)))
        .await
        .expect("sale sent");
    assert!(till.finished().await.succeeded());
    till.dispose().await;
}
