//! The TUI's one keymap table: `(mode, keys, intent, label)`. Key handling
//! ([`super::screens`]), the help bar and the `?` overlay all read this table, so a key works
//! exactly where the help says it does.

use super::state::State;
use super::ui_state::{Key, Screen};

/// Where a binding applies. Several modes are active at once, most specific first
/// (see [`active_modes`]); the first binding that matches a key wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The `?` overlay is open (any key not listed here closes it and does its job).
    Help,
    /// Asking whether to quit with a payment pending.
    QuitConfirm,
    /// Typing the pending payment's external id to confirm a reset.
    ResetConfirm,
    /// Resolving by hand: choosing the outcome.
    ResolveChoose,
    /// Resolving by hand: typing the note.
    ResolveNote,
    /// Resolving by hand: the last confirmation.
    ResolveConfirm,
    /// A refund, void or credit: loading it, or why it cannot be done (only Esc).
    RefundBlocked,
    /// A refund: typing the amount.
    RefundAmount,
    /// A refund, void or credit: the confirmation naming amount, card and external id.
    RefundConfirm,
    /// A tip, capture or closeout box on the open tabs screen.
    TabBox,
    /// The receipt box is open.
    Receipt,
    /// The item field of the sale screen has the cursor (its keys come from `screens::order_key`).
    ItemField,
    /// Typing a history search.
    HistorySearch,
    /// A payment's events are open in the history.
    HistoryEvents,
    /// The history shows the matches of a search.
    HistoryFiltered,
    /// A sale runs and the device waits for the customer's signature (it ignores cancel then).
    Signing,
    /// Outcomes of payments from before the restart are on screen (sale entry, status).
    Recovered,
    /// One screen.
    Screen(Screen),
    /// Every screen (after the screen's own keys).
    Global,
}

impl Mode {
    /// The heading of this mode in the `?` overlay.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Help => "This list",
            Mode::QuitConfirm => "Quit question",
            Mode::ResetConfirm => "Reset confirmation",
            Mode::ResolveChoose => "Resolve by hand: the outcome",
            Mode::ResolveNote => "Resolve by hand: the note",
            Mode::ResolveConfirm => "Resolve by hand: confirm",
            Mode::RefundBlocked => "Refund or void: reading the payment",
            Mode::RefundAmount => "Refund: the amount",
            Mode::RefundConfirm => "Refund, void or credit: confirm",
            Mode::TabBox => "Open tabs: tip, capture or closeout box",
            Mode::Screen(Screen::Tabs) => "Open tabs",
            Mode::Receipt => "Receipt",
            Mode::ItemField => "Item field (type or scan)",
            Mode::HistorySearch => "History search",
            Mode::HistoryEvents => "A payment's events",
            Mode::HistoryFiltered => "History, filtered",
            Mode::Screen(Screen::Report) => "Today's totals",
            Mode::Signing => "Sale, while the customer signs",
            Mode::Recovered => "Payments recovered after a restart",
            Mode::Screen(Screen::Sale) => "Sale entry",
            Mode::Screen(Screen::InProgress) => "Sale running",
            Mode::Screen(Screen::Prompt) => "Device question",
            Mode::Screen(Screen::Result) => "Sale result",
            Mode::Screen(Screen::Status) => "Check Payment Status",
            Mode::Screen(Screen::History) => "History",
            Mode::Screen(Screen::Frames) => "Frames",
            Mode::Global => "Everywhere",
        }
    }
}

/// Which keys a binding matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// One key.
    One(Key),
    /// Either of two keys.
    Either(Key, Key),
    /// A digit or the decimal point.
    Digits,
    /// Any printable character.
    Printable,
}

impl Keys {
    /// True when every key of `other` is one of these keys (so `other` is overridden).
    pub fn covers(self, other: Keys) -> bool {
        match other {
            Keys::One(k) => self.matches(k),
            Keys::Either(a, b) => self.matches(a) && self.matches(b),
            Keys::Digits | Keys::Printable => self == other,
        }
    }

    /// True when `key` is one of these keys.
    pub fn matches(self, key: Key) -> bool {
        match self {
            Keys::One(k) => k == key,
            Keys::Either(a, b) => a == key || b == key,
            Keys::Digits => matches!(key, Key::Char(c) if c.is_ascii_digit() || c == '.'),
            Keys::Printable => matches!(key, Key::Char(c) if !c.is_control()),
        }
    }
}

