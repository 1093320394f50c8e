//! What follows an auth or a pre-auth (PROTOCOL.md §7.2, issue #17): CAPTURE_PREAUTH,
//! INCREMENT_PREAUTH_REQUEST and TIP_ADJUST on a payment the device remembers.
//!
//! The payments themselves come from the sale flow: TX_START `requestInfo:"AUTH"` makes a
//! tip-adjustable auth (`cardTransaction.type:"PREAUTH"`, `result:"SUCCESS"`), `"PREAUTH"` a hold
//! (`result:"AUTH"`); see `payment_factory.rs`. Here ([INFERRED] where Clover publishes nothing):
//!
//! - a **capture** turns a hold into a payment (`result:"SUCCESS"`, `captured:true`) for its final
//!   amount and tip; an amount above the hold (after increments) is refused — increment first, as
//!   Clover's pre-auth guide says — and so is a second capture (the hold is gone);
//! - an **increment** raises a hold's amount; only an uncaptured hold takes one;
//! - a **tip adjust** sets (replaces) the tip of an auth until its batch is closed; a sale, a
//!   pre-auth (its tip comes with the capture), a captured pre-auth or a voided payment refuse it;
//! - a flow switched off in the configuration (`supportsPreAuth`, `supportsTipAdjust` false) is
//!   refused by the device too, whatever the POS's SDK lets through;
//! - every answer is kept for `sendLastMessage`; the amount's cents `.10` (of the capture's
//!   amount, the increment or the tip) and the `drop_before_response` fault drop the connection
//!   instead of answering — the change is made all the same.

use std::collections::BTreeSet;

use crate::protocol::{
    Authorization, CapturePreAuth, CapturePreAuthResponse, CardTransactionState,
    CardTransactionType, Cents, IncrementPreAuth, IncrementPreAuthResponse, Message, Payment,
    PaymentFlavor, PaymentResult, RequestInfo, ResultStatus, TipAdjust, TipAdjustResponse,
};
use crate::sim::customer::Scenario;

use super::flow::invalid_transition;
use super::io::ConnId;
use super::payment_factory::clover_id;
use super::{Device, Display, Fx};

/// What the device keeps about auths and batches besides the payments themselves.
#[derive(Debug, Clone, Default)]
pub(super) struct Tabs {
    /// Auths whose tip was adjusted (payment ids): they no longer count as open tips.
    pub tip_adjusted: BTreeSet<String>,
    /// Batches closed on this device, oldest first (at most [`MAX_CLOSED_BATCHES`]).
    pub closed: Vec<crate::protocol::Batch>,
}

/// How many closed batches the device remembers.
pub(super) const MAX_CLOSED_BATCHES: usize = 64;

