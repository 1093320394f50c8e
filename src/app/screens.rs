//! The TUI's screens and keys: which screen is up, the sale entry fields, and what each key
//! does there. The keymap here also feeds the help bar, so the bar always tells the truth.

use super::state::*;
use super::{Action, Effect, on_action};

/// A key, as the app sees it (the runtime maps terminal keys to these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Backspace.
    Backspace,
    /// Tab.
    Tab,
    /// Up arrow.
    Up,
    /// Down arrow.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
}

/// The screen in front of the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// Ring a sale (also shows connection progress and the pairing code).
    #[default]
    Sale,
    /// A sale is running on the device.
    InProgress,
    /// The device asks the operator (challenge or signature).
    Prompt,
    /// How the last sale ended.
    Result,
    /// Check Payment Status / recovery / reset.
    Status,
    /// The ledger.
    History,
    /// The protocol inspector.
    Frames,
}

/// Which sale entry field has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    /// Amount.
    #[default]
    Amount,
    /// Tip.
    Tip,
    /// Tax.
    Tax,
    /// Item entry: a catalog code, `NAME=PRICE[xQTY]`, `%N` or `$AMOUNT` (`app::order_desk`).
    Item,
}

/// A row of the history view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// External id.
    pub external_id: String,
    /// When, ms since the epoch.
    pub created_ms: i64,
    /// Amount.
    pub amount: crate::protocol::Cents,
    /// State.
    pub state: crate::ledger::PaymentState,
    /// Brand and last4, e.g. "VISA 4242".
    pub card: String,
}

/// TUI state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ui {
    /// The screen up.
    pub screen: Screen,
    /// Entry field with the cursor.
    pub field: Field,
    /// Amount text.
    pub amount: String,
    /// Tip text.
    pub tip: String,
    /// Tax text.
    pub tax: String,
    /// Item field text.
    pub item: String,
    /// The external id the next sale will use.
    pub next_external_id: String,
    /// Typed reset confirmation, while typing it.
    pub reset_input: Option<String>,
    /// The full keymap is shown.
    pub help: bool,
    /// Asking whether to quit with a payment pending.
    pub quit_confirm: bool,
    /// History rows loaded (a window of the ledger, newest first).
    pub history: Vec<HistoryRow>,
    /// Total rows in the ledger.
    pub history_total: usize,
    /// Index of the first loaded row in the whole history.
    pub history_offset: usize,
    /// Selected row (absolute index).
    pub history_selected: usize,
    /// Event lines of the selected payment, when opened.
    pub history_detail: Option<Vec<String>>,
    /// Frames scrolled back from the newest.
    pub frames_back: usize,
    /// Terminal size.
    pub size: (u16, u16),
}

impl Ui {
    pub(crate) fn show_prompt(&mut self) {
        self.screen = Screen::Prompt;
    }

    pub(crate) fn after_prompt(&mut self) {
        if self.screen == Screen::Prompt {
            self.screen = Screen::InProgress;
        }
    }
}

/// One entry of the keymap: key label and what it does.
pub type Binding = (&'static str, &'static str);

