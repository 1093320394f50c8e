//! The simulated device: a pure state machine. Frames, customer actions and timers go in,
//! frames, closes and timer requests come out. No I/O and no clock reads: the caller passes
//! `now_ms` with every event.
//!
//! Where to find what (each file is one part of PROTOCOL.md):
//! - `connections.rs`: POS connections, a second POS, device PINGs (§1.1, §1.6);
//! - `pairing.rs`: the SNPD pairing FSM and single-use tokens (§3.6);
//! - `commands.rs`: discovery and the screen commands (§4, §7.1);
//! - `sale.rs`: TX_START up to authorisation, declines, cancel (§5.3–5.5, §5.8);
//! - `flow.rs`: challenges, signature, FINISH_OK / FINISH_CANCEL (§5.4–5.5, §5.8);
//! - `recovery.rs`: RETRIEVE_PAYMENT, RETRIEVE_DEVICE_STATUS, BREAK, VOID_PAYMENT, reboot (§6);
//! - `refunds.rs`: REFUND_REQUEST and the end of a manual refund (§7.2);
//! - `auths.rs`: CAPTURE_PREAUTH, INCREMENT_PREAUTH_REQUEST, TIP_ADJUST (§7.2, issue #17);
//! - `closeout.rs`: CLOSEOUT_REQUEST and the batch (§7.2, issue #17);
//! - `profile.rs`, `real_shape.rs`: the real-device profile and its wire shapes (EVIDENCE.md);
//! - `status.rs`: the device state reported to the POS (§5.8, §6.2);
//! - `outbox.rs`: writing frames, ACKs, errors, and the slow/duplicate faults (§2.9, §8.2);
//! - `timers.rs`: every timer the device asks for and what it does when it fires;
//! - `order_screen.rs`, `printer.rs`, `receipt_options.rs`: the customer display's order, the
//!   printer and receipt options on demand (§7.1, §7.2);
//! - `screen.rs`: what the device screen shows and which customer actions apply;
//! - `text.rs`: device text made safe to show (no control characters).

mod auths;
mod closeout;
mod commands;
mod config;
mod connections;
mod cut;
mod flow;
mod io;
mod memory;
mod order_screen;
mod outbox;
mod pairing;
mod payment_factory;
mod printer;
mod profile;
mod real_shape;
mod receipt_options;
mod recovery;
mod refunds;
mod sale;
mod screen;
mod signature;
mod status;
mod text;
mod timers;
mod tx;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use config::{BusyAnswer, CustomerMode, DeviceConfig, Faults, SecondPos};
pub use cut::{Cut, CutDirection, CutKind};
pub use io::{ConnId, CustomerAction, Input, Output, Screen, TimerId, Transport};
pub use memory::{CreditRecord, DeviceMemory, LastMessage, MEMORY_MAX_RECORDS};
pub use printer::{PrintedJob, SIM_PRINTER_ID};
pub use profile::{Profile, REAL_PING_INTERVAL_MS};
pub use receipt_options::RECEIPT_QUESTION;

use crate::protocol::{Frame, Message, MessageType, Payment};
use crate::sim::cards::{Card, DECLINE_VISA};
use connections::Conn;
use payment_factory::PaymentFactory;
use timers::Timer;
use tx::{Phase, Tx};

/// `remoteSourceSDK` of every frame the simulator writes.
pub const REMOTE_SOURCE_SDK: &str = "com.clover.remote.device:till-sim";

/// How long the device remembers payments (PROTOCOL.md §6.1: the last 24 hours).
pub const PAYMENT_MEMORY_MS: i64 = 24 * 3600 * 1000;

/// The outputs of one event, and the time it happened.
#[derive(Debug)]
struct Fx {
    now: i64,
    out: Vec<Output>,
}

impl Fx {
    fn new(now: i64) -> Fx {
        Fx {
            now,
            out: Vec::new(),
        }
    }

    fn note(&mut self, text: impl Into<String>) {
        self.out.push(Output::Note(text.into()));
    }
}

