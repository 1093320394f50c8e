//! One WebSocket connection: pairing (direct), discovery, heartbeat, commands out immediately,
//! device frames in, decoded once, as [`DeviceInput`]s. Ends with a [`SessionEnd`] saying why and whether to reconnect.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::protocol::redact::kept_frame_text;
use crate::protocol::{DecodeError, Frame, Message, MessageType};

use super::decode;
use super::direct::{Pairing, PairingStep};
use super::handle::Command;
use super::heartbeat::{Beat, Heartbeat};
use super::link::{Interrupt, Link};
use super::requests::{self, CommandError};
use super::settings::TransportSettings;
use super::transport::Ws;
use crate::device::{DeviceErrorCode, DeviceInput, DisconnectReason};
use crate::protocol::Sender;

/// How a session ended.
#[derive(Debug)]
pub(crate) struct SessionEnd {
    pub reason: DisconnectReason,
    /// Do not reconnect.
    pub stop: bool,
    /// The device said `ready:true` during this session.
    pub reached_ready: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pairing,
    Discovering,
    NotReady,
    Ready,
}

/// Longest time a single write may take before the connection counts as broken.
/// The longest pairing token kept, saved and sent back (real tokens are ~40 bytes).
const MAX_TOKEN_BYTES: usize = super::token_store::MAX_TOKEN_BYTES;

const WRITE_LIMIT: Duration = Duration::from_secs(5);

pub(crate) struct Session<'r> {
    r: &'r mut Link,
    ws: Ws,
    phase: Phase,
    pairing: Pairing,
    heartbeat: Heartbeat,
    /// PING envelopes only after pairing (devices ignore non-pairing frames until then).
    ping_envelopes: bool,
    discovery_due: Option<Instant>,
    ready_deadline: Option<Instant>,
    reached_ready: bool,
    cloud: bool,
}

type Step = Result<Option<SessionEnd>, Interrupt>;

impl<'r> Session<'r> {
    pub fn new(r: &'r mut Link, ws: Ws) -> Self {
        let now = Instant::now();
        let heartbeat = Heartbeat::new(
            now,
            r.settings.heartbeat_interval,
            r.settings.heartbeat_timeout,
        );
        let cloud = matches!(r.settings.transport, TransportSettings::Cloud(_));
        Session {
            r,
            ws,
            phase: Phase::Pairing,
            pairing: Pairing::new(),
            heartbeat,
            ping_envelopes: false,
            discovery_due: None,
            ready_deadline: None,
            reached_ready: false,
            cloud,
        }
    }

    fn end(&self, reason: DisconnectReason, stop: bool) -> Option<SessionEnd> {
        Some(SessionEnd {
            reason,
            stop,
            reached_ready: self.reached_ready,
        })
    }

    fn lost(&self, why: String) -> Option<SessionEnd> {
        self.end(
            DisconnectReason::Closed {
                code: None,
                reason: why,
            },
            false,
        )
    }

    pub async fn run(mut self) -> Result<SessionEnd, Interrupt> {
        let first = if self.cloud {
            self.start_discovery().await?
        } else {
            self.start_pairing().await?
        };
        if let Some(end) = first {
            return Ok(end);
        }
        loop {
            let deadline = self.next_deadline();
            let step = tokio::select! {
                cmd = self.r.commands.recv() => match cmd {
                    None => {
                        self.close(CloseCode::Normal, "NORMAL_CLOSURE").await;
                        return Err(Interrupt::Gone);
                    }
                    Some(Command::Dispose { done }) => {
                        self.dispose().await;
                        return Err(Interrupt::Disposed(done));
                    }
                    Some(Command::Reconnect) => Ok(None),
                    Some(Command::Send { message, reply }) => {
                        let result = self.command(&message).await;
                        let broken = match &result {
                            Err(CommandError::SendFailed(why)) => Some(why.clone()),
                            _ => None,
                        };
                        let _ = reply.send(result);
                        Ok(broken.and_then(|why| self.lost(why)))
                    }
                },
                msg = self.ws.next() => self.on_ws(msg).await,
                _ = tokio::time::sleep_until(deadline) => self.on_timer().await,
            };
            if let Some(end) = step? {
                return Ok(end);
            }
        }
    }

