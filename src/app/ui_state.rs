//! The TUI's state as data: the keys the app sees, the screen up, the sale entry fields, the
//! history rows and the boxes open on a screen ([`Ui`]). What the keys do is in
//! `app::screens`.

use super::ui_entries::{EntryKind, ReceiptView, RefundInput, ResolveInput, TabInput, TabRow};

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
    /// Ctrl-C.
    CtrlC,
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
    /// Open tabs: auths awaiting their tip, pre-auths awaiting capture; the closeout.
    Tabs,
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
    /// How many items its order held (Σ quantities); `None` when rung without an order.
    pub items: Option<u64>,
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
    /// Lines the `?` overlay is scrolled down.
    pub help_scroll: u16,
    /// Asking whether to quit with a payment pending.
    pub quit_confirm: bool,
    /// History rows loaded (a window of the ledger, newest first).
    pub history: Vec<HistoryRow>,
    /// The receipt box, while open (`p` on a result or a history row).
    pub receipt: Option<ReceiptView>,
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
    pub resolve_input: Option<ResolveInput>,
    /// Set in the read-only TUI (another till holds the ledger, or `--read-only`): why, for the
    /// banner. Only the history and today's totals are reachable; nothing is sold or sent.
    pub read_only: Option<String>,
    /// Today's totals as last loaded (or why they could not be).
    pub report: Option<Result<Box<crate::ledger::Report>, String>>,
    /// Frames scrolled back from the newest.
    pub frames_back: usize,
    /// The refund, void or credit being entered (`r`, `v`, `C`).
    pub refund_input: Option<RefundInput>,
    /// What the sale screen's Enter starts: a sale, an auth or a pre-auth (`k`).
    pub entry_kind: EntryKind,
    /// The open tabs as last loaded.
    pub tabs: Vec<TabRow>,
    /// The selected tab.
    pub tabs_selected: usize,
    /// The tip, capture or closeout box open on the tabs screen.
    pub tab_input: Option<TabInput>,
    /// Terminal size.
    pub size: (u16, u16),
}

impl Ui {
    pub(super) fn show_prompt(&mut self) {
        self.screen = Screen::Prompt;
    }

    pub(super) fn after_prompt(&mut self) {
        if self.screen == Screen::Prompt {
            self.screen = Screen::InProgress;
        }
    }
}
