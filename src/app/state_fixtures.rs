//! Test fixtures only (feature `fixtures`, which the crate's tests and benches turn on through
//! their dev-dependency on the crate itself; the shipped `till` is built without it): set a
//! [`State`]'s fields directly, to render a screen in a given state. Outside the tests only
//! `app::update` changes a state.

use super::ledger_ops::PendingPayment;
use super::order_desk::OrderDesk;
use super::recovery_state::Recovery;
use super::reset_state::ResetFlow;
use super::state::*;
use super::ui_state::Ui;
use crate::device::DeviceInfo;
use crate::protocol::Sender;

impl State {
    /// Sets the time.
    pub fn set_now_ms(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
    }
    /// Sets the connection.
    pub fn set_connection(&mut self, connection: Connection) {
        self.connection = connection;
    }
    /// Sets the device's names.
    pub fn set_device(&mut self, device: Option<DeviceInfo>) {
        self.device = device;
    }
    /// Sets the device's screen text.
    pub fn set_device_text(&mut self, text: Option<String>) {
        self.device_text = text;
    }
    /// Sets whether the device waits for a signature.
    pub fn set_device_wants_signature(&mut self, wants: bool) {
        self.device_wants_signature = wants;
    }
    /// Sets the recovered outcomes.
    pub fn set_recovered(&mut self, recovered: Vec<Outcome>) {
        self.recovered = recovered;
    }
    /// Sets the last device status answer.
    pub fn set_device_status(&mut self, status: Option<DeviceStatusView>) {
        self.device_status = status;
    }
    /// Sets the current payment.
    pub fn set_payment(&mut self, payment: Option<CurrentPayment>) {
        self.payment = payment;
    }
    /// Sets the device's question.
    pub fn set_prompt(&mut self, prompt: Option<Prompt>) {
        self.prompt = prompt;
    }
    /// Sets the running recovery.
    pub fn set_recovery(&mut self, recovery: Option<Recovery>) {
        self.recovery = recovery;
    }
    /// Sets the running reset.
    pub fn set_reset(&mut self, reset: Option<ResetFlow>) {
        self.reset = reset;
    }
    /// Sets the last outcome.
    pub fn set_last_outcome(&mut self, outcome: Option<Outcome>) {
        self.last_outcome = outcome;
    }
    /// Sets the notice.
    pub fn set_notice(&mut self, notice: Option<Notice>) {
        self.notice = notice;
    }
    /// Sets the inspector's frames.
    pub fn set_frames(&mut self, frames: Vec<(Sender, String)>) {
        self.frames = frames;
    }
    /// Sets the open payments of other devices.
    pub fn set_open_elsewhere(&mut self, open: Vec<PendingPayment>) {
        self.open_elsewhere = open;
    }
    /// The TUI's screen state, to change.
    pub fn ui_mut(&mut self) -> &mut Ui {
        &mut self.ui
    }
    /// The order desk, to change.
    pub fn desk_mut(&mut self) -> &mut OrderDesk {
        &mut self.desk
    }
}
