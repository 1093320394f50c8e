//! The runner shared by the headless transactions other than a sale (`till refund`, `void`,
//! `credit`, `auth`, `preauth`, `capture`, `increment`, `tip`), most of them linked to an
//! earlier payment: plan from the ledger (its money rules, exit 2 or 5, nothing sent), wait for
//! the device, settle what was left open, plan again, act, wait for the outcome, and map it to
//! an exit code and JSON. Also the ledger checks their plans share.

use serde_json::json;

use super::exit;
use super::flows::{
    Finish, LATE_FRAMES, Timeouts, finished, not_started_code, settle, unresolved, wait_ready,
};
use super::policy::Policies;
use super::report::pending_json;
use crate::app::{Action, Answer, Event, Refusal, SaleLink, State};
use crate::ledger::LedgerError;
use crate::runtime::{DevicePort, LedgerStore, Runtime, sale_link};

/// A request the runner carries out: its command name and its plan.
pub(super) trait Plan {
    /// The command (`refund`, `capture`, …) for messages and JSON.
    fn command(&self) -> &'static str;
    /// How its result names the transaction.
    fn naming(&self) -> Naming;
    /// The action as the ledger allows it now, or why not (exit code and message).
    fn plan(&self, store: &LedgerStore) -> Result<Action, Finish>;
}

/// How the result names the transaction (the `kind` of the JSON, the word before each line).
#[derive(Debug, Clone, Copy)]
pub(super) enum Naming {
    /// By the command (`refund approved …`).
    Command,
    /// By the kind of transaction the state machine ran (`pre-auth approved …`, JSON
    /// `preauth`).
    Kind,
}

/// Runs `request` to its end: exit 0 done, 1 refused or declined by the device, 2 invalid
/// (nothing sent), 3 unreachable, 4 unknown (pending recovery), 5 another transaction open.
pub(super) async fn run<D: DevicePort>(
    rt: &mut Runtime<D, LedgerStore>,
    request: &impl Plan,
    policies: Policies,
    t: Timeouts,
) -> Finish {
    let command = request.command();
    if let Err(f) = request.plan(rt.ledger()) {
        return f;
    }
    if let Err(f) = wait_ready(rt, command, t).await {
        return f;
    }
    if let Err(f) = settle_first(rt, command, t).await {
        return f;
    }
    // Recovery may have changed the payment: plan again from the ledger as it is now.
    let action = match request.plan(rt.ledger()) {
        Ok(a) => a,
        Err(f) => return f,
    };
    let parent = match &action {
        Action::Refund { sale, .. } | Action::Void { sale, .. } => Some(sale.external_id.clone()),
        Action::Adjust { tab, .. } => Some(tab.external_id.clone()),
        _ => None,
    };
    rt.dispatch(Event::Action(action)).await;
    if let Err(f) = started(rt, command) {
        return f;
    }
    let mut f = if !settle(rt, policies, t.sale).await {
        unresolved(command, rt.state())
    } else {
        rt.run_until(LATE_FRAMES, |s| s.pending().is_some()).await;
        if rt.state().pending().is_some() {
            unresolved(command, rt.state())
        } else {
            finished(command, rt.state())
        }
    };
    let (kind, label) = match request.naming() {
        Naming::Command => (command, command),
        Naming::Kind => {
            let kind = ran_kind(rt.state());
            (kind.as_str(), kind.label())
        }
    };
    f.json["kind"] = json!(kind);
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

/// The kind of the transaction that just ran (or still runs).
fn ran_kind(state: &State) -> crate::payment::PaymentKind {
    state
        .last_txn()
        .as_ref()
        .or(state.txn().as_ref())
        .map_or(crate::payment::PaymentKind::Sale, |t| t.kind)
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
pub(super) async fn settle_first<D: DevicePort>(
    rt: &mut Runtime<D, LedgerStore>,
    command: &str,
    t: Timeouts,
) -> Result<(), Finish> {
    if rt.state().pending().is_none() {
        return Ok(());
    }
    settle(rt, Policies::ASK, t.recovery).await;
    let Some(p) = rt.state().pending() else {
        return Ok(());
    };
    let message = format!(
        "Refused: {} {} of {} is still {}; nothing was sent. Resolve it first with `till recover`.",
        rt.state().kind().label(),
        p.external_id,
        p.amount,
        p.state
    );
    Err(Finish {
        code: exit::REFUSED,
        json: json!({"command": command, "pending": pending_json(rt.state()), "error": message}),
        human: vec![message],
    })
}

/// The ledger could not be read: exit 2, nothing sent.
pub(super) fn unreadable(command: &str, e: &LedgerError) -> Finish {
    Finish::error(
        command,
        exit::USAGE,
        format!(
            "the ledger could not be read ({e}); nothing was sent. Check the disk and the data directory."
        ),
    )
}

/// A new transaction's own external id, when given, must be new to the ledger.
pub(super) fn fresh_id(
    store: &LedgerStore,
    command: &str,
    external_id: Option<&str>,
) -> Result<(), Finish> {
    let Some(ext) = external_id else {
        return Ok(());
    };
    match store.ledger().get(ext) {
        Ok(None) => Ok(()),
        Ok(Some(_)) => Err(Finish::error(
            command,
            exit::USAGE,
            format!(
                "external id {ext} is already used in the ledger: give a new one (or none for a fresh one); nothing was sent"
            ),
        )),
        Err(e) => Err(unreadable(command, &e)),
    }
}

/// What a ledger read of the earlier payment `parent` failed with, as the command's end.
pub(super) fn parent_unreadable(command: &str, parent: &str, e: &LedgerError) -> Finish {
    match e {
        LedgerError::NoSuchPayment { .. } => Finish::error(
            command,
            exit::USAGE,
            format!(
                "no payment with external id {parent} in the ledger; check the id (`till history` lists them). Nothing was sent."
            ),
        ),
        e => unreadable(command, e),
    }
}

/// The ledger's money rules refused the request (`why`): exit 5 while something acting on the
/// payment is unsettled (`open_child`), else 2.
pub(super) fn against_the_rules(command: &str, open_child: bool, text: String) -> Finish {
    let code = if open_child {
        exit::REFUSED
    } else {
        exit::USAGE
    };
    Finish::error(command, code, text)
}

/// The earlier payment `parent` as the device knows it, for `to` (a verb: "refund", "capture"…):
/// it must carry the device's payment id.
pub(super) fn link(
    store: &LedgerStore,
    command: &str,
    parent: &str,
    to: &str,
) -> Result<SaleLink, Finish> {
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
                "payment {parent} has no device payment id in the ledger, so the device cannot be asked to {to} it; use the Clover dashboard. Nothing was sent."
            ),
        ));
    }
    Ok(link)
}
