//! The receipt box: a payment's receipt (the same text as `till receipt`) in a scrollable box,
//! opened with `p` from the result of the sale just rung or from the selected history row.
//! Pure: the runtime reads the ledger (`Effect::LoadReceipt`) and answers with
//! `Event::Receipt`; the text is formatted here by `receipt::receipt_text`.

use super::Effect;
use super::screens::{Key, Screen};
use super::state::State;
use crate::receipt::{Receipt, WIDTH, receipt_text};

/// Rows one PgUp/PgDn moves.
const PAGE: u16 = 10;

/// The open receipt box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    /// The payment it is for.
    pub external_id: String,
    /// The receipt's lines, or why it could not be read; `None` while loading.
    pub text: Option<Result<String, String>>,
    /// Lines scrolled down.
    pub scroll: u16,
}

impl ReceiptView {
    /// The lines to show: the receipt, what went wrong, or that it is loading.
    pub fn lines(&self) -> Vec<String> {
        match &self.text {
            None => vec![format!("Reading the receipt of {} …", self.external_id)],
            Some(Ok(text)) => text.lines().map(str::to_owned).collect(),
            Some(Err(e)) => vec![format!("No receipt: {e}")],
        }
    }
}

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
pub(crate) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(external_id) = target(state) else {
        return;
    };
    state.ui.receipt = Some(ReceiptView {
        external_id: external_id.clone(),
        text: None,
        scroll: 0,
    });
    fx.push(Effect::LoadReceipt(external_id));
}

/// The ledger's answer: formatted for the configured merchant, if the box still waits for it.
pub(crate) fn on_loaded(state: &mut State, loaded: Result<Box<Receipt>, String>) {
    let merchant = state.settings.receipt_merchant.clone();
    let Some(view) = state.ui.receipt.as_mut() else {
        return;
    };
    let text = loaded.and_then(|r| {
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

/// A key while the box is open: scroll, or close.
pub(crate) fn on_key(state: &mut State, key: Key) {
    let Some(view) = state.ui.receipt.as_mut() else {
        return;
    };
    let last = u16::try_from(view.lines().len().saturating_sub(1)).unwrap_or(u16::MAX);
    match key {
        Key::Up => view.scroll = view.scroll.saturating_sub(1),
        Key::Down => view.scroll = view.scroll.saturating_add(1).min(last),
        Key::PageUp => view.scroll = view.scroll.saturating_sub(PAGE),
        Key::PageDown => view.scroll = view.scroll.saturating_add(PAGE).min(last),
        Key::Esc | Key::Enter => state.ui.receipt = None,
        _ => {}
    }
}