/// The keys that work on the current screen (the help bar and `?` show these).
pub fn keymap(state: &State) -> Vec<Binding> {
    if state.ui.quit_confirm {
        return vec![("y", "quit anyway"), ("n/Esc", "stay")];
    }
    if state.ui.reset_input.is_some() {
        return vec![
            ("type id", "confirm the reset"),
            ("Enter", "reset"),
            ("Esc", "back"),
        ];
    }
    let mut keys: Vec<Binding> = match state.ui.screen {
        Screen::Sale if state.ui.field == Field::Item => vec![
            ("code/NAME=PRICE", "add line"),
            ("%N $A", "discount"),
            ("↑↓ +/-", "line qty"),
            ("Bksp", "remove line"),
            ("Enter", "add / charge"),
            ("Esc", "leave items"),
        ],
        Screen::Sale => vec![
            ("0-9 .", "amount"),
            ("Tab", "tip/tax"),
            ("i", "items"),
            ("Bksp", "delete"),
            ("Enter", "charge"),
        ],
        Screen::InProgress => vec![("Esc", "cancel sale")],
        Screen::Prompt => vec![("a", "accept"), ("r", "reject")],
        Screen::Result => vec![("Enter", "new sale")],
        Screen::Status => vec![("c", "check again"), ("R", "reset device"), ("Esc", "back")],
        Screen::History => vec![("↑↓", "select"), ("Enter", "events"), ("Esc", "back")],
        Screen::Frames => vec![("↑↓", "scroll"), ("Esc", "back")],
    };
    keys.extend([
        ("s", "status"),
        ("h", "history"),
        ("f", "frames"),
        ("?", "help"),
        ("q", "quit"),
    ]);
    keys
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

/// Handles a key press.
pub(crate) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    if state.ui.quit_confirm {
        match key {
            Key::Char('y') => on_action(state, Action::Quit, fx),
            Key::Char('n') | Key::Esc => state.ui.quit_confirm = false,
            _ => {}
        }
        return;
    }
    if let Some(input) = state.ui.reset_input.as_mut() {
        match key {
            Key::Char(c) if !c.is_control() => input.push(c),
            Key::Backspace => {
                input.pop();
            }
            Key::Esc => state.ui.reset_input = None,
            Key::Enter => {
                let typed = state.ui.reset_input.take().unwrap_or_default();
                on_action(
                    state,
                    Action::Reset {
                        confirm: Some(typed),
                    },
                    fx,
                );
            }
            _ => {}
        }
        return;
    }
    if state.ui.help {
        state.ui.help = false;
        if matches!(key, Key::Esc | Key::Char('?')) {
            return;
        }
    }
    // The order's keys (item field, line selection and edits) come first.
    if state.ui.screen == Screen::Sale && order_key(state, key, fx) {
        return;
    }
    // Screen-specific keys first (digits on the sale screen are not commands).
    match (state.ui.screen, key) {
        (Screen::Sale, Key::Char(c)) if c.is_ascii_digit() || c == '.' => {
            field_text(&mut state.ui).push(c);
            return;
        }
        (Screen::Sale, Key::Backspace) => {
            field_text(&mut state.ui).pop();
            return;
        }
        (Screen::Sale, Key::Tab) => {
            state.ui.field = match state.ui.field {
                Field::Amount => Field::Tip,
                Field::Tip => Field::Tax,
                Field::Tax => Field::Item,
                Field::Item => Field::Amount,
            };
            return;
        }
        (Screen::Sale, Key::Enter) => {
            match entry_action(&state.ui) {
                Ok(action) => {
                    on_action(state, action, fx);
                    if state.payment.is_some()
                        && state
                            .pending()
                            .is_some_and(|p| p.state != crate::ledger::PaymentState::Unknown)
                        && state
                            .notice
                            .as_ref()
                            .is_none_or(|n| n.kind != NoticeKind::PendingPayment)
                    {
                        state.ui.amount.clear();
                        state.ui.tip.clear();
                        state.ui.tax.clear();
                        state.ui.field = Field::Amount;
                        state.ui.next_external_id.clear();
                        state.ui.screen = Screen::InProgress;
                        fx.push(Effect::FreshExternalId);
                    }
                }
                Err(e) => state.error(NoticeKind::Validation, format!("Nothing was sent: {e}")),
            }
            return;
        }
        (Screen::Sale, Key::Esc) => {
            state.ui.amount.clear();
            state.ui.tip.clear();
            state.ui.tax.clear();
            state.ui.item.clear();
            state.ui.field = Field::Amount;
            // Abandoning the order clears the customer display too.
            fx.extend(state.desk.clear());
            return;
        }
        (Screen::InProgress, Key::Esc) => {
            on_action(state, Action::CancelSale, fx);
            return;
        }
        (Screen::Prompt, Key::Char(c @ ('a' | 'r'))) => {
            let accept = c == 'a';
            match state.prompt {
                Some(Prompt::Challenge { .. }) => {
                    on_action(state, Action::AnswerChallenge { accept }, fx)
                }
                Some(Prompt::Signature { .. }) => {
                    on_action(state, Action::AnswerSignature { accept }, fx)
                }
                None => state.ui.screen = Screen::InProgress,
            }
            return;
        }
        (Screen::Result, Key::Enter | Key::Esc) => {
            state.ui.screen = Screen::Sale;
            return;
        }
        (Screen::Status, Key::Char('c')) => {
            on_action(state, Action::Recover, fx);
            return;
        }
        (Screen::Status, Key::Char('R')) => {
            if state.pending().is_some() {
                state.ui.reset_input = Some(String::new());
            } else {
                on_action(state, Action::Reset { confirm: None }, fx);
            }
            return;
        }
        (Screen::History, Key::Up) => {
            state.ui.history_selected = state.ui.history_selected.saturating_sub(1);
            state.ui.history_detail = None;
            fx.push(Effect::LoadHistory);
            return;
        }
        (Screen::History, Key::Down) => {
            if state.ui.history_selected + 1 < state.ui.history_total {
                state.ui.history_selected += 1;
            }
            state.ui.history_detail = None;
            fx.push(Effect::LoadHistory);
            return;
        }
        (Screen::History, Key::PageUp) => {
            state.ui.history_selected = state.ui.history_selected.saturating_sub(20);
            fx.push(Effect::LoadHistory);
            return;
        }
        (Screen::History, Key::PageDown) => {
            state.ui.history_selected =
                (state.ui.history_selected + 20).min(state.ui.history_total.saturating_sub(1));
            fx.push(Effect::LoadHistory);
            return;
        }
        (Screen::History, Key::Enter) => {
            fx.push(Effect::LoadPaymentEvents(state.ui.history_selected));
            return;
        }
        (Screen::Frames, Key::Up) => {
            state.ui.frames_back =
                (state.ui.frames_back + 1).min(state.frames.len().saturating_sub(1));
            return;
        }
        (Screen::Frames, Key::Down) => {
            state.ui.frames_back = state.ui.frames_back.saturating_sub(1);
            return;
        }
        _ => {}
    }
    // Global keys.
    match key {
        Key::Char('s') => {
            state.ui.screen = Screen::Status;
            on_action(state, Action::Recover, fx);
        }
        Key::Char('h') => {
            state.ui.screen = Screen::History;
            state.ui.history_detail = None;
            fx.push(Effect::LoadHistory);
        }
        Key::Char('f') => {
            state.ui.screen = Screen::Frames;
            state.ui.frames_back = 0;
        }
        Key::Char('?') => state.ui.help = true,
        Key::Char('q') => {
            if state.pending().is_some() {
                state.ui.quit_confirm = true;
            } else {
                on_action(state, Action::Quit, fx);
            }
        }
        Key::Esc => state.ui.screen = home_screen(state),
        _ => {}
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
    use super::order_desk::{MAX_ITEM_CHARS, edit};
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
