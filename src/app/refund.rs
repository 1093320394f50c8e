//! Refunds, voids and credits (manual refunds): the same lifecycle and guarantees as a sale.
//!
//! Each is recorded `created` before its frame exists (`LedgerOp::CreateLinked`, which the
//! ledger refuses when the money rules forbid it), then sent once and never re-sent. The
//! device's answer decides by the same evidence rules as a sale's (`app::verdict`): a device
//! object counts only when it is about our sale (its payment id) and within what we asked; on
//! doubt the transaction becomes `unknown`, named, never approved. Recovery asks the device
//! status (`sendLastMessage`: a re-sent REFUND_RESPONSE / FINISH_* / VOID_PAYMENT_RESPONSE
//! decides), then RETRIEVE_PAYMENT of the sale: a refund is ours when a refund id not known
//! before appears with our amount; a void when the sale reads voided. A sale still reading
//! SUCCESS does not prove the void failed (EVIDENCE.md #1): that stays `unknown`.
//!
//! For a refund or void, "approved" means the device did it (money given back, or the sale
//! voided); "declined" that the device refused it; "not found" that it never happened.
//!
//! Beside it: `refund_recovery.rs` (what the device's or Clover's record of the sale decides)
//! and `refund_late.rs` (late and re-delivered answers after one ended).

pub use super::refund_judge::{judge_refund, judge_sale};
pub use super::settle::Judgement;

use super::guards::given_or_fresh;
use super::ledger_ops::{LedgerOp, PaymentFacts, PendingPayment, card_facts};
use super::linked_txn::{SaleLink, TxnInfo};
use super::recovery;
use super::recovery_state::RecoveryReason;
use super::refund_judge::current;
use super::settle::{apply, cancel_left_to_lookup};
use super::state::*;
use super::steps::{cancel_timer, note, require_ready, transition};
use super::timers::TimerPurpose;
use super::txn_lifecycle::{self, Start, create_linked, end_recovery, free, id_to_send};
use super::{Effect, verdict};
use crate::device::DeviceCommand;
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::{Cents, Credit, Payment, PaymentResult, Refund, RequestInfo};

/// Starts `txn` (a refund, void or credit) as `external_id`, recorded under its sale.
fn begin(
    state: &mut State,
    txn: TxnInfo,
    external_id: String,
    amount: Cents,
    command: DeviceCommand,
    cause: &str,
    fx: &mut Vec<Effect>,
) {
    let create = create_linked(state, &txn, &external_id, amount);
    let start = Start {
        txn,
        external_id,
        amount,
        tip: None,
        create,
        command,
        cause,
    };
    txn_lifecycle::begin(state, start, fx);
}

/// Starts a refund of `amount` of `sale`, of which `remainder` is left to refund.
pub(super) fn start_refund(
    state: &mut State,
    sale: SaleLink,
    amount: Cents,
    remainder: Cents,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if !free(state, "refund", fx) {
        return;
    }
    let invalid = if amount.get() <= 0 {
        Some(format!("the refund amount {amount} is not more than zero"))
    } else if amount > remainder {
        Some(format!(
            "{amount} is more than the {remainder} left to refund on payment {}",
            sale.external_id
        ))
    } else if sale.device_payment_id.trim().is_empty() {
        Some(format!(
            "payment {} has no device payment id to refund",
            sale.external_id
        ))
    } else {
        None
    };
    let Some(id) = id_to_send(state, invalid, external_id) else {
        return;
    };
    let command = DeviceCommand::Refund {
        payment_id: sale.device_payment_id.clone(),
        order_id: sale.order_id.clone(),
        amount,
    };
    let txn = TxnInfo {
        kind: PaymentKind::Refund,
        link: Some(sale),
        accepted: false,
    };
    begin(state, txn, id, amount, command, "REFUND_REQUEST", fx);
}

