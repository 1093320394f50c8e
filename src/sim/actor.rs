//! One task per simulated device: it owns the pure [`Device`], feeds it connections, frames,
//! timers and customer actions with the wall-clock time, and executes its outputs in order.
//!
//! Connection rule: every `Input::Connected` is followed by exactly one `Input::Disconnected`
//! for that connection, also when the device itself asked for the close.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::{mpsc, oneshot, watch};

use super::clock::now_ms;
use super::device::{
    ConnId, CreditRecord, CustomerAction, Device, DeviceConfig, DeviceMemory, Input, Output,
    Screen, Transport,
};
use super::notes::Notes;
use crate::protocol::{CLOUD_PACKAGE, Encoder, ForceConnect, Message, MessageType, Payment};

/// What a connection task is told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConnCmd {
    /// Send a text frame.
    Send(String),
    /// Close with a close frame (`Some(code)`) or drop the TCP connection (`None`).
    Close(Option<u16>, String),
    /// Stop reading and writing, keep the socket open.
    Stall,
}

/// A cloud POS attaching through the emulated proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CloudPos {
    /// The POS's `friendlyId`.
    pub friendly_id: String,
    /// `forceConnect=true`.
    pub force: bool,
}

/// Messages to a device actor.
#[derive(Debug)]
pub(crate) enum ActorMsg {
    /// A POS connection opened; `cloud` is set for connections through the emulated proxy.
    Connected {
        conn: ConnId,
        cloud: Option<CloudPos>,
        tx: mpsc::UnboundedSender<ConnCmd>,
    },
    /// A text frame arrived. The permit is the frame's place in its connection's share of the
    /// mailbox (see `conn`), given back when the frame has been handled.
    Frame {
        conn: ConnId,
        text: String,
        permit: tokio::sync::OwnedSemaphorePermit,
    },
    /// The connection ended.
    Disconnected { conn: ConnId },
    /// A device timer fired.
    Timer(u64),
    /// A customer action; the reply says why it did not apply.
    Act {
        action: CustomerAction,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// Payments remembered with this external id.
    Payments {
        external_id: String,
        reply: oneshot::Sender<Vec<Payment>>,
    },
    /// Credits the device made (oldest first).
    Credits {
        reply: oneshot::Sender<Vec<CreditRecord>>,
    },
    /// The friendlyId of the attached cloud POS, if any.
    CloudAttached {
        reply: oneshot::Sender<Option<String>>,
    },
    /// Close every connection (1001) and stop.
    Shutdown,
}

/// The handle the server keeps for a device.
#[derive(Debug, Clone)]
pub(crate) struct DeviceHandle {
    /// Send messages to the actor.
    pub tx: mpsc::UnboundedSender<ActorMsg>,
    /// The device screen, updated after every event.
    pub screen: watch::Receiver<Screen>,
}

/// Where a device's memory is kept between runs, and the version last saved there.
struct Keeper {
    path: PathBuf,
    saved: u64,
}

/// Starts the actor for device `id` on the current tokio runtime. With `memory` (a file and
/// what it held) the device starts from what it remembered and saves every change there.
pub(crate) fn spawn(
    id: String,
    config: DeviceConfig,
    notes: Notes,
    memory: Option<(PathBuf, Option<DeviceMemory>)>,
) -> DeviceHandle {
    let mut device = Device::new(config);
    let keeper = memory.map(|(path, saved)| {
        if let Some(saved) = saved {
            device.restore(saved);
        }
        Keeper {
            path,
            saved: device.memory_version(),
        }
    });
    let (screen_tx, screen_rx) = watch::channel(device.screen());
    let (tx, rx) = mpsc::unbounded_channel();
    let actor = Actor {
        id,
        device,
        conns: HashMap::new(),
        cloud_attached: None,
        self_tx: tx.downgrade(),
        screen: screen_tx,
        notes,
        keeper,
    };
    tokio::spawn(actor.run(rx));
    DeviceHandle {
        tx,
        screen: screen_rx,
    }
}

struct Actor {
    id: String,
    device: Device,
    conns: HashMap<ConnId, mpsc::UnboundedSender<ConnCmd>>,
    /// The cloud POS currently attached: its connection and friendlyId.
    cloud_attached: Option<(ConnId, String)>,
    self_tx: mpsc::WeakUnboundedSender<ActorMsg>,
    screen: watch::Sender<Screen>,
    notes: Notes,
    keeper: Option<Keeper>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<ActorMsg>) {
        while let Some(msg) = rx.recv().await {
            if !self.handle(msg) {
                break;
            }
            let screen = self.device.screen();
            self.screen.send_if_modified(|old| {
                let changed = *old != screen;
                if changed {
                    *old = screen;
                }
                changed
            });
        }
    }

