//! What the device screen shows, and which customer actions apply right now (their names are the
//! `till sim` stdin commands).

use crate::protocol::{Cents, RequestInfo};

use super::Device;
use super::connections::Link;
use super::io::Screen;
use super::sale::CARD_PROMPT;
use super::tx::Phase;

impl Device {
    /// What the screen shows now: the transaction's current screen, else a pairing request, else
    /// the idle screen (welcome, thank you, a terminal message). A pairing code waiting to be
    /// entered is always given, also during a transaction (a POS may re-pair while one waits).
    pub fn screen(&self) -> Screen {
        let pairing =
            self.conn_awaiting_code()
                .and_then(|conn| match &self.conns.get(&conn)?.link {
                    Link::AwaitingCode { code, request } => {
                        Some((code.clone(), request.name.clone()))
                    }
                    _ => None,
                });
        let (title, detail, actions): (String, String, &[&str]) = match (&self.tx, &pairing) {
            (Some(tx), _) => {
                // An auth or a pre-auth says so (a sale keeps the plain amount).
                let kind = match tx.request_info {
                    Some(RequestInfo::Auth) => " auth",
                    Some(RequestInfo::Preauth) => " pre-auth",
                    _ => "",
                };
                let detail = format!("${}{kind} — {}", Cents(tx.amount), tx.external_id);
                let (title, actions): (&str, &[&str]) = match tx.phase {
                    Phase::CardPrompt => (CARD_PROMPT, &["card", "decline", "cancel", "walk-away"]),
                    Phase::Signing => ("Please sign", &["sign", "walk-away"]),
                    Phase::Challenge => ("Merchant is verifying your payment", &[]),
                    Phase::VerifySignature => ("Merchant is verifying your signature", &[]),
                };
                (title.to_owned(), detail, actions)
            }
            (None, Some((_, name))) => {
                let name = name.as_deref().unwrap_or("A POS");
                let detail = format!("{name} wants to pair: enter the code shown on the POS");
                ("Pairing request".to_owned(), detail, &[])
            }
            (None, None) => (self.display.title.clone(), self.display.detail.clone(), &[]),
        };
        let mut list: Vec<String> = actions.iter().map(|a| (*a).to_owned()).collect();
        if pairing.is_some() {
            list.extend(["approve-pairing".to_owned(), "reject-pairing".to_owned()]);
        }
        list.push("reboot".to_owned());
        Screen {
            title,
            detail,
            pairing_code: pairing.map(|(code, _)| code),
            actions: list,
            order: self.display_order_lines(),
            printer: self.printer_lines(),
        }
    }
}
