//! The SQLite ledger as the runtime's ledger port.

use super::ports::LedgerPort;
use crate::app::screens::HistoryRow;
use crate::app::{LedgerOp, PaymentFacts, PendingPayment, SaleLink, TxnInfo};
use crate::ledger::{Ledger, NewPayment, PaymentKind, PaymentUpdate};
use crate::protocol::Cents;

/// Rows loaded around the selection in the history view.
pub const HISTORY_WINDOW: usize = 200;

/// The ledger, for one device.
pub struct LedgerStore {
    ledger: Ledger,
    device: String,
}

impl LedgerStore {
    /// The ledger, recording payments for `device` (its endpoint or id).
    pub fn new(ledger: Ledger, device: impl Into<String>) -> Self {
        LedgerStore {
            ledger,
            device: device.into(),
        }
    }

    /// The ledger itself, for reads.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}

/// The sale `parent` as a refund or void names it: its device ids and the device ids of its
/// refunds other than `except` (known before that one was asked for).
pub fn sale_link(ledger: &Ledger, parent: &str, except: &str) -> Result<SaleLink, String> {
    let r = ledger.refundable(parent).map_err(|e| e.to_string())?;
    let known_refunds = r
        .children
        .iter()
        .filter(|c| c.kind == PaymentKind::Refund && c.external_id != except)
        .filter_map(|c| c.device_payment_id.clone())
        .collect();
    let card = match (&r.sale.card_brand, &r.sale.last4) {
        (Some(b), Some(l)) => Some(format!("{b} …{l}")),
        (None, Some(l)) => Some(format!("…{l}")),
        _ => None,
    };
    Ok(SaleLink {
        external_id: r.sale.external_id.clone(),
        device_payment_id: r.sale.device_payment_id.clone().unwrap_or_default(),
        order_id: r.sale.order_id.clone(),
        known_refunds,
        card,
    })
}

fn update(facts: &PaymentFacts, detail: &str) -> PaymentUpdate {
    PaymentUpdate {
        device_payment_id: facts.device_payment_id.clone(),
        order_id: facts.order_id.clone(),
        card_brand: facts.card_brand.clone(),
        last4: facts
            .last4
            .clone()
            .filter(|l| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit())),
        auth_code: facts.auth_code.clone(),
        charged_amount: facts
            .amount_charged
            .map(|c| Cents(c.0 - facts.tip.map_or(0, |t| t.0)).max(Cents::ZERO)),
        charged_tip: facts.amount_charged.and(facts.tip),
        result: facts.result.clone(),
        reason: None,
        message: (!detail.is_empty()).then(|| detail.to_owned()),
        partial: facts.amount_charged.map(|_| facts.remaining.is_some()),
    }
}

impl LedgerPort for LedgerStore {
    fn apply(&mut self, op: &LedgerOp) -> Result<(), String> {
        let result = match op {
            LedgerOp::Create {
                external_id,
                device,
                amount,
                tip,
                tax,
            } => {
                let device = device.clone().unwrap_or_else(|| self.device.clone());
                let mut new = NewPayment::sale(external_id.clone(), device, *amount);
                new.tip = tip.unwrap_or(Cents::ZERO);
                new.tax = tax.unwrap_or(Cents::ZERO);
                self.ledger.create_payment(new).map(|_| ())
            }
            LedgerOp::CreateLinked {
                device,
                external_id,
                kind,
                parent,
                amount,
            } => {
                let device = device.clone().unwrap_or_else(|| self.device.clone());
                let mut new = NewPayment::sale(external_id.clone(), device, *amount);
                new.kind = *kind;
                new.parent = parent.clone();
                self.ledger.create_payment(new).map(|_| ())
            }
            LedgerOp::Transition {
                external_id,
                to,
                cause,
                detail,
                facts,
            } => self
                .ledger
                .transition(external_id, *to, cause, detail, update(facts, detail))
                .map(|_| ()),
            LedgerOp::Note {
                external_id,
                cause,
                detail,
            } => self.ledger.note(external_id, cause, detail).map(|_| ()),
            LedgerOp::Reopen {
                external_id,
                cause,
                detail,
            } => self.ledger.reopen(external_id, cause, detail).map(|_| ()),
        };
        result.map_err(|e| e.to_string())
    }

    fn pending(&mut self) -> Result<Vec<PendingPayment>, String> {
        // Every device's open payments: the app ties them to the device it reaches by the
        // identity the device gives in discovery (or, for older rows, by the configured address).
        let open = self.ledger.non_final_all().map_err(|e| e.to_string())?;
        Ok(open
            .into_iter()
            .filter(|r| r.kind == PaymentKind::Sale)
            .map(|r| PendingPayment {
                this_endpoint: r.device == self.device,
                external_id: r.external_id,
                amount: r.amount,
                tip: Some(r.tip).filter(|t| t.get() != 0),
                tax: Some(r.tax).filter(|t| t.get() != 0),
                state: r.state,
                device: r.device,
            })
            .collect())
    }

    fn pending_txn(&mut self) -> Result<Option<(PendingPayment, TxnInfo)>, String> {
        // This device's (by address, or under an identity the app checks on discovery).
        let Some(r) = self
            .ledger
            .non_final_all()
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|r| r.kind != PaymentKind::Sale)
            .find(|r| r.device == self.device || r.device.starts_with("device:"))
        else {
            return Ok(None);
        };
        let link = match r.parent.as_deref() {
            Some(parent) => Some(sale_link(&self.ledger, parent, &r.external_id)?),
            None => None,
        };
        let pending = PendingPayment {
            this_endpoint: r.device == self.device,
            external_id: r.external_id,
            amount: r.amount,
            tip: None,
            tax: None,
            state: r.state,
            device: r.device,
        };
        Ok(Some((pending, TxnInfo { kind: r.kind, link })))
    }

    fn external_id_used(&mut self, external_id: &str) -> Result<bool, String> {
        self.ledger
            .get(external_id)
            .map(|r| r.is_some())
            .map_err(|e| e.to_string())
    }

    fn history_window(
        &mut self,
        selected: usize,
    ) -> Result<(Vec<HistoryRow>, usize, usize), String> {
        let total = self.ledger.count().map_err(|e| e.to_string())? as usize;
        let offset = selected.saturating_sub(HISTORY_WINDOW / 2);
        let rows = self
            .ledger
            .history_at(offset as u64, HISTORY_WINDOW)
            .map_err(|e| e.to_string())?;
        let rows = rows
            .into_iter()
            .map(|r| HistoryRow {
                card: match (&r.card_brand, &r.last4) {
                    (Some(b), Some(l)) => format!("{b} {l}"),
                    _ => String::new(),
                },
                external_id: r.external_id,
                created_ms: r.created_ms,
                amount: r.amount,
                state: r.state,
            })
            .collect();
        Ok((rows, offset, total))
    }

    fn events_at(&mut self, index: usize) -> Result<Vec<String>, String> {
        let Some(row) = self
            .ledger
            .history_at(index as u64, 1)
            .map_err(|e| e.to_string())?
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        let events = self
            .ledger
            .events(&row.external_id)
            .map_err(|e| e.to_string())?;
        Ok(events
            .into_iter()
            .map(|e| {
                let from = e.from.map_or("-".to_owned(), |s| s.to_string());
                let fix = if e.correction { " (correction)" } else { "" };
                format!(
                    "{} {from} → {}{fix} [{}] {}",
                    super::format_time(e.at_ms),
                    e.to,
                    e.cause,
                    e.detail
                )
            })
            .collect())
    }
}
