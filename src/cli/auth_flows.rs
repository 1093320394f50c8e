//! The headless flows of #17 (`till auth`, `till preauth`, `till capture`, `till increment`,
//! `till tip`, `till closeout`), driven through the same runtime and state machine as the TUI.
//! The ledger's money rules are checked before anything is sent (exit 2, or 5 while something
//! acting on the payment is unsettled); the ledger checks them again when the transaction is
//! recorded.

use serde_json::json;

use super::exit;
use super::flows::{Finish, Timeouts, wait_ready};
use super::linked_flow::{
    Naming, Plan, against_the_rules, fresh_id, link, parent_unreadable, settle_first, started,
    unreadable,
};
use crate::app::auth::Adjust;
use crate::app::{Action, Event};
use crate::payment::{CloseoutState, PaymentKind};
use crate::protocol::Cents;
use crate::runtime::{DevicePort, LedgerStore, Runtime};

/// What to do.
pub enum Request {
    /// An auth (`PaymentKind::Auth`) or pre-auth (`PaymentKind::PreAuth`) of `amount`.
    Start {
        /// Auth or pre-auth.
        kind: PaymentKind,
        /// The amount.
        amount: Cents,
        /// Its external id.
        external_id: Option<String>,
    },
    /// Capture the pre-auth: for `amount` (the hold when `None`) plus `tip` (0 when `None`).
    Capture {
        /// The pre-auth's external id.
        preauth: String,
        /// The final amount.
        amount: Option<Cents>,
        /// The tip.
        tip: Option<Cents>,
    },
    /// Hold `amount` more on the pre-auth.
    Increment {
        /// The pre-auth's external id.
        preauth: String,
        /// How much more.
        amount: Cents,
    },
    /// Set the auth's tip.
    Tip {
        /// The auth's external id.
        auth: String,
        /// The tip.
        tip: Cents,
    },
}

impl Plan for Request {
    fn command(&self) -> &'static str {
        match self {
            Request::Start {
                kind: PaymentKind::PreAuth,
                ..
            } => "preauth",
            Request::Start { .. } => "auth",
            Request::Capture { .. } => "capture",
            Request::Increment { .. } => "increment",
            Request::Tip { .. } => "tip",
        }
    }

    fn naming(&self) -> Naming {
        Naming::Kind
    }

    fn plan(&self, store: &LedgerStore) -> Result<Action, Finish> {
        let command = self.command();
        let (parent, mut adjust) = match self {
            Request::Start {
                kind,
                amount,
                external_id,
            } => {
                fresh_id(store, command, external_id.as_deref())?;
                return Ok(Action::StartAuth {
                    kind: *kind,
                    amount: *amount,
                    external_id: external_id.clone(),
                });
            }
            Request::Capture {
                preauth,
                amount,
                tip,
            } => (
                preauth,
                Adjust::Capture {
                    amount: amount.unwrap_or(Cents::ZERO),
                    tip: tip.unwrap_or(Cents::ZERO),
                },
            ),
            Request::Increment { preauth, amount } => {
                (preauth, Adjust::Increment { amount: *amount })
            }
            Request::Tip { auth, tip } => (auth, Adjust::TipAdjust { tip: *tip }),
        };
        let tab = store
            .ledger()
            .tab(parent)
            .map_err(|e| parent_unreadable(command, parent, &e))?;
        // A capture without --amount takes the whole hold.
        if let (Adjust::Capture { amount, .. }, Request::Capture { amount: None, .. }) =
            (&mut adjust, self)
        {
            *amount = tab.amount;
        }
        let (amount, tip) = match adjust {
            Adjust::Capture { amount, tip } => (amount, tip),
            Adjust::Increment { amount } => (amount, Cents::ZERO),
            Adjust::TipAdjust { tip } => (tab.amount, tip),
        };
        let verb = adjust.kind().label();
        if let Some(why) = tab.refusal(adjust.kind(), amount, tip) {
            return Err(against_the_rules(
                command,
                tab.open_child().is_some(),
                format!("cannot {verb} payment {parent}: {why}. Nothing was sent."),
            ));
        }
        Ok(Action::Adjust {
            tab: link(store, command, parent, verb)?,
            adjust,
            external_id: None,
        })
    }
}

