//! The TUI side of #17: the transaction kind selector of the sale screen (sale / auth /
//! pre-auth), the open tabs screen (auths awaiting their tip, pre-auths awaiting capture) with
//! its tip-adjust and capture boxes, and the closeout behind a confirmation. Pure: the tabs are
//! read from the ledger by the runtime (`Effect::LoadTabs` → `Event::Tabs`).

pub use super::ui_entries::{EntryKind, TabInput, TabRow};

use super::actions::on_action;
use super::linked_txn::Adjust;
use super::screens::Screen;
use super::state::{NoticeKind, State};
use super::ui_state::Modal;
use super::{Action, Effect};
use crate::payment::PaymentKind;
use crate::protocol::Cents;

/// Turns the sale entry's action into the selected kind's: an auth or a pre-auth takes the
/// amount only (its tip comes later).
pub(super) fn entry_for_kind(state: &State, action: Action) -> Result<Action, String> {
    let kind = match state.ui.entry_kind {
        EntryKind::Sale => return Ok(action),
        EntryKind::Auth => PaymentKind::Auth,
        EntryKind::PreAuth => PaymentKind::PreAuth,
    };
    let Action::StartSale {
        amount,
        tip,
        tax,
        external_id,
    } = action
    else {
        return Ok(action);
    };
    if tip.is_some() || tax.is_some() {
        return Err(format!(
            "an {} takes no tip or tax now (its tip comes later): clear those fields",
            kind.label()
        ));
    }
    Ok(Action::StartAuth {
        kind,
        amount,
        external_id,
    })
}

/// `k` on the sale screen.
pub(super) fn next_kind(state: &mut State) {
    state.ui.entry_kind = state.ui.entry_kind.next();
}

/// Opens the tabs screen and loads the open tabs.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    state.ui.screen = Screen::Tabs;
    state.ui.close(|m| matches!(m, Modal::Tab(_)));
    fx.push(Effect::LoadTabs);
}

/// The tabs as the ledger has them now (answer to `Effect::LoadTabs`).
pub(super) fn on_tabs(
    state: &mut State,
    tabs: Result<Vec<TabRow>, crate::ledger::LedgerReadError>,
) {
    match tabs {
        Ok(rows) => {
            state.ui.tabs_selected = state.ui.tabs_selected.min(rows.len().saturating_sub(1));
            state.ui.tabs = rows;
        }
        Err(e) => state.error(
            NoticeKind::General,
            format!("The open tabs could not be read: {e}"),
        ),
    }
}

/// Up / Down on the tabs screen.
pub(super) fn select(state: &mut State, down: bool) {
    let last = state.ui.tabs.len().saturating_sub(1);
    let s = &mut state.ui.tabs_selected;
    *s = if down {
        (*s + 1).min(last)
    } else {
        s.saturating_sub(1)
    };
}

fn selected(state: &State) -> Option<&TabRow> {
    state.ui.tabs.get(state.ui.tabs_selected)
}

/// `a` (adjust tip) or `c` (capture) on the tabs screen: opens the box for the selected tab
/// when it is of the right kind.
pub(super) fn open_box(state: &mut State, capture: bool) {
    let Some(row) = selected(state).cloned() else {
        state.refuse(super::Refusal::InvalidInput, "No open tab is selected.");
        return;
    };
    let want = if capture {
        PaymentKind::PreAuth
    } else {
        PaymentKind::Auth
    };
    if row.kind != want {
        let what = if capture {
            "only a pre-auth is captured; an auth gets its tip (a)"
        } else {
            "only an auth's tip is adjusted; a pre-auth is captured (c)"
        };
        state.refuse(
            super::Refusal::InvalidInput,
            format!(
                "{} is a {}: {what}.",
                row.link.external_id,
                row.kind.label()
            ),
        );
        return;
    }
    state.ui.modal = Some(Modal::Tab(if capture {
        TabInput::Capture {
            amount: row.link.amount.to_string(),
            tip: String::new(),
            on_tip: false,
        }
    } else {
        TabInput::Tip { tip: String::new() }
    }));
}

/// `X` on the tabs screen: asks to confirm the closeout.
pub(super) fn ask_closeout(state: &mut State) {
    state.ui.modal = Some(Modal::Tab(TabInput::Closeout));
}

/// A key of an open box (digits, Backspace, Tab, Enter, Esc; `y`/`n` for the closeout).
pub(super) fn on_box_key(state: &mut State, key: super::Key, fx: &mut Vec<Effect>) {
    use super::Key as K;
    let Some(input) = state.ui.tab_input_mut() else {
        return;
    };
    match (input, key) {
        (_, K::Esc) | (TabInput::Closeout, K::Char('n')) => {
            state.ui.close(|m| matches!(m, Modal::Tab(_)))
        }
        (TabInput::Closeout, K::Char('y') | K::Enter) => {
            state.ui.close(|m| matches!(m, Modal::Tab(_)));
            let open_tabs = state.ui.tabs.len();
            on_action(
                state,
                Action::Closeout {
                    allow_open_tabs: open_tabs > 0,
                    open_tabs,
                    request_id: None,
                },
                fx,
            );
        }
        (TabInput::Tip { tip: t }, K::Char(c)) if c.is_ascii_digit() || c == '.' => t.push(c),
        (TabInput::Tip { tip: t }, K::Backspace) => {
            t.pop();
        }
        (
            TabInput::Capture {
                amount,
                tip,
                on_tip,
            },
            key,
        ) if key != K::Enter => {
            let field = if *on_tip { tip } else { amount };
            match key {
                K::Tab => *on_tip = !*on_tip,
                K::Backspace => {
                    field.pop();
                }
                K::Char(c) if c.is_ascii_digit() || c == '.' => field.push(c),
                _ => {}
            }
        }
        (_, K::Enter) => submit(state, fx),
        _ => {}
    }
}

fn parse(label: &str, text: &str, empty: Cents) -> Result<Cents, String> {
    if text.trim().is_empty() {
        return Ok(empty);
    }
    Cents::parse(text).map_err(|e| format!("{label}: {e}"))
}

fn submit(state: &mut State, fx: &mut Vec<Effect>) {
    let (Some(input), Some(row)) = (state.ui.tab_input().cloned(), selected(state).cloned()) else {
        return;
    };
    let adjust = match &input {
        TabInput::Tip { tip } => {
            parse("tip", tip, Cents::ZERO).map(|tip| Adjust::TipAdjust { tip })
        }
        TabInput::Capture { amount, tip, .. } => parse("amount", amount, row.link.amount)
            .and_then(|a| parse("tip", tip, Cents::ZERO).map(|t| (a, t)))
            .map(|(amount, tip)| Adjust::Capture { amount, tip }),
        TabInput::Closeout => return,
    };
    let adjust = match adjust {
        Ok(a) => a,
        Err(e) => {
            state.refuse(
                super::Refusal::InvalidInput,
                format!("Nothing was sent: {e}."),
            );
            return;
        }
    };
    state.ui.close(|m| matches!(m, Modal::Tab(_)));
    on_action(
        state,
        Action::Adjust {
            tab: row.link,
            adjust,
            external_id: None,
        },
        fx,
    );
    if state.pending().is_some() {
        state.ui.screen = Screen::InProgress;
    }
}
