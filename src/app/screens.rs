//! The TUI's screens and keys: which screen is up, the sale entry fields, and what each key's
//! intent (from the one table in [`super::keymap`]) does there.

use super::actions::on_action;
use super::keymap::Intent;
use super::state::*;
pub use super::ui_state::{Field, HistoryRow, Key, Modal, Screen, Ui};
use super::{Action, Effect};

/// One entry of the help: key label and what it does.
pub type Binding = (&'static str, &'static str);

/// The keys that work on the current screen, as the help bar shows them (from
/// [`super::keymap::KEYMAP`]).
pub fn keymap(state: &State) -> Vec<Binding> {
    let mut keys: Vec<Binding> = super::keymap::active(state)
        .into_iter()
        .filter(|b| b.bar)
        .map(|b| (b.key, b.what))
        .collect();
    if state.ui.read_only.is_some() {
        keys.retain(|(k, what)| {
            !matches!(*k, "s" | "f") && !matches!(*what, "refund" | "void" | "credit")
        });
    }
    // Printing the receipt on the device: not read-only, and once the receipt is there.
    let receipt_ready = state
        .ui
        .receipt()
        .is_some_and(|r| matches!(r.text, Some(Ok(_))));
    if state.ui.read_only.is_some() || !receipt_ready {
        keys.retain(|(_, what)| *what != "print on device");
    }
    // `M` only says "not yet" until recovery has tried: the bar shows it when it can act.
    if !super::manual::offered(state) {
        keys.retain(|(k, _)| *k != "M");
    }
    // `r`/`v` on a result only for an approved sale just rung.
    if (state.ui.screen == Screen::Result && refundable_outcome(state).is_none())
        || (state.ui.screen == Screen::History && state.ui.history_detail.is_some())
    {
        keys.retain(|(_, what)| !matches!(*what, "refund" | "void"));
    }
    keys
}

/// The sale just rung, when it was approved: the result screen offers to refund or void it.
fn refundable_outcome(state: &State) -> Option<String> {
    state
        .last_outcome
        .as_ref()
        .filter(|o| o.state == crate::payment::PaymentState::Approved && state.last_txn.is_none())
        .map(|o| o.external_id.clone())
}

fn open_refund(state: &mut State, kind: crate::payment::PaymentKind, fx: &mut Vec<Effect>) {
    if state.ui.read_only.is_some() {
        return;
    }
    let ext = match state.ui.screen {
        Screen::Result => refundable_outcome(state),
        Screen::History if state.ui.history_detail.is_none() => state
            .ui
            .history_selected
            .checked_sub(state.ui.history_offset)
            .and_then(|i| state.ui.history.get(i))
            .map(|r| r.external_id.clone()),
        _ => None,
    };
    if let Some(ext) = ext {
        super::refund_keys::open(state, kind, ext, fx);
    }
}

fn field_text(ui: &mut Ui) -> &mut String {
    match ui.field {
        Field::Amount => &mut ui.amount,
        Field::Tip => &mut ui.tip,
        Field::Tax => &mut ui.tax,
        Field::Item => &mut ui.item,
    }
}

/// Parses the entry fields into a sale action, or explains what is wrong.
pub fn entry_action(ui: &Ui) -> Result<Action, String> {
    use crate::protocol::Cents;
    let amount = Cents::parse(&ui.amount).map_err(|e| format!("amount: {e}"))?;
    let optional = |label: &str, text: &str| -> Result<Option<Cents>, String> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            Cents::parse(text)
                .map(Some)
                .map_err(|e| format!("{label}: {e}"))
        }
    };
    Ok(Action::StartSale {
        amount,
        tip: optional("tip", &ui.tip)?,
        tax: optional("tax", &ui.tax)?,
        external_id: (!ui.next_external_id.is_empty()).then(|| ui.next_external_id.clone()),
    })
}

/// Handles a key press: the keymap table says what it means here, this does it.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if read_only_guard(state, key, fx) {
        return;
    }
    // The order's keys (item field, line selection and edits) come first.
    if state.ui.screen == Screen::Sale
        && !matches!(
            state.ui.modal,
            Some(Modal::Help | Modal::QuitConfirm | Modal::ResetInput(_))
        )
        && order_key(state, key, fx)
    {
        return;
    }
    let Some(intent) = super::keymap::lookup(state, key) else {
        // Any other key closes the `?` overlay (and does nothing else).
        state.ui.close(|m| *m == Modal::Help);
        return;
    };
    if state.ui.help() && !matches!(intent, Intent::HelpUp | Intent::HelpDown) {
        // A key of the screen below closes the overlay and does its job.
        state.ui.modal = None;
    }
    on_intent(state, intent, key, fx);
}

