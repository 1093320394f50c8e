//! Auths, pre-auths, captures, increments, tip adjusts and closeouts (#17): the same lifecycle
//! and guarantees as a sale.
//!
//! An auth (TX_START `AUTH`, tip on paper) and a pre-auth (TX_START `PREAUTH`, a hold) are
//! payments in their own right: after the start below they run through the sale code (prompts,
//! FINISH_OK by the verdict rules, recovery by RETRIEVE_PAYMENT of their own external id).
//!
//! A capture, increment or tip adjust acts on its auth or pre-auth like a refund on its sale:
//! recorded `created` before its frame exists (`LedgerOp::CreateAdjustment`, refused by the
//! ledger when the money rules forbid it), sent once and never re-sent. The device's answer is
//! ours only when it is about our payment and within what we asked: a tip other than asked, a
//! capture above the asked amount make it `unknown`, named. Recovery asks the device status
//! (`sendLastMessage`: a re-sent response decides), then RETRIEVE_PAYMENT of the payment: its
//! new amounts decide (the asked tip set, the pre-auth captured for the asked amount and tip,
//! the hold grown by the increment); unchanged on an idle device means it was not done.
//!
//! A flow the device does not support (discovery `supportsAuth`, `supportsPreAuth`,
//! `supportsTipAdjust`) is refused before anything is recorded, naming the flag.
//!
//! A closeout runs alone (no payment open), is recorded before its CLOSEOUT_REQUEST and ends
//! `closed` with the batch, `refused`, or `unknown` when its answer is lost (it moves no money:
//! the dashboard shows whether the batch closed).

pub use super::adjust_judge::{judge_payment, judge_response};
pub use super::linked_txn::Adjust;

use super::adjust_judge::current;
use super::guards::given_or_fresh;
use super::linked_txn::{SaleLink, TxnInfo};
use super::settle::{Judgement, apply};
use super::state::*;
use super::steps::{cancel_timer, note, require_ready, start_timer, transition};
use super::timers::TimerPurpose;
use super::txn_lifecycle::{
    Reopened, Start, begin, create_linked, end_recovery, free, id_to_send, just_ended, noted_again,
    reopen,
};
use super::{DeviceCommand, LedgerOp, PaymentFacts};
use super::{Effect, verdict};
use crate::payment::{Batch, CloseoutState, PaymentKind, PaymentState};
use crate::protocol::Cents;

/// The discovery flag a kind needs, and whether the device set it; `None` for kinds every
/// device takes.
pub fn support_flag(
    device: Option<&super::DeviceInfo>,
    kind: PaymentKind,
) -> Option<(&'static str, bool)> {
    let d = device.cloned().unwrap_or_default();
    match kind {
        PaymentKind::Auth => Some(("supportsAuth", d.supports_auths)),
        PaymentKind::PreAuth | PaymentKind::Capture | PaymentKind::Increment => {
            Some(("supportsPreAuth", d.supports_pre_auths))
        }
        PaymentKind::TipAdjust => Some(("supportsTipAdjust", d.supports_tip_adjust)),
        _ => None,
    }
}

/// Refuses `kind` when the connected device said it does not take it; true when it may go on.
fn supported(state: &mut State, kind: PaymentKind) -> bool {
    if state.device.is_none() {
        return true; // not connected: `require_ready` says so
    }
    match support_flag(state.device.as_ref(), kind) {
        Some((flag, false)) => {
            state.refuse(super::Refusal::InvalidInput,
                format!(
                    "Nothing was sent: the device does not support {}s ({flag} is false in its \
                     discovery answer). Enable them for the merchant, or use a device that has them.",
                    kind.label()
                ),
            );
            false
        }
        _ => true,
    }
}

/// Starts an auth or a pre-auth of `amount`.
pub(super) fn start_payment(
    state: &mut State,
    kind: PaymentKind,
    amount: Cents,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if !free(state, kind.label(), fx) || !supported(state, kind) {
        return;
    }
    let Some(request) = super::guards::validated_request(state, amount, None, None, external_id)
    else {
        return;
    };
    let id = request.external_id().to_owned();
    let command = match kind {
        PaymentKind::PreAuth => DeviceCommand::PreAuth(request),
        _ => DeviceCommand::Auth(request),
    };
    let txn = TxnInfo {
        kind,
        link: None,
        accepted: false,
    };
    let create = create_linked(state, &txn, &id, amount);
    let start = Start {
        txn,
        external_id: id,
        amount,
        tip: None,
        create,
        command,
        cause: "TX_START",
    };
    begin(state, start, fx);
}

