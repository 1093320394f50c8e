//! Opening connections: TCP, TLS (with explained failures), the WebSocket upgrade, and the small
//! HTTP/1.1 client the cloud bootstrap uses (hyper).

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::endpoint::Endpoint;
use super::tls;
use crate::device::DeviceErrorCode;

/// The WebSocket the connector speaks over.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The largest WebSocket message (and frame) a device may send: 1 MiB. Real frames are a few
/// KiB (a signature with hundreds of points stays far below); a larger one is refused by the
/// WebSocket layer before it is buffered whole, the connection is dropped with the reason and
/// re-opened, and an open payment is recovered as after any drop.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// The largest HTTP response body read from the cloud (alert, probe, REST payments): 1 MiB.
pub const MAX_HTTP_BODY_BYTES: usize = 1 << 20;

/// The WebSocket limits every device connection is opened with.
pub fn websocket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES))
}

/// A read error from the WebSocket explained: an over-size frame names the cap.
pub fn explain_read_error(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error;
    use tokio_tungstenite::tungstenite::error::CapacityError;
    match e {
        Error::Capacity(CapacityError::MessageTooLong { size, max_size }) => format!(
            "the device sent a frame of {size} bytes, over the {max_size}-byte limit: frame refused, reconnecting"
        ),
        other => other.to_string(),
    }
}

/// Why a connection attempt failed; `fatal` when retrying cannot help (a setting must change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    /// Error code for the [`crate::device::DeviceInput::DeviceError`].
    pub code: DeviceErrorCode,
    /// What went wrong and what to do.
    pub message: String,
    /// Stop reconnecting.
    pub fatal: bool,
}

impl ConnectError {
    /// A failure worth retrying.
    pub fn retry(code: DeviceErrorCode, message: impl Into<String>) -> Self {
        ConnectError {
            code,
            message: message.into(),
            fatal: false,
        }
    }

    /// A failure that needs a settings change.
    pub fn fatal(code: DeviceErrorCode, message: impl Into<String>) -> Self {
        ConnectError {
            code,
            message: message.into(),
            fatal: true,
        }
    }
}

/// TLS material shared by every attempt.
#[derive(Debug, Clone)]
pub struct TlsContext {
    /// The client configuration (trusting `ca_file` or web roots).
    pub config: Arc<ClientConfig>,
    /// The CA file, named in error messages.
    pub ca_file: Option<std::path::PathBuf>,
    /// Name to verify instead of the URL host.
    pub server_name: Option<String>,
}

/// Opens TCP (and TLS for `wss`/`https`) to `ep`. `peer` names the other side in messages.
pub async fn open_stream(
    ep: &Endpoint,
    tls_ctx: &TlsContext,
    peer: &str,
) -> Result<MaybeTlsStream<TcpStream>, ConnectError> {
    let tcp = TcpStream::connect((ep.host.as_str(), ep.port))
        .await
        .map_err(|e| {
            ConnectError::retry(
                DeviceErrorCode::NotConnected,
                format!("cannot reach {peer} at {}: {e}", ep.authority()),
            )
        })?;
    let _ = tcp.set_nodelay(true);
    if !ep.scheme.is_secure() {
        return Ok(MaybeTlsStream::Plain(tcp));
    }
    let name = tls::server_name(&ep.host, tls_ctx.server_name.as_deref())
        .map_err(|e| ConnectError::fatal(DeviceErrorCode::Tls, e.to_string()))?;
    let shown_name = tls_ctx
        .server_name
        .clone()
        .unwrap_or_else(|| ep.host.clone());
    let connector = tokio_rustls::TlsConnector::from(tls_ctx.config.clone());
    match connector.connect(name, tcp).await {
        Ok(stream) => Ok(MaybeTlsStream::Rustls(stream)),
        Err(e) => {
            let is_tls = e.get_ref().is_some_and(|i| i.is::<rustls::Error>());
            let message =
                tls::explain_handshake_error(&e, peer, &shown_name, tls_ctx.ca_file.as_deref());
            if is_tls {
                Err(ConnectError::fatal(DeviceErrorCode::Tls, message))
            } else {
                Err(ConnectError::retry(DeviceErrorCode::NotConnected, message))
            }
        }
    }
}

