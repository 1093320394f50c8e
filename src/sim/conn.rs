//! One POS WebSocket: frames in go to the device actor, [`ConnCmd`]s from the actor go out.
//! RFC 6455 pings are answered by tungstenite; a frame the device cannot read is the device's
//! business (it answers or ignores it), never a reason to drop the socket here.

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

use super::actor::{ActorMsg, CloudPos, ConnCmd};
use super::device::ConnId;
use super::frame_log::{Direction, FrameLog};

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
            incoming = ws.next() => match incoming {
                Some(Ok(WsMessage::Text(text))) => deliver(&ctx, text.as_str().to_owned()),
                Some(Ok(WsMessage::Binary(bytes))) => {
                    // Not part of the protocol; pass it on if it is text so the device can answer.
                    if let Ok(text) = String::from_utf8(bytes.to_vec()) {
                        deliver(&ctx, text);
                    }
                }
                Some(Ok(_)) => {} // ping/pong/close: tungstenite answers them
                Some(Err(_)) | None => break,
            },
            cmd = next_cmd(&mut cmds, &mut pending) => match cmd {
                Some(ConnCmd::Send(text)) => {
                    // Write every frame already queued, then flush once (one syscall per burst).
                    let mut next = Some(ConnCmd::Send(text));
                    let mut failed = false;
                    while let Some(ConnCmd::Send(text)) = next.take() {
                        ctx.log.record(&ctx.device_id, conn, Direction::DeviceToPos, &text);
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

fn deliver(ctx: &ConnCtx, text: String) {
    ctx.log
        .record(&ctx.device_id, ctx.conn, Direction::PosToDevice, &text);
    let _ = ctx.device.send(ActorMsg::Frame {
        conn: ctx.conn,
        text,
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