    fn next_deadline(&self) -> Instant {
        [
            Some(self.heartbeat.next_deadline()),
            self.discovery_due,
            self.ready_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600))
    }

    // ---- sending -------------------------------------------------------------------------

    async fn write(&mut self, msg: WsMessage) -> Result<(), String> {
        match tokio::time::timeout(WRITE_LIMIT, self.ws.send(msg)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "a write took longer than {} s",
                WRITE_LIMIT.as_secs()
            )),
        }
    }

    async fn send_text(
        &mut self,
        text: String,
        method: &str,
        summary: String,
    ) -> Result<(), String> {
        let tap = DeviceInput::Frame {
            direction: Sender::Pos,
            method: Some(method.to_owned()),
            summary,
            text: kept_frame_text(&text),
        };
        self.write(WsMessage::text(text)).await?;
        // A closed input receiver is noticed by the next emit; the frame is already out.
        let _ = self.r.emit(tap).await;
        Ok(())
    }

    /// Frames and sends `message`; returns its envelope id.
    async fn send_message(&mut self, message: &Message) -> Result<String, String> {
        let out = self.r.writer.command(message);
        let summary = decode::sent_summary(message);
        self.send_text(out.text, message.method(), summary).await?;
        Ok(out.id)
    }

    async fn command(&mut self, message: &Message) -> Result<String, CommandError> {
        let state = match self.phase {
            Phase::Ready => None,
            Phase::Pairing => {
                Some("pairing: waiting for the pairing code to be entered on the device")
            }
            Phase::Discovering => Some("connected, waiting for the device to say it is ready"),
            Phase::NotReady => Some("the device says it is not ready"),
        };
        if let Some(state) = state {
            return Err(CommandError::NotConnected(state.to_owned()));
        }
        self.send_message(message)
            .await
            .map_err(CommandError::SendFailed)
    }

    async fn emit(&self, input: DeviceInput) -> Result<(), Interrupt> {
        self.r.emit(input).await
    }

    async fn close(&mut self, code: CloseCode, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.to_owned().into(),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), self.ws.close(Some(frame))).await;
    }

    async fn dispose(&mut self) {
        if self.cloud && self.phase != Phase::Pairing {
            let _ = self.send_message(&requests::shutdown()).await;
        }
        self.close(CloseCode::Normal, "NORMAL_CLOSURE").await;
    }

    // ---- phases --------------------------------------------------------------------------

    async fn start_pairing(&mut self) -> Step {
        if self.r.token.is_none()
            && let Some(key) = self.r.settings.token_key().map(str::to_owned)
        {
            let store = self.r.tokens.clone();
            match tokio::task::spawn_blocking(move || store.load(&key)).await {
                    Ok(Ok(token)) => {
                        self.r.token = token.filter(|t| t.len() <= MAX_TOKEN_BYTES)
                    }
                    Ok(Err(e)) => {
                        self.emit(DeviceInput::DeviceError {
                            code: DeviceErrorCode::TokenStore,
                            message: format!("could not read the saved pairing token ({e}); pairing with a code instead"),
                        })
                        .await?
                    }
                    Err(e) => {
                        self.emit(DeviceInput::DeviceError {
                            code: DeviceErrorCode::TokenStore,
                            message: format!("could not read the saved pairing token ({e})"),
                        })
                        .await?
                    }
                }
        }
        self.send_pairing_request().await
    }

    async fn send_pairing_request(&mut self) -> Step {
        let s = &self.r.settings;
        let msg = requests::pairing_request(&s.pos_name, &s.serial_number, self.r.token.as_deref());
        match self.send_message(&msg).await {
            Ok(_) => Ok(None),
            Err(why) => Ok(self.lost(why)),
        }
    }

    async fn start_discovery(&mut self) -> Step {
        let now = Instant::now();
        self.phase = Phase::Discovering;
        self.ping_envelopes = true;
        self.ready_deadline = Some(now + self.r.settings.ready_timeout);
        self.send_discovery().await
    }

    async fn send_discovery(&mut self) -> Step {
        self.discovery_due = Some(Instant::now() + self.r.settings.discovery_retry);
        match self.send_message(&requests::discovery_request()).await {
            Ok(_) => Ok(None),
            Err(why) => Ok(self.lost(why)),
        }
    }

    async fn on_paired(&mut self, token: Option<String>) -> Step {
        let token = match token {
            Some(t) if t.len() > MAX_TOKEN_BYTES => {
                self.emit(DeviceInput::DeviceError {
                    code: DeviceErrorCode::TokenStore,
                    message: format!(
                        "paired, but the device sent a pairing token of {} bytes (at most {MAX_TOKEN_BYTES} are kept): not saved; the next start will need a pairing code",
                        t.len()
                    ),
                })
                .await?;
                None
            }
            other => other,
        };
        if let Some(token) = token {
            self.r.token = Some(token.clone());
            if let Some(key) = self.r.settings.token_key().map(str::to_owned) {
                let store = self.r.tokens.clone();
                let saved = tokio::task::spawn_blocking(move || store.save(&key, &token)).await;
                let problem = match saved {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e.to_string()),
                    Err(e) => Some(e.to_string()),
                };
                if let Some(problem) = problem {
                    self.emit(DeviceInput::DeviceError {
                        code: DeviceErrorCode::TokenStore,
                        message: format!(
                            "paired, but the new pairing token could not be saved ({problem}); the next start will need a pairing code"
                        ),
                    })
                    .await?;
                }
            }
        }
        self.emit(DeviceInput::Paired).await?;
        self.start_discovery().await
    }

    // ---- receiving -----------------------------------------------------------------------

    async fn on_ws(
        &mut self,
        msg: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    ) -> Step {
        match msg {
            None => Ok(self.lost("the connection closed".to_owned())),
            Some(Err(e)) => Ok(self.lost(super::transport::explain_read_error(&e))),
            Some(Ok(WsMessage::Close(frame))) => {
                let (code, reason) = match frame {
                    Some(f) => (Some(u16::from(f.code)), f.reason.to_string()),
                    None => (None, "closed without a reason".to_owned()),
                };
                Ok(self.end(DisconnectReason::Closed { code, reason }, false))
            }
            Some(Ok(WsMessage::Text(text))) => {
                self.heartbeat.on_inbound(Instant::now());
                self.on_text(text.as_str()).await
            }
            Some(Ok(_)) => {
                // Ping, pong, binary: a sign of life (tungstenite answers pings itself).
                self.heartbeat.on_inbound(Instant::now());
                Ok(None)
            }
        }
    }

    async fn on_text(&mut self, text: &str) -> Step {
        let decoded = Frame::decode(text);
        let method = match &decoded {
            Ok(f) => match f.kind() {
                MessageType::Ping => Some("PING".to_owned()),
                MessageType::Pong => Some("PONG".to_owned()),
                _ => f.method().map(str::to_owned),
            },
            Err(_) => None,
        };
        let summary = match &decoded {
            Ok(f) => decode::received_summary(f),
            Err(_) => "?".to_owned(),
        };
        self.emit(DeviceInput::Frame {
            direction: Sender::Device,
            method,
            summary,
            text: kept_frame_text(text),
        })
        .await?;
        let frame = match decoded {
            Ok(frame) => frame,
            // The legacy cloud force-connect frame has no method; the 4.x SDK drops it too.
            Err(DecodeError::NoMethod) if text.contains("forceConnect") => return Ok(None),
            Err(e) => {
                self.emit(DeviceInput::DeviceError {
                    code: DeviceErrorCode::Protocol,
                    message: format!(
                        "skipped a frame from the device that could not be decoded: {e}"
                    ),
                })
                .await?;
                return Ok(None);
            }
        };
        match frame.kind() {
            MessageType::Ping => {
                let pong = self.r.writer.pong();
                return match self.send_text(pong, "PONG", "PONG".to_owned()).await {
                    Ok(()) => Ok(None),
                    Err(why) => Ok(self.lost(why)),
                };
            }
            MessageType::Pong | MessageType::Query => return Ok(None),
            MessageType::Command => {
                if let Some(v) = frame.envelope.version {
                    self.r.writer.observe_version(v);
                }
            }
            _ => {}
        }
        let Some(message) = frame.message else {
            return Ok(None);
        };
        if self.phase == Phase::Pairing {
            return self.on_pairing_message(&message).await;
        }
        self.on_message(message).await
    }

    async fn on_pairing_message(&mut self, message: &Message) -> Step {
        match self.pairing.on_message(message) {
            PairingStep::ShowCode(code) => {
                self.emit(DeviceInput::PairingCode(code)).await?;
                Ok(None)
            }
            PairingStep::Paired { token } => self.on_paired(token).await,
            PairingStep::Resend => self.send_pairing_request().await,
            PairingStep::GiveUp => {
                self.emit(DeviceInput::DeviceError {
                    code: DeviceErrorCode::PairingFailed,
                    message: "pairing was refused on the device twice (wrong code typed?); reconnecting to get a new code".to_owned(),
                })
                .await?;
                Ok(self.end(
                    DisconnectReason::ConnectFailed("pairing refused on the device".to_owned()),
                    false,
                ))
            }
            PairingStep::Ignore => {
                if let Message::Ack(ack) = message
                    && let Some(id) = &ack.source_message_id
                {
                    self.emit(DeviceInput::Ack {
                        message_id: id.clone(),
                        method: ack.source_method.clone(),
                    })
                    .await?;
                }
                Ok(None)
            }
        }
    }

    async fn on_message(&mut self, message: Message) -> Step {
        match message {
            Message::DiscoveryResponse(d) => {
                let info = decode::device_info(&d);
                self.discovery_due = None;
                // An absent `ready` counts as ready, as in the JS SDK (§4.2).
                if d.ready.unwrap_or(true) {
                    self.phase = Phase::Ready;
                    self.reached_ready = true;
                    self.ready_deadline = None;
                    self.emit(DeviceInput::Ready(info)).await?;
                } else {
                    self.phase = Phase::NotReady;
                    self.emit(DeviceInput::NotReady(
                        "the device says it is not ready (starting, or in its settings); waiting for it".to_owned(),
                    ))
                    .await?;
                }
            }
            Message::ForceConnect(f) => {
                let by = f.friendly_id.filter(|s| !s.is_empty());
                let who = by
                    .as_deref()
                    .map(|b| format!(" ('{b}')"))
                    .unwrap_or_default();
                self.emit(DeviceInput::DeviceError {
                    code: DeviceErrorCode::Interrupted,
                    message: format!(
                        "another POS{who} took over the device with force connect; this connector stopped (connect again with force_connect to take it back)"
                    ),
                })
                .await?;
                return Ok(self.end(DisconnectReason::ForceConnected { by }, true));
            }
            Message::Shutdown(_) => {
                self.close(CloseCode::Normal, "NORMAL_CLOSURE").await;
                return Ok(self.end(DisconnectReason::ServerShutdown, false));
            }
            Message::Reset(_) => {
                self.close(CloseCode::Library(4000), "Reset requested")
                    .await;
                return Ok(self.end(DisconnectReason::ServerReset, false));
            }
            other => {
                for input in decode::inputs(other) {
                    self.emit(input).await?;
                }
            }
        }
        Ok(None)
    }

    // ---- timers --------------------------------------------------------------------------

    async fn on_timer(&mut self) -> Step {
        let now = Instant::now();
        match self.heartbeat.poll(now) {
            Beat::Idle => {}
            Beat::SendPing => {
                if let Err(why) = self.write(WsMessage::Ping(Vec::new().into())).await {
                    return Ok(self.lost(why));
                }
                if self.ping_envelopes {
                    let ping = self.r.writer.ping();
                    if let Err(why) = self.send_text(ping, "PING", "PING".to_owned()).await {
                        return Ok(self.lost(why));
                    }
                }
            }
            Beat::Dead { silent_for } => {
                return Ok(self.end(DisconnectReason::HeartbeatTimeout { silent_for }, false));
            }
        }
        if self.discovery_due.is_some_and(|due| now >= due) {
            if self.phase == Phase::Discovering {
                if let Some(end) = self.send_discovery().await? {
                    return Ok(Some(end));
                }
            } else {
                self.discovery_due = None;
            }
        }
        if self.ready_deadline.is_some_and(|due| now >= due) {
            self.ready_deadline = None;
            if self.phase != Phase::Ready {
                let secs = self.r.settings.ready_timeout.as_secs_f64();
                let reason = match self.phase {
                    Phase::NotReady => format!(
                        "the device answered but has not been ready for {secs:.0} s: open Pay Display on the device (leave its settings screens); till keeps waiting"
                    ),
                    _ => format!(
                        "the device has not answered discovery within {secs:.0} s: check that Pay Display is running on the device; till keeps waiting"
                    ),
                };
                self.emit(DeviceInput::DeviceError {
                    code: DeviceErrorCode::NotReady,
                    message: reason.clone(),
                })
                .await?;
                self.emit(DeviceInput::NotReady(reason)).await?;
            }
        }
        Ok(None)
    }
}
