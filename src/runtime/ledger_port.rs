//! The SQLite ledger as the runtime's ledger port.

use super::ports::LedgerPort;
use crate::app::screens::HistoryRow;
use crate::app::{
    LedgerOp, PaymentFacts, PaymentHistory, PendingPayment, PersistError, SaleLink, TxnInfo,
};
use crate::ledger::{
    HistoryCursor, Ledger, LedgerError, LedgerReadError, NewPayment, PaymentFilter, PaymentRecord,
    PaymentUpdate,
};
use crate::payment::PaymentKind;
use crate::protocol::Cents;

/// Rows loaded around the selection in the history view.
pub const HISTORY_WINDOW: usize = 200;

/// The ledger, for one device.
pub struct LedgerStore {
    ledger: Ledger,
    device: String,
    /// What the history view last loaded: the anchor for the next window (keyset paging).
    window: Option<Window>,
}

/// The last history window loaded. Payments are never deleted and new ones only come at the top,
/// so a row's absolute index (newest first) only grows, by the number of payments added.
struct Window {
    /// The search line the window is filtered by, and the filter it gave (parsed once, so that
    /// "2h" keeps meaning the same start while paging).
    query: String,
    filter: PaymentFilter,
    /// Payments matching when loaded.
    total: usize,
    /// The newest payment then.
    newest: Option<HistoryCursor>,
    /// Absolute index of `rows[0]`.
    offset: usize,
    /// The rows: cursor and external id, newest first.
    rows: Vec<(HistoryCursor, String)>,
}

impl LedgerStore {
    /// The ledger, recording payments for `device` (its endpoint or id).
    pub fn new(ledger: Ledger, device: impl Into<String>) -> Self {
        LedgerStore {
            ledger,
            device: device.into(),
            window: None,
        }
    }