/// `till closeout`: closes the batch (refused while auths wait for their tips unless
/// `allow_open_tabs`) and records it. Exit 0 closed, 1 refused by the device, 2 open tabs (nothing
/// sent), 3 unreachable, 4 no answer (the batch may or may not be closed), 5 a payment is open.
pub async fn closeout<D: DevicePort>(
    rt: &mut Runtime<D, LedgerStore>,
    allow_open_tabs: bool,
    t: Timeouts,
) -> Finish {
    let command = "closeout";
    let open_tabs = |rt: &mut Runtime<D, LedgerStore>| -> Result<(usize, usize), Finish> {
        rt.ledger()
            .ledger()
            .open_tabs()
            .map(|tabs| {
                let auths = tabs
                    .iter()
                    .filter(|t| t.payment.kind == PaymentKind::Auth)
                    .count();
                (auths, tabs.len() - auths)
            })
            .map_err(|e| unreadable(command, &e))
    };
    let (auths, holds) = match open_tabs(rt) {
        Ok(n) => n,
        Err(f) => return f,
    };
    if auths + holds > 0 && !allow_open_tabs {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut waiting = Vec::new();
        if auths > 0 {
            waiting.push(plural(
                auths,
                "auth still waits for a tip (`till tip EXTERNAL_ID TIP`)",
                "auths still wait for a tip (`till tip EXTERNAL_ID TIP`)",
            ));
        }
        if holds > 0 {
            waiting.push(plural(
                holds,
                "pre-auth still waits to be captured (`till capture EXTERNAL_ID`)",
                "pre-auths still wait to be captured (`till capture EXTERNAL_ID`)",
            ));
        }
        return Finish::error(
            command,
            exit::USAGE,
            format!(
                "{}; `till history` shows them. Settle them, or close out anyway with --allow-open-tabs. Nothing was sent.",
                waiting.join(" and ")
            ),
        );
    }
    if let Err(f) = wait_ready(rt, command, t).await {
        return f;
    }
    if let Err(f) = settle_first(rt, command, t).await {
        return f;
    }
    let tabs = match open_tabs(rt) {
        Ok((auths, holds)) => auths + holds,
        Err(f) => return f,
    };
    rt.dispatch(Event::Action(Action::Closeout {
        allow_open_tabs,
        open_tabs: tabs,
        request_id: None,
    }))
    .await;
    if let Err(f) = started(rt, command) {
        return f;
    }
    rt.run_until(t.sale, |s| s.closeout().is_none()).await;
    if rt.state().closeout().is_some() {
        // Still no answer: the time-out of the state machine did not run yet. Say so.
        return Finish::error(
            command,
            exit::UNKNOWN,
            "No answer to the closeout in time: the batch may or may not be closed; check it on the Clover dashboard.".into(),
        );
    }
    let Some(o) = rt.state().last_closeout().clone() else {
        return Finish::error(
            command,
            exit::UNKNOWN,
            "The closeout ended without an outcome.".into(),
        );
    };
    let code = match o.state {
        CloseoutState::Closed => exit::OK,
        CloseoutState::Refused => exit::NEGATIVE,
        _ => exit::UNKNOWN,
    };
    let b = &o.batch;
    let human = match o.state {
        CloseoutState::Closed => format!(
            "closeout closed: batch {} with {} transaction(s), total {}",
            b.id.as_deref().unwrap_or("(no id)"),
            b.count.map_or("?".to_owned(), |c| c.to_string()),
            b.total.map_or("?".to_owned(), |c| c.to_string())
        ),
        _ => format!("closeout {}: {}", o.state, o.message),
    };
    Finish {
        code,
        json: json!({
            "command": command,
            "request_id": o.request_id,
            "state": o.state.as_str(),
            "allow_open_tabs": allow_open_tabs,
            "batch": {
                "id": b.id,
                "count": b.count,
                "total": b.total.map(|c| c.to_string()),
                "state": b.state,
            },
            "message": o.message,
        }),
        human: vec![human],
    }
}
