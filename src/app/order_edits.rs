//! The order desk's edits applied to the state: an edit from a key (a refusal becomes a
//! validation notice) and the order cleared once paid.

use super::events::Effect;
use super::order_desk::OrderDesk;
use super::state::State;

/// Runs an order edit from a key, turning a refusal into a validation notice.
pub(super) fn edit(
    state: &mut State,
    fx: &mut Vec<Effect>,
    f: impl FnOnce(&mut OrderDesk) -> Result<Effect, String>,
) {
    match f(&mut state.desk) {
        Ok(effect) => fx.push(effect),
        Err(e) => state.refuse(
            super::Refusal::InvalidInput,
            format!("Order unchanged: {e}"),
        ),
    }
}

/// The order was paid (approved): clear it and the display.
pub(super) fn on_paid(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(effect) = state.desk.clear() {
        fx.push(effect);
    }
}