    /// The ledger itself, for reads.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}

/// The sale `parent` as a refund or void names it: its device ids and the device ids of its
/// refunds other than `except` (known before that one was asked for).
pub fn sale_link(ledger: &Ledger, parent: &str, except: &str) -> Result<SaleLink, LedgerReadError> {
    let r = ledger.refundable(parent)?;
    let known_refunds = r
        .children
        .iter()
        .filter(|c| c.kind == PaymentKind::Refund && c.external_id != except)
        .filter_map(|c| c.device_payment_id.clone())
        .collect();
    let card = crate::app::payment_lines::card_with_ellipsis(
        r.sale.card_brand.as_deref(),
        r.sale.last4.as_deref(),
    );
    // An auth's tip and a pre-auth's hold as its approved tip adjusts and increments left them.
    let (amount, tip) = match r.sale.kind {
        PaymentKind::Auth | PaymentKind::PreAuth => {
            let t = ledger.tab(parent)?;
            (t.amount, t.tip)
        }
        _ => (
            r.sale.charged_amount.unwrap_or(r.sale.amount),
            r.sale.charged_tip.unwrap_or(r.sale.tip),
        ),
    };
    Ok(SaleLink {
        external_id: r.sale.external_id.clone(),
        device_payment_id: r.sale.device_payment_id.clone().unwrap_or_default(),
        order_id: r.sale.order_id.clone(),
        known_refunds,
        card,
        amount,
        tip,
    })
}

fn update(facts: &PaymentFacts, detail: &str) -> PaymentUpdate {
    PaymentUpdate {
        device_payment_id: facts.device_payment_id.clone(),
        order_id: facts.order_id.clone(),
        card_brand: facts.card_brand.clone(),
        last4: facts.last4.clone().filter(|l| crate::protocol::is_last4(l)),
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

impl LedgerStore {
    /// Loads the window of [`HISTORY_WINDOW`] rows around `selected` by keyset: from the row
    /// just above it, found by walking from the last window (a few rows for a key press), never
    /// by OFFSET. The total is kept up to date by counting only the payments added since.
    fn load_window(
        &mut self,
        selected: usize,
        query: &str,
    ) -> crate::ledger::Result<Vec<PaymentRecord>> {
        if self.window.as_ref().is_some_and(|w| w.query != query) {
            self.window = None;
        }
        let filter = match &self.window {
            Some(w) => w.filter.clone(),
            None => PaymentFilter::parse_search(query, crate::ledger::now_ms()),
        };
        let (total, newest, shifted) = match &self.window {
            Some(w) => {
                let added = self.ledger.count_newer(&filter, w.newest)? as usize;
                let newest = if added > 0 {
                    self.ledger
                        .history(1, None)?
                        .payments
                        .first()
                        .map(|p| p.cursor)
                } else {
                    w.newest
                };
                (w.total + added, newest, Some((w, added)))
            }
            None => {
                let total = self.ledger.count_newer(&filter, None)? as usize;
                let newest = self
                    .ledger
                    .history(1, None)?
                    .payments
                    .first()
                    .map(|p| p.cursor);
                (total, newest, None)
            }
        };
        let start = selected
            .min(total.saturating_sub(1))
            .saturating_sub(HISTORY_WINDOW / 2);
        // The cursor of the row just above `start` (absolute index start - 1).
        let above = match (start.checked_sub(1), shifted) {
            (None, _) => Some(None),
            (Some(want), Some((w, added))) if !w.rows.is_empty() => {
                let first = w.offset + added;
                let last = first + w.rows.len() - 1;
                if (first..=last).contains(&want) {
                    Some(Some(w.rows[want - first].0))
                } else if want < first {
                    let walked = self.ledger.newer(&filter, w.rows[0].0, first - want)?;
                    walked.last().map(|p| Some(p.cursor))
                } else {
                    let from = w.rows[w.rows.len() - 1].0;
                    let walked =
                        self.ledger
                            .search(&PaymentFilter::default(), want - last, Some(from))?;
                    walked.payments.last().map(|p| Some(p.cursor))
                }
            }
            _ => None,
        };
        let rows = match above {
            Some(before) => {
                self.ledger
                    .search(&filter, HISTORY_WINDOW, before)?
                    .payments
            }
            // Nothing loaded yet to walk from (the first view opened deep): walk from the top.
            None => {
                let skipped = self.ledger.search(&filter, start, None)?;
                let before = skipped.payments.last().map(|p| p.cursor);
                self.ledger
                    .search(&filter, HISTORY_WINDOW, before)?
                    .payments
            }
        };
        self.window = Some(Window {
            query: query.to_owned(),
            filter,
            total,
            newest,
            offset: start,
            rows: rows
                .iter()
                .map(|r| (r.cursor, r.external_id.clone()))
                .collect(),
        });
        Ok(rows)
    }
}

impl LedgerPort for LedgerStore {
    fn apply(&mut self, op: &LedgerOp) -> Result<(), PersistError> {
        let result = match op {
            LedgerOp::Create {
                external_id,
                device,
                amount,
                tip,
                tax,
                order,
            } => {
                let device = device.clone().unwrap_or_else(|| self.device.clone());
                let mut new = NewPayment::sale(external_id.clone(), device, *amount);
                new.tip = tip.unwrap_or(Cents::ZERO);
                new.tax = tax.unwrap_or(Cents::ZERO);
                self.ledger
                    .create_payment_with_order(new, order.as_ref())
                    .map(|_| ())
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
            LedgerOp::CreateAdjustment {
                device,
                external_id,
                kind,
                parent,
                amount,
                tip,
            } => {
                let device = device.clone().unwrap_or_else(|| self.device.clone());
                let mut new = NewPayment::sale(external_id.clone(), device, *amount);
                new.kind = *kind;
                new.parent = Some(parent.clone());
                new.tip = *tip;
                self.ledger.create_payment(new).map(|_| ())
            }
            LedgerOp::CreateCloseout {
                device,
                request_id,
                allow_open_tabs,
            } => {
                let device = device.clone().unwrap_or_else(|| self.device.clone());
                self.ledger
                    .create_closeout(request_id, &device, *allow_open_tabs)
                    .map(|_| ())
            }
            LedgerOp::UpdateCloseout {
                request_id,
                state,
                batch,
                message,
            } => self
                .ledger
                .update_closeout(request_id, *state, batch, message.as_deref())
                .map(|_| ()),
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
            LedgerOp::Resolve {
                external_id,
                to,
                note,
            } => self.ledger.resolve(external_id, *to, note).map(|_| ()),
        };
        result.map_err(|e| match e {
            LedgerError::PendingPayment { .. } => PersistError::PendingPayment(e.to_string()),
            other => PersistError::Failed(other.to_string()),
        })
    }

    fn pending(&mut self) -> Result<Vec<PendingPayment>, LedgerReadError> {
        // Every device's open payments: the app ties them to the device it reaches by the
        // identity the device gives in discovery (or, for older rows, by the configured address).
        let open = self.ledger.non_final_all()?;
        Ok(open
            .into_iter()
            .filter(|r| r.kind == PaymentKind::Sale)
            .map(|r| {
                let asked = r.amounts();
                PendingPayment {
                    this_endpoint: r.device == self.device,
                    external_id: r.external_id,
                    amount: asked.amount,
                    tip: asked.tip,
                    tax: asked.tax,
                    state: r.state,
                    device: r.device,
                }
            })
            .collect())
    }

    fn refund_offer(
        &mut self,
        external_id: &str,
    ) -> Result<crate::app::refund_keys::RefundOffer, LedgerReadError> {
        let r = self.ledger.refundable(external_id)?;
        let sale = sale_link(&self.ledger, external_id, "")?;
        let refusal = r
            .refusal(PaymentKind::Refund, r.remainder.max(Cents(1)))
            .or_else(|| {
                sale.device_payment_id
                    .is_empty()
                    .then(|| "the ledger has no device payment id for it".to_owned())
            });
        Ok(crate::app::refund_keys::RefundOffer {
            sale,
            remainder: r.remainder,
            charged: r.charged,
            refusal,
        })
    }

    fn pending_txn(&mut self) -> Result<Option<(PendingPayment, TxnInfo)>, LedgerReadError> {
        // A closeout left open by a till that stopped before its answer: the batch may or may
        // not be closed. It moves no money; it is marked unknown so that the device is free.
        for k in self.ledger.open_closeouts()? {
            let why = "till stopped before the device answered: the batch may or may not be \
                       closed; check it on the Clover dashboard";
            self.ledger.update_closeout(
                &k.request_id,
                crate::payment::CloseoutState::Unknown,
                &crate::payment::Batch::default(),
                Some(why),
            )?;
        }
        // This device's (by address, or under an identity the app checks on discovery).
        let Some(r) = self
            .ledger
            .non_final_all()?
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
        let accepted = self.ledger.events(&r.external_id)?.iter().any(|e| {
            e.cause == "TX_START_RESPONSE" && e.to == crate::payment::PaymentState::InProgress
        });
        let pending = PendingPayment {
            this_endpoint: r.device == self.device,
            external_id: r.external_id,
            amount: r.amount,
            // A capture's or tip adjust's asked tip: what its answer is judged against.
            tip: r.kind.is_adjustment().then_some(r.tip),
            tax: None,
            state: r.state,
            device: r.device,
        };
        let txn = TxnInfo {
            kind: r.kind,
            link,
            accepted,
        };
        Ok(Some((pending, txn)))
    }

    fn tabs(&mut self) -> Result<Vec<crate::app::tab_keys::TabRow>, LedgerReadError> {
        let tabs = self.ledger.open_tabs()?;
        tabs.iter()
            .map(|t| {
                Ok(crate::app::tab_keys::TabRow {
                    kind: t.payment.kind,
                    link: sale_link(&self.ledger, &t.payment.external_id, "")?,
                })
            })
            .collect()
    }

    fn external_id_used(&mut self, external_id: &str) -> Result<bool, LedgerReadError> {
        self.ledger
            .get(external_id)
            .map(|r| r.is_some())
            .map_err(LedgerReadError::from)
    }

    fn history_window(
        &mut self,
        selected: usize,
        query: &str,
    ) -> Result<(Vec<HistoryRow>, usize, usize), LedgerReadError> {
        let rows = self.load_window(selected, query)?;
        let (offset, total) = self.window.as_ref().map_or((0, 0), |w| (w.offset, w.total));
        let ids: Vec<&str> = rows.iter().map(|r| r.external_id.as_str()).collect();
        let items = self.ledger.item_counts(&ids)?;
        let rows = rows
            .into_iter()
            .map(|r| HistoryRow {
                items: items.get(&r.external_id).copied(),
                card: crate::app::payment_lines::card_in_history(
                    r.card_brand.as_deref(),
                    r.last4.as_deref(),
                ),
                external_id: r.external_id,
                created_ms: r.created_ms,
                amount: r.amount,
                state: r.state,
            })
            .collect();
        Ok((rows, offset, total))
    }

    fn receipt(&mut self, external_id: &str) -> Result<crate::receipt::Receipt, LedgerReadError> {
        use crate::receipt::{Receipt, ReceiptLookup};
        match Receipt::load(&self.ledger, external_id)? {
            ReceiptLookup::Found(r) => Ok(*r),
            ReceiptLookup::None | ReceiptLookup::Ambiguous(_) => Err(LedgerReadError::NotFound {
                external_id: external_id.to_owned(),
            }),
        }
    }

    fn report(
        &mut self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<crate::ledger::Report, LedgerReadError> {
        self.ledger
            .report(Some(since_ms), Some(until_ms))
            .map_err(LedgerReadError::from)
    }

    fn events_at(&mut self, index: usize) -> Result<PaymentHistory, LedgerReadError> {
        let in_window = |w: &Option<Window>| {
            w.as_ref().and_then(|w| {
                index
                    .checked_sub(w.offset)
                    .and_then(|k| w.rows.get(k))
                    .map(|(_, id)| id.clone())
            })
        };
        let external_id = match in_window(&self.window) {
            Some(id) => id,
            None => {
                let query = self
                    .window
                    .as_ref()
                    .map(|w| w.query.clone())
                    .unwrap_or_default();
                self.load_window(index, &query)?;
                match in_window(&self.window) {
                    Some(id) => id,
                    None => return Ok(PaymentHistory::default()),
                }
            }
        };
        let events = self.ledger.events(&external_id)?;
        let order = self.ledger.order(&external_id)?;
        Ok(PaymentHistory { events, order })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(rows: &[HistoryRow]) -> Vec<String> {
        rows.iter().map(|r| r.external_id.clone()).collect()
    }

    #[test]
    fn keyset_windows_match_the_history_by_position_while_sales_are_added() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        let mut n = 0;
        let mut add = |count: usize| {
            for _ in 0..count {
                ledger
                    .create_payment(NewPayment::sale(
                        format!("p{n:04}"),
                        format!("d{n}"),
                        Cents(100),
                    ))
                    .unwrap();
                n += 1;
            }
        };
        add(450);
        let mut store = LedgerStore::new(ledger.clone(), "d");
        let expect = |offset: usize| -> Vec<String> {
            ledger
                .history_at(offset as u64, HISTORY_WINDOW)
                .unwrap()
                .into_iter()
                .map(|r| r.external_id)
                .collect()
        };
        // Down by pages, one by one, up by pages, with new sales arriving on the way.
        let mut selected = 0_usize;
        let mut moves: Vec<isize> = vec![20; 20];
        moves.extend([1, 1, -1, 0, 20, -20, -1]);
        moves.extend(vec![-20; 25]);
        for (i, step) in moves.into_iter().enumerate() {
            if i % 7 == 3 {
                add(3);
                selected += 3; // the same row stays selected as rows arrive on top
            }
            selected = selected.saturating_add_signed(step);
            let (rows, offset, total) = store.history_window(selected, "").unwrap();
            assert_eq!(total as u64, ledger.count().unwrap());
            let selected_c = selected.min(total - 1);
            assert_eq!(
                offset,
                selected_c.saturating_sub(HISTORY_WINDOW / 2),
                "move {i}"
            );
            assert_eq!(ids(&rows), expect(offset), "move {i} at {selected}");
            let events = store.events_at(selected_c).unwrap().events;
            let want = format!("for d{}", total - 1 - selected_c);
            assert!(events[0].detail.ends_with(&want), "{events:?} for {want}");
        }
    }

    #[test]
    fn a_search_line_filters_the_window_and_pages_by_keyset() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        for i in 0..260 {
            let id = format!("s{i:04}");
            ledger
                .create_payment(NewPayment::sale(&id, format!("d{i}"), Cents(100 + i)))
                .unwrap();
            let last4 = if i % 2 == 0 { "4242" } else { "1111" };
            let update = PaymentUpdate {
                last4: Some(last4.into()),
                ..Default::default()
            };
            ledger
                .transition(&id, crate::payment::PaymentState::Approved, "T", "", update)
                .unwrap();
        }
        let mut store = LedgerStore::new(ledger.clone(), "d");
        let filter = PaymentFilter::parse_search("4242", 0);
        let all: Vec<String> = ledger
            .search(&filter, 1000, None)
            .unwrap()
            .payments
            .into_iter()
            .map(|p| p.external_id)
            .collect();
        assert_eq!(all.len(), 130);
        for selected in [0, 20, 40, 60, 129, 100, 80, 79, 0] {
            let (rows, offset, total) = store.history_window(selected, "4242").unwrap();
            assert_eq!(total, 130);
            let want: Vec<String> = all
                .iter()
                .skip(offset)
                .take(HISTORY_WINDOW)
                .cloned()
                .collect();
            assert_eq!(ids(&rows), want, "at {selected}");
        }
        let (rows, _, total) = store.history_window(0, "s0007").unwrap();
        assert_eq!((total, ids(&rows)), (1, vec!["s0007".to_owned()]));
        let (_, _, total) = store.history_window(0, "").unwrap();
        assert_eq!(total, 260);
    }

    #[test]
    fn the_one_open_payment_refusal_comes_back_typed() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        let mut store = LedgerStore::new(ledger, "d");
        let create = |id: &str| LedgerOp::Create {
            external_id: id.into(),
            device: None,
            amount: Cents(500),
            tip: None,
            tax: None,
            order: None,
        };
        store.apply(&create("first")).unwrap();
        let err = store.apply(&create("second")).unwrap_err();
        assert!(
            matches!(&err, PersistError::PendingPayment(m) if m.contains("first")),
            "{err:?}"
        );
        let err = store
            .apply(&LedgerOp::Note {
                external_id: "nosuch".into(),
                cause: "T".into(),
                detail: String::new(),
            })
            .unwrap_err();
        assert!(matches!(err, PersistError::Failed(_)), "{err:?}");
    }

    #[test]
    fn a_resolution_by_hand_is_written_only_after_recovery_tried() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        let mut store = LedgerStore::new(ledger.clone(), "d");
        for id in ["never", "tried"] {
            store
                .apply(&LedgerOp::Create {
                    external_id: id.into(),
                    amount: Cents(500),
                    tip: None,
                    tax: None,
                    device: None,
                    order: None,
                })
                .unwrap_or_else(|e| panic!("{e}"));
            let to = crate::payment::PaymentState::NotFound;
            let resolve = LedgerOp::Resolve {
                external_id: id.into(),
                to,
                note: "dashboard".into(),
            };
            if id == "tried" {
                store
                    .apply(&LedgerOp::Note {
                        external_id: id.into(),
                        cause: crate::ledger::RECOVERY_CAUSE.into(),
                        detail: "recovery started".into(),
                    })
                    .unwrap();
                store.apply(&resolve).unwrap();
                assert_eq!(ledger.get(id).unwrap().unwrap().state, to);
            } else {
                let err = store.apply(&resolve).unwrap_err();
                assert!(err.to_string().contains("till recover"), "{err}");
                // Let the next payment of the device be created.
                ledger
                    .transition(id, to, "T", "", PaymentUpdate::default())
                    .unwrap();
            }
        }
    }
}
