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
    /// Today's totals.
    Report,
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
    /// How far the opened event view is scrolled back from its last line (0: the last events
    /// show; the renderer clamps it to what the wrapped lines allow).
    pub history_detail_back: usize,
    /// The history's search line in force ("" for everything): see
    /// `ledger::PaymentFilter::parse_search`.
    pub history_query: String,
    /// The search line being typed after `/`, until Enter (search) or Esc (cancel).
    pub history_typing: Option<String>,
    /// The pending payment's resolution by hand being entered (Check Payment Status, `M`).
    pub resolve_input: Option<super::manual::ResolveInput>,
    /// Set in the read-only TUI (another till holds the ledger, or `--read-only`): why, for the
    /// banner. Only the history and today's totals are reachable; nothing is sold or sent.
    pub read_only: Option<String>,
    /// Today's totals as last loaded (or why they could not be).
    pub report: Option<Result<Box<crate::ledger::Report>, String>>,
    /// The refund, void or credit being entered (`r`, `v`, `C`).
    pub refund_input: Option<super::refund_keys::RefundInput>,
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
    if let Some(input) = &state.ui.resolve_input {
        return match (input.to, input.confirming) {
            (None, _) => vec![
                ("a", "approved"),
                ("d", "declined"),
                ("v", "voided"),
                ("n", "not found"),
                ("Esc", "cancel"),
            ],
            (Some(_), false) => vec![
                ("type", "note: who checked what"),
                ("Enter", "next"),
                ("Esc", "cancel"),
            ],
            (Some(_), true) => vec![("y", "resolve"), ("n", "edit note"), ("Esc", "cancel")],
        };
    }
    if let Some(input) = &state.ui.refund_input {
        let refused = !matches!(&input.offer, Some(Ok(o)) if o.refusal.is_none())
            && input.kind != crate::ledger::PaymentKind::Credit;
        return match (refused, input.confirming) {
            (true, _) => vec![("Esc", "back")],
            (false, false) => vec![
                ("0-9 .", "amount"),
                ("Bksp", "delete"),
                ("Enter", "next"),
                ("Esc", "cancel"),
            ],
            (false, true) => vec![("y", "confirm"), ("n", "change"), ("Esc", "cancel")],
        };
    }
    if state.ui.history_typing.is_some() {
        return vec![
            ("type", "id · last4 · 12.34 · state · date · 2h"),
            ("Enter", "search"),
            ("Esc", "cancel"),
        ];
    }
    let mut keys: Vec<Binding> = match state.ui.screen {
        Screen::Sale => vec![
            ("0-9 .", "amount"),
            ("Tab", "tip/tax"),
            ("Bksp", "delete"),
            ("Enter", "charge"),
            ("C", "credit"),
        ],
        Screen::InProgress => vec![("Esc", "cancel sale")],
        Screen::Prompt => vec![("a", "accept"), ("r", "reject")],
        Screen::Result if refundable_outcome(state).is_some() => {
            vec![("Enter", "new sale"), ("r", "refund"), ("v", "void")]
        }
        Screen::Result => vec![("Enter", "new sale")],
        Screen::Status if super::manual::offered(state) => vec![
            ("c", "check again"),
            ("M", "resolve by hand"),
            ("R", "reset device"),
            ("Esc", "back"),
        ],
        Screen::Status => vec![("c", "check again"), ("R", "reset device"), ("Esc", "back")],
        Screen::History if state.ui.history_detail.is_some() => vec![
            ("↑↓", "scroll events"),
            ("Enter/Esc", "close events"),
            ("PgUp/PgDn", "page"),
        ],
        Screen::History if !state.ui.history_query.is_empty() => vec![
            ("↑↓", "select"),
            ("Enter", "events"),
            ("/", "search"),
            ("Esc", "show all"),
        ],
        Screen::History => vec![
            ("↑↓", "select"),
            ("Enter", "events"),
            ("r", "refund"),
            ("v", "void"),
            ("/", "search"),
            ("Esc", "back"),
        ],
        Screen::Frames => vec![("↑↓", "scroll"), ("Esc", "back")],
        Screen::Report => vec![("r", "refresh"), ("Esc", "back")],
    };
    keys.extend([
        ("s", "status"),
        ("h", "history"),
        ("t", "today's totals"),
        ("f", "frames"),
        ("?", "help"),
        ("q", "quit"),
    ]);
    if state.ui.read_only.is_some() {
        keys.retain(|(k, what)| {
            !matches!(*k, "s" | "f") && !matches!(*what, "refund" | "void" | "credit")
        });
    }
    keys
}

