//! Discovery (§4) and the screen commands of §7.1: TERMINAL_MESSAGE, SHOW_WELCOME_SCREEN,
//! SHOW_THANK_YOU_SCREEN. (SHUTDOWN lives with the connections.)

use crate::protocol::{DiscoveryResponse, Message, TerminalMessage, UiDirection, UiState};

use super::io::ConnId;
use super::outbox::ui_state;
use super::{Device, Display, Fx};

impl Device {
    /// DISCOVERY_RESPONSE with every flag explicit (the JS SDK treats a missing flag as true).
    pub(super) fn on_discovery_request(&mut self, fx: &mut Fx, conn: ConnId) {
        let c = &self.config;
        let response = DiscoveryResponse {
            merchant_id: Some(c.merchant_id.clone()),
            merchant_name: Some(c.merchant_name.clone()),
            merchant_mid: Some(c.merchant_mid.clone()),
            name: Some(c.name.clone()),
            serial: Some(c.serial.clone()),
            model: Some(c.model.clone()),
            ready: Some(!c.faults.never_ready),
            // What the simulator implements: sales, auths, pre-auths, tip adjusts, refunds,
            // voids, manual refunds; auths, pre-auths and tip adjusts can be switched off.
            supports_tip_adjust: Some(c.supports_tip_adjust),
            supports_manual_refund: Some(true),
            supports_multi_pay_token: Some(false),
            supports_acknowledgement: Some(c.supports_ack),
            supports_remote_confirmation: Some(true),
            supports_naked_credit: Some(false),
            supports_void_payment_response: Some(c.supports_void_payment_response),
            supports_pre_auth: Some(c.supports_pre_auth),
            supports_auth: Some(c.supports_auth),
            supports_vault_card: Some(false),
        };
        self.send(fx, conn, &Message::DiscoveryResponse(response));
    }

    /// TERMINAL_MESSAGE: show the text (UI_STATE DISPLAY_MESSAGE).
    pub(super) fn on_terminal_message(&mut self, fx: &mut Fx, conn: ConnId, m: TerminalMessage) {
        let text = m.text.unwrap_or_default();
        self.show(fx, conn, UiState::DisplayMessage, &text);
    }

    /// SHOW_WELCOME_SCREEN (UI_STATE WELCOME_SCREEN).
    pub(super) fn on_welcome_screen(&mut self, fx: &mut Fx, conn: ConnId) {
        self.show(fx, conn, UiState::WelcomeScreen, "Welcome");
    }

    /// SHOW_THANK_YOU_SCREEN (UI_STATE THANKYOU_SCREEN).
    pub(super) fn on_thank_you_screen(&mut self, fx: &mut Fx, conn: ConnId) {
        self.show(fx, conn, UiState::ThankyouScreen, "Thank you!");
    }

    fn show(&mut self, fx: &mut Fx, conn: ConnId, state: UiState, text: &str) {
        self.display = Display {
            title: text.to_owned(),
            detail: String::new(),
        };
        self.send(fx, conn, &ui_state(state, text, UiDirection::Enter));
    }
}