/// Read-only (another `till` holds the data directory): only the history and today's totals;
/// Esc never leaves them. True when the key was used up here.
fn read_only_guard(state: &mut State, key: Key, fx: &mut Vec<Effect>) -> bool {
    if state.ui.read_only.is_none()
        || matches!(
            state.ui.modal,
            Some(Modal::Receipt(_) | Modal::Help | Modal::HistorySearch(_) | Modal::QuitConfirm)
        )
    {
        return false;
    }
    let viewing = matches!(state.ui.screen, Screen::History | Screen::Report);
    match key {
        _ if !viewing => {
            state.ui.screen = Screen::History;
            fx.push(Effect::LoadHistory);
            true
        }
        Key::Char('s' | 'f') => true,
        Key::Esc if state.ui.screen == Screen::Report => {
            state.ui.screen = Screen::History;
            fx.push(Effect::LoadHistory);
            true
        }
        Key::Esc if state.ui.history_detail.is_none() && state.ui.history_query.is_empty() => true,
        _ => false,
    }
}

fn on_intent(state: &mut State, intent: Intent, key: Key, fx: &mut Vec<Effect>) {
    match intent {
        Intent::QuitAnyway => on_action(state, Action::Quit, fx),
        Intent::Stay => state.ui.close(|m| *m == Modal::QuitConfirm),
        Intent::ConfirmType => {
            if let (Some(input), Key::Char(c)) = (state.ui.reset_input_mut(), key) {
                input.push(c);
            }
        }
        Intent::ConfirmErase => {
            if let Some(input) = state.ui.reset_input_mut() {
                input.pop();
            }
        }
        Intent::ConfirmBack => state.ui.close(|m| matches!(m, Modal::ResetInput(_))),
        Intent::ConfirmReset => {
            let typed = state.ui.take_reset_input().unwrap_or_default();
            on_action(
                state,
                Action::Reset {
                    confirm: Some(typed),
                },
                fx,
            );
        }
        Intent::EntryType => {
            if let Key::Char(c) = key {
                field_text(&mut state.ui).push(c);
            }
            // The field is being corrected: the error about it no longer describes it.
            state.expire(NoticeKind::Validation);
        }
        Intent::EntryErase => {
            field_text(&mut state.ui).pop();
            state.expire(NoticeKind::Validation);
        }
        Intent::OrderKey => {}
        Intent::ReceiptOpen => super::receipt_box::open(state, fx),
        Intent::ReceiptKey => super::receipt_box::on_key(state, key, fx),
        Intent::NextField => {
            state.ui.field = match state.ui.field {
                Field::Amount => Field::Tip,
                Field::Tip => Field::Tax,
                Field::Tax => Field::Item,
                Field::Item => Field::Amount,
            };
        }
        Intent::Charge => {
            match entry_action(&state.ui).and_then(|a| super::tab_keys::entry_for_kind(state, a)) {
                Ok(action) => {
                    on_action(state, action, fx);
                    if state.payment.is_some()
                        && state
                            .pending()
                            .is_some_and(|p| p.state != crate::payment::PaymentState::Unknown)
                        && state
                            .notice
                            .as_ref()
                            .is_none_or(|n| n.kind != NoticeKind::PendingPayment)
                    {
                        state.ui.amount.clear();
                        state.ui.tip.clear();
                        state.ui.tax.clear();
                        state.ui.field = Field::Amount;
                        state.ui.screen = Screen::InProgress;
                    }
                }
                Err(e) => state.refuse(
                    super::Refusal::InvalidInput,
                    format!("Nothing was sent: {e}"),
                ),
            }
        }
        Intent::ClearEntry => {
            state.ui.amount.clear();
            state.ui.tip.clear();
            state.ui.tax.clear();
            state.ui.item.clear();
            state.ui.field = Field::Amount;
            state.expire(NoticeKind::Validation);
            // Abandoning the order clears the customer display too.
            fx.extend(state.desk.clear());
        }
        Intent::DismissRecovered => state.recovered.clear(),
        Intent::CancelSale => on_action(state, Action::CancelSale, fx),
        Intent::NoCancelWhileSigning => state.error(
            NoticeKind::General,
            "Not canceled: the device ignores cancel while it waits for the customer's \
             signature. Let the customer sign, then press r to reject the signature (the \
             payment is voided), or cancel on the device itself.",
        ),
        Intent::Accept | Intent::Reject => {
            let accept = intent == Intent::Accept;
            match state.prompt {
                Some(Prompt::Challenge { .. }) => {
                    on_action(state, Action::AnswerChallenge { accept }, fx)
                }
                Some(Prompt::Signature { .. }) => {
                    on_action(state, Action::AnswerSignature { accept }, fx)
                }
                None => state.ui.screen = Screen::InProgress,
            }
        }
        Intent::NewSale => state.ui.screen = Screen::Sale,
        Intent::CheckAgain => {
            if matches!(state.connection, Connection::Disconnected(_)) {
                // Do not wait out the reconnect backoff: the operator asked now.
                fx.push(Effect::Send(super::DeviceCommand::Reconnect));
                state.progress("Connecting to the device again now.");
            } else {
                on_action(state, Action::Recover, fx);
            }
        }
        Intent::Resolve => super::manual::on_key(state, key, fx),
        Intent::RefundKey => super::refund_keys::on_key(state, key, fx),
        Intent::RefundOpen => open_refund(state, crate::payment::PaymentKind::Refund, fx),
        Intent::VoidOpen => open_refund(state, crate::payment::PaymentKind::Void, fx),
        Intent::CreditOpen => {
            if state.ui.read_only.is_none() {
                super::refund_keys::open_credit(state);
            }
        }
        Intent::ResolveOpen => super::manual::open(state),
        Intent::SearchOpen => {
            state.ui.modal = Some(Modal::HistorySearch(state.ui.history_query.clone()));
        }
        Intent::SearchType => {
            if let (Some(line), Key::Char(c)) = (state.ui.history_typing_mut(), key)
                && line.chars().count() < 80
            {
                line.push(c);
            }
        }
        Intent::SearchErase => {
            if let Some(line) = state.ui.history_typing_mut() {
                line.pop();
            }
        }
        Intent::SearchCancel => state.ui.close(|m| matches!(m, Modal::HistorySearch(_))),
        Intent::SearchRun => {
            let line = state.ui.take_history_typing().unwrap_or_default();
            set_history_query(state, line.trim().to_owned(), fx);
        }
        Intent::ShowAll => set_history_query(state, String::new(), fx),
        Intent::EventsScroll => {
            // With a payment's events open, the arrows scroll them (wrapped, from the last one).
            let lines: usize = state
                .ui
                .history_detail
                .iter()
                .flatten()
                .map(|l| l.chars().count().max(1))
                .sum();
            let back = &mut state.ui.history_detail_back;
            match key {
                Key::Up => *back = (*back + 1).min(lines),
                Key::PageUp => *back = (*back + 10).min(lines),
                Key::Down => *back = back.saturating_sub(1),
                _ => *back = back.saturating_sub(10),
            }
        }
        Intent::EventsClose => {
            state.ui.history_detail = None;
            state.ui.history_detail_back = 0;
        }
        Intent::Refresh => fx.push(load_report(state)),
        Intent::GoReport => {
            state.ui.screen = Screen::Report;
            fx.push(load_report(state));
        }
        Intent::ResetDevice => {
            if state.pending().is_some() {
                state.ui.modal = Some(Modal::ResetInput(String::new()));
            } else {
                on_action(state, Action::Reset { confirm: None }, fx);
            }
        }
        Intent::Back => state.ui.screen = home_screen(state),
        Intent::SelectUp => {
            state.ui.history_selected = state.ui.history_selected.saturating_sub(1);
            state.ui.history_detail = None;
            fx.push(Effect::LoadHistory);
        }
        Intent::SelectDown => {
            if state.ui.history_selected + 1 < state.ui.history_total {
                state.ui.history_selected += 1;
            }
            state.ui.history_detail = None;
            fx.push(Effect::LoadHistory);
        }
        Intent::PageUp => {
            state.ui.history_selected = state.ui.history_selected.saturating_sub(20);
            fx.push(Effect::LoadHistory);
        }
        Intent::PageDown => {
            state.ui.history_selected =
                (state.ui.history_selected + 20).min(state.ui.history_total.saturating_sub(1));
            fx.push(Effect::LoadHistory);
        }
        Intent::OpenEvents => {
            state.ui.history_detail_back = 0;
            fx.push(Effect::LoadPaymentEvents(state.ui.history_selected));
        }
        Intent::ScrollBack => {
            state.ui.frames_back =
                (state.ui.frames_back + 1).min(state.frames.len().saturating_sub(1));
        }
        Intent::ScrollForward => state.ui.frames_back = state.ui.frames_back.saturating_sub(1),
        Intent::GoStatus => {
            state.ui.screen = Screen::Status;
            on_action(state, Action::Recover, fx);
        }
        Intent::GoHistory => {
            state.ui.screen = Screen::History;
            state.ui.history_detail = None;
            fx.push(Effect::LoadHistory);
        }
        Intent::KindNext => super::tab_keys::next_kind(state),
        Intent::GoTabs => super::tab_keys::open(state, fx),
        Intent::TabUp => super::tab_keys::select(state, false),
        Intent::TabDown => super::tab_keys::select(state, true),
        Intent::TabTip => super::tab_keys::open_box(state, false),
        Intent::TabCapture => super::tab_keys::open_box(state, true),
        Intent::TabCloseout => super::tab_keys::ask_closeout(state),
        Intent::TabKey => super::tab_keys::on_box_key(state, key, fx),
        Intent::GoFrames => {
            state.ui.screen = Screen::Frames;
            state.ui.frames_back = 0;
        }
        Intent::Help => {
            state.ui.modal = Some(Modal::Help);
            state.ui.help_scroll = 0;
        }
        Intent::HelpUp => state.ui.help_scroll = state.ui.help_scroll.saturating_sub(1),
        Intent::HelpDown => state.ui.help_scroll = (state.ui.help_scroll + 1).min(100),
        Intent::HelpClose => state.ui.close(|m| *m == Modal::Help),
        Intent::Quit => {
            if state.pending().is_some() {
                state.ui.modal = Some(Modal::QuitConfirm);
            } else {
                on_action(state, Action::Quit, fx);
            }
        }
    }
}

