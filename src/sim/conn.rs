//! One POS WebSocket: frames in go to the device actor, [`ConnCmd`]s from the actor go out.
//! RFC 6455 pings are answered by tungstenite; a frame the device cannot read is the device's
//! business (it answers or ignores it), never a reason to drop the socket here.
//!
//! One connection cannot drown its device or the simulator: at most [`MAILBOX_PER_CONN`] of its
//! frames wait in the device's mailbox (it is not read further until the device catches up),
//! and a connection sending more than [`FRAMES_PER_SECOND`] frames a second (beyond a burst of
//! [`FRAME_BURST`]) is closed with 1008 (policy violation). Frames over
//! [`crate::connector::transport::MAX_FRAME_BYTES`] are refused by the WebSocket layer, which closes with
//! 1009.

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::actor::{ActorMsg, CloudPos, ConnCmd};
use super::device::ConnId;
use super::frame_log::FrameLog;
use crate::protocol::Sender;

/// Frames of one connection that may wait in its device's mailbox at once.
pub(crate) const MAILBOX_PER_CONN: usize = 64;
/// Frames a second one connection may send, sustained (a POS sends a few).
pub(crate) const FRAMES_PER_SECOND: f64 = 100.0;
/// Frames one connection may send in a burst above the sustained rate.
pub(crate) const FRAME_BURST: f64 = 200.0;

/// A token bucket: [`FRAME_BURST`] frames, refilled at [`FRAMES_PER_SECOND`].
struct RateLimit {
    tokens: f64,
    at: Instant,
}

impl RateLimit {
    fn new() -> Self {
        RateLimit {
            tokens: FRAME_BURST,
            at: Instant::now(),
        }
    }

    /// Takes one frame's token; false when the connection is over its rate.
    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * FRAMES_PER_SECOND;
        self.tokens = (self.tokens + refill).min(FRAME_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Everything a connection task needs.
pub(crate) struct ConnCtx {
    pub conn: ConnId,
    pub device_id: String,
    pub device: mpsc::UnboundedSender<ActorMsg>,
    pub cloud: Option<CloudPos>,
    pub log: FrameLog,
    pub shutdown: watch::Receiver<bool>,
}

/// Runs one connection until either side ends it.
pub(crate) async fn run<S>(mut ws: WebSocketStream<S>, mut ctx: ConnCtx)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let conn = ctx.conn;
    let (tx, mut cmds) = mpsc::unbounded_channel();
    let mailbox = Arc::new(Semaphore::new(MAILBOX_PER_CONN));
    let mut rate = RateLimit::new();
    // A command taken from the queue while batching sends, handled next.
    let mut pending: Option<ConnCmd> = None;
    if ctx
        .device
        .send(ActorMsg::Connected {
            conn,
            cloud: ctx.cloud.take(),
            tx,
        })
        .is_err()
    {
        let _ = ws.close(None).await;
        return;
    }
    loop {
        tokio::select! {
            incoming = ws.next() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => Some(text.as_str().to_owned()),
                    // Not part of the protocol; pass it on if it is text so the device can answer.
                    Some(Ok(WsMessage::Binary(bytes))) => String::from_utf8(bytes.to_vec()).ok(),
                    Some(Ok(_)) => None, // ping/pong/close: tungstenite answers them
                    Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(e))) => {
                        tracing::warn!("connection {conn} to device {}: frame refused: {e}", ctx.device_id);
                        let reason = "frame too big: at most 1048576 bytes";
                        let frame = CloseFrame { code: 1009.into(), reason: reason.into() };
                        let _ = ws.close(Some(frame)).await;
                        break;
                    }
                    Some(Err(e)) => {
                        tracing::debug!("connection {conn} to device {}: {e}", ctx.device_id);
                        break;
                    }
                    None => break,
                };
                let Some(text) = text else { continue };
                if !rate.take() {
                    tracing::warn!(
                        "connection {conn} to device {} sent over {FRAMES_PER_SECOND} frames a second: closed",
                        ctx.device_id
                    );
                    let reason = "too many frames: at most 100 a second";
                    let frame = CloseFrame { code: 1008.into(), reason: reason.into() };
                    let _ = ws.close(Some(frame)).await;
                    break;
                }
                // Waits while this connection's share of the mailbox is full: the socket is
                // not read meanwhile (TCP pushes back on the sender).
                let Ok(permit) = mailbox.clone().acquire_owned().await else { break };
                deliver(&ctx, text, permit);
            },
            cmd = next_cmd(&mut cmds, &mut pending) => match cmd {
                Some(ConnCmd::Send(text)) => {
                    // Write every frame already queued, then flush once (one syscall per burst).
                    let mut next = Some(ConnCmd::Send(text));
                    let mut failed = false;
                    while let Some(ConnCmd::Send(text)) = next.take() {
                        ctx.log.record(&ctx.device_id, conn, Sender::Device, &text);
                        if ws.feed(WsMessage::text(text)).await.is_err() {
                            failed = true;
                            break;
                        }
                        match cmds.try_recv() {
                            Ok(ConnCmd::Send(text)) => next = Some(ConnCmd::Send(text)),
                            Ok(other) => pending = Some(other),
                            Err(_) => {}
                        }
                    }
                    if failed || ws.flush().await.is_err() {
                        break;
                    }
                }
                Some(ConnCmd::Close(Some(code), reason)) => {
                    let frame = CloseFrame { code: code.into(), reason: reason.into() };
                    let _ = ws.close(Some(frame)).await;
                    drain_close(&mut ws).await;
                    break;
                }
                Some(ConnCmd::Close(None, _)) | None => break,
                Some(ConnCmd::Stall) => {
                    stall(&mut cmds, &mut ctx.shutdown).await;
                    break;
                }
            },
            _ = ctx.shutdown.changed() => {
                let frame = CloseFrame { code: 1001.into(), reason: "simulator shutting down".into() };
                let _ = ws.close(Some(frame)).await;
                break;
            }
        }
    }
    let _ = ctx.device.send(ActorMsg::Disconnected { conn });
}

/// The command set aside while batching, else the next one from the queue.
async fn next_cmd(
    cmds: &mut mpsc::UnboundedReceiver<ConnCmd>,
    pending: &mut Option<ConnCmd>,
) -> Option<ConnCmd> {
    match pending.take() {
        Some(cmd) => Some(cmd),
        None => cmds.recv().await,
    }
}

fn deliver(ctx: &ConnCtx, text: String, permit: tokio::sync::OwnedSemaphorePermit) {
    ctx.log.record(&ctx.device_id, ctx.conn, Sender::Pos, &text);
    let _ = ctx.device.send(ActorMsg::Frame {
        conn: ctx.conn,
        text,
        permit,
    });
}

/// Waits (briefly) for the peer's close reply so the close handshake completes.
async fn drain_close<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>) {
    let wait = async { while let Some(Ok(_)) = ws.next().await {} };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), wait).await;
}

/// Half-open: neither read nor write until the device closes the connection or the server
/// stops. The socket stays open meanwhile (the caller still owns it).
async fn stall(cmds: &mut mpsc::UnboundedReceiver<ConnCmd>, shutdown: &mut watch::Receiver<bool>) {
    loop {
        tokio::select! {
            cmd = cmds.recv() => match cmd {
                Some(ConnCmd::Close(..)) | None => return,
                Some(_) => {}
            },
            _ = shutdown.changed() => return,
        }
    }
}
