//! A scripted hostile device: a real WebSocket server on loopback that pairs and answers discovery
//! like a Clover device, then plays a scripted list of frames in the shapes recorded on real
//! devices (EVIDENCE.md): envelopes `{id, type, method, packageName, payload}` only, the payload a
//! JSON string, the payment inside it a JSON string, explicit `null`s, no `requestInfo`.
//!
//! Each accepted connection plays the next script; frames the POS sends are recorded for
//! assertions. Not a mock transport: `till` connects to it as to a device.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as Ws;

/// One step of a connection's script.
pub enum Step {
    /// Wait until the POS sends a frame with this method (other frames are recorded and skipped).
    Expect(&'static str),
    /// Send this frame text.
    Send(String),
    /// Run this (e.g. break the ledger) before going on.
    Call(Box<dyn FnOnce() + Send>),
    /// Wait this many milliseconds.
    Sleep(u64),
    /// Close the connection.
    Close,
}

/// The device: its URL (as `ws://127.0.0.1:PORT/remote_pay`) and what the POS sent it.
pub struct Hostile {
    /// The port.
    pub port: u16,
    received: Arc<Mutex<Vec<Value>>>,
    _thread: std::thread::JoinHandle<()>,
}

impl Hostile {
    /// Starts the device; connection `i` plays `scripts[i]` (after pairing and discovery), and
    /// connections beyond the scripts only pair, answer discovery and idle.
    pub fn start(scripts: Vec<Vec<Step>>) -> Hostile {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let port = std_listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::from_std(std_listener).unwrap();
                let mut scripts = scripts.into_iter();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else {
                        return;
                    };
                    let script = scripts.next().unwrap_or_default();
                    let rec = rec.clone();
                    tokio::spawn(async move {
                        if let Ok(ws) = tokio_tungstenite::accept_async(tcp).await {
                            play(ws, script, rec).await;
                        }
                    });
                }
            });
        });
        Hostile {
            port,
            received,
            _thread: thread,
        }
    }

    /// The URL with the loopback address.
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/remote_pay", self.port)
    }

    /// The same device by name.
    pub fn url_by_name(&self) -> String {
        format!("ws://localhost:{}/remote_pay", self.port)
    }

    /// The methods the POS sent, in order.
    pub fn methods(&self) -> Vec<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|f| f["method"].as_str().map(str::to_owned))
            .collect()
    }

    /// The decoded payloads of the frames the POS sent with this method.
    pub fn payloads(&self, method: &str) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f["method"] == method)
            .filter_map(|f| {
                f["payload"]
                    .as_str()
                    .and_then(|p| serde_json::from_str(p).ok())
            })
            .collect()
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn next_frame(ws: &mut Socket, rec: &Mutex<Vec<Value>>) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(60), ws.next())
            .await
            .ok()??
            .ok()?;
        let Ws::Text(text) = msg else { continue };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if v["type"] == "PING" {
            let _ = ws
                .send(Ws::text(
                    json!({"type": "PONG", "packageName": PACKAGE}).to_string(),
                ))
                .await;
            continue;
        }
        rec.lock().unwrap().push(v.clone());
        return Some(v);
    }
}

async fn expect(ws: &mut Socket, rec: &Mutex<Vec<Value>>, method: &str) -> bool {
    while let Some(v) = next_frame(ws, rec).await {
        if v["method"] == method {
            return true;
        }
    }
    false
}