/// What a key asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Quit although a payment is pending.
    QuitAnyway,
    /// Stay (close the quit question).
    Stay,
    /// Add a character to the typed reset confirmation.
    ConfirmType,
    /// Delete the last character of the typed reset confirmation.
    ConfirmErase,
    /// Reset with the typed confirmation.
    ConfirmReset,
    /// Leave the reset confirmation.
    ConfirmBack,
    /// Add a character to the entry field.
    EntryType,
    /// Delete the last character of the entry field.
    EntryErase,
    /// Next entry field.
    NextField,
    /// Start the sale.
    Charge,
    /// An order key (`i` opens the item field): done by `screens::order_key` before this table
    /// is consulted; listed here for the help bar and `?`.
    OrderKey,
    /// Clear the entry fields.
    ClearEntry,
    /// Ask the device to cancel the running sale.
    CancelSale,
    /// Explain that the device ignores cancel while the customer signs, and what to do.
    NoCancelWhileSigning,
    /// Dismiss the recovered outcomes.
    DismissRecovered,
    /// Accept the device's question.
    Accept,
    /// Reject the device's question.
    Reject,
    /// Back to the sale entry after a result.
    NewSale,
    /// Ask the device again (and reconnect now when the connection is down).
    CheckAgain,
    /// Reset the device.
    ResetDevice,
    /// A key of the resolve-by-hand box (its own small flow in `manual`).
    Resolve,
    /// Open the resolve-by-hand box.
    ResolveOpen,
    /// A key of the refund/void/credit box (its own small flow in `refund_keys`).
    RefundKey,
    /// Refund the selected payment (history) or the sale just rung (result).
    RefundOpen,
    /// Void the selected payment (history) or the sale just rung (result).
    VoidOpen,
    /// Give the typed amount back as a credit (manual refund).
    CreditOpen,
    /// Cycle what Enter starts: sale, auth, pre-auth.
    KindNext,
    /// The open tabs screen.
    GoTabs,
    /// Previous open tab.
    TabUp,
    /// Next open tab.
    TabDown,
    /// Adjust the selected auth's tip.
    TabTip,
    /// Capture the selected pre-auth.
    TabCapture,
    /// Close out the batch (asks first).
    TabCloseout,
    /// A key of the tabs screen's box (its own small flow in `tab_keys`).
    TabKey,
    /// Show the receipt of the sale just rung (result) or of the selected payment (history).
    ReceiptOpen,
    /// Scroll or close the receipt box.
    ReceiptKey,
    /// Start typing a history search.
    SearchOpen,
    /// Add a character to the search.
    SearchType,
    /// Delete the last character of the search.
    SearchErase,
    /// Run the search.
    SearchRun,
    /// Leave the search unchanged.
    SearchCancel,
    /// Drop the search: the whole history again.
    ShowAll,
    /// Scroll a payment's events.
    EventsScroll,
    /// Close a payment's events.
    EventsClose,
    /// Load today's totals again.
    Refresh,
    /// Today's totals.
    GoReport,
    /// Back to the screen the work is on.
    Back,
    /// Previous history row.
    SelectUp,
    /// Next history row.
    SelectDown,
    /// Twenty rows up.
    PageUp,
    /// Twenty rows down.
    PageDown,
    /// Open the selected payment's events.
    OpenEvents,
    /// Older frames.
    ScrollBack,
    /// Newer frames.
    ScrollForward,
    /// The Check Payment Status screen.
    GoStatus,
    /// The history screen.
    GoHistory,
    /// The frames inspector.
    GoFrames,
    /// The `?` overlay.
    Help,
    /// Scroll the `?` overlay up.
    HelpUp,
    /// Scroll the `?` overlay down.
    HelpDown,
    /// Close the `?` overlay.
    HelpClose,
    /// Quit (asks first when a payment is pending).
    Quit,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// Where it applies.
    pub mode: Mode,
    /// The keys.
    pub keys: Keys,
    /// What they do.
    pub intent: Intent,
    /// The keys as the help shows them.
    pub key: &'static str,
    /// What they do, as the help says it.
    pub what: &'static str,
    /// Shown in the bottom help bar too (not only in the `?` overlay).
    pub bar: bool,
}

