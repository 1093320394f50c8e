//! The connector task: connect, run a session, reconnect with backoff, stop on fatal problems.
//! Commands that arrive while no session is ready are refused at once (never queued).

use std::future::Future;
use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::mpsc;

use super::backoff::Backoff;
use super::cloud::{self, ProbeDecision};
use super::endpoint::Endpoint;
use super::frames::FrameWriter;
use super::handle::Command;
use super::link::{Interrupt, Link};
use super::requests::CommandError;
use super::session::Session;
use super::settings::{ConnectorSettings, TransportSettings};
use super::token_store::TokenStore;
use super::transport::{ConnectError, TlsContext, Ws, open_websocket};
use crate::device::{DeviceErrorCode, DeviceInput, Disconnect, DisconnectReason};

/// The connector task: what every connection of one connector shares ([`Link`]), plus what
/// only the reconnect loop needs.
pub(crate) struct Runner {
    link: Link,
    tls: TlsContext,
    backoff: Backoff,
    rng: StdRng,
    cloud_ws: Option<Endpoint>,
}

/// Waits for `fut`, refusing every command meanwhile with `NotConnected(state)`.
pub(crate) async fn refusing<T>(
    commands: &mut mpsc::Receiver<Command>,
    state: &str,
    fut: impl Future<Output = T>,
) -> Result<T, Interrupt> {
    tokio::pin!(fut);
    loop {
        tokio::select! {
            out = &mut fut => return Ok(out),
            cmd = commands.recv() => match cmd {
                None => return Err(Interrupt::Gone),
                Some(Command::Dispose { done }) => return Err(Interrupt::Disposed(done)),
                Some(Command::Send { reply, .. }) => {
                    let _ = reply.send(Err(CommandError::NotConnected(state.to_owned())));
                }
                Some(Command::Reconnect) => {}
            },
        }
    }
}

/// Waits `delay` before the next attempt, refusing commands meanwhile; a reconnect request cuts
/// the wait short.
async fn wait_to_reconnect(
    commands: &mut mpsc::Receiver<Command>,
    delay: std::time::Duration,
) -> Result<(), Interrupt> {
    let sleep = tokio::time::sleep(delay);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            () = &mut sleep => return Ok(()),
            cmd = commands.recv() => match cmd {
                None => return Err(Interrupt::Gone),
                Some(Command::Dispose { done }) => return Err(Interrupt::Disposed(done)),
                Some(Command::Send { reply, .. }) => {
                    let _ = reply.send(Err(CommandError::NotConnected(
                        "disconnected, waiting to reconnect".to_owned(),
                    )));
                }
                Some(Command::Reconnect) => return Ok(()),
            },
        }
    }
}

/// A ready direct connection the device closed with a close frame (not "going away"): a
/// second POS took it over.
fn taken_over(reached_ready: bool, reason: DisconnectReason) -> DisconnectReason {
    match reason {
        DisconnectReason::Closed {
            code: Some(code),
            reason,
        } if reached_ready && code != 1001 => DisconnectReason::TakenOver { code, reason },
        other => other,
    }
}

async fn connect(
    settings: &ConnectorSettings,
    tls: &TlsContext,
    cloud_ws: &mut Option<Endpoint>,
) -> Result<Ws, ConnectError> {
    let limit = settings.connect_timeout;
    match &settings.transport {
        TransportSettings::Direct { url } => {
            let ep = Endpoint::parse(url).map_err(|e| {
                ConnectError::fatal(DeviceErrorCode::NotConnected, format!("url: {e}"))
            })?;
            open_websocket(&ep, tls, None, "the device", limit).await
        }
        TransportSettings::Cloud(c) => {
            let ws = match cloud_ws.clone() {
                Some(ws) => ws,
                None => {
                    let ws = cloud::bootstrap(settings, c, tls, limit).await?;
                    *cloud_ws = Some(ws.clone());
                    ws
                }
            };
            let attached = cloud::probe(&ws, c, tls, limit).await;
            if let ProbeDecision::AlreadyConnected(other) =
                cloud::decide_probe(attached.as_deref(), c)
            {
                return Err(ConnectError::fatal(
                    DeviceErrorCode::AccessDenied,
                    cloud::already_connected_message(&other),
                ));
            }
            let result = open_websocket(
                &ws,
                tls,
                Some(c.access_token.expose()),
                "the cloud proxy",
                limit,
            )
            .await;
            if result.is_err() {
                // Ask the server again next time: the support server may have moved.
                *cloud_ws = None;
            }
            result
        }
    }
}

