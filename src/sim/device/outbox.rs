//! Writing frames: envelopes like a real device (nested Payments as JSON strings, §2.8), ACKs
//! (§2.9), REMOTE_ERROR (§8.2), UI_STATE, closes — and the faults that act on every frame
//! (slow device, duplicate frames).

use crate::protocol::{
    Ack, CLOUD_PACKAGE, Encoder, Frame, InputOption, KeyPress, Message, RemoteError, SNPD_PACKAGE,
    Sender, UiDirection, UiState, UiStateMessage,
};

use super::io::{ConnId, Output, Transport};
use super::real_shape;
use super::timers::Timer;
use super::{Device, Fx, REMOTE_SOURCE_SDK};

/// REMOTE_ERROR code: the frame could not be decoded.
pub(super) const ERROR_MALFORMED: i64 = 400;
/// REMOTE_ERROR code: the method is not supported.
pub(super) const ERROR_UNSUPPORTED: i64 = 405;
/// REMOTE_ERROR code: the request names something the device does not have (wrong payment id…).
pub(super) const ERROR_BAD_REQUEST: i64 = 422;

/// Envelope version of pairing frames (as in the transcripts of §9(a)).
const PAIRING_ENVELOPE_VERSION: i64 = 1;

impl Device {
    /// The device-side encoder for a connection's transport.
    fn encoder(&self, transport: Transport, version: i64) -> Encoder {
        let package = match transport {
            Transport::Direct => SNPD_PACKAGE,
            Transport::Cloud => CLOUD_PACKAGE,
        };
        let mut encoder = Encoder::device(package, REMOTE_SOURCE_SDK);
        encoder.version = version;
        encoder
    }

