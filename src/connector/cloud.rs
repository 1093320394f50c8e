//! Cloud Pay Display bootstrap (PROTOCOL.md §1.2): the alert POST that wakes the device and
//! names the support server, the WebSocket URL, and the OPTIONS probe that tells whether another
//! POS is attached. The access token never appears in a message.

use std::time::Duration;

use serde_json::Value;
use tokio_tungstenite::tungstenite::http::{Method, StatusCode};

use super::endpoint::{Endpoint, Scheme};
use super::settings::{CloudSettings, ConnectorSettings};
use super::transport::{ConnectError, TlsContext, http_request};
use crate::device::DeviceErrorCode;

/// What the alert call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertResponse {
    /// WebSocket base URL, with scheme.
    pub host: String,
    /// Connection token for the WebSocket URL (not the OAuth token).
    pub token: String,
    /// Optional server identifier.
    pub server_identifier: Option<String>,
}

/// `encodeURIComponent`-style percent encoding.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The alert endpoint: `{server}/v2/merchant/{merchantId}/remote_pay`.
pub fn alert_url(cloud: &CloudSettings) -> String {
    let base = cloud.server.trim_end_matches('/');
    format!(
        "{base}/v2/merchant/{}/remote_pay",
        encode_component(&cloud.merchant_id)
    )
}

/// The alert body: `{"deviceId": <id without dashes>, "isSilent": true}`.
pub fn alert_body(cloud: &CloudSettings) -> Vec<u8> {
    let device_id: String = cloud.device_id.chars().filter(|c| *c != '-').collect();
    serde_json::json!({"deviceId": device_id, "isSilent": true})
        .to_string()
        .into_bytes()
}

/// Reads the alert answer (HTTP 200 body).
pub fn parse_alert(body: &[u8]) -> Result<AlertResponse, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON ({e})"))?;
    if v.get("sent") == Some(&Value::Bool(false)) {
        return Err("The device is unreachable or an error has occurred sending the device a notification to start/connect to Cloud Pay Display.".to_owned());
    }
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(AlertResponse {
        host: text("host").ok_or("the answer has no 'host'")?,
        token: text("token").ok_or("the answer has no 'token'")?,
        server_identifier: text("serverIdentifier"),
    })
}

/// The device WebSocket URL: `{host}/support/remote_pay/cs?token=…&friendlyId=…&forceConnect=…[&server=…]`.
pub fn websocket_url(alert: &AlertResponse, cloud: &CloudSettings) -> String {
    let slash = if alert.host.ends_with('/') { "" } else { "/" };
    let mut url = format!(
        "{}{slash}support/remote_pay/cs?token={}&friendlyId={}&forceConnect={}",
        alert.host,
        encode_component(&alert.token),
        encode_component(&cloud.friendly_id),
        cloud.force_connect
    );
    if let Some(server) = &alert.server_identifier {
        url.push_str(&format!("&server={}", encode_component(server)));
    }
    url
}

/// What the OPTIONS probe means for this POS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeDecision {
    /// Nobody else is attached (or it is us, or we force): open the socket.
    Proceed,
    /// Another POS holds the device.
    AlreadyConnected(String),
}

/// Decides on the `X-CLOVER-CONNECTED-ID` header.
pub fn decide_probe(connected_id: Option<&str>, cloud: &CloudSettings) -> ProbeDecision {
    match connected_id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(other) if !cloud.force_connect && other != cloud.friendly_id => {
            ProbeDecision::AlreadyConnected(other.to_owned())
        }
        _ => ProbeDecision::Proceed,
    }
}

/// The message for [`ProbeDecision::AlreadyConnected`].
pub fn already_connected_message(other: &str) -> String {
    format!(
        "the device is already connected to '{other}'. To take it over, set force_connect = true (till: --force); '{other}' will be disconnected"
    )
}

fn error_detail(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    ["details", "message"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_owned))
}

