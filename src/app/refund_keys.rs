//! The TUI's refund, void and credit entry: from the history (the selected payment) or the
//! result screen (the sale just rung) `r` refunds and `v` voids; from the sale screen `C` gives
//! the typed amount back as a credit. The sale's refundable remainder comes from the ledger
//! (`Effect::LoadRefundOffer`), prefilled; a partial amount may be typed; nothing is sent before
//! a confirmation that names the amount, the card and the external id.

pub use super::ui_entries::{RefundInput, RefundOffer};

use super::actions::on_action;
use super::state::State;
use super::ui_state::Modal;
use super::{Action, Effect, Key, Screen};
use crate::payment::PaymentKind;
use crate::protocol::Cents;

/// Opens the refund (`r`) or void (`v`) entry for the sale `external_id`.
pub(super) fn open(
    state: &mut State,
    kind: PaymentKind,
    external_id: String,
    fx: &mut Vec<Effect>,
) {
    if state.pending().is_some() {
        state.refuse(
            super::Refusal::PendingPayment,
            "Another transaction is open: settle it first (s, Check Payment Status).",
        );
        return;
    }
    fx.push(Effect::LoadRefundOffer(external_id.clone()));
    state.ui.modal = Some(Modal::Refund(RefundInput {
        kind,
        sale: external_id,
        offer: None,
        amount: String::new(),
        confirming: false,
    }));
}

/// Opens the credit confirmation for the amount typed on the sale screen.
pub(super) fn open_credit(state: &mut State) {
    match Cents::parse(state.ui.amount.trim()) {
        Ok(a) if a.get() > 0 => {
            state.ui.modal = Some(Modal::Refund(RefundInput {
                kind: PaymentKind::Credit,
                sale: String::new(),
                offer: None,
                amount: a.to_string(),
                confirming: true,
            }));
        }
        _ => state.refuse(
            super::Refusal::InvalidInput,
            "Type the amount to give back first, then press C for a credit.",
        ),
    }
}

/// The ledger answered `Effect::LoadRefundOffer`.
pub(super) fn on_offer(
    state: &mut State,
    result: Result<RefundOffer, crate::ledger::LedgerReadError>,
) {
    let Some(input) = state.ui.refund_input_mut() else {
        return;
    };
    if let Ok(o) = &result {
        if o.sale.external_id != input.sale {
            return;
        }
        input.amount = match input.kind {
            PaymentKind::Void => o.charged.to_string(),
            _ => o.remainder.to_string(),
        };
        // A void has nothing to type: straight to the confirmation.
        input.confirming = input.kind == PaymentKind::Void && o.refusal.is_none();
    }
    input.offer = Some(result);
}

/// A key while the entry is open.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(input) = state.ui.refund_input_mut() else {
        return;
    };
    if key == Key::Esc {
        state.ui.close(|m| matches!(m, Modal::Refund(_)));
        return;
    }
    let usable = input.kind == PaymentKind::Credit
        || matches!(&input.offer, Some(Ok(o)) if o.refusal.is_none());
    if !usable {
        return; // loading, or refused: only Esc
    }
    match (input.confirming, key) {
        (false, Key::Char(c)) if (c.is_ascii_digit() || c == '.') && input.amount.len() < 16 => {
            input.amount.push(c);
        }
        (false, Key::Backspace) => {
            input.amount.pop();
        }
        (false, Key::Enter) => match input.amount() {
            Ok(a) if a.get() > 0 => input.confirming = true,
            Ok(_) => state.refuse(
                super::Refusal::InvalidInput,
                "amount: must be greater than 0.00",
            ),
            Err(e) => state.refuse(super::Refusal::InvalidInput, e),
        },
        (true, Key::Char('n')) if input.kind == PaymentKind::Refund => input.confirming = false,
        (true, Key::Char('y')) => {
            let input = state.ui.take_refund_input().expect("checked above");
            let Ok(amount) = input.amount() else { return };
            let action = match (input.kind, input.offer) {
                (PaymentKind::Credit, _) => Action::Credit {
                    amount,
                    external_id: None,
                },
                (PaymentKind::Void, Some(Ok(o))) => Action::Void {
                    sale: o.sale,
                    amount: o.charged,
                    external_id: None,
                },
                (_, Some(Ok(o))) => Action::Refund {
                    sale: o.sale,
                    amount,
                    remainder: o.remainder,
                    external_id: None,
                },
                _ => return,
            };
            on_action(state, action, fx);
            if state.pending().is_some() {
                if input.kind == PaymentKind::Credit {
                    state.ui.amount.clear();
                }
                state.ui.screen = Screen::InProgress;
            }
        }
        _ => {}
    }
}

/// The box's lines: what is asked, then what to press.
pub fn lines(input: &RefundInput) -> Vec<String> {
    let kind = input.kind;
    let mut out = Vec::new();
    match (&input.offer, kind) {
        (_, PaymentKind::Credit) => {
            out.push(format!(
                "Credit {} to the card the customer presents (no sale).",
                input.amount
            ));
            out.push("Give it back? y yes · Esc cancel".into());
        }
        (None, _) => out.push(format!("Reading payment {} from the ledger…", input.sale)),
        (Some(Err(e)), _) => {
            out.push(format!("Cannot {kind} payment {}: {e}", input.sale));
            out.push("Esc back".into());
        }
        (Some(Ok(o)), _) => {
            let card = o.sale.card.clone().unwrap_or_else(|| "card unknown".into());
            if let Some(why) = &o.refusal {
                out.push(format!(
                    "Cannot {kind} payment {}: {why}",
                    o.sale.external_id
                ));
                out.push("Esc back".into());
            } else if input.confirming {
                let what = if kind == PaymentKind::Void {
                    format!(
                        "Void {} on {card}, payment {}",
                        input.amount, o.sale.external_id
                    )
                } else {
                    format!(
                        "Refund {} to {card}, payment {}",
                        input.amount, o.sale.external_id
                    )
                };
                out.push(format!("{what}?"));
                out.push(if kind == PaymentKind::Refund {
                    "y yes · n change the amount · Esc cancel".into()
                } else {
                    "y yes · Esc cancel".into()
                });
            } else {
                out.push(format!(
                    "Refund payment {} ({card}): charged {}, {} left to refund.",
                    o.sale.external_id, o.charged, o.remainder
                ));
                out.push(format!("Amount to refund: {}▏", input.amount));
                out.push("Enter next · Bksp delete · Esc cancel".into());
            }
        }
    }
    out
}
