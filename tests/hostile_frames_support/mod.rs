//! A scripted hostile device for the tests: a real WebSocket server on 127.0.0.1 that speaks
//! just enough Remote Pay to pair and be discovered, then answers each POS frame with what a
//! test's script says — crafted frames a real device should never send.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// The package name devices put on their frames.
const PACKAGE: &str = "com.clover.remote.protocol.websocket";

/// What a script sees of one POS frame.
pub struct Incoming<'a> {
    /// The envelope method.
    pub method: &'a str,
    /// The decoded payload (`Null` when absent).
    pub payload: &'a Value,
    /// Which connection this is (1, 2, …), so a script can misbehave only once.
    pub connection: usize,
}

/// Answers one POS frame with the frames to send; `None` for the standard pairing/discovery
/// behaviour (and silence for anything else).
pub type Script = Arc<dyn Fn(&Incoming<'_>) -> Option<Vec<String>> + Send + Sync>;

/// The running device.
pub struct HostileDevice {
    /// `ws://127.0.0.1:PORT/remote_pay`.
    pub url: String,
    /// Every frame the device sent, in order (for `till decode`).
    pub sent: Arc<Mutex<Vec<String>>>,
    /// Every method the POS sent, in order.
    pub received: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileDevice {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One device frame: an envelope with `payload` (its `method` added) as a JSON string.
pub fn frame(method: &str, mut payload: Value) -> String {
    if let Value::Object(map) = &mut payload {
        map.insert("method".into(), json!(method));
        map.insert("version".into(), json!(1));
    }
    json!({
        "id": "1",
        "method": method,
        "packageName": PACKAGE,
        "payload": payload.to_string(),
        "type": "COMMAND",
    })
    .to_string()
}

/// A payment object as devices send it (to be put in a payload as a JSON string).
pub fn payment(external_id: &str, amount: i64, brand: &str, auth: &str) -> String {
    json!({
        "id": "PAY1",
        "result": "SUCCESS",
        "amount": amount,
        "externalPaymentId": external_id,
        "order": {"id": "ORD1"},
        "cardTransaction": {
            "cardType": brand,
            "last4": "0119",
            "authCode": auth,
            "entryType": "EMV_CONTACT",
            "state": "CLOSED",
            "type": "AUTH",
        },
    })
    .to_string()
}

/// The standard answers: pairing (a fresh token), discovery (ready, no acks), device status
/// (idle), PONG to PING.
pub fn standard(method: &str, connection: usize) -> Vec<String> {
    match method {
        "PAIRING_REQUEST" => vec![frame(
            "PAIRING_RESPONSE",
            json!({"pairingState": "PAIRED", "authenticationToken": format!("hostile-token-{connection}-0123456789")}),
        )],
        "DISCOVERY_REQUEST" => vec![frame(
            "DISCOVERY_RESPONSE",
            json!({
                "ready": true,
                "merchantId": "MHOSTILE",
                "merchantName": "Hostile Merchant",
                "name": "Hostile Device",
                "serial": "HOSTILE-1",
                "model": "Clover_Mini",
                "supportsAcknowledgement": false,
            }),
        )],
        "RETRIEVE_DEVICE_STATUS_REQUEST" => vec![frame(
            "RETRIEVE_DEVICE_STATUS_RESPONSE",
            json!({"result": "SUCCESS", "state": "IDLE", "data": {}}),
        )],
        _ => Vec::new(),
    }
}

/// Starts the device with `script`. Accepts any number of connections, one after another or
/// at once. Frames of up to 4 MiB are read (the POS never sends such, but nothing is refused
/// on this side).
pub async fn start(script: Script) -> HostileDevice {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/remote_pay", listener.local_addr().unwrap());
    let sent = Arc::new(Mutex::new(Vec::new()));
    let received = Arc::new(Mutex::new(Vec::new()));
    let (sent2, received2) = (sent.clone(), received.clone());
    let task = tokio::spawn(async move {
        let mut connection = 0;
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            connection += 1;
            let script = script.clone();
            let sent = sent2.clone();
            let received = received2.clone();
            tokio::spawn(async move {
                let config = WebSocketConfig::default()
                    .max_message_size(Some(64 << 20))
                    .max_frame_size(Some(64 << 20));
                let Ok(mut ws) =
                    tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await
                else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    let WsMessage::Text(text) = msg else { continue };
                    let Ok(envelope) = serde_json::from_str::<Value>(text.as_str()) else {
                        continue;
                    };
                    if envelope["type"] == "PING" {
                        let _ = ws.send(WsMessage::text(r#"{"type":"PONG"}"#)).await;
                        continue;
                    }
                    let method = envelope["method"].as_str().unwrap_or("").to_owned();
                    let payload = envelope["payload"]
                        .as_str()
                        .and_then(|p| serde_json::from_str(p).ok())
                        .unwrap_or(Value::Null);
                    received.lock().unwrap().push(method.clone());
                    let incoming = Incoming {
                        method: &method,
                        payload: &payload,
                        connection,
                    };
                    let replies =
                        script(&incoming).unwrap_or_else(|| standard(&method, connection));
                    for reply in replies {
                        sent.lock().unwrap().push(reply.clone());
                        if ws.send(WsMessage::text(reply)).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    HostileDevice {
        url,
        sent,
        received,
        task,
    }
}

/// True if `text` holds a character that could drive a terminal: ESC, the C1 CSI/OSC/DCS
/// introducers, BEL, backspace or carriage return.
pub fn has_terminal_controls(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '\u{1b}' | '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{7}' | '\u{8}' | '\r'
        )
    })
}