/// Runs the alert call and returns the device WebSocket endpoint.
pub async fn bootstrap(
    settings: &ConnectorSettings,
    cloud: &CloudSettings,
    tls_ctx: &TlsContext,
    limit: Duration,
) -> Result<Endpoint, ConnectError> {
    let url = alert_url(cloud);
    let ep = Endpoint::parse(&url).map_err(|e| {
        ConnectError::fatal(DeviceErrorCode::Cloud, format!("device.cloud.server: {e}"))
    })?;
    let headers = [
        (
            "Authorization",
            format!("Bearer {}", cloud.access_token.expose()),
        ),
        ("Content-Type", "application/json;charset=UTF-8".to_owned()),
    ];
    let peer = "the Clover server";
    let response = http_request(
        Method::POST,
        &ep,
        &headers,
        Some(alert_body(cloud)),
        tls_ctx,
        peer,
        limit,
    )
    .await?;
    let detail =
        error_detail(&response.body).unwrap_or_else(|| "status returned was not 200".to_owned());
    let fail = |what: String| format!("Error connecting to your Clover device. Details: {what}");
    match response.status {
        StatusCode::OK => {}
        StatusCode::NOT_FOUND => {
            return Err(ConnectError::fatal(
                DeviceErrorCode::Cloud,
                fail(format!(
                    "{detail} (HTTP 404 from {}): check device.cloud.merchant_id and device.cloud.device_id",
                    ep.url_without_query()
                )),
            ));
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(ConnectError::fatal(
                DeviceErrorCode::AccessDenied,
                fail(format!(
                    "{detail} (HTTP {}): the access token was refused; set a valid device.cloud.access_token (or TILL_ACCESS_TOKEN)",
                    response.status.as_u16()
                )),
            ));
        }
        other => {
            return Err(ConnectError::retry(
                DeviceErrorCode::Cloud,
                fail(format!("{detail} (HTTP {})", other.as_u16())),
            ));
        }
    }
    let alert = parse_alert(&response.body)
        .map_err(|e| ConnectError::retry(DeviceErrorCode::Cloud, fail(e)))?;
    let ws_url = websocket_url(&alert, cloud);
    let ws = Endpoint::parse(&ws_url).map_err(|e| {
        ConnectError::retry(
            DeviceErrorCode::Cloud,
            fail(format!("the server named an unusable host: {e}")),
        )
    })?;
    if !matches!(ws.scheme, Scheme::Ws | Scheme::Wss) {
        return Err(ConnectError::retry(
            DeviceErrorCode::Cloud,
            fail(format!(
                "the server named a host that is not ws:// or wss:// ({})",
                ws.url_without_query()
            )),
        ));
    }
    settings
        .check_plain("cloud host", &ws)
        .map_err(|e| ConnectError::fatal(DeviceErrorCode::Cloud, e.to_string()))?;
    Ok(ws)
}

/// The OPTIONS probe: who (if anyone) is attached. Failures count as "nobody" (like the SDK).
pub async fn probe(
    ws: &Endpoint,
    cloud: &CloudSettings,
    tls_ctx: &TlsContext,
    limit: Duration,
) -> Option<String> {
    let scheme = if ws.scheme.is_secure() {
        Scheme::Https
    } else {
        Scheme::Http
    };
    let ep = ws.with_scheme(scheme);
    let headers = [(
        "Authorization",
        format!("Bearer {}", cloud.access_token.expose()),
    )];
    let response = http_request(
        Method::OPTIONS,
        &ep,
        &headers,
        None,
        tls_ctx,
        "the cloud proxy",
        limit,
    )
    .await
    .ok()?;
    response
        .headers
        .get("X-CLOVER-CONNECTED-ID")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::settings::Secret;

    fn cloud() -> CloudSettings {
        CloudSettings {
            server: "https://www.clover.com/".into(),
            ..CloudSettings::new(
                "MRCHNT0000001",
                "5d0e-0f6c",
                Secret::new("6a0f1c2e-0000"),
                "register 1",
            )
        }
    }

    #[test]
    fn alert_request_shape() {
        assert_eq!(
            alert_url(&cloud()),
            "https://www.clover.com/v2/merchant/MRCHNT0000001/remote_pay"
        );
        let body: Value = serde_json::from_slice(&alert_body(&cloud())).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"deviceId": "5d0e0f6c", "isSilent": true})
        );
    }

    #[test]
    fn websocket_url_shape() {
        let alert = parse_alert(br#"{"sent":true,"host":"wss://support.example","token":"c0ffee t","serverIdentifier":"sup3"}"#).unwrap();
        assert_eq!(
            websocket_url(&alert, &cloud()),
            "wss://support.example/support/remote_pay/cs?token=c0ffee%20t&friendlyId=register%201&forceConnect=false&server=sup3"
        );
        let alert = parse_alert(br#"{"host":"ws://127.0.0.1:9/","token":"t"}"#).unwrap();
        assert_eq!(
            websocket_url(
                &alert,
                &CloudSettings {
                    force_connect: true,
                    ..cloud()
                }
            ),
            "ws://127.0.0.1:9/support/remote_pay/cs?token=t&friendlyId=register%201&forceConnect=true"
        );
    }

    #[test]
    fn alert_errors() {
        assert!(
            parse_alert(br#"{"sent":false,"host":"wss://x","token":"t"}"#)
                .unwrap_err()
                .contains("unreachable")
        );
        assert!(
            parse_alert(br#"{"sent":true,"token":"t"}"#)
                .unwrap_err()
                .contains("host")
        );
        assert!(parse_alert(b"<html>").is_err());
    }

    #[test]
    fn probe_decisions() {
        let c = cloud();
        assert_eq!(decide_probe(None, &c), ProbeDecision::Proceed);
        assert_eq!(decide_probe(Some("register 1"), &c), ProbeDecision::Proceed);
        assert_eq!(
            decide_probe(Some("lane-2"), &c),
            ProbeDecision::AlreadyConnected("lane-2".into())
        );
        let forced = CloudSettings {
            force_connect: true,
            ..c
        };
        assert_eq!(
            decide_probe(Some("lane-2"), &forced),
            ProbeDecision::Proceed
        );
        assert!(already_connected_message("lane-2").contains("force_connect = true"));
    }
}