/// Starts a capture, increment or tip adjust of `tab` (read from the ledger by the caller).
pub(super) fn start_adjust(
    state: &mut State,
    tab: SaleLink,
    adjust: Adjust,
    external_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let kind = adjust.kind();
    if !free(state, kind.label(), fx) || !supported(state, kind) {
        return;
    }
    let (amount, tip, cause) = match adjust {
        Adjust::Capture { amount, tip } => (amount, Some(tip), "CAPTURE_PREAUTH"),
        Adjust::Increment { amount } => (amount, None, "INCREMENT_PREAUTH_REQUEST"),
        Adjust::TipAdjust { tip } => (tab.amount, Some(tip), "TIP_ADJUST"),
    };
    let invalid = if matches!(adjust, Adjust::Capture { .. } | Adjust::Increment { .. })
        && amount.get() <= 0
    {
        Some(format!("the amount {amount} is not more than zero"))
    } else if tip.is_some_and(|t| t.get() < 0) {
        Some(format!("the tip {} is negative", tip.unwrap_or_default()))
    } else if tab.device_payment_id.trim().is_empty() {
        Some(format!(
            "payment {} has no device payment id to {}",
            tab.external_id,
            kind.label()
        ))
    } else {
        None
    };
    let Some(id) = id_to_send(state, invalid, external_id) else {
        return;
    };
    let command = match adjust {
        Adjust::Capture { amount, tip } => DeviceCommand::Capture {
            payment_id: tab.device_payment_id.clone(),
            amount,
            tip,
        },
        Adjust::Increment { amount } => DeviceCommand::Increment {
            payment_id: tab.device_payment_id.clone(),
            amount,
        },
        Adjust::TipAdjust { tip } => DeviceCommand::TipAdjust {
            payment_id: tab.device_payment_id.clone(),
            order_id: tab.order_id.clone(),
            tip,
        },
    };
    let create = LedgerOp::CreateAdjustment {
        device: state.device.as_ref().and_then(|d| d.identity()),
        external_id: id.clone(),
        kind,
        parent: tab.external_id.clone(),
        amount,
        tip: tip.unwrap_or_default(),
    };
    let txn = TxnInfo {
        kind,
        link: Some(tab),
        accepted: false,
    };
    let start = Start {
        txn,
        external_id: id,
        amount,
        tip,
        create,
        command,
        cause,
    };
    begin(state, start, fx);
}

/// A response (CAPTURE_PREAUTH_RESPONSE, INCREMENT_PREAUTH_RESPONSE, TIP_ADJUST_RESPONSE) for
/// the open adjustment of `kind`, or a late one for the adjustment that just ended.
#[allow(clippy::too_many_arguments)]
pub(super) fn on_response(
    state: &mut State,
    kind: PaymentKind,
    cause: &str,
    success: bool,
    payment_id: Option<String>,
    amount: Option<Cents>,
    tip: Option<Cents>,
    message: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let Some((link, asked, asked_tip)) = current(state, kind) else {
        return late(state, kind, cause, success, payment_id, amount, tip, fx);
    };
    if payment_id
        .as_deref()
        .is_some_and(|p| p != link.device_payment_id)
    {
        note(state, cause, "about another payment; ignored", fx);
        return;
    }
    cancel_timer(state, TimerPurpose::SaleResponse);
    if success {
        let j = judge_response(
            kind,
            &link,
            asked,
            asked_tip,
            payment_id.as_deref(),
            amount,
            tip,
        );
        apply(state, cause, j, fx);
    } else {
        let why = message.unwrap_or_else(|| "no reason given".into());
        transition(
            state,
            PaymentState::Declined,
            cause,
            format!("the device refused the {}: {why}", kind.label()),
            PaymentFacts::default(),
            fx,
        );
        state.error(
            NoticeKind::DeviceRefused,
            format!(
                "Refused by the device: {why}. Payment {} is unchanged.",
                link.external_id
            ),
        );
    }
    end_recovery(state, fx);
}

/// A response when no adjustment of its kind is open: a re-delivered frame for the one that
/// just ended. The same outcome is only noted; another reopens it as `unknown`.
#[allow(clippy::too_many_arguments)]
fn late(
    state: &mut State,
    kind: PaymentKind,
    cause: &str,
    success: bool,
    payment_id: Option<String>,
    amount: Option<Cents>,
    tip: Option<Cents>,
    fx: &mut Vec<Effect>,
) {
    let Some((o, link)) = just_ended(state, kind) else {
        return;
    };
    let asked_tip = o.tip.unwrap_or_default();
    let now = if success {
        judge_response(
            kind,
            &link,
            o.amount,
            asked_tip,
            payment_id.as_deref(),
            amount,
            tip,
        )
    } else {
        Judgement::Final(
            PaymentState::Declined,
            PaymentFacts::default(),
            String::new(),
        )
    };
    let same = match &now {
        Judgement::Final(to, ..) => *to == o.state,
        Judgement::Foreign(_) | Judgement::NotFinal => true,
        Judgement::Conflict(_) => false,
    };
    if same {
        noted_again(&o, cause, fx);
        return;
    }
    let said = match &now {
        Judgement::Final(to, ..) => to.to_string(),
        Judgement::Conflict(why) => why.clone(),
        _ => String::new(),
    };
    let why = format!(
        "recorded {}, but a later {cause} says {said}: {}",
        o.state,
        verdict::CHECK_DASHBOARD
    );
    let tip = o.tip;
    let reopened = Reopened {
        ended: o,
        kind,
        link,
        tip,
        cause,
        why,
        title: kind.label(),
    };
    reopen(state, reopened, fx);
}