const fn b(
    mode: Mode,
    keys: Keys,
    intent: Intent,
    key: &'static str,
    what: &'static str,
) -> Binding {
    Binding {
        mode,
        keys,
        intent,
        key,
        what,
        bar: true,
    }
}

use Intent as I;
use Key as K;
use Keys::{Digits, Either, One, Printable};
use Mode as M;
use Screen as S;

/// The table: every key the TUI handles, where, and what the help says about it.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    b(M::Help, One(K::Up), I::HelpUp, "↑", "scroll up"),
    b(M::Help, One(K::Down), I::HelpDown, "↓", "scroll down"),
    b(M::Help, Either(K::Esc, K::Char('?')), I::HelpClose, "Esc/?", "close"),
    b(M::QuitConfirm, One(K::Char('y')), I::QuitAnyway, "y", "quit anyway"),
    b(M::QuitConfirm, Either(K::Char('n'), K::Esc), I::Stay, "n/Esc", "stay"),
    b(M::ResetConfirm, Printable, I::ConfirmType, "type id", "confirm the reset"),
    b(M::ResetConfirm, One(K::Backspace), I::ConfirmErase, "Bksp", "delete"),
    b(M::ResetConfirm, One(K::Enter), I::ConfirmReset, "Enter", "reset"),
    b(M::ResetConfirm, One(K::Esc), I::ConfirmBack, "Esc", "back"),
    b(M::ResolveChoose, One(K::Char('a')), I::Resolve, "a", "approved"),
    b(M::ResolveChoose, One(K::Char('d')), I::Resolve, "d", "declined"),
    b(M::ResolveChoose, One(K::Char('v')), I::Resolve, "v", "voided"),
    b(M::ResolveChoose, One(K::Char('n')), I::Resolve, "n", "not_found"),
    b(M::ResolveChoose, One(K::Esc), I::Resolve, "Esc", "cancel"),
    b(M::ResolveNote, Printable, I::Resolve, "type", "note: who checked what"),
    b(M::ResolveNote, One(K::Backspace), I::Resolve, "Bksp", "delete"),
    b(M::ResolveNote, One(K::Enter), I::Resolve, "Enter", "next"),
    b(M::ResolveNote, One(K::Esc), I::Resolve, "Esc", "cancel"),
    b(M::ResolveConfirm, One(K::Char('y')), I::Resolve, "y", "resolve"),
    b(M::ResolveConfirm, One(K::Char('n')), I::Resolve, "n", "edit note"),
    b(M::ResolveConfirm, One(K::Esc), I::Resolve, "Esc", "cancel"),
    b(M::RefundBlocked, One(K::Esc), I::RefundKey, "Esc", "back"),
    b(M::RefundAmount, Digits, I::RefundKey, "0-9 .", "amount"),
    b(M::RefundAmount, One(K::Backspace), I::RefundKey, "Bksp", "delete"),
    b(M::RefundAmount, One(K::Enter), I::RefundKey, "Enter", "next"),
    b(M::RefundAmount, One(K::Esc), I::RefundKey, "Esc", "cancel"),
    b(M::RefundConfirm, One(K::Char('y')), I::RefundKey, "y", "confirm"),
    b(M::RefundConfirm, One(K::Char('n')), I::RefundKey, "n", "change"),
    b(M::RefundConfirm, One(K::Esc), I::RefundKey, "Esc", "cancel"),
    b(M::TabBox, Digits, I::TabKey, "0-9 .", "amount"),
    b(M::TabBox, One(K::Tab), I::TabKey, "Tab", "amount/tip (capture)"),
    b(M::TabBox, One(K::Backspace), I::TabKey, "Bksp", "delete"),
    b(M::TabBox, Either(K::Enter, K::Char('y')), I::TabKey, "Enter/y", "confirm"),
    b(M::TabBox, Either(K::Esc, K::Char('n')), I::TabKey, "Esc/n", "cancel"),
    b(M::Receipt, Either(K::Up, K::Down), I::ReceiptKey, "↑↓", "scroll"),
    b(M::Receipt, Either(K::PageUp, K::PageDown), I::ReceiptKey, "PgUp/PgDn", "page"),
    b(M::Receipt, Either(K::Esc, K::Enter), I::ReceiptKey, "Esc", "close"),
    b(M::Receipt, One(K::Char('P')), I::ReceiptKey, "P", "print on device"),
    Binding { bar: false, ..b(M::Receipt, One(K::CtrlC), I::Quit, "Ctrl-C", "quit") },
    b(M::ItemField, Either(K::Char('+'), K::Char('-')), I::OrderKey, "+/-", "qty"),
    b(M::ItemField, Printable, I::OrderKey, "type", "code/item"),
    b(M::ItemField, One(K::Enter), I::Charge, "Enter", "add/charge"),
    b(M::ItemField, One(K::Backspace), I::EntryErase, "Bksp", "delete"),
    b(M::ItemField, Either(K::Up, K::Down), I::OrderKey, "↑↓", "line"),
    b(M::ItemField, One(K::Esc), I::OrderKey, "Esc", "leave"),
    Binding { bar: false, ..b(M::ItemField, One(K::Tab), I::NextField, "Tab", "amount") },
    Binding { bar: false, ..b(M::ItemField, One(K::CtrlC), I::Quit, "Ctrl-C", "quit") },
    b(M::HistorySearch, Printable, I::SearchType, "type", "id · last4 · 12.34 · state · date · 2h"),
    b(M::HistorySearch, One(K::Backspace), I::SearchErase, "Bksp", "delete"),
    b(M::HistorySearch, One(K::Enter), I::SearchRun, "Enter", "search"),
    b(M::HistorySearch, One(K::Esc), I::SearchCancel, "Esc", "cancel"),
    b(M::HistoryEvents, Either(K::Up, K::Down), I::EventsScroll, "↑↓", "scroll events"),
    b(M::HistoryEvents, Either(K::PageUp, K::PageDown), I::EventsScroll, "PgUp/PgDn", "page"),
    b(M::HistoryEvents, Either(K::Enter, K::Esc), I::EventsClose, "Enter/Esc", "close events"),
    b(M::HistoryFiltered, One(K::Esc), I::ShowAll, "Esc", "show all"),
    b(M::Signing, One(K::Esc), I::NoCancelWhileSigning, "Esc", "no cancel while signing"),
    b(M::Recovered, One(K::Char('x')), I::DismissRecovered, "x", "dismiss recovered"),
    b(M::Screen(S::Sale), Digits, I::EntryType, "0-9 .", "amount"),
    b(M::Screen(S::Sale), One(K::Tab), I::NextField, "Tab", "tip/tax"),
    b(M::Screen(S::Sale), One(K::Char('i')), I::OrderKey, "i", "items"),
    b(M::Screen(S::Sale), One(K::Backspace), I::EntryErase, "Bksp", "delete"),
    b(M::Screen(S::Sale), One(K::Enter), I::Charge, "Enter", "charge"),
    b(M::Screen(S::Sale), One(K::Esc), I::ClearEntry, "Esc", "clear"),
    b(M::Screen(S::Sale), One(K::Char('C')), I::CreditOpen, "C", "credit"),
    b(M::Screen(S::Sale), One(K::Char('k')), I::KindNext, "k", "kind"),
    b(M::Screen(S::InProgress), One(K::Esc), I::CancelSale, "Esc", "cancel sale"),
    b(M::Screen(S::Prompt), One(K::Char('a')), I::Accept, "a", "accept"),
    b(M::Screen(S::Prompt), One(K::Char('r')), I::Reject, "r", "reject"),
    b(M::Screen(S::Result), Either(K::Enter, K::Esc), I::NewSale, "Enter", "new sale"),
    b(M::Screen(S::Result), One(K::Char('r')), I::RefundOpen, "r", "refund"),
    b(M::Screen(S::Result), One(K::Char('v')), I::VoidOpen, "v", "void"),
    b(M::Screen(S::Result), One(K::Char('p')), I::ReceiptOpen, "p", "receipt"),
    b(M::Screen(S::Status), One(K::Char('c')), I::CheckAgain, "c", "check again / reconnect"),
    b(M::Screen(S::Status), One(K::Char('M')), I::ResolveOpen, "M", "resolve by hand"),
    b(M::Screen(S::Status), One(K::Char('R')), I::ResetDevice, "R", "reset device"),
    b(M::Screen(S::Status), One(K::Esc), I::Back, "Esc", "back"),
    b(M::Screen(S::History), One(K::Up), I::SelectUp, "↑", "previous"),
    b(M::Screen(S::History), One(K::Down), I::SelectDown, "↓", "next"),
    Binding { bar: false, ..b(M::Screen(S::History), One(K::PageUp), I::PageUp, "PgUp", "page up") },
    Binding { bar: false, ..b(M::Screen(S::History), One(K::PageDown), I::PageDown, "PgDn", "page down") },
    b(M::Screen(S::History), One(K::Enter), I::OpenEvents, "Enter", "events"),
    b(M::Screen(S::History), One(K::Char('r')), I::RefundOpen, "r", "refund"),
    b(M::Screen(S::History), One(K::Char('v')), I::VoidOpen, "v", "void"),
    b(M::Screen(S::History), One(K::Char('p')), I::ReceiptOpen, "p", "receipt"),
    b(M::Screen(S::History), One(K::Char('/')), I::SearchOpen, "/", "search"),
    b(M::Screen(S::History), One(K::Esc), I::Back, "Esc", "back"),
    b(M::Screen(S::Frames), One(K::Up), I::ScrollBack, "↑", "older"),
    b(M::Screen(S::Frames), One(K::Down), I::ScrollForward, "↓", "newer"),
    b(M::Screen(S::Frames), One(K::Esc), I::Back, "Esc", "back"),
    b(M::Screen(S::Tabs), One(K::Up), I::TabUp, "↑", "previous"),
    b(M::Screen(S::Tabs), One(K::Down), I::TabDown, "↓", "next"),
    b(M::Screen(S::Tabs), One(K::Char('a')), I::TabTip, "a", "adjust tip"),
    b(M::Screen(S::Tabs), One(K::Char('c')), I::TabCapture, "c", "capture"),
    b(M::Screen(S::Tabs), One(K::Char('X')), I::TabCloseout, "X", "close out"),
    b(M::Screen(S::Tabs), One(K::Esc), I::Back, "Esc", "back"),
    b(M::Screen(S::Report), One(K::Char('r')), I::Refresh, "r", "refresh"),
    b(M::Screen(S::Report), One(K::Esc), I::Back, "Esc", "back"),
    b(M::Global, One(K::Char('s')), I::GoStatus, "s", "status"),
    b(M::Global, One(K::Char('h')), I::GoHistory, "h", "history"),
    b(M::Global, One(K::Char('t')), I::GoReport, "t", "today's totals"),
    b(M::Global, One(K::Char('f')), I::GoFrames, "f", "frames"),
    b(M::Global, One(K::Char('o')), I::GoTabs, "o", "tabs"),
    b(M::Global, One(K::Char('?')), I::Help, "?", "help"),
    b(M::Global, One(K::Char('q')), I::Quit, "q", "quit"),
    Binding { bar: false, ..b(M::Global, One(K::CtrlC), I::Quit, "Ctrl-C", "quit") },
];

