//! The checks before a transaction starts, shared by the sale, auth, refund and closeout flows:
//! a closeout waiting for its answer holds everything else; a request must validate and the
//! device be ready.

use super::state::State;
use super::steps::require_ready;
use crate::protocol::{Cents, SaleRequest};

/// True (with the refusal on screen) while a closeout waits for its answer: nothing else
/// starts on the device meanwhile.
pub(super) fn closeout_running(state: &mut State, what: &str) -> bool {
    let Some(c) = &state.closeout else {
        return false;
    };
    let text = format!(
        "Refused: closeout {} is waiting for the device's answer; nothing was sent for the {what}.",
        c.request_id
    );
    state.refuse(super::Refusal::PendingPayment, text);
    true
}

/// The external id of a new transaction: the one given (checked), else the fresh one the runtime
/// handed in (`Event::FreshExternalId`). The app makes no ids itself; `update` asks for the next
/// fresh id once a record is created with this one.
pub(super) fn given_or_fresh(state: &State, given: Option<String>) -> Result<String, String> {
    if let Some(id) = given {
        return crate::protocol::validate_external_id(&id)
            .map(|()| id)
            .map_err(|e| e.to_string());
    }
    if state.ui.next_external_id.is_empty() {
        return Err("no fresh external id is ready yet; try again in a moment".into());
    }
    Ok(state.ui.next_external_id.clone())
}

/// The TX_START request for `amount` (and tip, tax, external id) under the configured options
/// and ceiling, once the device is ready; `None` with the reason on screen otherwise.
pub(super) fn validated_request(
    state: &mut State,
    amount: Cents,
    tip: Option<Cents>,
    tax: Option<Cents>,
    external_id: Option<String>,
) -> Option<SaleRequest> {
    let external_id = match given_or_fresh(state, external_id) {
        Ok(id) => id,
        Err(why) => {
            state.refuse(
                super::Refusal::InvalidInput,
                format!("Nothing was sent: {why}."),
            );
            return None;
        }
    };
    let mut builder = SaleRequest::builder()
        .amount(amount)
        .options(state.settings.sale_options.clone());
    if let Some(t) = tip {
        builder = builder.tip(t);
    }
    if let Some(t) = tax {
        builder = builder.tax(t);
    }
    builder = builder.external_id(external_id);
    if let Some(max) = state.settings.max_amount {
        builder = builder.max_amount(max);
    }
    let request = match builder.build() {
        Ok(r) => r,
        Err(e) => {
            state.refuse(
                super::Refusal::InvalidInput,
                format!("Nothing was sent: {e}."),
            );
            return None;
        }
    };
    require_ready(state).then_some(request)
}