/// Applies a history search line: from the newest match, events closed.
fn set_history_query(state: &mut State, query: String, fx: &mut Vec<Effect>) {
    state.ui.history_query = query;
    state.ui.history_selected = 0;
    state.ui.history_detail = None;
    state.ui.history_detail_back = 0;
    fx.push(Effect::LoadHistory);
}

/// The length of a day, ms.
pub const DAY_MS: i64 = 86_400_000;

/// Loads the totals of today (the UTC day of the state's clock).
fn load_report(state: &State) -> Effect {
    let since_ms = state.now_ms - state.now_ms.rem_euclid(DAY_MS);
    Effect::LoadReport {
        since_ms,
        until_ms: since_ms + DAY_MS,
    }
}

/// Where Esc leads: the prompt, the running sale, the result, or the sale entry.
pub fn home_screen(state: &State) -> Screen {
    if state.prompt.is_some() {
        Screen::Prompt
    } else if state.pending().is_some() {
        Screen::InProgress
    } else {
        Screen::Sale
    }
}

/// The order's keys on the sale screen; true when the key was used.
fn order_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) -> bool {
    use super::order_desk::MAX_ITEM_CHARS;
    use super::order_edits::edit;
    let in_item = state.ui.field == Field::Item;
    let has_lines = !state.desk.order.is_empty();
    let item_empty = state.ui.item.is_empty();
    match key {
        Key::Char('i') if !in_item => state.ui.field = Field::Item,
        Key::Char(c @ ('+' | '-')) if has_lines && (!in_item || item_empty) => {
            edit(state, fx, |d| {
                d.bump_quantity(if c == '+' { 1 } else { -1 })
            });
        }
        Key::Char(c) if in_item && !c.is_control() => {
            if state.ui.item.chars().count() < MAX_ITEM_CHARS {
                state.ui.item.push(c);
            }
        }
        Key::Up | Key::Down if has_lines => state.desk.select(key == Key::Down),
        Key::Backspace if in_item && item_empty && has_lines => {
            edit(state, fx, |d| d.remove_selected());
        }
        Key::Enter if in_item && !item_empty => {
            let text = std::mem::take(&mut state.ui.item);
            let before = fx.len();
            edit(state, fx, |d| d.add(&text));
            if fx.len() == before {
                state.ui.item = text;
            }
        }
        Key::Enter if has_lines => {
            // The sale's amount is the order's total (tax included), its tax the order's tax.
            let totals = state.desk.order.totals();
            state.ui.amount = totals.total.to_string();
            state.ui.tax = totals.tax.to_string();
            return false;
        }
        Key::Esc if in_item => {
            if item_empty {
                state.ui.field = Field::Amount;
            } else {
                state.ui.item.clear();
            }
        }
        _ => return false,
    }
    true
}
