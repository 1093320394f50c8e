//! Resolving the pending payment by hand from Check Payment Status (`M`), behind a
//! confirmation: when recovery has tried and cannot decide (the device is gone, the Clover
//! dashboard was checked), the operator picks the outcome, types a note and confirms with `y`.
//! The ledger records it as `till resolve` does; nothing is sent to the device.

pub use super::ui_entries::ResolveInput;

use super::ui_state::{Key, Modal, Screen};
use super::{Effect, LedgerOp, PaymentFacts, State};
use crate::ledger::RESOLVE_CAUSE;
use crate::payment::PaymentState;

/// Longest note typed in the TUI.
const MAX_NOTE: usize = 200;

/// True when the pending payment may be resolved by hand now: recovery has been tried.
pub fn offered(state: &State) -> bool {
    state.pending().is_some() && state.recovery.is_some()
}

/// Opens the resolution box (Check Payment Status, `M`), or says why not.
pub(super) fn open(state: &mut State) {
    if offered(state) {
        state.ui.modal = Some(Modal::Resolve(ResolveInput::default()));
    } else if state.pending().is_some() {
        state.info(
            "Resolve by hand only after recovery has tried: press c to check the payment first.",
        );
    } else {
        state.info("No payment is pending: nothing to resolve.");
    }
}

/// A key while the resolution box is up.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    let Some(input) = state.ui.resolve_input_mut() else {
        return;
    };
    match (input.to, input.confirming, key) {
        (_, _, Key::Esc) => state.ui.close(|m| matches!(m, Modal::Resolve(_))),
        (None, _, Key::Char(c)) => {
            input.to = match c {
                'a' => Some(PaymentState::Approved),
                'd' => Some(PaymentState::Declined),
                'v' => Some(PaymentState::Voided),
                'n' => Some(PaymentState::NotFound),
                _ => None,
            }
        }
        (Some(_), false, Key::Char(c)) if !c.is_control() && input.note.len() < MAX_NOTE => {
            input.note.push(c)
        }
        (Some(_), false, Key::Backspace) => {
            input.note.pop();
        }
        (Some(_), false, Key::Enter) if !input.note.trim().is_empty() => input.confirming = true,
        (Some(_), true, Key::Char('n')) => input.confirming = false,
        (Some(to), true, Key::Char('y')) => {
            let note = input.note.trim().to_owned();
            state.ui.close(|m| matches!(m, Modal::Resolve(_)));
            resolve(state, to, note, fx);
        }
        _ => {}
    }
}

/// Closes the pending payment as `to`: the ledger write is a resolution (refused by the ledger
/// unless recovery was tried), and the payment ends as any final outcome does.
fn resolve(state: &mut State, to: PaymentState, note: String, fx: &mut Vec<Effect>) {
    let Some(external_id) = state.pending().map(|p| p.external_id.clone()) else {
        return;
    };
    let detail = format!("resolved by hand as {to}: {note}");
    let mut effects = Vec::new();
    super::steps::transition(
        state,
        to,
        RESOLVE_CAUSE,
        detail,
        PaymentFacts::default(),
        &mut effects,
    );
    for effect in effects {
        match effect {
            Effect::Persist(LedgerOp::Transition { .. }) => {
                fx.push(Effect::Persist(LedgerOp::Resolve {
                    external_id: external_id.clone(),
                    to,
                    note: note.clone(),
                }))
            }
            other => fx.push(other),
        }
    }
    state.ui.screen = Screen::Result;
}
