//! The listener: accepts TCP (and TLS) connections and serves HTTP/1.1 on them with hyper.
//! WebSocket upgrades on `/remote_pay[/<id>]` (and, with the cloud, `/support/remote_pay/cs`)
//! become [`super::conn`] tasks bound to a device actor.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use super::actor::{self, ActorMsg, DeviceHandle};
use super::config::{DEFAULT_DEVICE_ID, SimConfig, device_config};
use super::frame_log::FrameLog;
use super::http;
use super::notes::Notes;

/// State shared by every connection of one simulator.
pub(crate) struct Shared {
    pub config: SimConfig,
    devices: Mutex<HashMap<String, DeviceHandle>>,
    /// Cloud connection tokens handed out by the alert endpoint → device id.
    pub cloud_tokens: Mutex<HashMap<String, String>>,
    next_conn: AtomicU64,
    pub log: FrameLog,
    pub notes: Notes,
    pub shutdown: watch::Receiver<bool>,
    /// `ws://HOST:PORT` or `wss://HOST:PORT`.
    pub ws_base: String,
}

impl Shared {
    pub fn new(
        config: SimConfig,
        log: FrameLog,
        notes: Notes,
        shutdown: watch::Receiver<bool>,
        ws_base: String,
    ) -> Shared {
        Shared {
            config,
            devices: Mutex::new(HashMap::new()),
            cloud_tokens: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(1),
            log,
            notes,
            shutdown,
            ws_base,
        }
    }

    /// The device with this id, created (idle, unpaired) on first use.
    pub fn device(&self, id: &str) -> DeviceHandle {
        let mut devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(handle) = devices.get(id)
            && !handle.tx.is_closed()
        {
            return handle.clone();
        }
        let memory = match (&self.config.memory_file, id == DEFAULT_DEVICE_ID) {
            (Some(path), true) => match super::memory_file::load(path) {
                Ok(saved) => Some((path.clone(), saved)),
                Err(e) => {
                    self.notes
                        .note(id, format!("{e}; this run's payments are not kept"));
                    None
                }
            },
            _ => None,
        };
        let handle = actor::spawn(
            id.to_owned(),
            device_config(&self.config.device, id),
            self.notes.clone(),
            memory,
        );
        devices.insert(id.to_owned(), handle.clone());
        handle
    }

    /// The device with this id if it exists.
    pub fn existing_device(&self, id: &str) -> Option<DeviceHandle> {
        let devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        devices.get(id).cloned()
    }

    /// Every device that exists now.
    pub fn all_devices(&self) -> Vec<DeviceHandle> {
        let devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        devices.values().cloned().collect()
    }

    /// Stops every device actor (their connections close with 1001).
    pub fn stop_devices(&self) {
        let devices = self
            .devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for handle in devices.values() {
            let _ = handle.tx.send(ActorMsg::Shutdown);
        }
    }

    /// A fresh connection number.
    pub fn next_conn(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }
}

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
