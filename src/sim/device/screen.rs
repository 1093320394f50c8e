//! What the device screen shows, and which customer actions apply right now (their names are the
//! `till sim` stdin commands).

use crate::protocol::Cents;

use super::Device;
use super::connections::Link;
use super::io::Screen;
use super::sale::CARD_PROMPT;
use super::tx::Phase;

impl Device {
    /// What the screen shows now: a pairing code, the transaction's current screen, or the idle
    /// screen (welcome, thank you, a terminal message).
    pub fn screen(&self) -> Screen {
        let actions = |list: &[&str]| list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        if let Some(tx) = &self.tx {
            let detail = format!("${} — {}", Cents(tx.amount), tx.external_id);
            let (title, list): (&str, &[&str]) = match tx.phase {
                Phase::CardPrompt => (
                    CARD_PROMPT,
                    &["card", "decline", "cancel", "walk-away", "reboot"],
                ),
                Phase::Signing => ("Please sign", &["sign", "walk-away", "reboot"]),
                Phase::Challenge => ("Merchant is verifying your payment", &["reboot"]),
                Phase::VerifySignature => ("Merchant is verifying your signature", &["reboot"]),
            };
            return Screen {
                title: title.into(),
                detail,
                pairing_code: None,
                actions: actions(list),
            };
        }
        let pairing =
            self.conn_awaiting_code()
                .and_then(|conn| match &self.conns.get(&conn)?.link {
                    Link::AwaitingCode { code, request } => {
                        Some((code.clone(), request.name.clone()))
                    }
                    _ => None,
                });
        if let Some((code, name)) = pairing {
            let name = name.unwrap_or_else(|| "A POS".into());
            return Screen {
                title: "Pairing request".into(),
                detail: format!("{name} wants to pair: enter the code shown on the POS"),
                pairing_code: Some(code),
                actions: actions(&["approve-pairing", "reject-pairing", "reboot"]),
            };
        }
        Screen {
            title: self.display.title.clone(),
            detail: self.display.detail.clone(),
            pairing_code: None,
            actions: actions(&["reboot"]),
        }
    }
}