/// What the idle screen shows (welcome, thank you, a terminal message).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Display {
    title: String,
    detail: String,
}

/// One simulated Clover device (the state that survives POS connections).
#[derive(Debug)]
pub struct Device {
    config: DeviceConfig,
    rng: ChaCha8Rng,
    /// Open POS connections.
    conns: BTreeMap<ConnId, Conn>,
    /// The connection transaction frames go to (the last one that paired or started a sale).
    pos: Option<ConnId>,
    /// Valid pairing tokens and when they expire (single use).
    tokens: BTreeMap<String, i64>,
    /// The transaction in flight.
    tx: Option<Tx>,
    next_tx_seq: u64,
    /// Finished payments (SUCCESS or VOIDED) of the last 24 h, oldest first.
    payments: Vec<Payment>,
    /// FINISH_OK / FINISH_CANCEL of the last transaction, for `sendLastMessage`.
    last_outcome: Option<Message>,
    timers: BTreeMap<TimerId, Timer>,
    next_timer: TimerId,
    /// Envelope id counter (`d1`, `d2`, …).
    next_frame: u64,
    /// Frames held back by the slow-device fault, per connection.
    slow_queue: BTreeMap<ConnId, VecDeque<Output>>,
    factory: PaymentFactory,
    display: Display,
    /// The cut fault already happened on this device.
    cut_done: bool,
    /// Frames matching the cut fault that went through (its `skip`).
    cut_skipped: u32,
    /// The customer display's order (`order_screen.rs`).
    orders: order_screen::OrderDisplay,
    /// What the printer printed (`printer.rs`).
    printer: printer::PrintLog,
    /// Tip adjusts and closed batches (`auths.rs`, `closeout.rs`).
    tabs: auths::Tabs,
    /// Credits (manual refunds) made, oldest first (`memory.rs`).
    credits: Vec<memory::CreditRecord>,
    /// Bumped whenever the remembered payments, credits or last message change (`memory.rs`).
    memory_version: u64,
    /// How many times this device started from a saved memory.
    memory_starts: u64,
}

impl Device {
    /// A device in its initial state (idle, unpaired, no payments).
    pub fn new(config: DeviceConfig) -> Device {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let factory = PaymentFactory::new(&mut rng);
        // Known from an earlier run: valid until used (the device has no clock of its own here).
        let tokens = config
            .known_tokens
            .iter()
            .map(|t| (t.clone(), i64::MAX))
            .collect();
        Device {
            config,
            rng,
            conns: BTreeMap::new(),
            pos: None,
            tokens,
            tx: None,
            next_tx_seq: 0,
            payments: Vec::new(),
            last_outcome: None,
            timers: BTreeMap::new(),
            next_timer: 0,
            next_frame: 0,
            slow_queue: BTreeMap::new(),
            factory,
            display: Display {
                title: "Welcome".into(),
                detail: String::new(),
            },
            cut_done: false,
            cut_skipped: 0,
            orders: order_screen::OrderDisplay::default(),
            printer: printer::PrintLog::default(),
            tabs: auths::Tabs::default(),
            credits: Vec::new(),
            memory_version: 0,
            memory_starts: 0,
        }
    }

    /// The configuration the device runs with.
    pub fn config(&self) -> &DeviceConfig {
        &self.config
    }

    /// Handles one event at time `now_ms` (ms since the Unix epoch).
    pub fn handle(&mut self, now_ms: i64, input: Input) -> Vec<Output> {
        let mut fx = Fx::new(now_ms);
        self.forget_old_payments(now_ms);
        match input {
            Input::Connected { conn, transport } => self.on_connected(&mut fx, conn, transport),
            Input::Disconnected { conn } => self.on_disconnected(&mut fx, conn),
            Input::Frame { conn, text } => self.on_text(&mut fx, conn, &text),
            Input::Timer(id) => self.on_timer(&mut fx, id),
        }
        fx.out
    }

