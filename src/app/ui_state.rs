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
    pub state: crate::payment::PaymentState,
    /// Brand and last4, e.g. "VISA 4242".
    pub card: String,
    /// How many items its order held (Σ quantities); `None` when rung without an order.
    pub items: Option<u64>,
}

/// A box or question open over the screen. There is one `Option<Modal>`, so two can never be
/// open together; its keys are the only ones that work while it is open (`app::keymap`), except
/// that a key of the screen below closes the `?` overlay and does its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    /// The full keymap (`?`).
    Help,
    /// Asking whether to quit with a payment pending.
    QuitConfirm,
    /// The reset confirmation being typed (the external id at risk).
    ResetInput(String),
    /// The receipt box (`p` on a result or a history row).
    Receipt(ReceiptView),
    /// The pending payment's resolution by hand being entered (Check Payment Status, `M`).
    Resolve(ResolveInput),
    /// The refund, void or credit being entered (`r`, `v`, `C`).
    Refund(RefundInput),
    /// The tip, capture or closeout box on the tabs screen.
    Tab(TabInput),
    /// The history's search line being typed after `/`, until Enter (search) or Esc (cancel).
    HistorySearch(String),
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
    /// The box or question open over the screen, if any: one at a time.
    pub modal: Option<Modal>,
    /// Lines the `?` overlay is scrolled down.
    pub help_scroll: u16,
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
    /// Set in the read-only TUI (another till holds the ledger, or `--read-only`): why, for the
    /// banner. Only the history and today's totals are reachable; nothing is sold or sent.
    pub read_only: Option<String>,
    /// Today's totals as last loaded (or why they could not be).
    pub report: Option<Result<Box<crate::ledger::Report>, crate::ledger::LedgerReadError>>,
    /// Frames scrolled back from the newest.
    pub frames_back: usize,
    /// What the sale screen's Enter starts: a sale, an auth or a pre-auth (`k`).
    pub entry_kind: EntryKind,
    /// The open tabs as last loaded.
    pub tabs: Vec<TabRow>,
    /// The selected tab.
    pub tabs_selected: usize,
    /// Terminal size.
    pub size: (u16, u16),
}

/// Read (and change, and take) access to one kind of [`Modal`] with its data.
macro_rules! modal_access {
    ($(#[$doc:meta])* $get:ident, $get_mut:ident, $variant:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $get(&self) -> Option<&$ty> {
            match &self.modal {
                Some(Modal::$variant(x)) => Some(x),
                _ => None,
            }
        }

        pub(super) fn $get_mut(&mut self) -> Option<&mut $ty> {
            match &mut self.modal {
                Some(Modal::$variant(x)) => Some(x),
                _ => None,
            }
        }
    };
    ($(#[$doc:meta])* $get:ident, $get_mut:ident, $take:ident, $variant:ident, $ty:ty) => {
        modal_access!($(#[$doc])* $get, $get_mut, $variant, $ty);

        pub(super) fn $take(&mut self) -> Option<$ty> {
            match self.modal.take() {
                Some(Modal::$variant(x)) => Some(x),
                other => {
                    self.modal = other;
                    None
                }
            }
        }
    };
}

impl Ui {
    /// True while the `?` overlay is open.
    pub fn help(&self) -> bool {
        self.modal == Some(Modal::Help)
    }

    /// True while asking whether to quit.
    pub fn quit_confirm(&self) -> bool {
        self.modal == Some(Modal::QuitConfirm)
    }

    /// Closes the box if it is `which` (a box of another kind stays).
    pub(super) fn close(&mut self, which: fn(&Modal) -> bool) {
        if self.modal.as_ref().is_some_and(which) {
            self.modal = None;
        }
    }

    modal_access!(
        /// The reset confirmation being typed.
        reset_input, reset_input_mut, take_reset_input, ResetInput, String
    );
    modal_access!(
        /// The receipt box, while open.
        receipt, receipt_mut, Receipt, ReceiptView
    );
    modal_access!(
        /// The resolution by hand being entered.
        resolve_input, resolve_input_mut, Resolve, ResolveInput
    );
    modal_access!(
        /// The refund, void or credit being entered.
        refund_input, refund_input_mut, take_refund_input, Refund, RefundInput
    );
    modal_access!(
        /// The tip, capture or closeout box of the tabs screen.
        tab_input, tab_input_mut, Tab, TabInput
    );
    modal_access!(
        /// The history's search line being typed.
        history_typing, history_typing_mut, take_history_typing, HistorySearch, String
    );

    pub(super) fn show_prompt(&mut self) {
        self.screen = Screen::Prompt;
    }

    pub(super) fn after_prompt(&mut self) {
        if self.screen == Screen::Prompt {
            self.screen = Screen::InProgress;
        }
    }
}