/// Every mode, in the order the `?` overlay lists them.
pub const MODES: &[Mode] = &[
    M::Screen(S::Sale),
    M::ItemField,
    M::Screen(S::InProgress),
    M::Signing,
    M::Recovered,
    M::Screen(S::Prompt),
    M::Screen(S::Result),
    M::Screen(S::Status),
    M::ResetConfirm,
    M::ResolveChoose,
    M::ResolveNote,
    M::ResolveConfirm,
    M::RefundAmount,
    M::RefundConfirm,
    M::RefundBlocked,
    M::Screen(S::History),
    M::HistoryEvents,
    M::HistorySearch,
    M::HistoryFiltered,
    M::Receipt,
    M::Screen(S::Frames),
    M::Screen(S::Report),
    M::Screen(S::Tabs),
    M::TabBox,
    M::QuitConfirm,
    M::Global,
    M::Help,
];

/// The modes active in this state, most specific first.
pub fn active_modes(state: &State) -> Vec<Mode> {
    if state.ui.quit_confirm() {
        return vec![M::QuitConfirm];
    }
    if state.ui.reset_input().is_some() {
        return vec![M::ResetConfirm];
    }
    if let Some(input) = state.ui.resolve_input() {
        return vec![match (input.to, input.confirming) {
            (None, _) => M::ResolveChoose,
            (Some(_), false) => M::ResolveNote,
            (Some(_), true) => M::ResolveConfirm,
        }];
    }
    if let Some(input) = state.ui.refund_input() {
        let usable = input.kind == crate::payment::PaymentKind::Credit
            || matches!(&input.offer, Some(Ok(o)) if o.refusal.is_none());
        return vec![match (usable, input.confirming) {
            (false, _) => M::RefundBlocked,
            (true, false) => M::RefundAmount,
            (true, true) => M::RefundConfirm,
        }];
    }
    if state.ui.history_typing().is_some() {
        return vec![M::HistorySearch];
    }
    if state.ui.tab_input().is_some() && state.ui.screen == S::Tabs {
        return vec![M::TabBox];
    }
    if state.ui.receipt().is_some() {
        return vec![M::Receipt];
    }
    // The item field takes every printable key (a scanner types there): only its own keys.
    if state.ui.screen == S::Sale
        && state.ui.field == super::ui_state::Field::Item
        && !state.ui.help()
    {
        return vec![M::ItemField];
    }
    let mut modes = Vec::with_capacity(4);
    if state.ui.help() {
        modes.push(M::Help);
    }
    if state.ui.screen == S::InProgress && state.device_wants_signature {
        modes.push(M::Signing);
    }
    if matches!(state.ui.screen, S::Sale | S::Status) && !state.recovered.is_empty() {
        modes.push(M::Recovered);
    }
    if state.ui.screen == S::History {
        if state.ui.history_detail.is_some() {
            modes.push(M::HistoryEvents);
        } else if !state.ui.history_query.is_empty() {
            modes.push(M::HistoryFiltered);
        }
    }
    modes.push(M::Screen(state.ui.screen));
    modes.push(M::Global);
    modes
}

