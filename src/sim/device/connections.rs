//! POS connections: who is attached, a second POS on a direct device (§1.1), and the device's
//! PING keep-alive after pairing (§1.6).

use crate::protocol::PairingRequest;

use super::config::SecondPos;
use super::io::{ConnId, Transport};
use super::timers::Timer;
use super::{Device, Fx};

/// WebSocket close code: normal closure (a POS taken over, SHUTDOWN).
pub(super) const CLOSE_NORMAL: u16 = 1000;
/// WebSocket close code: going away (too many unanswered PINGs).
pub(super) const CLOSE_GOING_AWAY: u16 = 1001;
/// WebSocket close code: policy violation (a second POS refused).
pub(super) const CLOSE_POLICY: u16 = 1008;

/// Where a connection stands with pairing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Link {
    /// Socket open, no pairing yet (or after FAILED).
    Unpaired,
    /// PAIRING_CODE sent; waiting for the merchant to enter it on the device.
    AwaitingCode {
        /// The code shown.
        code: String,
        /// The request being answered (echoed in PAIRING_RESPONSE).
        request: PairingRequest,
    },
    /// Paired (direct) or a cloud connection: the normal protocol runs.
    Paired,
}

/// One POS connection.
#[derive(Debug, Clone)]
pub(super) struct Conn {
    pub transport: Transport,
    pub link: Link,
    /// Half-open fault: the device neither reads nor writes on it any more.
    pub stalled: bool,
    /// PINGs sent and not answered yet.
    pub missed_pings: u32,
    /// Bumped at every pairing, so only the latest PING timer of a connection runs.
    pub ping_gen: u64,
}

impl Conn {
    /// True once commands may flow.
    pub fn is_paired(&self) -> bool {
        self.link == Link::Paired
    }
}

impl Device {
    /// A POS opened a socket. A direct device has room for one POS (`second_pos` decides);
    /// cloud connections need no pairing.
    pub(super) fn on_connected(&mut self, fx: &mut Fx, conn: ConnId, transport: Transport) {
        if transport == Transport::Direct {
            let attached: Vec<ConnId> = self
                .conns
                .iter()
                .filter(|(_, c)| c.transport == Transport::Direct && !c.stalled)
                .map(|(id, _)| *id)
                .collect();
            if !attached.is_empty() {
                match self.config.second_pos {
                    SecondPos::TakeOver => {
                        for old in attached {
                            fx.note(format!("POS {conn} takes over from POS {old}"));
                            self.close(fx, old, Some(CLOSE_NORMAL), "another POS connected");
                        }
                    }
                    SecondPos::Refuse => {
                        fx.note(format!("POS {conn} refused: another POS is attached"));
                        self.emit(
                            fx,
                            super::Output::Close {
                                conn,
                                code: Some(CLOSE_POLICY),
                                reason: "another POS is attached to this device".into(),
                            },
                        );
                        return;
                    }
                }
            }
        }
        let link = match transport {
            Transport::Direct => Link::Unpaired,
            Transport::Cloud => Link::Paired,
        };
        self.conns.insert(
            conn,
            Conn {
                transport,
                link,
                stalled: false,
                missed_pings: 0,
                ping_gen: 0,
            },
        );
        fx.note(format!("POS {conn} connected ({transport:?})"));
        if transport == Transport::Cloud {
            self.on_paired(fx, conn);
        }
    }

    /// The socket is gone. A running transaction stays: a reconnecting POS recovers it.
    pub(super) fn on_disconnected(&mut self, fx: &mut Fx, conn: ConnId) {
        self.slow_queue.remove(&conn);
        if self.conns.remove(&conn).is_none() {
            return;
        }
        if self.pos == Some(conn) {
            self.pos = None;
        }
        let kept = if self.tx.is_some() {
            "; the transaction waits for a POS"
        } else {
            ""
        };
        fx.note(format!("POS {conn} disconnected{kept}"));
    }

    /// The connection may now carry commands: it becomes the POS and the PINGs start.
    pub(super) fn on_paired(&mut self, fx: &mut Fx, conn: ConnId) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.link = Link::Paired;
        c.missed_pings = 0;
        c.ping_gen += 1;
        let generation = c.ping_gen;
        self.pos = Some(conn);
        if self.config.ping_interval_ms > 0 {
            self.start_timer(
                fx,
                self.config.ping_interval_ms,
                Timer::Ping { conn, generation },
            );
        }
    }

    /// Ping timer: drop the POS after too many unanswered PINGs, else PING again.
    pub(super) fn ping_due(&mut self, fx: &mut Fx, conn: ConnId, generation: u64) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if !c.is_paired() || c.stalled || c.ping_gen != generation {
            return;
        }
        let max = self.config.ping_max_missed;
        if max > 0 && c.missed_pings >= max {
            fx.note(format!("POS {conn} missed {max} PINGs: dropping it"));
            self.close(fx, conn, Some(CLOSE_GOING_AWAY), "no PONG");
            return;
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.missed_pings = c.missed_pings.saturating_add(1);
        }
        self.ping(fx, conn);
        self.start_timer(
            fx,
            self.config.ping_interval_ms,
            Timer::Ping { conn, generation },
        );
    }

    /// A PONG arrived: the POS is alive.
    pub(super) fn pong_received(&mut self, conn: ConnId) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.missed_pings = 0;
        }
    }

    /// SHUTDOWN: close that connection.
    pub(super) fn on_shutdown(&mut self, fx: &mut Fx, conn: ConnId) {
        fx.note(format!("POS {conn} asked to shut down the connection"));
        self.close(fx, conn, Some(CLOSE_NORMAL), "shutdown");
    }
}
