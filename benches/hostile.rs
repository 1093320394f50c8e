//! Hostile-input benchmark (not a test; issue #14): prints
//! 1. the RSS of a POS (connector + the app state the TUI keeps) after 1 000 maximum-size
//!    frames from a scripted device, and what the frames inspector retains;
//! 2. the sale round trip of a well-behaved POS on `till sim`, without and during a flood from
//!    another client.
//!
//! `cargo bench --bench hostile` (options: `-- --frames N --sales N`). Linux only for RSS
//! (`/proc/self/status`); the POS, the device and the flooder share the process and its cores.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use till::app::{AppSettings, Event, State};
use till::connector::transport::MAX_FRAME_BYTES;
use till::connector::{ConnectorSettings, DeviceInput, FileTokenStore};
use till::device::DeviceCommand;
use till::protocol::{Cents, SaleOptions, SaleRequest};
use till::sim::device::CustomerMode;
use till::sim::{SimConfig, Simulator};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `VmRSS` and `VmHWM` of this process in MiB.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn device_frame(method: &str, mut payload: Value) -> String {
    if let Value::Object(map) = &mut payload {
        map.insert("method".into(), json!(method));
        map.insert("version".into(), json!(1));
    }
    json!({"id": "1", "method": method, "packageName": "com.clover.remote.protocol.websocket",
           "payload": payload.to_string(), "type": "COMMAND"})
    .to_string()
}