/// Starts a void of `sale`, which charged `amount`.
pub(super) fn start_void(
    state: &mut State,
    sale: SaleLink,
    amount: Cents,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if !free(state, "void", fx) {
        return;
    }
    let id = match given_or_fresh(state, external_id) {
        Ok(id) if !sale.device_payment_id.trim().is_empty() => id,
        Ok(_) => {
            state.refuse(
                super::Refusal::InvalidInput,
                format!(
                    "Nothing was sent: payment {} has no device payment id to void.",
                    sale.external_id
                ),
            );
            return;
        }
        Err(why) => {
            state.refuse(
                super::Refusal::InvalidInput,
                format!("Nothing was sent: {why}."),
            );
            return;
        }
    };
    if !require_ready(state) {
        return;
    }
    let command = DeviceCommand::Void {
        payment_id: sale.device_payment_id.clone(),
        order_id: sale.order_id.clone(),
    };
    let txn = TxnInfo {
        kind: PaymentKind::Void,
        link: Some(sale),
        accepted: false,
    };
    begin(
        state,
        txn,
        id,
        amount.max(Cents(1)),
        command,
        "VOID_PAYMENT",
        fx,
    );
    let answers = state
        .device
        .as_ref()
        .is_some_and(|d| d.supports_void_payment_response);
    if !answers && state.pending().is_some() {
        // Only an ACK will come: the device's own record of the sale decides.
        cancel_timer(state, TimerPurpose::SaleResponse);
        note(
            state,
            "VOID_PAYMENT",
            "the device sends no VOID_PAYMENT_RESPONSE; asking it about the sale",
            fx,
        );
        recovery::start(state, RecoveryReason::Timeout, fx);
    }
}

/// Starts a credit (manual refund) of `amount`.
pub(super) fn start_credit(
    state: &mut State,
    amount: Cents,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if !free(state, "credit", fx) {
        return;
    }
    let Some(request) = super::guards::validated_request(state, amount, None, None, external_id)
    else {
        return;
    };
    let id = request.external_id().to_owned();
    let txn = TxnInfo {
        kind: PaymentKind::Credit,
        link: None,
        accepted: false,
    };
    begin(
        state,
        txn,
        id,
        amount,
        DeviceCommand::Credit(request),
        "TX_START",
        fx,
    );
}