fn refund_kind(c: char) -> crate::ledger::PaymentKind {
    if c == 'v' {
        crate::ledger::PaymentKind::Void
    } else {
        crate::ledger::PaymentKind::Refund
    }
}

/// The sale just rung, when it was approved: the result screen offers to refund or void it.
fn refundable_outcome(state: &State) -> Option<String> {
    state
        .last_outcome
        .as_ref()
        .filter(|o| o.state == crate::ledger::PaymentState::Approved && state.last_txn.is_none())
        .map(|o| o.external_id.clone())
}

fn field_text(ui: &mut Ui) -> &mut String {
    match ui.field {
        Field::Amount => &mut ui.amount,
        Field::Tip => &mut ui.tip,
        Field::Tax => &mut ui.tax,
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
    if state.ui.resolve_input.is_some() {
        super::manual::on_key(state, key, fx);
        return;
    }
    if state.ui.refund_input.is_some() {
        super::refund_keys::on_key(state, key, fx);
        return;
    }
    if let Some(line) = state.ui.history_typing.as_mut() {
        match key {
            Key::Char(c) if !c.is_control() && line.chars().count() < 80 => line.push(c),
            Key::Backspace => {
                line.pop();
            }
            Key::Esc => state.ui.history_typing = None,
            Key::Enter => {
                let line = state.ui.history_typing.take().unwrap_or_default();
                set_history_query(state, line.trim().to_owned(), fx);
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
    // Read-only: only the history and today's totals; Esc never leaves them.
    if state.ui.read_only.is_some() {
        let viewing = matches!(state.ui.screen, Screen::History | Screen::Report);
        match key {
            _ if !viewing => {
                state.ui.screen = Screen::History;
                fx.push(Effect::LoadHistory);
                return;
            }
            Key::Char('s' | 'f') => return,
            Key::Esc if state.ui.screen == Screen::Report => {
                state.ui.screen = Screen::History;
                fx.push(Effect::LoadHistory);
                return;
            }
            Key::Esc if state.ui.history_detail.is_none() => return,
            _ => {}
        }
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
                Field::Tax => Field::Amount,
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
        (Screen::Sale, Key::Char('C')) if state.ui.read_only.is_none() => {
            super::refund_keys::open_credit(state);
            return;
        }
        (Screen::Result, Key::Char(c @ ('r' | 'v'))) => {
            if let Some(ext) = refundable_outcome(state) {
                let kind = refund_kind(c);
                super::refund_keys::open(state, kind, ext, fx);
            }
            return;
        }
        (Screen::History, Key::Char(c @ ('r' | 'v')))
            if state.ui.history_detail.is_none() && state.ui.read_only.is_none() =>
        {
            let row = state
                .ui
                .history_selected
                .checked_sub(state.ui.history_offset)
                .and_then(|i| state.ui.history.get(i))
                .map(|r| r.external_id.clone());
            if let Some(ext) = row {
                super::refund_keys::open(state, refund_kind(c), ext, fx);
            }
            return;
        }
        (Screen::Sale, Key::Esc) => {
            state.ui.amount.clear();
            state.ui.tip.clear();
            state.ui.tax.clear();
            state.ui.field = Field::Amount;
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
        (Screen::Status, Key::Char('M')) => {
            super::manual::open(state);
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
        // With a payment's events open, the arrows scroll them (wrapped, from the last one).
        (
            Screen::History,
            Key::Up | Key::Down | Key::PageUp | Key::PageDown | Key::Enter | Key::Esc,
        ) if state.ui.history_detail.is_some() => {
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
                Key::PageDown => *back = back.saturating_sub(10),
                _ => {
                    state.ui.history_detail = None;
                    state.ui.history_detail_back = 0;
                }
            }
            return;
        }
        (Screen::History, Key::Char('/')) => {
            state.ui.history_typing = Some(state.ui.history_query.clone());
            return;
        }
        (Screen::History, Key::Esc) if !state.ui.history_query.is_empty() => {
            set_history_query(state, String::new(), fx);
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
            state.ui.history_detail_back = 0;
            fx.push(Effect::LoadPaymentEvents(state.ui.history_selected));
            return;
        }
        (Screen::Report, Key::Char('r')) => {
            fx.push(load_report(state));
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
        Key::Char('t') => {
            state.ui.screen = Screen::Report;
            fx.push(load_report(state));
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