/// The bindings of one mode, in table order.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.mode == mode)
}

/// The bindings that work in this state, most specific first, without the ones a more specific
/// mode overrides.
pub fn active(state: &State) -> Vec<&'static Binding> {
    let mut out: Vec<&'static Binding> = Vec::new();
    for mode in active_modes(state) {
        for b in bindings(mode) {
            if !out.iter().any(|o| o.keys.covers(b.keys)) {
                out.push(b);
            }
        }
    }
    out
}

/// What `key` does in this state, if anything.
pub fn lookup(state: &State, key: Key) -> Option<Intent> {
    active_modes(state)
        .into_iter()
        .flat_map(bindings)
        .find(|b| b.keys.matches(key))
        .map(|b| b.intent)
}

/// The simulated device's customer keys (the TUI on the embedded simulator): the device
/// action each performs, the key and what it does. Function keys, so they never clash with
/// the POS keys above.
pub const DEVICE_PANEL_KEYS: &[(&str, &str, &str)] = &[
    ("card", "F1", "card 4242"),
    ("card", "F2", "partial card"),
    ("card", "F3", "declined card"),
    ("sign", "F4", "sign"),
    ("decline", "F5", "decline"),
    ("cancel", "F6", "cancel"),
    ("walk-away", "F7", "walk away"),
    ("approve-pairing", "F8", "approve pairing"),
    ("reject-pairing", "F9", "reject pairing"),
    ("reboot", "F12", "reboot"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AppSettings, Connection, Event};
    use crate::protocol::Sender;

    /// Every key the app knows.
    fn all_keys() -> Vec<Key> {
        let mut keys: Vec<Key> = (' '..='~').map(Key::Char).collect();
        keys.extend([
            Key::Enter,
            Key::Esc,
            Key::Backspace,
            Key::Tab,
            Key::Up,
            Key::Down,
            Key::PageUp,
            Key::PageDown,
            Key::CtrlC,
        ]);
        keys
    }

    /// A state for every mode of the table.
    fn states() -> Vec<(String, State)> {
        let mut base = State::new(AppSettings::default());
        base.connection = Connection::Ready;
        base.ui.history_total = 50;
        base.ui.history_selected = 25;
        base.frames = vec![
            (Sender::Pos, "a".into()),
            (Sender::Device, "b".into()),
            (Sender::Pos, "c".into()),
        ];
        base.ui.frames_back = 1;
        base.ui.amount = "12".into();
        let mut out = Vec::new();
        for screen in [
            Screen::Sale,
            Screen::InProgress,
            Screen::Prompt,
            Screen::Result,
            Screen::Status,
            Screen::History,
            Screen::Frames,
            Screen::Tabs,
        ] {
            let mut s = base.clone();
            s.ui.screen = screen;
            out.push((format!("{screen:?}"), s.clone()));
            let mut help = s.clone();
            help.ui.modal = Some(crate::app::Modal::Help);
            help.ui.help_scroll = 1;
            out.push((format!("{screen:?} with help"), help));
        }
        let mut signing = base.clone();
        signing.ui.screen = Screen::InProgress;
        signing.device_wants_signature = true;
        out.push(("signing".into(), signing));
        let mut reset = base.clone();
        reset.ui.screen = Screen::Status;
        reset.ui.modal = Some(crate::app::Modal::ResetInput("AB".into()));
        out.push(("reset confirmation".into(), reset));
        let mut quit = base.clone();
        quit.ui.modal = Some(crate::app::Modal::QuitConfirm);
        out.push(("quit question".into(), quit));
        let mut item = base.clone();
        item.ui.field = crate::app::screens::Field::Item;
        item.ui.item = "10".into();
        item.desk.add("Tea=2.00").unwrap();
        out.push(("item field".into(), item.clone()));
        item.ui.item.clear();
        out.push(("item field, empty".into(), item));
        for screen in [Screen::Result, Screen::History] {
            let mut receipt = base.clone();
            receipt.ui.screen = screen;
            receipt.ui.modal = Some(crate::app::Modal::Receipt(
                crate::app::receipt_box::ReceiptView {
                    external_id: "EXT1".into(),
                    text: Some(Ok("a\nb\nc".into())),
                    scroll: 1,
                },
            ));
            out.push((format!("receipt over {screen:?}"), receipt));
        }
        out
    }

    #[test]
    fn every_key_the_app_handles_is_in_the_table() {
        for (name, state) in states() {
            for key in all_keys() {
                let mut after = state.clone();
                let fx = crate::app::update(&mut after, Event::Key(key));
                // Closing the `?` overlay is what any key does there ("any key closes").
                let mut closed = state.clone();
                closed.ui.modal = None;
                let changed = !fx.is_empty() || (after != state && after != closed);
                if changed {
                    let listed = lookup(&state, key);
                    assert!(
                        listed.is_some(),
                        "{name}: {key:?} is handled but not in the keymap table"
                    );
                }
            }
        }
    }

    #[test]
    fn the_keys_the_help_used_to_hide_are_listed() {
        let labels = |mode: Mode| bindings(mode).map(|b| b.key).collect::<Vec<_>>();
        assert!(labels(Mode::Screen(Screen::Sale)).contains(&"Esc"));
        assert!(labels(Mode::Screen(Screen::History)).contains(&"PgUp"));
        assert!(labels(Mode::Screen(Screen::History)).contains(&"PgDn"));
        assert!(labels(Mode::Global).contains(&"Ctrl-C"));
        for b in KEYMAP {
            assert!(
                MODES.contains(&b.mode),
                "{b:?} is in no section of the help"
            );
        }
    }

    #[test]
    fn esc_while_the_customer_signs_says_why_nothing_is_canceled() {
        let mut s = State::new(AppSettings::default());
        s.connection = Connection::Ready;
        s.ui.screen = Screen::InProgress;
        s.device_wants_signature = true;
        let fx = crate::app::update(&mut s, Event::Key(Key::Esc));
        assert!(fx.is_empty(), "nothing is sent: {fx:?}");
        let text = &s.notice.as_ref().expect("a notice").text;
        assert!(text.contains("ignores cancel"), "{text}");
        assert!(text.contains("reject the signature"), "{text}");
        let bar: Vec<_> = active(&s).iter().map(|b| (b.key, b.what)).collect();
        assert!(!bar.contains(&("Esc", "cancel sale")), "{bar:?}");
    }
}