/// A device that pairs, answers discovery, then sends `frames` maximum-size UI_STATE frames.
async fn big_frame_device(frames: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/remote_pay", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let config = WebSocketConfig::default().max_message_size(Some(64 << 20));
                let Ok(mut ws) =
                    tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await
                else {
                    return;
                };
                while let Some(Ok(WsMessage::Text(text))) = ws.next().await {
                    let v: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                    let replies = match v["method"].as_str() {
                        Some("PAIRING_REQUEST") => vec![device_frame(
                            "PAIRING_RESPONSE",
                            json!({"pairingState": "PAIRED", "authenticationToken": "bench-token-0123456789"}),
                        )],
                        Some("DISCOVERY_REQUEST") => {
                            let ready = device_frame(
                                "DISCOVERY_RESPONSE",
                                json!({"ready": true, "merchantId": "M", "name": "Bench", "serial": "B1",
                                       "supportsAcknowledgement": false}),
                            );
                            if ws.send(WsMessage::text(ready)).await.is_err() {
                                return;
                            }
                            // One frame built, sent `frames` times (the device keeps one copy).
                            // Sized with every field the big frame has, so it stays just under
                            // the cap (a frame over it is refused and the POS reconnects).
                            let empty = device_frame(
                                "UI_STATE",
                                json!({"uiState": "START", "uiDirection": "ENTER", "uiText": ""}),
                            );
                            let room = MAX_FRAME_BYTES - empty.len() - 16;
                            let big = device_frame(
                                "UI_STATE",
                                json!({"uiState": "START", "uiDirection": "ENTER", "uiText": "W".repeat(room)}),
                            );
                            for _ in 0..frames {
                                if ws.send(WsMessage::text(big.clone())).await.is_err() {
                                    return;
                                }
                            }
                            Vec::new()
                        }
                        _ => Vec::new(),
                    };
                    for reply in replies {
                        if ws.send(WsMessage::text(reply)).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

fn settings(url: &str) -> ConnectorSettings {
    let mut s = ConnectorSettings::direct(url);
    s.heartbeat_interval = Duration::from_secs(5);
    s.heartbeat_timeout = Duration::from_secs(600);
    s.reconnect_floor = Duration::from_millis(20);
    s.reconnect_cap = Duration::from_millis(200);
    s.pos_name = "bench".into();
    s.serial_number = "BENCH-1".into();
    s.remote_application_id = "com.till.bench:1".into();
    s
}

async fn big_frames(frames: usize) {
    let url = big_frame_device(frames).await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(FileTokenStore::new(dir.path().join("tokens.json")));
    let (before, _) = rss_mib();
    let started = Instant::now();
    let (handle, mut events) = till::connector::start(settings(&url), tokens).unwrap();
    let mut state = State::new(AppSettings::default());
    let mut received = 0;
    while received < frames {
        let Ok(Some(event)) = tokio::time::timeout(Duration::from_secs(120), events.recv()).await
        else {
            println!("big frames: stopped after {received} frames (no event for 120 s)");
            break;
        };
        if let DeviceInput::Frame { method, .. } = &event
            && method.as_deref() == Some("UI_STATE")
        {
            received += 1;
        }
        let _ = till::app::update(&mut state, Event::Device(event));
    }
    let elapsed = started.elapsed();
    let (after, peak) = rss_mib();
    let kept: usize = state.frames().iter().map(|(_, s)| s.len()).sum();
    println!(
        "big frames: {received} frames of {MAX_FRAME_BYTES} bytes in {:.1} s; RSS {before:.1} MiB before, {after:.1} MiB after, peak {peak:.1} MiB; inspector keeps {} frames, {} bytes of summaries; device text {} bytes",
        elapsed.as_secs_f64(),
        state.frames().len(),
        kept,
        state.device_text().as_ref().map_or(0, String::len),
    );
    handle.dispose().await;
}

fn sale(cents: i64) -> SaleRequest {
    SaleRequest::builder()
        .amount(Cents(cents))
        .options(SaleOptions {
            disable_restart_on_failure: true,
            ..SaleOptions::default()
        })
        .build()
        .unwrap()
}

/// Sale round trips (ms, sorted) of one POS on `sim`.
async fn sales(sim_url: &str, count: usize) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(FileTokenStore::new(dir.path().join("tokens.json")));
    let (handle, mut events) = till::connector::start(settings(sim_url), tokens).unwrap();
    while let Some(e) = next(&mut events).await {
        if matches!(e, DeviceInput::Ready(_)) {
            break;
        }
    }
    let mut times = Vec::new();
    for _ in 0..count {
        let started = Instant::now();
        if handle.send(DeviceCommand::Sale(sale(1000))).await.is_err() {
            break;
        }
        while let Some(e) = next(&mut events).await {
            let ended = match &e {
                DeviceInput::FinishOk { .. } | DeviceInput::FinishCancel { .. } => true,
                DeviceInput::TxStartResponse { result, .. } => {
                    *result != till::protocol::TxStartResponseResult::Success
                }
                _ => false,
            };
            if ended {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    handle.dispose().await;
    times.sort_by(f64::total_cmp);
    times
}

async fn next(events: &mut tokio::sync::mpsc::Receiver<DeviceInput>) -> Option<DeviceInput> {
    tokio::time::timeout(Duration::from_secs(60), events.recv())
        .await
        .ok()
        .flatten()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn flood(
    url: String,
    stop: Arc<AtomicBool>,
    frames_sent: Arc<AtomicU64>,
    cut: Arc<AtomicU64>,
) {
    let frame = format!(
        r#"{{"type":"COMMAND","method":"JUNK","payload":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    while !stop.load(Ordering::Relaxed) {
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(&url).await else {
            continue;
        };
        while !stop.load(Ordering::Relaxed) {
            if ws.send(WsMessage::text(frame.clone())).await.is_err() {
                cut.fetch_add(1, Ordering::Relaxed);
                break;
            }
            frames_sent.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn flood_latency(count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::default();
    config.device.customer = CustomerMode::Auto {
        card_delay_ms: 0,
        sign_delay_ms: 0,
        pairing_delay_ms: 0,
    };
    config.frames = Some(dir.path().join("frames.jsonl"));
    let sim = Simulator::start(config).await.unwrap();
    let quiet = sales(&sim.url(), count).await;
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let cut = Arc::new(AtomicU64::new(0));
    let flooder = tokio::spawn(flood(
        sim.device_url("flood"),
        stop.clone(),
        sent.clone(),
        cut.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let loud = sales(&sim.url(), count).await;
    let flood_secs = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let _ = flooder.await;
    let after = sales(&sim.url(), count).await;
    let log = std::fs::metadata(dir.path().join("frames.jsonl")).map_or(0, |m| m.len());
    for (name, t) in [
        ("no flood", &quiet),
        ("during a flood", &loud),
        ("after the flood", &after),
    ] {
        println!(
            "sim sale round trip {name}: {} sales, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            t.len(),
            pct(t, 0.5),
            pct(t, 0.99),
            t.last().copied().unwrap_or(f64::NAN)
        );
    }
    println!(
        "flood: {} frames of 64 KiB sent in {flood_secs:.1} s, connections cut {}; frames log {} bytes",
        sent.load(Ordering::Relaxed),
        cut.load(Ordering::Relaxed),
        log
    );
}

fn main() {
    let frames = arg("--frames", 1000);
    let count = arg("--sales", 200);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        big_frames(frames).await;
        flood_latency(count).await;
    });
}