impl Runner {
    pub fn new(
        settings: ConnectorSettings,
        tokens: Arc<dyn TokenStore>,
        events: mpsc::Sender<DeviceInput>,
        commands: mpsc::Receiver<Command>,
        tls: TlsContext,
    ) -> Self {
        let writer = match &settings.transport {
            TransportSettings::Direct { .. } => {
                FrameWriter::direct(&settings.remote_application_id)
            }
            TransportSettings::Cloud(_) => FrameWriter::cloud(&settings.remote_application_id),
        };
        Runner {
            backoff: Backoff::new(settings.reconnect_floor, settings.reconnect_cap),
            link: Link {
                settings: Arc::new(settings),
                tokens,
                events,
                commands,
                writer,
                token: None,
            },
            tls,
            rng: StdRng::from_os_rng(),
            cloud_ws: None,
        }
    }

    async fn emit(&self, input: DeviceInput) -> Result<(), Interrupt> {
        self.link.emit(input).await
    }

    /// Runs until disposed or abandoned.
    pub async fn run(mut self) {
        match self.run_connections().await {
            Err(Interrupt::Disposed(done)) => {
                let _ = self
                    .emit(DeviceInput::Disconnected(Disconnect {
                        reason: DisconnectReason::Disposed,
                        retry_in: None,
                    }))
                    .await;
                let _ = done.send(());
            }
            Err(Interrupt::Gone) | Ok(()) => {}
        }
    }

    async fn run_connections(&mut self) -> Result<(), Interrupt> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.emit(DeviceInput::Connecting { attempt }).await?;
            let state = format!("connecting, attempt {attempt}");
            let result = refusing(
                &mut self.link.commands,
                &state,
                connect(&self.link.settings, &self.tls, &mut self.cloud_ws),
            )
            .await?;
            let (reason, stop) = match result {
                Err(e) => {
                    self.emit(DeviceInput::DeviceError {
                        code: e.code.clone(),
                        message: e.message.clone(),
                    })
                    .await?;
                    if e.fatal {
                        (DisconnectReason::Fatal(e.message), true)
                    } else {
                        (DisconnectReason::ConnectFailed(e.message), false)
                    }
                }
                Ok(ws) => {
                    self.emit(DeviceInput::Connected).await?;
                    let end = Session::new(&mut self.link, ws).run().await?;
                    let direct = matches!(
                        self.link.settings.transport,
                        TransportSettings::Direct { .. }
                    );
                    let reason = if direct {
                        taken_over(end.reached_ready, end.reason)
                    } else {
                        end.reason
                    };
                    if matches!(reason, DisconnectReason::TakenOver { .. }) {
                        // Grabbing it back at once makes two POS take turns every second.
                        self.backoff.saturate();
                    } else if end.reached_ready {
                        self.backoff.reset();
                        attempt = 0;
                    }
                    (reason, end.stop)
                }
            };
            if stop {
                let text = reason.to_string();
                self.emit(DeviceInput::Disconnected(Disconnect {
                    reason,
                    retry_in: None,
                }))
                .await?;
                return self.stopped(&text).await;
            }
            let delay = self.backoff.next_delay(&mut self.rng);
            self.emit(DeviceInput::Disconnected(Disconnect {
                reason,
                retry_in: Some(delay),
            }))
            .await?;
            wait_to_reconnect(&mut self.link.commands, delay).await?;
        }
    }

    /// After a fatal problem: refuse everything until disposed.
    async fn stopped(&mut self, why: &str) -> Result<(), Interrupt> {
        let state = format!("stopped: {why}");
        refusing(
            &mut self.link.commands,
            &state,
            std::future::pending::<()>(),
        )
        .await
    }
}
