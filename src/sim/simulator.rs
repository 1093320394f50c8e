//! The embedding API: start a simulator server on the current tokio runtime, act as the
//! customer, watch device screens, stop it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{broadcast, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::actor::{ActorMsg, DeviceHandle};
use super::config::{DEFAULT_DEVICE_ID, SimConfig, valid_device_id};
use super::device::{CreditRecord, CustomerAction, Screen};
use super::error::SimError;
use super::frame_log::FrameLog;
use super::notes::{Notes, SimNote};
use super::server::accept_loop;
use super::shared::Shared;
use super::tls;
use crate::protocol::Payment;

/// A running simulator: one listener, any number of devices.
///
/// ```no_run
/// # async fn demo() -> Result<(), till::sim::SimError> {
/// use till::sim::{CustomerAction, SimConfig, Simulator};
/// let sim = Simulator::start(SimConfig::default()).await?;
/// println!("POS, connect to {}", sim.url());
/// let mut screen = sim.screen("default").expect("a valid device id");
/// screen.changed().await.ok();
/// sim.act("default", CustomerAction::TapCard("4242424242424242".into())).await.ok();
/// sim.shutdown().await;
/// # Ok(()) }
/// ```
///
/// Dropping it without [`Simulator::shutdown`] also stops the server (without waiting).
#[derive(Debug)]
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    ca_pem: Option<String>,
    ca_path: Option<PathBuf>,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("ws_base", &self.ws_base)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Binds the listener, generates the TLS material (with `tls`), writes the CA file (with
    /// `ca_out`), opens the frame log and starts serving. Must be called inside a tokio
    /// runtime. Devices are created on first use; the default device exists from the start.
    pub async fn start(config: SimConfig) -> Result<Simulator, SimError> {
        if let Some(path) = &config.memory_file {
            super::memory_file::load(path).map_err(SimError::Memory)?;
        }
        let log = match &config.frames {
            Some(path) => FrameLog::open(path)?,
            None => FrameLog::default(),
        };
        let (acceptor, ca_pem) = if config.tls {
            let material = tls::generate()?;
            (
                Some(TlsAcceptor::from(material.server_config)),
                Some(material.ca_pem),
            )
        } else {
            (None, None)
        };
        let ca_path = match (&config.ca_out, &ca_pem) {
            (Some(path), Some(pem)) => {
                std::fs::write(path, pem).map_err(|e| SimError::CaOut {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                Some(path.clone())
            }
            (Some(_), None) => return Err(SimError::CaOutWithoutTls),
            _ => None,
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| SimError::Bind {
                addr: config.listen,
                message: e.to_string(),
            })?;
        let addr = listener.local_addr().map_err(|e| SimError::Bind {
            addr: config.listen,
            message: e.to_string(),
        })?;
        let scheme = if config.tls { "wss" } else { "ws" };
        let ws_base = format!("{scheme}://{addr}");
        let (stop, stopped) = watch::channel(false);
        let notes = Notes::new(config.notes_to_stderr);
        let shared = Arc::new(Shared::new(config, log, notes, stopped, ws_base));
        shared.device(DEFAULT_DEVICE_ID);
        let accept = tokio::spawn(accept_loop(listener, acceptor, shared.clone()));
        Ok(Simulator {
            shared,
            addr,
            ca_pem,
            ca_path,
            stop,
            accept: Some(accept),
        })
    }

    /// The URL of the default device, e.g. `ws://127.0.0.1:40123/remote_pay`.
    pub fn url(&self) -> String {
        format!("{}/remote_pay", self.shared.ws_base)
    }

    /// The URL of device `id` (`…/remote_pay/<id>`; the default device for `"default"`).
    pub fn device_url(&self, id: &str) -> String {
        if id == DEFAULT_DEVICE_ID {
            self.url()
        } else {
            format!("{}/remote_pay/{id}", self.shared.ws_base)
        }
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate (PEM) a client must trust for `wss://`; `None` without TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Where the CA certificate was written (`SimConfig::ca_out`), if anywhere.
    pub fn ca_pem_path(&self) -> Option<&Path> {
        self.ca_path.as_deref()
    }

    /// The base URL of the emulated Clover server (`http://HOST:PORT/` or `https://…/`) for
    /// the cloud SDK's `cloverServer`, or `None` without the cloud.
    pub fn cloud_base_url(&self) -> Option<String> {
        self.shared.config.cloud.as_ref()?;
        let scheme = if self.shared.config.tls {
            "https"
        } else {
            "http"
        };
        Some(format!("{scheme}://{}/", self.addr))
    }

    /// A cheap, cloneable handle to act on devices and watch them (for other tasks).
    pub fn controller(&self) -> Controller {
        Controller {
            shared: self.shared.clone(),
        }
    }

    /// Acts as the customer at device `device_id`; see [`Controller::act`].
    pub async fn act(&self, device_id: &str, action: CustomerAction) -> Result<(), String> {
        self.controller().act(device_id, action).await
    }

    /// The live screen of device `device_id`; see [`Controller::screen`].
    pub fn screen(&self, device_id: &str) -> Result<watch::Receiver<Screen>, String> {
        self.controller().screen(device_id)
    }

    /// Payments device `device_id` remembers; see [`Controller::payments`].
    pub async fn payments(
        &self,
        device_id: &str,
        external_id: &str,
    ) -> Result<Vec<Payment>, String> {
        self.controller().payments(device_id, external_id).await
    }

    /// Credits device `device_id` made; see [`Controller::credits`].
    pub async fn credits(&self, device_id: &str) -> Result<Vec<CreditRecord>, String> {
        self.controller().credits(device_id).await
    }

    /// Device notes and connection events from now on; see [`Controller::notes`].
    pub fn notes(&self) -> broadcast::Receiver<SimNote> {
        self.controller().notes()
    }

    /// Stops accepting, closes every connection (1001 "simulator shutting down") and stops
    /// every device.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        self.shared.stop_devices();
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
    }
}

/// Acts on a running simulator's devices from any task. Cloning is cheap. Once the simulator
/// is shut down, every call answers "the simulator has stopped".
#[derive(Debug, Clone)]
pub struct Controller {
    shared: Arc<Shared>,
}

impl Controller {
    /// Acts as the customer at device `device_id` (created if new). `Err` says why the action
    /// does not apply right now (nothing changed) or that the simulator has stopped.
    pub async fn act(&self, device_id: &str, action: CustomerAction) -> Result<(), String> {
        let handle = handle(&self.shared, device_id)?;
        let (reply, answer) = oneshot::channel();
        handle
            .tx
            .send(ActorMsg::Act { action, reply })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The screen of device `device_id` (created if new), updated live. `Err` for an invalid id.
    pub fn screen(&self, device_id: &str) -> Result<watch::Receiver<Screen>, String> {
        Ok(handle(&self.shared, device_id)?.screen)
    }

    /// Payments device `device_id` remembers with this external id (what the REST endpoint
    /// and RETRIEVE_PAYMENT see).
    pub async fn payments(
        &self,
        device_id: &str,
        external_id: &str,
    ) -> Result<Vec<Payment>, String> {
        let handle = handle(&self.shared, device_id)?;
        let (reply, answer) = oneshot::channel();
        handle
            .tx
            .send(ActorMsg::Payments {
                external_id: external_id.to_owned(),
                reply,
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }

    /// Device notes and connection events from now on (pairing codes, outcomes, …).
    pub fn notes(&self) -> broadcast::Receiver<SimNote> {
        self.shared.notes.subscribe()
    }

    /// Credits (manual refunds) device `device_id` made, oldest first, each with the external
    /// id of the TX_START that asked for it.
    pub async fn credits(&self, device_id: &str) -> Result<Vec<CreditRecord>, String> {
        let handle = handle(&self.shared, device_id)?;
        let (reply, answer) = oneshot::channel();
        handle
            .tx
            .send(ActorMsg::Credits { reply })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }
}

fn handle(shared: &Shared, device_id: &str) -> Result<DeviceHandle, String> {
    if !valid_device_id(device_id) {
        return Err(format!(
            "'{device_id}' is not a device id: use 1-64 letters, digits, '.', '_' or '-'"
        ));
    }
    if *shared.shutdown.borrow() {
        return Err(stopped());
    }
    Ok(shared.device(device_id))
}

fn stopped() -> String {
    "the simulator has stopped".to_owned()
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.shared.stop_devices();
    }
}
