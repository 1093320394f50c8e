//! What each operator [`Action`] (TUI or headless command) starts: the dispatch to the flows.

use super::events::{Action, Effect};
use super::recovery_state::RecoveryReason;
use super::state::State;
use super::steps::require_ready;
use super::{auth, order_edits, printing, recovery, refund, reset, sale};
use crate::device::DeviceCommand;

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::StartSale {
            amount,
            tip,
            tax,
            external_id,
        } => sale::start(state, amount, tip, tax, external_id, fx),
        Action::Refund {
            sale,
            amount,
            remainder,
            external_id,
        } => refund::start_refund(state, sale, amount, remainder, external_id, fx),
        Action::Void {
            sale,
            amount,
            external_id,
        } => refund::start_void(state, sale, amount, external_id, fx),
        Action::Credit {
            amount,
            external_id,
        } => refund::start_credit(state, amount, external_id, fx),
        Action::StartAuth {
            kind,
            amount,
            external_id,
        } => auth::start_payment(state, kind, amount, external_id, fx),
        Action::Adjust {
            tab,
            adjust,
            external_id,
        } => auth::start_adjust(state, tab, adjust, external_id, fx),
        Action::Closeout {
            allow_open_tabs,
            open_tabs,
            request_id,
        } => auth::start_closeout(state, allow_open_tabs, open_tabs, request_id, fx),
        Action::AnswerChallenge { accept } => sale::answer(state, true, accept, fx),
        Action::AnswerSignature { accept } => sale::answer(state, false, accept, fx),
        Action::CancelSale => sale::cancel(state, fx),
        Action::QueryStatus => {
            // Asked anew: the last answer is no longer what the device is doing.
            state.device_status = None;
            if require_ready(state) {
                fx.push(Effect::Send(DeviceCommand::DeviceStatus {
                    send_last_message: false,
                }));
            }
        }
        Action::Recover => {
            if state.pending().is_some() {
                recovery::start(state, RecoveryReason::OnDemand, fx);
            } else if require_ready(state) {
                state.info("No payment is pending; asking the device what it is doing.");
                fx.push(Effect::Send(DeviceCommand::DeviceStatus {
                    send_last_message: false,
                }));
            }
        }
        Action::Reset { confirm } => reset::request(state, confirm, fx),
        Action::ShowMessage(text) => {
            if text.trim().is_empty() {
                state.refuse(
                    super::Refusal::InvalidInput,
                    "message: the text must not be empty",
                );
            } else if require_ready(state) {
                fx.push(Effect::Send(DeviceCommand::ShowMessage(text)));
            }
        }
        Action::Print { lines, job_id } => printing::start(state, lines, job_id, fx),
        Action::CheckPrintJob => printing::check(state, fx),
        Action::AddItem(text) => order_edits::edit(state, fx, |d| d.add(&text)),
        Action::AbandonOrder => fx.extend(state.desk.clear()),
        Action::Quit => {
            state.quit = true;
            fx.push(Effect::Quit);
        }
    }
}
