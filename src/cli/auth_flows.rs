//! The headless flows of #17 (`till auth`, `till preauth`, `till capture`, `till increment`,
//! `till tip`, `till closeout`), driven through the same runtime and state machine as the TUI.
//! The ledger's money rules are checked before anything is sent (exit 2, or 5 while something
//! acting on the payment is unsettled); the ledger checks them again when the transaction is
//! recorded.

use serde_json::json;

use super::exit;
use super::flows::{
    Finish, LATE_FRAMES, Timeouts, finished, not_started_code, settle, unresolved, wait_ready,
};
use super::policy::Policies;
use super::report::pending_json;
use crate::app::auth::Adjust;
use crate::app::{Action, Answer, Event, Refusal};
use crate::ledger::{CloseoutState, LedgerError, PaymentKind};
use crate::protocol::Cents;
use crate::runtime::{DevicePort, LedgerStore, Runtime, sale_link};

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

impl Request {
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
}

fn unreadable(command: &str, e: &LedgerError) -> Finish {
    Finish::error(
        command,
        exit::USAGE,
        format!(
            "the ledger could not be read ({e}); nothing was sent. Check the disk and the data directory."
        ),
    )
}

/// The action for `request` as the ledger allows it now, or why not (exit code and message).
fn plan(store: &LedgerStore, request: &Request) -> Result<Action, Finish> {
    let command = request.command();
    let (parent, adjust) = match request {
        Request::Start {
            kind,
            amount,
            external_id,
        } => {
            if let Some(ext) = external_id {
                match store.ledger().get(ext) {
                    Ok(None) => {}
                    Ok(Some(_)) => {
                        return Err(Finish::error(
                            command,
                            exit::USAGE,
                            format!(
                                "external id {ext} is already used in the ledger: give a new one (or none for a fresh one); nothing was sent"
                            ),
                        ));
                    }
                    Err(e) => return Err(unreadable(command, &e)),
                }
            }
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
        Request::Increment { preauth, amount } => (preauth, Adjust::Increment { amount: *amount }),
        Request::Tip { auth, tip } => (auth, Adjust::TipAdjust { tip: *tip }),
    };
    let mut adjust = adjust;
    let tab = match store.ledger().tab(parent) {
        Ok(t) => t,
        Err(LedgerError::NoSuchPayment { .. }) => {
            return Err(Finish::error(
                command,
                exit::USAGE,
                format!(
                    "no payment with external id {parent} in the ledger; check the id (`till history` lists them). Nothing was sent."
                ),
            ));
        }
        Err(e) => return Err(unreadable(command, &e)),
    };
    // A capture without --amount takes the whole hold.
    if let (Adjust::Capture { amount, .. }, Request::Capture { amount: None, .. }) =
        (&mut adjust, request)
    {
        *amount = tab.amount;
    }
    let (amount, tip) = match adjust {
        Adjust::Capture { amount, tip } => (amount, tip),
        Adjust::Increment { amount } => (amount, Cents::ZERO),
        Adjust::TipAdjust { tip } => (tab.amount, tip),
    };
    if let Some(why) = tab.refusal(adjust.kind(), amount, tip) {
        let code = if tab.open_child().is_some() {
            exit::REFUSED
        } else {
            exit::USAGE
        };
        return Err(Finish::error(
            command,
            code,
            format!(
                "cannot {} payment {parent}: {why}. Nothing was sent.",
                adjust.kind().label()
            ),
        ));
    }
    let link = sale_link(store.ledger(), parent, "").map_err(|e| {
        Finish::error(
            command,
            exit::USAGE,
            format!("the ledger could not be read ({e}); nothing was sent"),
        )
    })?;
    if link.device_payment_id.is_empty() {
        return Err(Finish::error(
            command,
            exit::USAGE,
            format!(
                "payment {parent} has no device payment id in the ledger, so the device cannot be asked to {} it; use the Clover dashboard. Nothing was sent.",
                adjust.kind().label()
            ),
        ));
    }
    Ok(Action::Adjust {
        tab: link,
        adjust,
        external_id: None,
    })
}

/// Whether the request just dispatched was taken: the app's answer, as an exit code and message
/// when refused before anything was recorded. A transaction recorded but never sent
/// (`Refusal::NotSent`) is over (`not_found`): its outcome is reported like any other.
pub(super) fn started<D: DevicePort>(
    rt: &mut Runtime<D, LedgerStore>,
    command: &str,
) -> Result<(), Finish> {
    match rt.take_answer() {
        Some(Answer::Accepted)
        | Some(Answer::Refused {
            why: Refusal::NotSent,
            ..
        }) => Ok(()),
        Some(Answer::Refused { why, text }) => {
            Err(Finish::error(command, not_started_code(why), text))
        }
        None => Err(Finish::error(
            command,
            exit::UNKNOWN,
            format!("The {command} was not started."),
        )),
    }
}

/// Settles what was left open before a new request: exit 5 when it stays open.
async fn settle_first<D: DevicePort>(
    rt: &mut Runtime<D, LedgerStore>,
    command: &str,
    t: Timeouts,
) -> Result<(), Finish> {
    if rt.state.pending().is_none() {
        return Ok(());
    }
    settle(rt, Policies::ASK, t.recovery).await;
    let Some(p) = rt.state.pending() else {
        return Ok(());
    };
    let message = format!(
        "Refused: {} {} of {} is still {}; nothing was sent. Resolve it first with `till recover`.",
        rt.state.kind().label(),
        p.external_id,
        p.amount,
        p.state
    );
    Err(Finish {
        code: exit::REFUSED,
        json: json!({"command": command, "pending": pending_json(&rt.state), "error": message}),
        human: vec![message],
    })
}

/// Runs `request` to its end: exit 0 done, 1 refused or declined by the device, 2 invalid
/// (nothing sent), 3 unreachable, 4 unknown (pending recovery), 5 another transaction open.
pub async fn run<D: DevicePort>(
    rt: &mut Runtime<D, LedgerStore>,
    request: Request,
    policies: Policies,
    t: Timeouts,
) -> Finish {
    let command = request.command();
    if let Err(f) = plan(rt.ledger(), &request) {
        return f;
    }
    if let Err(f) = wait_ready(rt, command, t).await {
        return f;
    }
    if let Err(f) = settle_first(rt, command, t).await {
        return f;
    }
    // Recovery may have changed the payment: plan again from the ledger as it is now.
    let action = match plan(rt.ledger(), &request) {
        Ok(a) => a,
        Err(f) => return f,
    };
    let parent = match &action {
        Action::Adjust { tab, .. } => Some(tab.external_id.clone()),
        _ => None,
    };
    rt.dispatch(Event::Action(action)).await;
    if let Err(f) = started(rt, command) {
        return f;
    }
    let mut f = if !settle(rt, policies, t.sale).await {
        unresolved(command, &rt.state)
    } else {
        rt.run_until(LATE_FRAMES, |s| s.pending().is_some()).await;
        if rt.state.pending().is_some() {
            unresolved(command, &rt.state)
        } else {
            finished(command, &rt.state)
        }
    };
    let kind = rt
        .state
        .last_txn
        .as_ref()
        .or(rt.state.txn.as_ref())
        .map_or(PaymentKind::Sale, |t| t.kind);
    f.json["kind"] = json!(kind.as_str());
    let label = kind.label();
    f.human = f
        .human
        .into_iter()
        .map(|l| format!("{label} {l}"))
        .collect();
    if let Some(p) = parent {
        f.json["payment"] = json!(p);
    }
    f
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
    rt.run_until(t.sale, |s| s.closeout.is_none()).await;
    if rt.state.closeout.is_some() {
        // Still no answer: the time-out of the state machine did not run yet. Say so.
        return Finish::error(
            command,
            exit::UNKNOWN,
            "No answer to the closeout in time: the batch may or may not be closed; check it on the Clover dashboard.".into(),
        );
    }
    let Some(o) = rt.state.last_closeout.clone() else {
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
