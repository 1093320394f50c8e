//! The headless refund, void and credit flows (`till refund`, `till void`, `till credit`),
//! driven through the same runtime and state machine as the TUI. The ledger's money rules are
//! checked before anything is sent (exit 2, or 5 while a refund or void of the sale is open);
//! the ledger checks them again when the transaction is recorded.

use serde_json::json;

use super::exit;
use super::flows::{Finish, LATE_FRAMES, Timeouts, finished, settle, unresolved, wait_ready};
use super::policy::Policies;
use super::report::pending_json;
use crate::app::{Action, Event, SaleLink};
use crate::ledger::{LedgerError, PaymentKind};
use crate::protocol::Cents;
use crate::runtime::{DevicePort, LedgerStore, Runtime, sale_link};

/// What to do.
pub enum Request {
    /// Refund `amount` (the whole remainder when `None`) of the sale.
    Refund {
        /// The sale's external id.
        sale: String,
        /// The amount.
        amount: Option<Cents>,
    },
    /// Void the sale.
    Void {
        /// The sale's external id.
        sale: String,
    },
    /// Give `amount` back to a card.
    Credit {
        /// The amount.
        amount: Cents,
        /// The credit's external id.
        external_id: Option<String>,
    },
}

impl Request {
    fn command(&self) -> &'static str {
        match self {
            Request::Refund { .. } => "refund",
            Request::Void { .. } => "void",
            Request::Credit { .. } => "credit",
        }
    }
}

/// The action for `request` as the ledger allows it now, or why not (exit code and message).
fn plan(store: &LedgerStore, request: &Request) -> Result<Action, Finish> {
    let command = request.command();
    let (sale, kind, amount) = match request {
        Request::Credit {
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
            return Ok(Action::Credit {
                amount: *amount,
                external_id: external_id.clone(),
            });
        }
        Request::Refund { sale, amount } => (sale, PaymentKind::Refund, *amount),
        Request::Void { sale } => (sale, PaymentKind::Void, None),
    };
    let r = match store.ledger().refundable(sale) {
        Ok(r) => r,
        Err(LedgerError::NoSuchPayment { .. }) => {
            return Err(Finish::error(
                command,
                exit::USAGE,
                format!(
                    "no payment with external id {sale} in the ledger; check the id (`till history` lists them). Nothing was sent."
                ),
            ));
        }
        Err(e) => return Err(unreadable(command, &e)),
    };
    let amount = amount.unwrap_or(r.remainder);
    if let Some(why) = r.refusal(kind, amount) {
        let code = if r.open_child().is_some() {
            exit::REFUSED
        } else {
            exit::USAGE
        };
        return Err(Finish::error(
            command,
            code,
            format!("cannot {command} payment {sale}: {why}. Nothing was sent."),
        ));
    }
    let link: SaleLink = sale_link(store.ledger(), sale, "").map_err(|e| {
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
                "payment {sale} has no device payment id in the ledger, so the device cannot be asked to {command} it; use the Clover dashboard. Nothing was sent."
            ),
        ));
    }
    Ok(match kind {
        PaymentKind::Void => Action::Void {
            sale: link,
            amount: r.charged,
            external_id: None,
        },
        _ => Action::Refund {
            sale: link,
            amount,
            remainder: r.remainder,
            external_id: None,
        },
    })
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
    if rt.state.pending().is_some() {
        settle(rt, Policies::ASK, t.recovery).await;
        if let Some(p) = rt.state.pending() {
            let message = format!(
                "Refused: {} {} of {} is still {}; nothing was sent. Resolve it first with `till recover`.",
                rt.state.kind(),
                p.external_id,
                p.amount,
                p.state
            );
            return Finish {
                code: exit::REFUSED,
                json: json!({"command": command, "pending": pending_json(&rt.state), "error": message}),
                human: vec![message],
            };
        }
    }
    // Recovery may have changed the sale: plan again from the ledger as it is now.
    let action = match plan(rt.ledger(), &request) {
        Ok(a) => a,
        Err(f) => return f,
    };
    let parent = match &action {
        Action::Refund { sale, .. } | Action::Void { sale, .. } => Some(sale.external_id.clone()),
        _ => None,
    };
    rt.dispatch(Event::Action(action)).await;
    if let Err(f) = super::auth_flows::started(rt, command) {
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
    f.json["kind"] = json!(command);
    // Say what kind of transaction the line is about ("refund approved 5.00 …").
    f.human = f
        .human
        .into_iter()
        .map(|l| format!("{command} {l}"))
        .collect();
    if let Some(p) = parent {
        f.json["payment"] = json!(p);
    }
    f
}
