//! Pairing on the direct transport (PROTOCOL.md §3). Pure: messages in, steps out.

use crate::protocol::{Message, PairingState};

/// What to do with a frame received while pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairingStep {
    /// Show this code to the merchant.
    ShowCode(String),
    /// Paired: save the token (if any) before anything else, then discover.
    Paired {
        /// The new single-use token.
        token: Option<String>,
    },
    /// Pairing failed on the device: send PAIRING_REQUEST again.
    Resend,
    /// Pairing failed again after the re-send: give up on this connection.
    GiveUp,
    /// Not a pairing frame (ACK, UI_STATE, PING…): nothing to do for pairing.
    Ignore,
}

/// Pairing state of one connection.
#[derive(Debug, Clone, Default)]
pub struct Pairing {
    resent: bool,
}

impl Pairing {
    /// A fresh pairing (PAIRING_REQUEST just sent).
    pub fn new() -> Self {
        Pairing::default()
    }

    /// Handles one decoded message.
    pub fn on_message(&mut self, message: &Message) -> PairingStep {
        match message {
            Message::PairingCode(code) => match code.pairing_code.as_deref().map(str::trim) {
                Some(c) if !c.is_empty() => PairingStep::ShowCode(c.to_owned()),
                _ => PairingStep::Ignore,
            },
            Message::PairingResponse(r) => match r.pairing_state.as_ref() {
                // INITIAL is an old device's PAIRED (§3.3).
                Some(PairingState::Paired | PairingState::Initial) => PairingStep::Paired {
                    token: r.authentication_token.clone().filter(|t| !t.is_empty()),
                },
                Some(PairingState::Failed) if !self.resent => {
                    self.resent = true;
                    PairingStep::Resend
                }
                Some(PairingState::Failed) => PairingStep::GiveUp,
                _ => PairingStep::Ignore,
            },
            _ => PairingStep::Ignore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{PairingCode, PairingResponse};

    fn response(state: PairingState, token: Option<&str>) -> Message {
        Message::PairingResponse(PairingResponse {
            pairing_state: Some(state),
            authentication_token: token.map(str::to_owned),
            ..PairingResponse::default()
        })
    }

    #[test]
    fn code_then_paired() {
        let mut p = Pairing::new();
        let code = Message::PairingCode(PairingCode {
            pairing_code: Some("123456".into()),
        });
        assert_eq!(p.on_message(&code), PairingStep::ShowCode("123456".into()));
        assert_eq!(
            p.on_message(&response(PairingState::Paired, Some("tok"))),
            PairingStep::Paired {
                token: Some("tok".into())
            }
        );
        assert_eq!(
            p.on_message(&response(PairingState::Initial, Some("t2"))),
            PairingStep::Paired {
                token: Some("t2".into())
            }
        );
    }

    #[test]
    fn failed_is_resent_once() {
        let mut p = Pairing::new();
        assert_eq!(
            p.on_message(&response(PairingState::Failed, None)),
            PairingStep::Resend
        );
        assert_eq!(
            p.on_message(&response(PairingState::Failed, None)),
            PairingStep::GiveUp
        );
        assert_eq!(
            p.on_message(&response(PairingState::Authenticating, None)),
            PairingStep::Ignore
        );
    }
}
