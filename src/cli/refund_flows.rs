//! The headless refund, void and credit flows (`till refund`, `till void`, `till credit`),
//! driven through the same runtime and state machine as the TUI. The ledger's money rules are
//! checked before anything is sent (exit 2, or 5 while a refund or void of the sale is open);
//! the ledger checks them again when the transaction is recorded.

use super::flows::Finish;
use super::linked_flow::{Naming, Plan, against_the_rules, fresh_id, link, parent_unreadable};
use crate::app::Action;
use crate::payment::PaymentKind;
use crate::protocol::Cents;
use crate::runtime::LedgerStore;

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

impl Plan for Request {
    fn command(&self) -> &'static str {
        match self {
            Request::Refund { .. } => "refund",
            Request::Void { .. } => "void",
            Request::Credit { .. } => "credit",
        }
    }

    fn naming(&self) -> Naming {
        Naming::Command
    }

    fn plan(&self, store: &LedgerStore) -> Result<Action, Finish> {
        let command = self.command();
        let (sale, kind, amount) = match self {
            Request::Credit {
                amount,
                external_id,
            } => {
                fresh_id(store, command, external_id.as_deref())?;
                return Ok(Action::Credit {
                    amount: *amount,
                    external_id: external_id.clone(),
                });
            }
            Request::Refund { sale, amount } => (sale, PaymentKind::Refund, *amount),
            Request::Void { sale } => (sale, PaymentKind::Void, None),
        };
        let r = store
            .ledger()
            .refundable(sale)
            .map_err(|e| parent_unreadable(command, sale, &e))?;
        let amount = amount.unwrap_or(r.remainder);
        if let Some(why) = r.refusal(kind, amount) {
            return Err(against_the_rules(
                command,
                r.open_child().is_some(),
                format!("cannot {command} payment {sale}: {why}. Nothing was sent."),
            ));
        }
        let link = link(store, command, sale, command)?;
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
}