/// Opens the WebSocket at `ep` (`ws`/`wss`), offering `subprotocol` when given (the cloud's
/// access token). The whole attempt is limited to `limit`.
pub async fn open_websocket(
    ep: &Endpoint,
    tls_ctx: &TlsContext,
    subprotocol: Option<&str>,
    peer: &str,
    limit: Duration,
) -> Result<Ws, ConnectError> {
    let attempt = async {
        let stream = open_stream(ep, tls_ctx, peer).await?;
        let mut request = ep.url().into_client_request().map_err(|e| {
            ConnectError::fatal(
                DeviceErrorCode::NotConnected,
                format!("bad URL {}: {e}", ep.url_without_query()),
            )
        })?;
        if let Some(proto) = subprotocol {
            let value = HeaderValue::from_str(proto).map_err(|_| {
                ConnectError::fatal(
                    DeviceErrorCode::Cloud,
                    "device.cloud.access_token cannot be sent as a WebSocket sub-protocol: it must be printable ASCII",
                )
            })?;
            request
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", value);
        }
        match tokio_tungstenite::client_async_with_config(request, stream, Some(websocket_config()))
            .await
        {
            Ok((ws, _response)) => Ok(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let status = response.status();
                let message = format!(
                    "{peer} refused the WebSocket upgrade at {}: HTTP {status}",
                    ep.url_without_query()
                );
                if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                    Err(ConnectError::fatal(
                        DeviceErrorCode::AccessDenied,
                        format!("{message}: check the access token"),
                    ))
                } else if status == StatusCode::CONFLICT {
                    Err(ConnectError::fatal(
                        DeviceErrorCode::AccessDenied,
                        format!(
                            "{message}: the device is already connected to another POS; set force_connect = true (till: --force) to take it over"
                        ),
                    ))
                } else {
                    Err(ConnectError::retry(DeviceErrorCode::NotConnected, message))
                }
            }
            Err(e) => Err(ConnectError::retry(
                DeviceErrorCode::NotConnected,
                format!("WebSocket handshake with {peer} failed: {e}"),
            )),
        }
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::retry(
            DeviceErrorCode::NotConnected,
            format!(
                "no answer from {peer} at {} within {:.1} s",
                ep.authority(),
                limit.as_secs_f64()
            ),
        )),
    }
}

/// An HTTP response: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

/// One HTTP/1.1 request on a fresh connection to `ep` (`http`/`https`), limited to `limit`.
/// Errors are plain text naming the server.
pub async fn http_request(
    method: Method,
    ep: &Endpoint,
    headers: &[(&str, String)],
    body: Option<Vec<u8>>,
    tls_ctx: &TlsContext,
    peer: &str,
    limit: Duration,
) -> Result<HttpResponse, ConnectError> {
    let attempt = async {
        let stream = open_stream(ep, tls_ctx, peer).await?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| {
                ConnectError::retry(
                    DeviceErrorCode::Cloud,
                    format!("HTTP with {peer} failed: {e}"),
                )
            })?;
        let driver = tokio::spawn(async move {
            let _ = conn.await;
        });
        let mut builder = Request::builder()
            .method(method)
            .uri(ep.path_and_query.as_str())
            .header("Host", ep.authority());
        for (name, value) in headers {
            builder = builder.header(*name, value.as_str());
        }
        let request = builder
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| {
                ConnectError::fatal(
                    DeviceErrorCode::Cloud,
                    format!("bad request to {peer}: {e}"),
                )
            })?;
        let response = sender.send_request(request).await.map_err(|e| {
            ConnectError::retry(
                DeviceErrorCode::Cloud,
                format!("HTTP with {peer} failed: {e}"),
            )
        })?;
        let (parts, body) = response.into_parts();
        let body = http_body_util::Limited::new(body, MAX_HTTP_BODY_BYTES)
            .collect()
            .await
            .map_err(|e| {
                let why = if e.is::<http_body_util::LengthLimitError>() {
                    format!("its body is over the {MAX_HTTP_BODY_BYTES}-byte limit")
                } else {
                    e.to_string()
                };
                ConnectError::retry(
                    DeviceErrorCode::Cloud,
                    format!("reading the answer of {peer} failed: {why}"),
                )
            })?
            .to_bytes();
        driver.abort();
        Ok(HttpResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::retry(
            DeviceErrorCode::Cloud,
            format!(
                "no answer from {peer} at {} within {:.1} s",
                ep.authority(),
                limit.as_secs_f64()
            ),
        )),
    }
}