async fn play(mut ws: Socket, script: Vec<Step>, rec: Arc<Mutex<Vec<Value>>>) {
    if !expect(&mut ws, &rec, "PAIRING_REQUEST").await {
        return;
    }
    let paired = frame(
        "PAIRING_RESPONSE",
        json!({"pairingState": "PAIRED", "authenticationToken": "hostile-token", "name": null, "serialNumber": null, "millis": 1}),
    );
    if ws.send(Ws::text(paired)).await.is_err() {
        return;
    }
    if !expect(&mut ws, &rec, "DISCOVERY_REQUEST").await {
        return;
    }
    let discovery = frame(
        "DISCOVERY_RESPONSE",
        json!({
            "merchantId": "MERCHANT1", "merchantName": "Hostile Shop", "merchantMId": null,
            "name": "Hostile", "serial": "C0SERIAL0001", "model": "Mini", "ready": true,
            "supportsAcknowledgement": false, "supportsTipAdjust": true, "supportsManualRefund": true,
            "supportsMultiPayToken": false, "supportsRemoteConfirmation": true,
        }),
    );
    if ws.send(Ws::text(discovery)).await.is_err() {
        return;
    }
    for step in script {
        match step {
            Step::Expect(m) => {
                if !expect(&mut ws, &rec, m).await {
                    return;
                }
            }
            Step::Send(text) => {
                if ws.send(Ws::text(text)).await.is_err() {
                    return;
                }
            }
            Step::Call(f) => f(),
            Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Step::Close => {
                let _ = ws.close(None).await;
                return;
            }
        }
    }
    // Idle: keep reading (and recording) until the POS goes away.
    while next_frame(&mut ws, &rec).await.is_some() {}
}

/// The SNPD package name.
pub const PACKAGE: &str = "com.clover.remote_protocol_broadcast.app";

static NEXT_ID: AtomicU64 = AtomicU64::new(400);

/// A device frame as recorded: `{id, type, method, packageName, payload}`, the payload a JSON
/// string repeating `method` with `version`.
pub fn frame(method: &str, mut payload: Value) -> String {
    payload["method"] = json!(method);
    payload["version"] = json!(1);
    json!({
        "id": NEXT_ID.fetch_add(1, Ordering::Relaxed).to_string(),
        "type": "COMMAND",
        "method": method,
        "packageName": PACKAGE,
        "payload": payload.to_string(),
    })
    .to_string()
}

/// A payment as a real device sends it inside a payload: a JSON **string**, explicit nulls.
pub fn payment(ext: Option<&str>, amount: i64, tip: i64, result: &str) -> Value {
    json!(
        json!({
            "id": "HOSTILEPAY01", "order": {"id": "ORDER0001"}, "tender": null,
            "amount": amount, "tipAmount": tip, "taxAmount": 0, "cashbackAmount": null,
            "cashTendered": null, "externalPaymentId": ext, "taxRates": null,
            "lineItemPayments": null, "offline": false, "createdTime": 1442854817940i64,
            "result": result,
            "cardTransaction": {
                "cardType": "VISA", "last4": "4242", "authCode": "206277", "entryType": "EMV_CONTACT",
                "state": "CLOSED", "type": "AUTH", "transactionNo": null, "referenceId": "842419157",
                "extra": {"cvmResult": "SIGNATURE"},
            },
        })
        .to_string()
    )
}

/// TX_START_RESPONSE as recorded: `{success}` only.
pub fn tx_ok() -> Step {
    Step::Send(frame("TX_START_RESPONSE", json!({"success": true})))
}

/// FINISH_OK with this payment (no requestInfo).
pub fn finish_ok(payment: Value) -> Step {
    Step::Send(frame(
        "FINISH_OK",
        json!({"payment": payment, "signature": null, "credit": null, "refund": null}),
    ))
}

/// FINISH_CANCEL as recorded: nothing but method and version.
pub fn finish_cancel() -> Step {
    Step::Send(frame("FINISH_CANCEL", json!({})))
}

/// RETRIEVE_DEVICE_STATUS_RESPONSE, `result`-only, in `state`.
pub fn status(state: &str) -> Step {
    Step::Send(frame(
        "RETRIEVE_DEVICE_STATUS_RESPONSE",
        json!({"result": "SUCCESS", "state": state, "substate": null, "data": null}),
    ))
}

/// RETRIEVE_PAYMENT_RESPONSE.
pub fn retrieved(query: &str, ext: &str, payment: Value) -> Step {
    Step::Send(frame(
        "RETRIEVE_PAYMENT_RESPONSE",
        json!({"status": "SUCCESS", "queryStatus": query, "externalPaymentId": ext, "payment": payment}),
    ))
}

/// The start of every sale script: TX_START in, `{success}` out.
pub fn accept_sale() -> Vec<Step> {
    vec![Step::Expect("TX_START"), tx_ok()]
}
