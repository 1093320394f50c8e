//! Simulator scale benchmark (not a test): how many POS connections one simulator holds, and
//! how many sales per second it completes with auto customers and no delays.
//!
//! `cargo bench --bench sim_scale` (options: `-- --connections N --seconds S`). The POS clients run
//! in the same process, on the same cores, so the figures are a lower bound for the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use till::protocol::Frame;
use till::sim::device::CustomerMode;
use till::sim::{SimConfig, Simulator};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Client {
    ws: Ws,
    next_id: u64,
}

impl Client {
    async fn send(&mut self, method: &str, fields: Value) -> Result<(), String> {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let mut payload = json!({"method": method, "messageId": id, "version": if method == "TX_START" { 2 } else { 0 }});
        if let (Some(out), Value::Object(extra)) = (payload.as_object_mut(), fields) {
            out.extend(extra);
        }
        let envelope = json!({"id": id, "type": "COMMAND", "packageName": till::protocol::SNPD_PACKAGE, "method": method,
            "payload": payload.to_string(), "remoteSourceSDK": "bench", "remoteApplicationID": "bench", "version": 1});
        self.ws
            .send(WsMessage::text(envelope.to_string()))
            .await
            .map_err(|e| e.to_string())
    }

    async fn until(&mut self, method: &str) -> Result<Frame, String> {
        loop {
            match tokio::time::timeout(Duration::from_secs(30), self.ws.next()).await {
                Ok(Some(Ok(WsMessage::Text(text)))) => {
                    let frame = Frame::decode(text.as_str()).map_err(|e| e.to_string())?;
                    if frame.method() == Some(method) {
                        return Ok(frame);
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(other) => {
                    return Err(format!("connection ended waiting for {method}: {other:?}"));
                }
                Err(_) => return Err(format!("no {method} within 30 s")),
            }
        }
    }
}

async fn connect_and_pair(url: String) -> Result<Client, String> {
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut client = Client { ws, next_id: 1 };
    client
        .send(
            "PAIRING_REQUEST",
            json!({"name": "bench", "serialNumber": "B", "authenticationToken": null}),
        )
        .await?;
    client.until("PAIRING_RESPONSE").await?;
    client.send("DISCOVERY_REQUEST", json!({})).await?;
    client.until("DISCOVERY_RESPONSE").await?;
    Ok(client)
}

async fn sell(client: &mut Client, n: u64) -> Result<(), String> {
    let pay_intent = json!({"amount": 1000, "tipAmount": 0, "transactionType": "PAYMENT",
        "externalPaymentId": format!("B{n:031}"), "transactionSettings": {"disableRestartTransactionOnFailure": true}});
    client
        .send(
            "TX_START",
            json!({"payIntent": pay_intent, "requestInfo": "SALE"}),
        )
        .await?;
    client.until("FINISH_OK").await.map(|_| ())
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let connections = arg("--connections", 1000);
    let seconds = arg("--seconds", 5);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let mut config = SimConfig::default();
        config.device.customer = CustomerMode::Auto {
            card_delay_ms: 0,
            sign_delay_ms: 0,
            pairing_delay_ms: 0,
        };
        config.device.card_timeout_ms = 0;
        let sim = Simulator::start(config).await.expect("simulator starts");

        let started = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..connections {
            tasks.push(tokio::spawn(connect_and_pair(
                sim.device_url(&format!("bench-{i}")),
            )));
        }
        let mut clients = Vec::new();
        for task in tasks {
            match task.await {
                Ok(Ok(client)) => clients.push(client),
                Ok(Err(e)) => eprintln!("connection failed: {e}"),
                Err(e) => eprintln!("task failed: {e}"),
            }
        }
        let held = clients.len();
        println!(
            "connections held: {held}/{connections} (paired + ready in {:.2} s)",
            started.elapsed().as_secs_f64()
        );

        let done = Arc::new(AtomicU64::new(0));
        let stop_at = Instant::now() + Duration::from_secs(seconds);
        let began = Instant::now();
        let mut workers = Vec::new();
        for (i, mut client) in clients.into_iter().enumerate() {
            let done = done.clone();
            workers.push(tokio::spawn(async move {
                let mut n = (i as u64) << 32;
                while Instant::now() < stop_at {
                    if let Err(e) = sell(&mut client, n).await {
                        eprintln!("sale failed: {e}");
                        return;
                    }
                    n += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        for worker in workers {
            let _ = worker.await;
        }
        let elapsed = began.elapsed().as_secs_f64();
        let sales = done.load(Ordering::Relaxed);
        println!(
            "sales completed: {sales} in {elapsed:.2} s = {:.0} sales/s over {held} connections",
            sales as f64 / elapsed
        );
        sim.shutdown().await;
    });
}