    /// One text frame from a POS: PING/PONG, pairing, then commands (ACKed before acting).
    fn on_text(&mut self, fx: &mut Fx, conn: ConnId, text: &str) {
        let Some(c) = self.conns.get(&conn) else {
            fx.note(format!("frame on unknown connection {conn} ignored"));
            return;
        };
        if c.stalled {
            return;
        }
        let paired = c.is_paired();
        let frame = match Frame::decode(text) {
            Ok(frame) => frame,
            Err(e) if paired => {
                return self.remote_error(fx, conn, outbox::ERROR_MALFORMED, &e.to_string());
            }
            Err(e) => return fx.note(format!("undecodable frame before pairing ignored: {e}")),
        };
        match frame.kind() {
            MessageType::Ping if paired => return self.pong(fx, conn),
            MessageType::Pong => return self.pong_received(conn),
            MessageType::Command => {}
            _ => return,
        }
        if !paired {
            return self.while_pairing(fx, conn, frame);
        }
        let Some(message) = frame.message.clone() else {
            let detail = "fragmented messages are not supported by the simulator";
            return self.remote_error(fx, conn, outbox::ERROR_UNSUPPORTED, detail);
        };
        if !Device::accepts(&message) {
            let detail = format!("{} is not supported by the simulator", message.method());
            return self.remote_error(fx, conn, outbox::ERROR_UNSUPPORTED, &detail);
        }
        if let Some(cut) = self.cut_due(CutDirection::PosToDevice, message.method()) {
            self.apply_cut(fx, conn, &cut);
            if !cut.deliver {
                return;
            }
            // The device acts on the frame; its answers are lost with the connection.
        }
        self.ack(fx, conn, &frame);
        self.on_command(fx, conn, message);
    }

    /// The POS commands the device acts on (every other one gets REMOTE_ERROR, no ACK).
    fn accepts(message: &Message) -> bool {
        matches!(
            message,
            Message::PairingRequest(_)
                | Message::DiscoveryRequest(_)
                | Message::TxStart(_)
                | Message::KeyPress(_)
                | Message::PaymentConfirmed(_)
                | Message::PaymentRejected(_)
                | Message::SignatureVerified(_)
                | Message::RetrievePaymentRequest(_)
                | Message::RetrieveDeviceStatusRequest(_)
                | Message::Break(_)
                | Message::VoidPayment(_)
                | Message::RefundRequest(_)
                | Message::TerminalMessage(_)
                | Message::ShowWelcomeScreen(_)
                | Message::ShowThankYouScreen(_)
                | Message::Shutdown(_)
                | Message::ShowOrderScreen(_)
                | Message::PrintText(_)
                | Message::PrintJobStatusRequest(_)
                | Message::GetPrintersRequest(_)
                | Message::ShowPaymentReceiptOptions(_)
                | Message::ShowReceiptOptions(_)
                | Message::CapturePreAuth(_)
                | Message::IncrementPreAuth(_)
                | Message::TipAdjust(_)
                | Message::CloseoutRequest(_)
        )
    }

