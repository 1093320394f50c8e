//! CLOSEOUT_REQUEST → CLOSEOUT_RESPONSE (PROTOCOL.md §7.2, issue #17): the device closes its
//! batch and reports it (`id`, `txCount`, `totalBatchAmount`, `state`, totals, open tips/tabs).
//!
//! [INFERRED] from the SDK's message classes and Clover's merchant help (no device code is
//! public): the batch holds every approved payment not yet in a closed batch — sales, auths,
//! captured pre-auths — with `totalBatchAmount` = their amount + tip; voided payments and open
//! holds are left out (a hold stays open for the next batch). While auths wait for a tip adjust or
//! pre-auths are open, the closeout is refused unless `allowOpenTabs` (then an auth closes with
//! the tip it has). A closed payment's card transaction becomes `CLOSED`: its tip can no longer
//! change. A `batchId` other than the open batch's is refused (the open batch has no id before it
//! closes). The answer is kept for `sendLastMessage`; the `drop_before_response` fault drops the
//! connection instead of answering (the batch is closed all the same).

use crate::protocol::{
    Batch, BatchDetail, BatchState, BatchTotalStats, BatchTotalType, BatchType,
    CardTransactionState, Cents, CloseoutRequest, CloseoutResponse, Message, Payment,
    PaymentFlavor, PaymentResult, ResultStatus,
};

use super::auths::{MAX_CLOSED_BATCHES, captured};
use super::io::ConnId;
use super::payment_factory::{self, clover_id};
use super::{Device, Display, Fx};

impl Device {
    /// CLOSEOUT_REQUEST: close the open batch, or say why not.
    pub(super) fn on_closeout(&mut self, fx: &mut Fx, conn: ConnId, m: CloseoutRequest) {
        if self.busy_refuses(fx, conn, "CLOSEOUT_REQUEST") {
            return;
        }
        self.pos = Some(conn);
        let response = match self.closeout(fx, &m) {
            Ok(batch) => {
                fx.note(format!(
                    "batch {} closed: {} payments, ${}",
                    batch.id.as_deref().unwrap_or("?"),
                    batch.tx_count.unwrap_or(0),
                    Cents(batch.total_batch_amount.unwrap_or(0))
                ));
                self.display = Display {
                    title: "Batch closed".into(),
                    detail: format!(
                        "{} payments, ${}",
                        batch.tx_count.unwrap_or(0),
                        Cents(batch.total_batch_amount.unwrap_or(0))
                    ),
                };
                CloseoutResponse {
                    reason: None,
                    status: Some(ResultStatus::Success),
                    batch: Some(batch),
                }
            }
            Err(why) => {
                fx.note(format!("CLOSEOUT_REQUEST refused: {why}"));
                CloseoutResponse {
                    reason: Some(why),
                    status: Some(ResultStatus::Fail),
                    batch: None,
                }
            }
        };
        self.answer(fx, conn, Message::CloseoutResponse(response), false);
    }

    /// Closes the open batch; `Err` says why not (nothing changes then).
    fn closeout(&mut self, fx: &mut Fx, m: &CloseoutRequest) -> Result<Batch, String> {
        if let Some(asked) = m.batch_id.as_deref().filter(|b| !b.is_empty()) {
            let closed = self
                .tabs
                .closed
                .iter()
                .any(|b| b.id.as_deref() == Some(asked));
            return Err(if closed {
                format!("batch {asked} is already closed")
            } else {
                format!(
                    "batch {asked} is not known on this device: leave batchId out to close the open batch"
                )
            });
        }
        let open_tips = self.payments.iter().filter(|p| self.awaits_tip(p)).count() as i64;
        let open_tabs = self
            .payments
            .iter()
            .filter(|p| PaymentFlavor::of(p) == PaymentFlavor::PreAuth)
            .count() as i64;
        if m.allow_open_tabs != Some(true) && open_tips + open_tabs > 0 {
            return Err(format!(
                "open tabs: {open_tips} auth(s) wait for a tip adjust and {open_tabs} pre-auth(s) \
                 are not captured; adjust the tips and capture or void the pre-auths, or close \
                 out with allowOpenTabs"
            ));
        }
        let mut sales = BatchTotalType::default();
        let mut tips = BatchTotalType::default();
        let mut refunds = BatchTotalType::default();
        let mut first_ms: Option<i64> = None;
        for p in self.payments.iter_mut().filter(|p| in_open_batch(p)) {
            let amount = p.amount.unwrap_or(0);
            let tip = p.tip_amount.unwrap_or(0);
            add(&mut sales, amount.saturating_add(tip));
            if tip != 0 {
                add(&mut tips, tip);
            }
            for r in payment_factory::refunds(p) {
                add(&mut refunds, r.amount.unwrap_or(0));
            }
            first_ms = Some(first_ms.map_or(p.created_time.unwrap_or(fx.now), |t| {
                t.min(p.created_time.unwrap_or(fx.now))
            }));
            if let Some(ct) = p.card_transaction.as_mut() {
                ct.state = Some(CardTransactionState::Closed);
            }
            p.modified_time = Some(fx.now);
        }
        let net = BatchTotalType {
            count: Some(sales.count.unwrap_or(0) + refunds.count.unwrap_or(0)),
            total: Some(
                sales
                    .total
                    .unwrap_or(0)
                    .saturating_sub(refunds.total.unwrap_or(0)),
            ),
        };
        let batch = Batch {
            id: Some(clover_id(&mut self.rng)),
            tx_count: Some(sales.count.unwrap_or(0)),
            total_batch_amount: Some(sales.total.unwrap_or(0)),
            devices: Some(self.config.serial.clone()),
            state: Some(BatchState::Closed),
            batch_type: Some(BatchType::ManualClose),
            created_time: Some(first_ms.unwrap_or(fx.now)),
            modified_time: Some(fx.now),
            closeout_time_difference: Some(0),
            batch_details: Some(BatchDetail {
                batch_totals: Some(BatchTotalStats {
                    sales: Some(zeroed(sales)),
                    refunds: Some(zeroed(refunds)),
                    net: Some(net),
                    tips: Some(zeroed(tips)),
                    ..BatchTotalStats::default()
                }),
                open_tips: Some(0),
                open_tabs: Some(open_tabs),
                ..BatchDetail::default()
            }),
            ..Batch::default()
        };
        self.tabs.closed.push(batch.clone());
        if self.tabs.closed.len() > MAX_CLOSED_BATCHES {
            self.tabs.closed.remove(0);
        }
        Ok(batch)
    }

    /// An auth in the open batch still waiting for its tip adjust.
    fn awaits_tip(&self, p: &Payment) -> bool {
        PaymentFlavor::of(p) == PaymentFlavor::Auth
            && !captured(p)
            && in_open_batch(p)
            && !p
                .id
                .as_ref()
                .is_some_and(|id| self.tabs.tip_adjusted.contains(id))
    }
}

/// An approved payment not yet in a closed batch.
fn in_open_batch(p: &Payment) -> bool {
    p.result == Some(PaymentResult::Success)
        && p.card_transaction.as_ref().and_then(|c| c.state.as_ref())
            != Some(&CardTransactionState::Closed)
}

fn add(total: &mut BatchTotalType, amount: i64) {
    total.count = Some(total.count.unwrap_or(0) + 1);
    total.total = Some(total.total.unwrap_or(0).saturating_add(amount));
}

/// A total with explicit zeros.
fn zeroed(t: BatchTotalType) -> BatchTotalType {
    BatchTotalType {
        count: Some(t.count.unwrap_or(0)),
        total: Some(t.total.unwrap_or(0)),
    }
}