    /// Handles one message; false to stop.
    fn handle(&mut self, msg: ActorMsg) -> bool {
        match msg {
            ActorMsg::Connected { conn, cloud, tx } => self.connected(conn, cloud, tx),
            ActorMsg::Frame { conn, text, permit } => {
                if self.conns.contains_key(&conn) {
                    self.feed(Input::Frame { conn, text });
                }
                drop(permit);
            }
            ActorMsg::Disconnected { conn } => {
                if self.conns.remove(&conn).is_some() {
                    if self
                        .cloud_attached
                        .as_ref()
                        .is_some_and(|(c, _)| *c == conn)
                    {
                        self.cloud_attached = None;
                    }
                    self.notes
                        .note(&self.id, format!("connection {conn} closed"));
                    self.feed(Input::Disconnected { conn });
                }
            }
            ActorMsg::Timer(id) => self.feed(Input::Timer(id)),
            ActorMsg::Act { action, reply } => {
                let result = self.device.act(now_ms(), action).map(|outputs| {
                    self.keep();
                    self.execute(outputs)
                });
                let _ = reply.send(result);
            }
            ActorMsg::Payments { external_id, reply } => {
                let found = self
                    .device
                    .payments_by_external_id(&external_id)
                    .into_iter()
                    .cloned()
                    .collect();
                let _ = reply.send(found);
            }
            ActorMsg::Credits { reply } => {
                let _ = reply.send(self.device.credits().to_vec());
            }
            ActorMsg::CloudAttached { reply } => {
                let _ = reply.send(self.cloud_attached.as_ref().map(|(_, f)| f.clone()));
            }
            ActorMsg::Shutdown => {
                for tx in self.conns.values() {
                    let _ = tx.send(ConnCmd::Close(Some(1001), "simulator shutting down".into()));
                }
                return false;
            }
        }
        true
    }

    fn connected(
        &mut self,
        conn: ConnId,
        cloud: Option<CloudPos>,
        tx: mpsc::UnboundedSender<ConnCmd>,
    ) {
        let transport = if cloud.is_some() {
            Transport::Cloud
        } else {
            Transport::Direct
        };
        if let Some(pos) = cloud {
            if let Some((old, old_id)) = self.cloud_attached.clone() {
                if old_id != pos.friendly_id && !pos.force {
                    // Raced past the upgrade-time check: refuse the newcomer (PROTOCOL.md §1.2).
                    let reason = format!("Device is already connected to '{old_id}'");
                    let _ = tx.send(ConnCmd::Close(Some(4009), reason));
                    self.notes.note(
                        &self.id,
                        format!(
                            "cloud POS '{}' refused: already connected to '{old_id}'",
                            pos.friendly_id
                        ),
                    );
                    return;
                }
                if old_id != pos.friendly_id {
                    let event = ForceConnect {
                        friendly_id: Some(pos.friendly_id.clone()),
                    };
                    let encoder = Encoder::device(CLOUD_PACKAGE, "till-sim-cloud");
                    let frame = encoder.frame(
                        MessageType::Event,
                        "forceconnect",
                        &Message::ForceConnect(event),
                    );
                    self.send(old, frame);
                }
                self.notes.note(
                    &self.id,
                    format!("cloud POS '{}' replaces '{old_id}'", pos.friendly_id),
                );
                self.close(old, Some(1000), "Another POS connected".into());
                if self.conns.remove(&old).is_some() {
                    self.feed(Input::Disconnected { conn: old });
                }
            }
            self.notes.note(
                &self.id,
                format!(
                    "connection {conn}: cloud POS '{}' attached",
                    pos.friendly_id
                ),
            );
            self.cloud_attached = Some((conn, pos.friendly_id));
        } else {
            self.notes
                .note(&self.id, format!("connection {conn}: POS connected"));
        }
        self.conns.insert(conn, tx);
        self.feed(Input::Connected { conn, transport });
    }

    fn feed(&mut self, input: Input) {
        let outputs = self.device.handle(now_ms(), input);
        self.keep();
        self.execute(outputs);
    }

    /// Saves the device's memory when it changed, before its frames go out: what the POS is
    /// told, the next run of the simulator still knows.
    fn keep(&mut self) {
        let Some(keeper) = self.keeper.as_mut() else {
            return;
        };
        let version = self.device.memory_version();
        if version == keeper.saved {
            return;
        }
        match super::memory_file::save(&keeper.path, &self.device.memory()) {
            Ok(()) => keeper.saved = version,
            Err(e) => {
                tracing::warn!("{e}");
                self.notes.note(&self.id, e);
            }
        }
    }

    fn send(&self, conn: ConnId, text: String) {
        if let Some(tx) = self.conns.get(&conn) {
            let _ = tx.send(ConnCmd::Send(text));
        }
    }

    fn close(&self, conn: ConnId, code: Option<u16>, reason: String) {
        if let Some(tx) = self.conns.get(&conn) {
            let _ = tx.send(ConnCmd::Close(code, reason));
        }
    }

    fn execute(&mut self, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Send { conn, text } => self.send(conn, text),
                Output::Close { conn, code, reason } => self.close(conn, code, reason),
                Output::Stall { conn } => {
                    if let Some(tx) = self.conns.get(&conn) {
                        let _ = tx.send(ConnCmd::Stall);
                    }
                }
                Output::StartTimer { id, after_ms } => {
                    let tx = self.self_tx.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(after_ms)).await;
                        if let Some(tx) = tx.upgrade() {
                            let _ = tx.send(ActorMsg::Timer(id));
                        }
                    });
                }
                Output::Note(text) => self.notes.note(&self.id, text),
            }
        }
    }
}