/// REFUND_RESPONSE.
pub(super) fn on_refund_response(
    state: &mut State,
    success: bool,
    payment_id: Option<String>,
    refund: Option<Refund>,
    message: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let Some((link, asked)) = current(state, PaymentKind::Refund) else {
        return super::refund_late::late_refund(state, refund.as_ref(), "REFUND_RESPONSE", fx);
    };
    if payment_id
        .as_deref()
        .is_some_and(|p| p != link.device_payment_id)
    {
        note(
            state,
            "REFUND_RESPONSE",
            "about another payment; ignored",
            fx,
        );
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    let decided = match (&refund, success) {
        (Some(r), true) => {
            let j = judge_refund(&link, asked, r);
            apply(state, "REFUND_RESPONSE", j, fx)
        }
        (None, true) => false,
        (_, false) => {
            let why = message.unwrap_or_else(|| "no reason given".into());
            transition(
                state,
                PaymentState::Declined,
                "REFUND_RESPONSE",
                format!("the device refused the refund: {why}"),
                PaymentFacts::default(),
                fx,
            );
            state.error(
                NoticeKind::DeviceRefused,
                format!("Refused by the device: {why}. Nothing was given back."),
            );
            true
        }
    };
    if !decided && state.pending().is_some() {
        transition(
            state,
            PaymentState::InProgress,
            "REFUND_RESPONSE",
            "the device is making the refund",
            PaymentFacts::default(),
            fx,
        );
    }
    if decided {
        end_recovery(state, fx);
    }
}

/// FINISH_OK `{refund}`.
pub(super) fn on_refund_finished(state: &mut State, refund: Refund, fx: &mut Vec<Effect>) {
    let Some((link, asked)) = current(state, PaymentKind::Refund) else {
        return super::refund_late::late_refund(state, Some(&refund), "FINISH_OK", fx);
    };
    cancel_timer(state, TimerPurpose::SaleResponse);
    let j = judge_refund(&link, asked, &refund);
    if apply(state, "FINISH_OK", j, fx) {
        end_recovery(state, fx);
        fx.push(Effect::Send(DeviceCommand::ShowWelcome));
    }
}

/// FINISH_OK `{credit}`.
pub(super) fn on_credit_finished(state: &mut State, credit: Credit, fx: &mut Vec<Effect>) {
    let Some(p) = state
        .pending()
        .filter(|_| state.kind() == PaymentKind::Credit)
    else {
        if let Some(o) = state.last_outcome.as_ref()
            && state.last_txn.as_ref().map(|t| t.kind) == Some(PaymentKind::Credit)
        {
            fx.push(Effect::Persist(LedgerOp::Note {
                external_id: o.external_id.clone(),
                cause: "FINISH_OK".into(),
                detail: format!(
                    "a FINISH_OK {{credit}} again (credit {}); recorded as {}",
                    credit.id.as_deref().unwrap_or("?"),
                    o.state
                ),
            }));
        }
        return;
    };
    let asked = p.amount;
    if !state.txn.as_ref().is_some_and(|t| t.accepted) {
        // A credit names neither our external id nor anything else of ours: before the device
        // accepted this credit's TX_START, it may be the answer to an earlier credit (its last
        // message, re-sent).
        let why = format!(
            "the device sent a credit ({}, {}) but never confirmed starting this one, so it may \
             be an earlier credit's: {}",
            credit.id.as_deref().unwrap_or("without an id"),
            credit
                .amount
                .map_or("no amount".to_owned(), |a| Cents(a.abs()).to_string()),
            verdict::CHECK_DASHBOARD
        );
        cancel_timer(state, TimerPurpose::SaleResponse);
        cancel_timer(state, TimerPurpose::RecoveryResponse);
        super::settle::conflict(state, "FINISH_OK", &why, fx);
        // Nothing the device can still say decides it: the conflict waits for a person.
        if state.recovery.take().is_some() {
            super::reset::after_recovery(state, fx);
        }
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    let amount = credit.amount.map(|a| Cents(a.abs()));
    let facts = PaymentFacts {
        device_payment_id: credit.id.clone(),
        result: Some("SUCCESS".into()),
        amount_charged: amount,
        ..card_facts(credit.card_transaction.as_ref())
    };
    let j = match amount {
        Some(a) if a.get() > 0 && a <= asked => {
            Judgement::Final(PaymentState::Approved, facts, format!("credited {a}"))
        }
        Some(a) => Judgement::Conflict(format!(
            "the device reports a credit of {a}, but {asked} was asked"
        )),
        None => Judgement::Conflict("the device's credit has no amount".into()),
    };
    if apply(state, "FINISH_OK", j, fx) {
        end_recovery(state, fx);
        fx.push(Effect::Send(DeviceCommand::ShowThankYou));
    }
}

/// VOID_PAYMENT_RESPONSE.
pub(super) fn on_void_response(
    state: &mut State,
    success: bool,
    payment: Option<Payment>,
    message: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let Some((link, asked)) = current(state, PaymentKind::Void) else {
        return super::refund_late::late_void(state, success, payment.as_ref(), fx);
    };
    if let Some(p) = payment.as_ref()
        && p.id.as_deref() != Some(link.device_payment_id.as_str())
    {
        note(
            state,
            "VOID_PAYMENT_RESPONSE",
            "about another payment; ignored",
            fx,
        );
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    if success {
        let j = match payment.as_ref() {
            Some(p) if p.result == Some(PaymentResult::Success) && p.void_reason.is_none() => {
                // Success said, the payment still reads SUCCESS (as real devices do): the
                // response itself is the device's word that it voided.
                judge_voided(&link)
            }
            Some(p) => match judge_sale(PaymentKind::Void, &link, asked, p) {
                Judgement::NotFinal => judge_voided(&link),
                j => j,
            },
            None => judge_voided(&link),
        };
        apply(state, "VOID_PAYMENT_RESPONSE", j, fx);
    } else {
        let why = message.unwrap_or_else(|| "no reason given".into());
        transition(
            state,
            PaymentState::Declined,
            "VOID_PAYMENT_RESPONSE",
            format!("the device refused the void: {why}"),
            PaymentFacts::default(),
            fx,
        );
        state.error(
            NoticeKind::DeviceRefused,
            format!("Refused by the device: {why}. The payment stands."),
        );
    }
    end_recovery(state, fx);
}

fn judge_voided(link: &SaleLink) -> Judgement {
    Judgement::Final(
        PaymentState::Approved,
        PaymentFacts {
            result: Some("VOIDED".into()),
            ..PaymentFacts::default()
        },
        format!("payment {} voided: no money taken", link.external_id),
    )
}

/// PAYMENT_VOIDED while a void is open: proof when it is about our sale. True when handled.
pub(super) fn on_payment_voided(
    state: &mut State,
    payment: Option<&Payment>,
    fx: &mut Vec<Effect>,
) -> bool {
    if state.kind() != PaymentKind::Void {
        return false;
    }
    let Some((link, _)) = current(state, PaymentKind::Void) else {
        return false;
    };
    if payment.and_then(|p| p.id.as_deref()) != Some(link.device_payment_id.as_str()) {
        note(
            state,
            "PAYMENT_VOIDED",
            "about another payment; ignored",
            fx,
        );
        return true;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    apply(state, "PAYMENT_VOIDED", judge_voided(&link), fx);
    end_recovery(state, fx);
    true
}

/// FINISH_CANCEL while a refund or credit runs: the device ended it without doing it.
pub(super) fn on_finish_cancel(
    state: &mut State,
    request_info: Option<RequestInfo>,
    fx: &mut Vec<Effect>,
) {
    let kind = state.kind();
    let expected = match kind {
        PaymentKind::Refund => RequestInfo::Refund,
        PaymentKind::Credit => RequestInfo::Credit,
        _ => return,
    };
    if request_info.as_ref().is_some_and(|r| *r != expected) {
        return;
    }
    if cancel_left_to_lookup(state, fx) {
        return;
    }
    let Some(p) = state.pending() else { return };
    if kind == PaymentKind::Credit && p.state == PaymentState::Sent {
        note(
            state,
            "FINISH_CANCEL",
            "a FINISH_CANCEL before the device accepted this credit (stale); ignored",
            fx,
        );
        return;
    }
    let (to, detail) = if p.decline_seen {
        (
            PaymentState::Declined,
            format!("the device declined the {kind}: nothing given back"),
        )
    } else if kind == PaymentKind::Refund {
        (
            PaymentState::Declined,
            "the device refused the refund: nothing given back".to_owned(),
        )
    } else {
        (
            PaymentState::Canceled,
            "the credit was canceled on the device: nothing given back".to_owned(),
        )
    };
    transition(
        state,
        to,
        "FINISH_CANCEL",
        detail,
        PaymentFacts::default(),
        fx,
    );
    fx.push(Effect::Send(DeviceCommand::ShowWelcome));
}

/// A refund, void or credit found open in the ledger at start-up.
pub(super) fn on_pending(state: &mut State, p: PendingPayment, txn: TxnInfo, fx: &mut Vec<Effect>) {
    let identity = state.device.as_ref().and_then(|d| d.identity());
    if state.pending().is_some() || !(p.this_endpoint || identity.as_ref() == Some(&p.device)) {
        state.txn_elsewhere = Some((p, txn));
        return;
    }
    adopt(state, p, txn, fx);
}

/// On discovery: the open refund, void or credit of this device, keyed by its identity, becomes
/// the current transaction.
pub(super) fn adopt_by_identity(state: &mut State, fx: &mut Vec<Effect>) {
    if state.pending().is_some() {
        return;
    }
    let Some(identity) = state.device.as_ref().and_then(|d| d.identity()) else {
        return;
    };
    if state
        .txn_elsewhere
        .as_ref()
        .is_some_and(|(p, _)| p.device == identity || p.this_endpoint)
        && let Some((p, txn)) = state.txn_elsewhere.take()
    {
        adopt(state, p, txn, fx);
    }
}

fn adopt(state: &mut State, p: PendingPayment, txn: TxnInfo, fx: &mut Vec<Effect>) {
    state.payment = Some(CurrentPayment::new(
        p.external_id,
        p.amount,
        p.tip,
        None,
        p.state,
        state.now_ms,
    ));
    state.txn = Some(txn);
    if p.state != PaymentState::Unknown {
        transition(
            state,
            PaymentState::Unknown,
            "restart",
            "till restarted while it was open; will recover",
            PaymentFacts::default(),
            fx,
        );
    }
    if state.is_ready() {
        recovery::start(state, RecoveryReason::Ready, fx);
    }
}