/// Starts a closeout; `open_tabs` is the number of open tabs in the ledger (auths awaiting
/// their tip, pre-auths awaiting capture).
pub(super) fn start_closeout(
    state: &mut State,
    allow_open_tabs: bool,
    open_tabs: usize,
    request_id: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if !free(state, "closeout", fx) {
        return;
    }
    if open_tabs > 0 && !allow_open_tabs {
        let tabs = if open_tabs == 1 {
            "1 tab is".to_owned()
        } else {
            format!("{open_tabs} tabs are")
        };
        state.refuse(
            super::Refusal::InvalidInput,
            format!(
                "Nothing was sent: {tabs} still open (auths awaiting a tip, pre-auths awaiting \
                 capture). Settle them, or close out anyway with --allow-open-tabs."
            ),
        );
        return;
    }
    let request_id = match given_or_fresh(state, request_id) {
        Ok(id) => id,
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
    state.clear_for_new_transaction();
    state.last_closeout = None;
    state.closeout = Some(CloseoutFlow {
        request_id: request_id.clone(),
        allow_open_tabs,
    });
    fx.push(Effect::Persist(LedgerOp::CreateCloseout {
        device: state.device.as_ref().and_then(|d| d.identity()),
        request_id: request_id.clone(),
        allow_open_tabs,
    }));
    fx.push(Effect::Send(DeviceCommand::Closeout { allow_open_tabs }));
    fx.push(Effect::Persist(LedgerOp::UpdateCloseout {
        request_id,
        state: CloseoutState::Sent,
        batch: Batch::default(),
        message: None,
    }));
    let timeout = state.settings.response_timeout_ms;
    start_timer(state, TimerPurpose::CloseoutResponse, timeout, fx);
}

fn end_closeout(
    state: &mut State,
    to: CloseoutState,
    batch: Batch,
    message: String,
    fx: &mut Vec<Effect>,
) {
    let Some(flow) = state.closeout.take() else {
        return;
    };
    cancel_timer(state, TimerPurpose::CloseoutResponse);
    fx.push(Effect::Persist(LedgerOp::UpdateCloseout {
        request_id: flow.request_id.clone(),
        state: to,
        batch: batch.clone(),
        message: Some(message.clone()),
    }));
    state.last_closeout = Some(CloseoutOutcome {
        request_id: flow.request_id,
        state: to,
        batch,
        message,
    });
    fx.push(Effect::LoadHistory);
}

/// CLOSEOUT_RESPONSE.
pub(super) fn on_closeout_response(
    state: &mut State,
    success: bool,
    batch: Option<Batch>,
    message: Option<String>,
    fx: &mut Vec<Effect>,
) {
    if state.closeout.is_none() {
        if let Some(o) = &state.last_closeout {
            let text = format!(
                "a CLOSEOUT_RESPONSE after closeout {} ended ({}); not recorded",
                o.request_id, o.state
            );
            state.info(text);
        }
        return;
    }
    let batch = batch.unwrap_or_default();
    if success {
        let text = format!(
            "batch {} closed: {} transaction(s), total {}",
            batch.id.as_deref().unwrap_or("(no id)"),
            batch.count.map_or("?".to_owned(), |c| c.to_string()),
            batch.total.map_or("?".to_owned(), |t| t.to_string())
        );
        end_closeout(state, CloseoutState::Closed, batch, text, fx);
    } else {
        let why = message.unwrap_or_else(|| "no reason given".into());
        let text = format!("the device refused the closeout: {why}");
        end_closeout(state, CloseoutState::Refused, batch, text.clone(), fx);
        state.error(
            NoticeKind::DeviceRefused,
            format!("Refused by the device: {why}."),
        );
    }
}

/// No CLOSEOUT_RESPONSE in time, or the connection dropped: the batch may or may not be
/// closed. Recorded `unknown`; it moves no money and does not block the device.
pub(super) fn on_closeout_lost(state: &mut State, why: &str, fx: &mut Vec<Effect>) {
    if state.closeout.is_none() {
        return;
    }
    let text = format!(
        "no answer to the closeout ({why}): the batch may or may not be closed; {}",
        verdict::CHECK_DASHBOARD
    );
    end_closeout(
        state,
        CloseoutState::Unknown,
        Batch::default(),
        text.clone(),
        fx,
    );
    state.error(
        NoticeKind::General,
        format!("Closeout outcome unknown: {text}."),
    );
}
