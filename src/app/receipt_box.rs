//! The receipt box: a payment's receipt (the same text as `till receipt`) in a scrollable box,
//! opened with `p` from the result of the sale just rung or from the selected history row.
//! Pure: the runtime reads the ledger (`Effect::LoadReceipt`) and answers with
//! `Event::Receipt`; the text is formatted here by `receipt::receipt_text`.

pub use super::ui_entries::ReceiptView;

use super::Effect;
use super::state::State;
use super::ui_state::{Key, Modal, Screen};
use crate::receipt::{Receipt, WIDTH, receipt_text};

/// Rows one PgUp/PgDn moves.
const PAGE: u16 = 10;

/// The payment whose receipt `p` opens here: the sale just rung (result screen) or the
/// selected history row (its events open or not).
pub fn target(state: &State) -> Option<String> {
    match state.ui.screen {
        Screen::Result => state.last_outcome.as_ref().map(|o| o.external_id.clone()),
        Screen::History => state
            .ui
            .history_selected
            .checked_sub(state.ui.history_offset)
            .and_then(|i| state.ui.history.get(i))
            .map(|r| r.external_id.clone()),
        _ => None,
    }
}

/// Opens the box for the payment [`target`] names and asks the ledger for its receipt.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(external_id) = target(state) else {
        return;
    };
    state.ui.modal = Some(Modal::Receipt(ReceiptView {
        external_id: external_id.clone(),
        text: None,
        scroll: 0,
    }));
    fx.push(Effect::LoadReceipt(external_id));
}

/// The ledger's answer: formatted for the configured merchant, if the box still waits for it.
pub(super) fn on_loaded(
    state: &mut State,
    loaded: Result<Box<Receipt>, crate::ledger::LedgerReadError>,
) {
    let merchant = state.settings.receipt_merchant.clone();
    let Some(view) = state.ui.receipt_mut() else {
        return;
    };
    // The view shows the words of a failed read.
    let text = loaded.map_err(|e| e.to_string()).and_then(|r| {
        if r.payment.external_id == view.external_id {
            Ok(receipt_text(
                &merchant,
                &r.payment,
                r.order.as_ref(),
                &r.children,
                WIDTH,
            ))
        } else {
            Err(format!("the ledger answered for {}", r.payment.external_id))
        }
    });
    view.text = Some(text);
}

/// The print job id of a receipt printed at `now_ms`: the payment's external id (cut) and the
/// time, so a reprint after a restart is not taken for an earlier job (at most 32 characters).
fn print_job_id(external_id: &str, now_ms: i64) -> String {
    let time = now_ms.max(0).to_string();
    let keep = crate::app::printing::MAX_PRINT_JOB_ID.saturating_sub(time.len() + 1);
    let head: String = external_id.chars().take(keep).collect();
    format!("{head}-{time}")
}

/// `P`: prints the receipt on the device's printer (`app::printing`); while that job is still
/// queued or printing, asks the device about it again instead. Never in a read-only till.
fn print(state: &mut State, fx: &mut Vec<Effect>) {
    if state.ui.read_only.is_some() {
        return;
    }
    if state
        .print_job
        .as_ref()
        .is_some_and(|j| !j.state.is_final())
    {
        super::actions::on_action(state, super::Action::CheckPrintJob, fx);
        return;
    }
    let Some(view) = state.ui.receipt() else {
        return;
    };
    let Some(Ok(text)) = &view.text else {
        return;
    };
    let lines = text.lines().map(str::to_owned).collect();
    let job_id = print_job_id(&view.external_id, state.now_ms);
    super::actions::on_action(state, super::Action::Print { lines, job_id }, fx);
}

/// A key while the box is open: scroll, print on the device, or close.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if key == Key::Char('P') {
        print(state, fx);
        return;
    }
    let Some(view) = state.ui.receipt_mut() else {
        return;
    };
    let last = u16::try_from(view.lines().len().saturating_sub(1)).unwrap_or(u16::MAX);
    match key {
        Key::Up => view.scroll = view.scroll.saturating_sub(1),
        Key::Down => view.scroll = view.scroll.saturating_add(1).min(last),
        Key::PageUp => view.scroll = view.scroll.saturating_sub(PAGE),
        Key::PageDown => view.scroll = view.scroll.saturating_add(PAGE).min(last),
        Key::Esc | Key::Enter => state.ui.close(|m| matches!(m, Modal::Receipt(_))),
        _ => {}
    }
}
