//! The listener: accepts TCP (and TLS) connections and serves HTTP/1.1 on them with hyper.
//! WebSocket upgrades on `/remote_pay[/<id>]` (and, with the cloud, `/support/remote_pay/cs`)
//! become [`super::conn`] tasks bound to a device actor.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::http;
use super::shared::Shared;

/// Accepts connections until shutdown.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
) {
    let mut shutdown = shared.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (tcp, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                shared.notes.note("server", format!("accept failed: {e}"));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve(tcp, peer, shared).await,
                Some(acceptor) => {
                    match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
                    {
                        Ok(Ok(stream)) => serve(stream, peer, shared).await,
                        Ok(Err(e)) => shared
                            .notes
                            .note("server", format!("TLS handshake with {peer} failed: {e}")),
                        Err(_) => shared
                            .notes
                            .note("server", format!("TLS handshake with {peer} timed out")),
                    }
                }
            }
        });
    }
}

/// Serves HTTP/1.1 (with upgrades) on one stream.
async fn serve<S>(stream: S, peer: SocketAddr, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut shutdown = shared.shutdown.clone();
    let service = service_fn(move |req| http::handle(req, shared.clone()));
    let connection = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::select! {
        result = connection => {
            if let Err(e) = result
                && !e.is_incomplete_message() {
                    tracing::debug!("HTTP connection from {peer}: {e}");
                }
        }
        _ = shutdown.changed() => {}
    }
}
