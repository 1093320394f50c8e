//! Every timer the device asks for, and what happens when it fires. A timer whose purpose no
//! longer applies (another transaction, another phase, a closed connection) does nothing.

use crate::protocol::Message;

use super::io::{ConnId, Output, TimerId};
use super::{Device, Fx};

/// Why a timer was started.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Timer {
    /// The auto customer types the pairing code shown for this connection.
    ApprovePairing { conn: ConnId, code: String },
    /// Time to PING this connection (only the timer of its latest pairing counts).
    Ping { conn: ConnId, generation: u64 },
    /// The auto customer acts in the phase the transaction was in when the timer started.
    Customer { tx: u64, step: u64 },
    /// Nobody presented a card in time.
    CardTimeout { tx: u64, step: u64 },
    /// Slow-device fault: release one held frame of this connection.
    Flush { conn: ConnId },
    /// Late-frame fault: send this stale frame again.
    LateFrame { message: Box<Message> },
}

impl Device {
    /// Asks the caller for a timer.
    pub(super) fn start_timer(&mut self, fx: &mut Fx, after_ms: u64, timer: Timer) {
        self.next_timer += 1;
        let id = self.next_timer;
        self.timers.insert(id, timer);
        fx.out.push(Output::StartTimer { id, after_ms });
    }

    /// Runs `timer` after `after_ms`, or right now (in this same event) when the delay is 0.
    pub(super) fn schedule(&mut self, fx: &mut Fx, after_ms: u64, timer: Timer) {
        if after_ms == 0 {
            self.fire(fx, timer);
        } else {
            self.start_timer(fx, after_ms, timer);
        }
    }

    /// A timer fired; unknown ids (forgotten by a reboot) are ignored.
    pub(super) fn on_timer(&mut self, fx: &mut Fx, id: TimerId) {
        if let Some(timer) = self.timers.remove(&id) {
            self.fire(fx, timer);
        }
    }

    fn fire(&mut self, fx: &mut Fx, timer: Timer) {
        match timer {
            Timer::ApprovePairing { conn, code } => self.auto_approve_pairing(fx, conn, &code),
            Timer::Ping { conn, generation } => self.ping_due(fx, conn, generation),
            Timer::Customer { tx, step } => {
                if self.current_step(tx, step) {
                    self.auto_customer(fx);
                }
            }
            Timer::CardTimeout { tx, step } => {
                if self.current_step(tx, step) {
                    self.card_timed_out(fx);
                }
            }
            Timer::Flush { conn } => self.flush_one(fx, conn),
            Timer::LateFrame { message } => {
                fx.note(format!("late frame: {} again", message.method()));
                self.send_pos(fx, &message);
            }
        }
    }

    /// True when transaction `tx` is still in flight and still at `step`.
    fn current_step(&self, tx: u64, step: u64) -> bool {
        self.tx
            .as_ref()
            .is_some_and(|t| t.seq == tx && t.step == step)
    }
}