    /// Sends a COMMAND frame to a connection. Before pairing completes only pairing frames go
    /// out; nothing goes to a stalled connection.
    pub(super) fn send(&mut self, fx: &mut Fx, conn: ConnId, message: &Message) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let pairing = matches!(
            message,
            Message::PairingCode(_) | Message::PairingResponse(_)
        );
        if c.stalled || !(c.is_paired() || pairing) {
            return;
        }
        let version = if pairing {
            PAIRING_ENVELOPE_VERSION
        } else {
            self.config.envelope_version
        };
        let encoder = self.encoder(c.transport, version);
        self.next_frame += 1;
        let text = if self.config.profile.is_real() {
            // Real devices number their frames ("166", "167", …) and write bare envelopes.
            let id = self.next_frame.to_string();
            real_shape::command(&encoder.package_name, &id, message)
        } else {
            encoder.command(&format!("d{}", self.next_frame), message)
        };
        let cut = self.cut_due(Sender::Device, message.method());
        if let Some(cut) = cut.as_ref().filter(|c| !c.deliver) {
            return self.apply_cut(fx, conn, cut);
        }
        let copies = if self.config.faults.duplicate_frames {
            2
        } else {
            1
        };
        for _ in 0..copies {
            self.emit(
                fx,
                Output::Send {
                    conn,
                    text: text.clone(),
                },
            );
        }
        if let Some(cut) = cut {
            self.apply_cut(fx, conn, &cut);
        }
    }

    /// Sends to the POS running the transaction, if one is connected (otherwise the frame is
    /// lost, as on a real device; recovery re-delivers what matters).
    pub(super) fn send_pos(&mut self, fx: &mut Fx, message: &Message) {
        if let Some(conn) = self.pos {
            self.send(fx, conn, message);
        }
    }

    /// Queues an output: at once, or behind the slow-device delay (order kept per connection).
    pub(super) fn emit(&mut self, fx: &mut Fx, output: Output) {
        let slow = self.config.faults.slow_ms;
        let conn = match &output {
            Output::Send { conn, .. } | Output::Close { conn, .. } | Output::Stall { conn } => {
                *conn
            }
            _ => return fx.out.push(output),
        };
        if slow == 0 {
            return fx.out.push(output);
        }
        self.slow_queue.entry(conn).or_default().push_back(output);
        self.start_timer(fx, slow, Timer::Flush { conn });
    }

    /// Slow-device timer: release the oldest held output of a connection.
    pub(super) fn flush_one(&mut self, fx: &mut Fx, conn: ConnId) {
        if let Some(output) = self.slow_queue.get_mut(&conn).and_then(|q| q.pop_front()) {
            fx.out.push(output);
        }
    }

    /// Closes a connection (abruptly when `code` is `None`); the device forgets it at once.
    pub(super) fn close(&mut self, fx: &mut Fx, conn: ConnId, code: Option<u16>, reason: &str) {
        self.conns.remove(&conn);
        if self.pos == Some(conn) {
            self.pos = None;
        }
        self.emit(
            fx,
            Output::Close {
                conn,
                code,
                reason: reason.to_owned(),
            },
        );
    }

    /// Half-open fault: stop reading and writing on the connection, keep it open.
    pub(super) fn stall(&mut self, fx: &mut Fx, conn: ConnId) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.stalled = true;
            fx.note(format!(
                "POS {conn}: device goes half-open (stops answering)"
            ));
            self.emit(fx, Output::Stall { conn });
        }
    }

    /// ACKs a POS command by its envelope id (when the device advertises ACKs).
    pub(super) fn ack(&mut self, fx: &mut Fx, conn: ConnId, frame: &Frame) {
        if !self.config.supports_ack || self.config.faults.drop_acks {
            return;
        }
        let Some(id) = frame.envelope.id.clone() else {
            return;
        };
        let ack = Ack {
            source_message_id: Some(id),
            source_method: frame.method().map(str::to_owned),
        };
        self.send(fx, conn, &Message::Ack(ack));
    }

    /// REMOTE_ERROR: the request could not be processed at all. State is untouched.
    pub(super) fn remote_error(&mut self, fx: &mut Fx, conn: ConnId, code: i64, detail: &str) {
        let message = match code {
            ERROR_MALFORMED => "Malformed message",
            ERROR_UNSUPPORTED => "Unsupported message",
            _ => "Invalid request",
        };
        fx.note(format!("REMOTE_ERROR to POS {conn}: {detail}"));
        let error = RemoteError {
            error_code: Some(code),
            error_message: Some(message.into()),
            error_detail: Some(detail.to_owned()),
        };
        self.send(fx, conn, &Message::RemoteError(error));
    }

    /// A PING envelope to a connection.
    pub(super) fn ping(&mut self, fx: &mut Fx, conn: ConnId) {
        self.control(fx, conn, true);
    }

    /// Answers a POS PING.
    pub(super) fn pong(&mut self, fx: &mut Fx, conn: ConnId) {
        self.control(fx, conn, false);
    }

    fn control(&mut self, fx: &mut Fx, conn: ConnId, ping: bool) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if c.stalled {
            return;
        }
        let encoder = self.encoder(c.transport, self.config.envelope_version);
        let text = if self.config.profile.is_real() {
            real_shape::control(&encoder.package_name, ping)
        } else if ping {
            encoder.ping()
        } else {
            encoder.pong()
        };
        self.emit(fx, Output::Send { conn, text });
    }

    /// A UI_STATE to the transaction's POS.
    pub(super) fn ui_pos(
        &mut self,
        fx: &mut Fx,
        state: UiState,
        text: &str,
        direction: UiDirection,
    ) {
        let message = ui_state(state, text, direction);
        self.send_pos(fx, &message);
    }
}

/// A UI_STATE message; the card prompt (START ENTER) offers Cancel (ESC).
pub(super) fn ui_state(state: UiState, text: &str, direction: UiDirection) -> Message {
    let cancel = state == UiState::Start && direction == UiDirection::Enter;
    let options = if cancel {
        vec![InputOption {
            key_press: Some(KeyPress::Esc),
            description: Some("Cancel".into()),
        }]
    } else {
        Vec::new()
    };
    Message::UiState(UiStateMessage {
        ui_state: Some(state),
        ui_text: Some(text.to_owned()),
        ui_direction: Some(direction),
        input_options: Some(options),
    })
}