    /// One accepted command from a paired POS.
    fn on_command(&mut self, fx: &mut Fx, conn: ConnId, message: Message) {
        match message {
            Message::PairingRequest(m) => self.on_pairing_request(fx, conn, m),
            Message::DiscoveryRequest(_) => self.on_discovery_request(fx, conn),
            Message::TxStart(m) => self.on_tx_start(fx, conn, m),
            Message::KeyPress(m) => self.on_key_press(fx, conn, m),
            Message::PaymentConfirmed(m) => self.on_payment_confirmed(fx, conn, m),
            Message::PaymentRejected(m) => self.on_payment_rejected(fx, conn, m),
            Message::SignatureVerified(m) => self.on_signature_verified(fx, conn, m),
            Message::RetrievePaymentRequest(m) => self.on_retrieve_payment(fx, conn, m),
            Message::RetrieveDeviceStatusRequest(m) => self.on_retrieve_device_status(fx, conn, m),
            Message::Break(_) => self.on_break(fx, conn),
            Message::VoidPayment(m) => self.on_void_payment(fx, conn, m),
            Message::RefundRequest(m) => self.on_refund_request(fx, conn, m),
            Message::TerminalMessage(m) => self.on_terminal_message(fx, conn, m),
            Message::ShowWelcomeScreen(_) => self.on_welcome_screen(fx, conn),
            Message::ShowThankYouScreen(_) => self.on_thank_you_screen(fx, conn),
            Message::Shutdown(_) => self.on_shutdown(fx, conn),
            Message::ShowOrderScreen(m) => self.on_show_order(fx, conn, m),
            Message::PrintText(m) => self.on_print_text(fx, conn, m),
            Message::PrintJobStatusRequest(m) => self.on_print_job_status(fx, conn, m),
            Message::GetPrintersRequest(m) => self.on_get_printers(fx, conn, m),
            Message::ShowPaymentReceiptOptions(m) => self.on_payment_receipt_options(fx, conn, m),
            Message::ShowReceiptOptions(m) => self.on_receipt_options(fx, conn, m),
            Message::CapturePreAuth(m) => self.on_capture_preauth(fx, conn, m),
            Message::IncrementPreAuth(m) => self.on_increment_preauth(fx, conn, m),
            Message::TipAdjust(m) => self.on_tip_adjust(fx, conn, m),
            Message::CloseoutRequest(m) => self.on_closeout(fx, conn, m),
            other => {
                let detail = format!("{} is not supported by the simulator", other.method());
                self.remote_error(fx, conn, outbox::ERROR_UNSUPPORTED, &detail);
            }
        }
    }

    /// A customer action. `Err` says why it does not apply right now (nothing changes).
    pub fn act(&mut self, now_ms: i64, action: CustomerAction) -> Result<Vec<Output>, String> {
        let mut fx = Fx::new(now_ms);
        match action {
            CustomerAction::TapCard(number) => {
                self.expect_phase(&[Phase::CardPrompt], "no card is asked for")?;
                let card = Card::parse(&number).map_err(|e| e.to_string())?;
                self.card_presented(&mut fx, card);
            }
            CustomerAction::Decline => {
                self.expect_phase(&[Phase::CardPrompt], "no card is asked for")?;
                self.card_presented(&mut fx, Card::test_card(DECLINE_VISA));
            }
            CustomerAction::Cancel => {
                self.expect_phase(
                    &[Phase::CardPrompt],
                    "Cancel is only offered at the card prompt",
                )?;
                self.customer_cancels(&mut fx);
            }
            CustomerAction::Sign => {
                self.expect_phase(&[Phase::Signing], "no signature is asked for")?;
                self.customer_signs(&mut fx);
            }
            CustomerAction::WalkAway => {
                let why = "the customer is not asked for anything";
                self.expect_phase(&[Phase::CardPrompt, Phase::Signing], why)?;
                self.customer_walks_away(&mut fx);
            }
            CustomerAction::ApprovePairing => {
                let conn = self
                    .conn_awaiting_code()
                    .ok_or("no pairing request is waiting for a code")?;
                self.approve_pairing(&mut fx, conn);
            }
            CustomerAction::RejectPairing => {
                let conn = self
                    .conn_awaiting_code()
                    .ok_or("no pairing request is waiting for a code")?;
                self.reject_pairing(&mut fx, conn);
            }
            CustomerAction::Reboot => self.reboot(&mut fx),
        }
        Ok(fx.out)
    }

    /// `Ok` when a transaction rests in one of `phases`, else `Err(why)`.
    fn expect_phase(&self, phases: &[Phase], why: &str) -> Result<(), String> {
        match &self.tx {
            Some(tx) if phases.contains(&tx.phase) => Ok(()),
            Some(_) => Err(format!("{why} right now")),
            None => Err(format!("{why}: no transaction is running")),
        }
    }

    /// Payments the device remembers (last 24 h) with this external id, newest last.
    pub fn payments_by_external_id(&self, external_id: &str) -> Vec<&Payment> {
        self.payments
            .iter()
            .filter(|p| p.external_payment_id.as_deref() == Some(external_id))
            .collect()
    }
}
