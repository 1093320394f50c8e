//! A small POS-side WebSocket client for the simulator integration tests: real sockets on
//! 127.0.0.1, frames written like the JS SDK 4.1.2 writes them, device frames decoded with
//! `Frame::decode`.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use till::protocol::{Frame, Message, PairingState, SNPD_PACKAGE};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

/// Generous limit so a broken test fails instead of hanging (not a timing assertion).
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A simulator with an auto customer and no delays.
pub fn auto_config() -> till::sim::SimConfig {
    let mut config = till::sim::SimConfig::default();
    config.device.customer = till::sim::device::CustomerMode::Auto {
        card_delay_ms: 0,
        sign_delay_ms: 0,
        pairing_delay_ms: 0,
    };
    config.device.seed = 7;
    config
}

/// A rustls client configuration trusting exactly the given CA (PEM).
pub fn client_tls(ca_pem: Option<&str>) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca_pem {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots
                .add(cert.expect("CA PEM parses"))
                .expect("CA is a valid root");
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// One POS connection.
pub struct Pos {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    package: String,
    /// Every device frame received so far (decoded), for assertions about order.
    pub seen: Vec<Frame>,
}

impl Pos {
    /// Connects over ws:// or wss:// (then trusting `ca_pem`).
    pub async fn connect_with(
        url: &str,
        ca_pem: Option<&str>,
    ) -> Result<Pos, tokio_tungstenite::tungstenite::Error> {
        let request = url.into_client_request()?;
        Pos::connect_request(request, ca_pem, SNPD_PACKAGE).await
    }

    /// Connects with a prepared request (headers, sub-protocol).
    pub async fn connect_request(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
        ca_pem: Option<&str>,
        package: &str,
    ) -> Result<Pos, tokio_tungstenite::tungstenite::Error> {
        let connector = if request.uri().scheme_str() == Some("wss") {
            Some(Connector::Rustls(client_tls(ca_pem)))
        } else {
            None
        };
        let connect =
            tokio_tungstenite::connect_async_tls_with_config(request, None, true, connector);
        let (ws, _) = tokio::time::timeout(PATIENCE, connect)
            .await
            .expect("connect did not hang")?;
        Ok(Pos {
            ws,
            next_id: 1,
            package: package.to_owned(),
            seen: Vec::new(),
        })
    }

    /// Connects over ws://, panicking on failure.
    pub async fn connect(url: &str) -> Pos {
        Pos::connect_with(url, None)
            .await
            .expect("WebSocket connects")
    }

    /// Sends a COMMAND the way the JS SDK does; returns its envelope id.
    pub async fn send(&mut self, method: &str, fields: Value) -> String {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let version = match method {
            "TX_START" => 2,
            _ => 0,
        };
        let mut payload = json!({"method": method, "messageId": id, "version": version});
        if let (Some(out), Value::Object(extra)) = (payload.as_object_mut(), fields) {
            out.extend(extra);
        }
        let envelope = json!({
            "id": id, "type": "COMMAND", "packageName": self.package, "method": method,
            "payload": payload.to_string(),
            "remoteSourceSDK": "com.clover.cloverconnector.cloud:4.1.2",
            "remoteApplicationID": "com.example.till-tests", "version": 1,
        });
        self.send_raw(&envelope.to_string()).await;
        id
    }

    /// Sends text as is.
    pub async fn send_raw(&mut self, text: &str) {
        self.ws
            .send(WsMessage::text(text))
            .await
            .expect("send works");
    }

    /// The next device text frame, decoded; `None` when the connection closed.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let incoming = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a frame within the patience limit");
            match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    let frame = Frame::decode(text.as_str()).expect("device frames decode");
                    self.seen.push(frame.clone());
                    return Some(frame);
                }
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    /// Reads until a frame with `method` arrives (skipping UI_STATE, ACK, …).
    pub async fn expect(&mut self, method: &str) -> Frame {
        loop {
            match self.next_frame().await {
                Some(frame) if frame.method() == Some(method) => return frame,
                Some(_) => {}
                None => panic!(
                    "connection closed while waiting for {method}; saw {:?}",
                    self.methods()
                ),
            }
        }
    }

    /// Methods seen so far, in order.
    pub fn methods(&self) -> Vec<String> {
        self.seen
            .iter()
            .map(|f| f.method().unwrap_or("-").to_owned())
            .collect()
    }

    /// Pairs (with a token or from scratch, the auto customer approving) and returns the new token.
    pub async fn pair(&mut self, token: Option<&str>) -> String {
        self.send(
            "PAIRING_REQUEST",
            json!({"name": "till tests", "serialNumber": "LANE-1", "applicationName": "till tests", "authenticationToken": token}),
        )
        .await;
        loop {
            let frame = self.expect("PAIRING_RESPONSE").await;
            let Some(Message::PairingResponse(response)) = frame.message else {
                panic!("typed PAIRING_RESPONSE")
            };
            if matches!(
                response.pairing_state,
                Some(PairingState::Paired) | Some(PairingState::Initial)
            ) {
                return response
                    .authentication_token
                    .expect("PAIRED carries a token");
            }
        }
    }

    /// DISCOVERY_REQUEST → DISCOVERY_RESPONSE.
    pub async fn discover(&mut self) -> Frame {
        self.send(
            "DISCOVERY_REQUEST",
            json!({"supportsOrderModification": false}),
        )
        .await;
        self.expect("DISCOVERY_RESPONSE").await
    }

    /// TX_START for a sale of `amount` cents with this external id.
    pub async fn start_sale(&mut self, amount: i64, external_id: &str) -> String {
        let pay_intent = json!({
            "amount": amount, "tipAmount": 0, "transactionType": "PAYMENT", "externalPaymentId": external_id,
            "requiresRemoteConfirmation": true, "allowPartialAuth": true,
            "transactionSettings": {"cardEntryMethods": 34567, "disableRestartTransactionOnFailure": true,
                                    "autoAcceptPaymentConfirmations": false, "autoAcceptSignature": false},
        });
        self.send(
            "TX_START",
            json!({"payIntent": pay_intent, "requestInfo": "SALE"}),
        )
        .await
    }
}

/// One HTTP/1.1 request over a fresh loopback connection: (status, headers, body).
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, hyper::HeaderMap, String) {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    let tcp = TcpStream::connect(addr).await.expect("TCP connects");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
            .await
            .expect("HTTP handshake");
    tokio::spawn(connection);
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path_and_query)
        .header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .expect("request builds");
    let response = tokio::time::timeout(PATIENCE, sender.send_request(request))
        .await
        .expect("answer within the patience limit")
        .expect("HTTP answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// A `till sim` child process (auto customer, no delays, any free loopback port), killed on drop.
pub struct SimProcess {
    /// The child, with stdin and stderr piped (take them to talk to it).
    pub child: tokio::process::Child,
    /// Its stdout after the `listening on` line.
    pub stdout: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    /// The URL it printed.
    pub url: String,
}

/// Starts `till sim` with `extra` arguments and reads its one `listening on <url>` line.
pub async fn spawn_till_sim(extra: &[&str]) -> SimProcess {
    use std::process::Stdio;
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_till"))
        .args([
            "sim",
            "--listen",
            "127.0.0.1:0",
            "--customer",
            "auto",
            "--delay-ms",
            "0",
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("till runs");
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = tokio::time::timeout(PATIENCE, stdout.next_line())
        .await
        .expect("ready in time")
        .expect("read")
        .expect("a line");
    let url = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    SimProcess { child, stdout, url }
}
