//! SNPD pairing (PROTOCOL.md §3.6): a known, unexpired token pairs at once and is replaced by a
//! new one (tokens are single use); anything else gets a fresh 6-digit code, which the merchant
//! enters on the device (`ApprovePairing`, or the auto customer after `pairing_delay_ms`). A
//! wrong code (`RejectPairing`) answers FAILED and the device waits for a new PAIRING_REQUEST.
//! Before pairing completes the device sends nothing but pairing frames.

use rand::Rng;

use crate::protocol::{Frame, Message, PairingCode, PairingRequest, PairingResponse, PairingState};

use super::config::CustomerMode;
use super::connections::Link;
use super::io::{ConnId, Transport};
use super::payment_factory::uuid;
use super::timers::Timer;
use super::{Device, Fx};

impl Device {
    /// A frame on a connection that has not paired: only PAIRING_REQUEST counts.
    pub(super) fn while_pairing(&mut self, fx: &mut Fx, conn: ConnId, frame: Frame) {
        match frame.message {
            Some(Message::PairingRequest(request)) => self.on_pairing_request(fx, conn, request),
            _ => {
                let method = frame.method().unwrap_or("(no method)").to_owned();
                fx.note(format!("POS {conn}: {method} before pairing ignored"));
            }
        }
    }

    /// PAIRING_REQUEST: token reuse or a new code.
    pub(super) fn on_pairing_request(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        request: PairingRequest,
    ) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if c.transport == Transport::Cloud {
            fx.note(format!(
                "POS {conn}: PAIRING_REQUEST on a cloud connection ignored (no pairing)"
            ));
            return;
        }
        self.tokens.retain(|_, expires| *expires > fx.now);
        let known = request
            .authentication_token
            .as_deref()
            .and_then(|t| self.tokens.remove(t));
        if known.is_some() {
            fx.note(format!(
                "POS {conn} ({}) paired again with its token",
                pos_name(&request)
            ));
            return self.pair(fx, conn, &request);
        }
        let code = format!("{:06}", self.rng.random_range(0..1_000_000u32));
        fx.note(format!(
            "pairing code {code} for POS {conn} ({})",
            pos_name(&request)
        ));
        if let Some(c) = self.conns.get_mut(&conn) {
            c.link = Link::AwaitingCode {
                code: code.clone(),
                request,
            };
        }
        let message = Message::PairingCode(PairingCode {
            pairing_code: Some(code.clone()),
        });
        self.send(fx, conn, &message);
        if let CustomerMode::Auto {
            pairing_delay_ms, ..
        } = self.config.customer
        {
            self.schedule(fx, pairing_delay_ms, Timer::ApprovePairing { conn, code });
        }
    }

    /// The newest connection showing a pairing code.
    pub(super) fn conn_awaiting_code(&self) -> Option<ConnId> {
        self.conns
            .iter()
            .rev()
            .find(|(_, c)| matches!(c.link, Link::AwaitingCode { .. }))
            .map(|(id, _)| *id)
    }

    /// The merchant entered the right code.
    pub(super) fn approve_pairing(&mut self, fx: &mut Fx, conn: ConnId) {
        let request = match self.conns.get(&conn).map(|c| &c.link) {
            Some(Link::AwaitingCode { request, .. }) => request.clone(),
            _ => return,
        };
        fx.note(format!("pairing code accepted for POS {conn}"));
        self.pair(fx, conn, &request);
    }

    /// The auto customer types the code, if that code is still the one shown.
    pub(super) fn auto_approve_pairing(&mut self, fx: &mut Fx, conn: ConnId, code: &str) {
        let shown = matches!(
            self.conns.get(&conn).map(|c| &c.link),
            Some(Link::AwaitingCode { code: c, .. }) if c == code
        );
        if shown {
            self.approve_pairing(fx, conn);
        }
    }

    /// The merchant entered a wrong code: FAILED, then wait for a new PAIRING_REQUEST.
    pub(super) fn reject_pairing(&mut self, fx: &mut Fx, conn: ConnId) {
        let request = match self.conns.get(&conn).map(|c| &c.link) {
            Some(Link::AwaitingCode { request, .. }) => request.clone(),
            _ => return,
        };
        fx.note(format!("pairing rejected for POS {conn}"));
        let response = PairingResponse {
            name: request.name,
            serial_number: request.serial_number,
            application_name: request.application_name,
            authentication_token: None,
            pairing_state: Some(PairingState::Failed),
            millis: Some(fx.now),
        };
        self.send(fx, conn, &Message::PairingResponse(response));
        if let Some(c) = self.conns.get_mut(&conn) {
            c.link = Link::Unpaired;
        }
    }

    /// PAIRED (or INITIAL on a legacy device) with a brand-new token.
    fn pair(&mut self, fx: &mut Fx, conn: ConnId, request: &PairingRequest) {
        let token = uuid(&mut self.rng);
        self.tokens.insert(
            token.clone(),
            fx.now.saturating_add(self.config.token_ttl_ms),
        );
        let state = if self.config.legacy_initial {
            PairingState::Initial
        } else {
            PairingState::Paired
        };
        let response = PairingResponse {
            name: request.name.clone(),
            serial_number: request.serial_number.clone(),
            application_name: request.application_name.clone(),
            authentication_token: Some(token),
            pairing_state: Some(state),
            millis: Some(fx.now),
        };
        self.send(fx, conn, &Message::PairingResponse(response));
        self.on_paired(fx, conn);
    }
}

/// `name (serialNumber)` of the POS, for notes.
fn pos_name(request: &PairingRequest) -> String {
    let name = request.name.as_deref().unwrap_or("unnamed");
    match request.serial_number.as_deref() {
        Some(serial) => format!("{name}, {serial}"),
        None => name.to_owned(),
    }
}
