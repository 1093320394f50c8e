//! The lifecycle steps every transaction other than a sale shares — auths, pre-auths, captures,
//! increments, tip adjusts, refunds, voids and credits: refused while another is open, recorded
//! `created` before its frame exists and sent once, recovery ended once it is settled, and a
//! late or re-delivered answer after it ended (the same answer is only noted; another reopens
//! it as `unknown`, named). The kind-specific rules stay in `app::auth` and `app::refund`.

use super::events::Effect;
use super::guards::{closeout_running, given_or_fresh};
use super::ledger_ops::{LedgerOp, PaymentFacts};
use super::linked_txn::{SaleLink, TxnInfo};
use super::recovery;
use super::recovery_state::RecoveryReason;
use super::reset;
use super::state::{CurrentPayment, NoticeKind, Outcome, State};
use super::steps::{require_ready, start_timer, transition};
use super::timers::TimerPurpose;
use crate::device::DeviceCommand;
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

/// Refuses a new transaction (`what`) while a payment or a closeout is open, and starts the open
/// payment's recovery; true when free.
pub(super) fn free(state: &mut State, what: &str, fx: &mut Vec<Effect>) -> bool {
    if closeout_running(state, what) {
        return false;
    }
    let Some(p) = state.pending() else {
        return true;
    };
    let text = format!(
        "Refused: {} {} of {} is still {}; nothing was sent for the {what}. Resolve it first: run \
         `till recover`, or press s (Check Payment Status).",
        state.kind().label(),
        p.external_id,
        p.amount,
        p.state
    );
    state.refuse(super::Refusal::PendingPayment, text);
    if state.recovery.is_none() && state.is_ready() {
        recovery::start(state, RecoveryReason::BeforeSale, fx);
    }
    false
}

/// The external id for a new transaction (the one given, or a fresh one) when nothing in
/// `invalid` refuses it and the device is ready; otherwise `None`, with why nothing was sent on
/// screen.
pub(super) fn id_to_send(
    state: &mut State,
    invalid: Option<String>,
    given: Option<String>,
) -> Option<String> {
    if let Some(why) = invalid {
        state.refuse(
            super::Refusal::InvalidInput,
            format!("Nothing was sent: {why}."),
        );
        return None;
    }
    let id = match given_or_fresh(state, given) {
        Ok(id) => id,
        Err(why) => {
            state.refuse(
                super::Refusal::InvalidInput,
                format!("Nothing was sent: {why}."),
            );
            return None;
        }
    };
    require_ready(state).then_some(id)
}

/// The ledger's `created` record of `txn` (a refund, void, credit, auth or pre-auth): under the
/// connected device, naming the payment it acts on, if any.
pub(super) fn create_linked(
    state: &State,
    txn: &TxnInfo,
    external_id: &str,
    amount: Cents,
) -> LedgerOp {
    LedgerOp::CreateLinked {
        device: state.device.as_ref().and_then(|d| d.identity()),
        external_id: external_id.to_owned(),
        kind: txn.kind,
        parent: txn.link.as_ref().map(|l| l.external_id.clone()),
        amount,
    }
}

/// A transaction ready to start: what it is, what the ledger records, what the device is sent.
pub(super) struct Start<'a> {
    /// Its kind and the payment it acts on.
    pub txn: TxnInfo,
    /// Its external id.
    pub external_id: String,
    /// The amount it asks for.
    pub amount: Cents,
    /// The tip it asks for (a capture, a tip adjust).
    pub tip: Option<Cents>,
    /// Its `created` record.
    pub create: LedgerOp,
    /// The frame that starts it.
    pub command: DeviceCommand,
    /// The cause its `sent` transition names (the frame's name).
    pub cause: &'a str,
}

/// Makes `start` the current transaction: recorded `created`, sent once, recorded `sent`, with
/// its response timer and the elapsed-time clock running.
pub(super) fn begin(state: &mut State, start: Start<'_>, fx: &mut Vec<Effect>) {
    let kind = start.txn.kind;
    state.payment = Some(CurrentPayment::new(
        start.external_id,
        start.amount,
        start.tip,
        None,
        PaymentState::Created,
        state.now_ms,
    ));
    state.txn = Some(start.txn);
    state.clear_for_new_transaction();
    fx.push(Effect::Persist(start.create));
    fx.push(Effect::Send(start.command));
    transition(
        state,
        PaymentState::Sent,
        start.cause,
        format!("{} sent to the device", kind.label()),
        PaymentFacts::default(),
        fx,
    );
    let timeout = state.settings.response_timeout_ms;
    start_timer(state, TimerPurpose::SaleResponse, timeout, fx);
    start_timer(state, TimerPurpose::Clock, 1_000, fx);
}

/// The transaction settled: the recovery that was running for it ends, and a reset waiting on
/// that recovery decides now.
pub(super) fn end_recovery(state: &mut State, fx: &mut Vec<Effect>) {
    if state.pending().is_none() && state.recovery.take().is_some() {
        reset::after_recovery(state, fx);
    }
}

/// How the transaction of `kind` that just ended came out, and the payment it acted on: what a
/// late or re-delivered answer is compared with.
pub(super) fn just_ended(state: &State, kind: PaymentKind) -> Option<(Outcome, SaleLink)> {
    let (o, txn) = (state.last_outcome.clone()?, state.last_txn.clone()?);
    let link = txn.link.filter(|_| txn.kind == kind)?;
    Some((o, link))
}

/// A late answer that says what was recorded: only noted on the transaction that ended.
pub(super) fn noted_again(ended: &Outcome, cause: &str, fx: &mut Vec<Effect>) {
    fx.push(Effect::Persist(LedgerOp::Note {
        external_id: ended.external_id.clone(),
        cause: cause.into(),
        detail: format!("re-delivered; recorded as {}", ended.state),
    }));
}

/// What a late answer that contradicts the record reopens.
pub(super) struct Reopened<'a> {
    /// The transaction that ended, as recorded.
    pub ended: Outcome,
    /// Its kind.
    pub kind: PaymentKind,
    /// The payment it acted on.
    pub link: SaleLink,
    /// The tip it asked for.
    pub tip: Option<Cents>,
    /// The answer's frame.
    pub cause: &'a str,
    /// What contradicts the record, and what to check.
    pub why: String,
    /// How the notice names the transaction (`Refund`, `capture`…).
    pub title: &'a str,
}

/// A late answer contradicts what was recorded: the transaction is reopened as `unknown` with
/// the conflict named, the current one again, and nothing is sent.
pub(super) fn reopen(state: &mut State, r: Reopened<'_>, fx: &mut Vec<Effect>) {
    let Reopened {
        ended,
        kind,
        link,
        tip,
        cause,
        why,
        title,
    } = r;
    fx.push(Effect::Persist(LedgerOp::Reopen {
        external_id: ended.external_id.clone(),
        cause: cause.into(),
        detail: format!("reopened: {why}"),
    }));
    let mut cur = CurrentPayment::new(
        ended.external_id.clone(),
        ended.amount,
        tip,
        None,
        PaymentState::Unknown,
        state.now_ms,
    );
    cur.evidence.conflict = Some(why.clone());
    state.payment = Some(cur);
    state.txn = Some(TxnInfo {
        kind,
        link: Some(link),
        accepted: true,
    });
    state.last_outcome = Some(Outcome {
        state: PaymentState::Unknown,
        message: format!("reopened: {why}"),
        ..ended
    });
    state.error(
        NoticeKind::General,
        format!("{title} reopened as unknown: {why}."),
    );
}
