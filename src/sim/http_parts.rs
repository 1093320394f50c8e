//! The pieces both HTTP routes (`http` for devices, `cloud`) use: the response body type, the
//! WebSocket upgrade into a connection task, JSON responses and query strings.

use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{
    CONNECTION, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL,
    SEC_WEBSOCKET_VERSION, UPGRADE,
};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::actor::CloudPos;
use super::conn::{self, ConnCtx};
use super::shared::Shared;

/// The response body type.
pub(crate) type Body = Full<Bytes>;

/// Completes a WebSocket upgrade and hands the socket to a connection task for `device_id`.
/// `protocol` is echoed as `Sec-WebSocket-Protocol`.
pub(crate) fn upgrade(
    mut req: Request<Incoming>,
    shared: Arc<Shared>,
    device_id: String,
    cloud: Option<CloudPos>,
    protocol: Option<String>,
) -> Response<Body> {
    let headers = req.headers();
    let wants_websocket = headers
        .get(UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(key) = headers
        .get(SEC_WEBSOCKET_KEY)
        .map(|k| k.as_bytes().to_vec())
    else {
        let message =
            "this is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)";
        return json_response(StatusCode::UPGRADE_REQUIRED, &json!({"message": message}));
    };
    let version_ok = headers
        .get(SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v.as_bytes() == b"13");
    if !wants_websocket || req.method() != Method::GET || !version_ok {
        let message = "bad WebSocket handshake: GET with Upgrade: websocket and Sec-WebSocket-Version: 13 required";
        return json_response(StatusCode::BAD_REQUEST, &json!({"message": message}));
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    let device = shared.device(&device_id);
    let conn_id = shared.next_conn();
    let ctx = ConnCtx {
        conn: conn_id,
        device_id,
        device: device.tx,
        cloud,
        log: shared.log.clone(),
        shutdown: shared.shutdown.clone(),
    };
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let ws = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    Some(crate::connector::transport::websocket_config()),
                )
                .await;
                conn::run(ws, ctx).await;
            }
            Err(e) => tracing::debug!("WebSocket upgrade failed: {e}"),
        }
    });
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let out = response.headers_mut();
    out.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    out.insert(UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(&key)) {
        out.insert(SEC_WEBSOCKET_ACCEPT, accept);
    }
    if let Some(protocol) = protocol.and_then(|p| HeaderValue::from_str(&p).ok()) {
        out.insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    response
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The query parameters of a request, percent-decoded (`+` is a space).
pub(crate) fn query_params(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`; invalid escapes are kept as written.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("externalPaymentId%3DAB%2bC+d"),
            "externalPaymentId=AB+C d"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        let params = query_params(Some("token=t%20x&friendlyId=reg-1&forceConnect=true&flag"));
        assert_eq!(params[0], ("token".into(), "t x".into()));
        assert_eq!(params[2], ("forceConnect".into(), "true".into()));
        assert_eq!(params[3], ("flag".into(), String::new()));
    }
}