/// Why a request on a remembered payment is refused: a short code and the sentence.
pub(super) type Refusal = (&'static str, String);

impl Device {
    /// Refuses a request while a transaction runs (INVALID_STATE_TRANSITION, like a refund);
    /// `true` when refused.
    pub(super) fn busy_refuses(&mut self, fx: &mut Fx, conn: ConnId, method: &str) -> bool {
        if self.tx.is_none() {
            return false;
        }
        let (state, substate, data) = self.device_state();
        fx.note(format!("{method} refused: a transaction is running"));
        let reply = invalid_transition(method, state, substate, data);
        self.send(fx, conn, &reply);
        true
    }

    /// Whether the device takes a TX_START of this kind: an auth needs `supports_auth`, a
    /// pre-auth `supports_pre_auth`; `Err` is the TX_START_RESPONSE message.
    pub(super) fn flow_enabled(&self, request_info: Option<&RequestInfo>) -> Result<(), String> {
        match request_info {
            Some(RequestInfo::Auth) if !self.config.supports_auth => {
                Err("Auths are not enabled on this device (supportsAuth is false).".into())
            }
            Some(RequestInfo::Preauth) if !self.config.supports_pre_auth => {
                Err("Pre-auths are not enabled on this device (supportsPreAuth is false).".into())
            }
            _ => Ok(()),
        }
    }

    /// Sends the answer of a request on a payment and keeps it for `sendLastMessage`, or drops
    /// the connection instead (`drop`, or the `drop_before_response` fault).
    pub(super) fn answer(&mut self, fx: &mut Fx, conn: ConnId, message: Message, drop: bool) {
        self.last_outcome = Some(message.clone());
        // The payments, the tabs or at least the last answer changed: worth keeping.
        self.memory_changed();
        if drop || self.config.faults.drop_before_response {
            fx.note(format!(
                "dropping POS {conn} just before {}",
                message.method()
            ));
            let reason = format!("connection dropped before {}", message.method());
            return self.close(fx, conn, None, &reason);
        }
        self.send(fx, conn, &message);
    }

    /// The index of the remembered payment with this id.
    fn payment_index(&self, id: Option<&str>) -> Result<usize, Refusal> {
        let id = id.unwrap_or_default();
        self.payments
            .iter()
            .rposition(|p| !id.is_empty() && p.id.as_deref() == Some(id))
            .ok_or((
                "PAYMENT_NOT_FOUND",
                format!("payment {id} is not known on this device"),
            ))
    }

    /// The remembered, uncaptured pre-auth (hold) with this id, or why not.
    fn hold_index(&self, id: Option<&str>, what: &str) -> Result<usize, Refusal> {
        if !self.config.supports_pre_auth {
            let why = format!(
                "pre-auths are not enabled on this device (supportsPreAuth is false): no {what}"
            );
            return Err(("UNSUPPORTED", why));
        }
        let index = self.payment_index(id)?;
        let p = &self.payments[index];
        let id = id.unwrap_or_default();
        match PaymentFlavor::of(p) {
            PaymentFlavor::PreAuth => Ok(index),
            PaymentFlavor::Auth if captured(p) => Err((
                "FAIL",
                format!("payment {id} is already captured: no {what}"),
            )),
            _ => Err((
                "FAIL",
                format!(
                    "payment {id} is {}, not an open pre-auth: no {what}",
                    describe(p)
                ),
            )),
        }
    }

    /// CAPTURE_PREAUTH: the hold becomes a payment of `amount` + `tipAmount`.
    pub(super) fn on_capture_preauth(&mut self, fx: &mut Fx, conn: ConnId, m: CapturePreAuth) {
        if self.busy_refuses(fx, conn, "CAPTURE_PREAUTH") {
            return;
        }
        self.pos = Some(conn);
        let amount = m.amount.unwrap_or(0);
        let tip = m.tip_amount.unwrap_or(0);
        let checked = self
            .hold_index(m.payment_id.as_deref(), "capture")
            .and_then(|i| {
                let hold = self.payments[i].amount.unwrap_or(0);
                check_capture(amount, tip, hold).map(|()| i)
            });
        let mut response = CapturePreAuthResponse {
            payment_id: m.payment_id.clone(),
            amount: m.amount,
            tip_amount: m.tip_amount,
            ..CapturePreAuthResponse::default()
        };
        match checked {
            Err((code, why)) => {
                fx.note(format!("CAPTURE_PREAUTH refused: {why}"));
                response.status = Some(ResultStatus::Fail);
                response.reason = Some(code.to_owned());
                response.message = Some(why);
            }
            Ok(i) => {
                let payment = &mut self.payments[i];
                payment.amount = Some(amount);
                payment.tip_amount = Some(tip);
                payment.result = Some(PaymentResult::Success);
                payment.modified_time = Some(fx.now);
                if let Some(ct) = payment.card_transaction.as_mut() {
                    ct.captured = Some(true);
                }
                fx.note(format!(
                    "pre-auth {} captured for ${} + ${} tip",
                    payment.id.as_deref().unwrap_or("?"),
                    Cents(amount),
                    Cents(tip)
                ));
                response.status = Some(ResultStatus::Success);
                self.display = Display {
                    title: "Pre-auth captured".into(),
                    detail: format!("${} + ${} tip", Cents(amount), Cents(tip)),
                };
            }
        }
        let drop = Scenario::for_amount(amount).goes_half_open();
        self.answer(fx, conn, Message::CapturePreAuthResponse(response), drop);
    }

    /// INCREMENT_PREAUTH_REQUEST: the hold grows by `amount`.
    pub(super) fn on_increment_preauth(&mut self, fx: &mut Fx, conn: ConnId, m: IncrementPreAuth) {
        if self.busy_refuses(fx, conn, "INCREMENT_PREAUTH_REQUEST") {
            return;
        }
        self.pos = Some(conn);
        let increment = m.amount.unwrap_or(0);
        let checked = self
            .hold_index(m.payment_id.as_deref(), "increment")
            .and_then(|i| {
                if increment <= 0 {
                    return Err(("FAIL", "the increment must be above zero".to_owned()));
                }
                self.payments[i]
                    .amount
                    .unwrap_or(0)
                    .checked_add(increment)
                    .map(|total| (i, total))
                    .ok_or(("FAIL", "the increment is too large".to_owned()))
            });
        let response = match checked {
            Err((_, why)) => {
                fx.note(format!("INCREMENT_PREAUTH_REQUEST refused: {why}"));
                IncrementPreAuthResponse {
                    status: Some(ResultStatus::Fail),
                    reason: Some(why),
                    authorization: None,
                }
            }
            Ok((i, total)) => {
                let payment = &mut self.payments[i];
                payment.amount = Some(total);
                payment.modified_time = Some(fx.now);
                let payment = payment.clone();
                fx.note(format!(
                    "pre-auth {} incremented by ${} to ${}",
                    payment.id.as_deref().unwrap_or("?"),
                    Cents(increment),
                    Cents(total)
                ));
                let authorization = self.authorization(&payment, fx.now);
                IncrementPreAuthResponse {
                    status: Some(ResultStatus::Success),
                    reason: None,
                    authorization: Some(authorization),
                }
            }
        };
        let drop = Scenario::for_amount(increment).goes_half_open();
        self.answer(fx, conn, Message::IncrementPreAuthResponse(response), drop);
    }

    /// The Authorization of a hold after an increment.
    fn authorization(&mut self, payment: &Payment, now: i64) -> Authorization {
        let ct = payment.card_transaction.as_ref();
        Authorization {
            id: Some(clover_id(&mut self.rng)),
            payment: Some(payment.clone()),
            amount: payment.amount,
            card_type: ct.and_then(|c| c.card_type.clone()),
            last4: ct.and_then(|c| c.last4.clone()),
            authcode: ct.and_then(|c| c.auth_code.clone()),
            kind: Some("AUTH".into()),
            created_time: Some(now),
            ..Authorization::default()
        }
    }

    /// TIP_ADJUST: the auth's tip becomes `tipAmount`.
    pub(super) fn on_tip_adjust(&mut self, fx: &mut Fx, conn: ConnId, m: TipAdjust) {
        if self.busy_refuses(fx, conn, "TIP_ADJUST") {
            return;
        }
        self.pos = Some(conn);
        let tip = m.tip_amount.unwrap_or(-1);
        let mut response = TipAdjustResponse {
            order_id: m.order_id.clone(),
            payment_id: m.payment_id.clone(),
            ..TipAdjustResponse::default()
        };
        match self.adjustable(&m).and_then(|i| {
            if tip < 0 {
                Err(("FAIL", "the tip must be 0.00 or more".to_owned()))
            } else {
                Ok(i)
            }
        }) {
            Err((code, why)) => {
                fx.note(format!("TIP_ADJUST refused: {why}"));
                response.success = Some(false);
                response.reason = Some(code.to_owned());
                response.message = Some(why);
            }
            Ok(i) => {
                let payment = &mut self.payments[i];
                payment.tip_amount = Some(tip);
                payment.modified_time = Some(fx.now);
                let id = payment.id.clone().unwrap_or_default();
                fx.note(format!("auth {id} tip adjusted to ${}", Cents(tip)));
                response.order_id = payment.order.as_ref().and_then(|o| o.id.clone());
                // Only payments the device still remembers (24 h) are kept: the set stays bounded.
                let known: BTreeSet<&str> = self
                    .payments
                    .iter()
                    .filter_map(|p| p.id.as_deref())
                    .collect();
                self.tabs
                    .tip_adjusted
                    .retain(|adjusted| known.contains(adjusted.as_str()));
                self.tabs.tip_adjusted.insert(id);
                response.success = Some(true);
                response.amount = Some(tip);
                self.display = Display {
                    title: "Tip adjusted".into(),
                    detail: format!("${} tip", Cents(tip)),
                };
            }
        }
        let drop = Scenario::for_amount(tip).goes_half_open();
        self.answer(fx, conn, Message::TipAdjustResponse(response), drop);
    }

    /// The remembered auth a tip adjust names, or why it cannot take one.
    fn adjustable(&self, m: &TipAdjust) -> Result<usize, Refusal> {
        if !self.config.supports_tip_adjust {
            let why = "tip adjusts are not enabled on this device (supportsTipAdjust is false)";
            return Err(("UNSUPPORTED", why.to_owned()));
        }
        let index = self.payment_index(m.payment_id.as_deref())?;
        let p = &self.payments[index];
        let id = m.payment_id.as_deref().unwrap_or_default();
        let order = p.order.as_ref().and_then(|o| o.id.as_deref());
        if let Some(asked) = m.order_id.as_deref().filter(|o| !o.is_empty())
            && order != Some(asked)
        {
            let why = format!("order {asked} is not the order of payment {id}");
            return Err(("ORDER_NOT_FOUND", why));
        }
        let closed = p.card_transaction.as_ref().and_then(|c| c.state.as_ref())
            == Some(&CardTransactionState::Closed);
        match PaymentFlavor::of(p) {
            PaymentFlavor::Auth if captured(p) => Err((
                "FAIL",
                format!("payment {id} is a captured pre-auth: its tip was set by the capture"),
            )),
            PaymentFlavor::Auth if closed => Err((
                "FAIL",
                format!("payment {id} is in a closed batch: its tip can no longer change"),
            )),
            PaymentFlavor::Auth => Ok(index),
            PaymentFlavor::PreAuth => Err((
                "FAIL",
                format!("payment {id} is a pre-auth: capture it with its tip instead"),
            )),
            _ => Err((
                "FAIL",
                format!(
                    "payment {id} is {}: only an auth takes a tip adjust",
                    describe(p)
                ),
            )),
        }
    }
}

/// Why a capture of `amount` + `tip` cannot be taken from a hold of `hold`.
fn check_capture(amount: i64, tip: i64, hold: i64) -> Result<(), Refusal> {
    if amount <= 0 {
        return Err(("FAIL", "the capture amount must be above zero".to_owned()));
    }
    if tip < 0 {
        return Err(("FAIL", "the tip must be 0.00 or more".to_owned()));
    }
    if amount > hold {
        let why = format!(
            "a capture of ${} is more than the ${} held: increment the pre-auth first",
            Cents(amount),
            Cents(hold)
        );
        return Err(("FAIL", why));
    }
    Ok(())
}

/// True for a pre-auth the device captured.
pub(super) fn captured(p: &Payment) -> bool {
    p.card_transaction.as_ref().and_then(|c| c.captured) == Some(true)
        && p.card_transaction.as_ref().and_then(|c| c.kind.as_ref())
            == Some(&CardTransactionType::Preauth)
}

/// What a payment is, for refusal messages: `a sale`, `an auth`, `VOIDED`, …
fn describe(p: &Payment) -> String {
    match PaymentFlavor::of(p) {
        PaymentFlavor::Sale => "a sale".into(),
        PaymentFlavor::Auth if captured(p) => "a captured pre-auth".into(),
        PaymentFlavor::Auth => "an auth".into(),
        PaymentFlavor::PreAuth => "a pre-auth".into(),
        PaymentFlavor::Other => p
            .result
            .as_ref()
            .map_or("in an unknown state".to_owned(), |r| r.to_string()),
    }
}
