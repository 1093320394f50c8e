//! Auths and pre-auths as open tabs (#17): where an auth or pre-auth stands for a tip adjust, a
//! capture or an increment, and the money rules checked before one is recorded (the schema's
//! triggers enforce the same rules for any writer).
//!
//! An auth's tip is the one its latest approved tip adjust set (the ledger keeps it in the
//! auth's `charged_tip`); a pre-auth's hold is its amount plus its approved increments; a
//! pre-auth is captured once its capture is approved.

use rusqlite::{Connection, params};

use super::error::{LedgerError, Result};
use super::links::CheckError;
use super::open::Ledger;
use super::payments::find;
use super::records::{NewPayment, PaymentRecord};
use super::sql::{PAYMENT_COLUMNS, payment_from_row};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

/// Where an auth or pre-auth stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    /// The auth or pre-auth.
    pub payment: PaymentRecord,
    /// For an auth: its amount before tip. For a pre-auth: the hold (amount + approved
    /// increments).
    pub amount: Cents,
    /// For an auth: its tip now (the latest approved tip adjust's). For a pre-auth: 0.
    pub tip: Cents,
    /// For a pre-auth: its approved capture.
    pub capture: Option<PaymentRecord>,
    /// Its captures, increments and tip adjusts (and any refunds or voids), oldest first.
    pub children: Vec<PaymentRecord>,
}

impl Tab {
    /// The capture, increment or tip adjust of this payment that is not final yet, if any.
    pub fn open_child(&self) -> Option<&PaymentRecord> {
        self.children.iter().find(|c| !c.state.is_final())
    }

    /// True while it waits for the cashier: an approved auth without an approved tip adjust
    /// (awaiting its tip), or an approved pre-auth not captured (awaiting capture).
    pub fn is_open(&self) -> bool {
        let p = &self.payment;
        p.state == PaymentState::Approved
            && match p.kind {
                PaymentKind::Auth => !self
                    .children
                    .iter()
                    .any(|c| c.kind == PaymentKind::TipAdjust && c.state == PaymentState::Approved),
                PaymentKind::PreAuth => self.capture.is_none(),
                _ => false,
            }
    }

    /// Why a `kind` (capture, increment or tip adjust) of `amount` with `tip` cannot be
    /// recorded, if it cannot: the message says what to do.
    pub fn refusal(&self, kind: PaymentKind, amount: Cents, tip: Cents) -> Option<String> {
        let p = &self.payment;
        let wanted = match kind {
            PaymentKind::TipAdjust => PaymentKind::Auth,
            _ => PaymentKind::PreAuth,
        };
        if p.kind != wanted {
            let what = match kind {
                PaymentKind::TipAdjust => {
                    "only an auth's tip is adjusted (ring tabs with `till auth`)"
                }
                PaymentKind::Capture => "only a pre-auth is captured (`till preauth` holds one)",
                _ => "only a pre-auth's hold is incremented (`till preauth` holds one)",
            };
            return Some(format!(
                "it is a {}, not a {}; {what}",
                p.kind.label(),
                wanted.label()
            ));
        }
        if p.state != PaymentState::Approved {
            let next = if p.state.is_final() {
                "no money was taken or held, nothing to change".to_owned()
            } else {
                "its outcome is not known yet: run `till recover` first".to_owned()
            };
            return Some(format!("it is {} ({next})", p.state));
        }
        if let Some(open) = self.open_child() {
            return Some(format!(
                "its {} {} is {} and may have been done: run `till recover` to settle it first",
                open.kind.label(),
                open.external_id,
                open.state
            ));
        }
        if let Some(c) = &self.capture {
            return Some(format!(
                "it was captured already (capture {} of {} + tip {}); a pre-auth is captured once",
                c.external_id,
                c.charged_amount.unwrap_or(c.amount),
                c.charged_tip.unwrap_or(c.tip)
            ));
        }
        match kind {
            PaymentKind::TipAdjust if tip.get() < 0 => Some(format!("the tip {tip} is negative")),
            PaymentKind::Capture | PaymentKind::Increment if amount.get() <= 0 => {
                Some(format!("the amount {amount} is not more than zero"))
            }
            PaymentKind::Capture if tip.get() < 0 => Some(format!("the tip {tip} is negative")),
            _ => None,
        }
    }
}

/// Reads the auth or pre-auth `external_id` and what acts on it, inside a transaction or not.
pub(super) fn tab_in(conn: &Connection, external_id: &str) -> rusqlite::Result<Option<Tab>> {
    let Some(payment) = find(conn, external_id)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE parent_external_id = ?1 ORDER BY id"
    ))?;
    let children = stmt
        .query_map(params![external_id], payment_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let approved = |k: PaymentKind| {
        children
            .iter()
            .filter(move |c| c.kind == k && c.state == PaymentState::Approved)
    };
    let base = payment.charged_amount.unwrap_or(payment.amount);
    let (amount, tip) = match payment.kind {
        PaymentKind::PreAuth => {
            let increments: i64 = approved(PaymentKind::Increment)
                .map(|c| c.charged_amount.unwrap_or(c.amount).get())
                .fold(0, i64::saturating_add);
            (Cents(base.get().saturating_add(increments)), Cents::ZERO)
        }
        _ => (base, payment.charged_tip.unwrap_or(payment.tip)),
    };
    let capture = approved(PaymentKind::Capture).next().cloned();
    Ok(Some(Tab {
        payment,
        amount,
        tip,
        capture,
        children,
    }))
}

/// Refuses `new` (a capture, increment or tip adjust) unless its payment allows it.
pub(super) fn check_new(conn: &Connection, new: &NewPayment) -> Result<(), CheckError> {
    let Some(parent) = new.parent.as_deref() else {
        return Ok(());
    };
    let Some(tab) = tab_in(conn, parent).map_err(CheckError::Db)? else {
        return Err(CheckError::Refused(LedgerError::NoSuchPayment {
            external_id: parent.to_owned(),
        }));
    };
    match tab.refusal(new.kind, new.amount, new.tip) {
        Some(why) => Err(CheckError::Refused(LedgerError::NotRefundable {
            kind: new.kind.label(),
            external_id: parent.to_owned(),
            why,
        })),
        None => Ok(()),
    }
}

/// Keeps an auth's tip equal to its latest approved tip adjust, in the tip adjust's
/// transaction, with an event on the auth naming the tip adjust.
pub(super) fn apply_tip_adjust(
    tx: &Connection,
    adjust: &PaymentRecord,
    now: i64,
) -> rusqlite::Result<()> {
    let Some(parent) = adjust.parent.as_deref() else {
        return Ok(());
    };
    let Some(auth) = find(tx, parent)? else {
        return Ok(());
    };
    if adjust.kind != PaymentKind::TipAdjust
        || adjust.state != PaymentState::Approved
        || auth.kind != PaymentKind::Auth
    {
        return Ok(());
    }
    let tip = adjust.charged_tip.unwrap_or(adjust.tip);
    let now = now.max(auth.updated_ms);
    tx.execute(
        "UPDATE payments SET charged_tip = ?2, updated_ms = ?3 WHERE external_id = ?1",
        params![parent, tip, now],
    )?;
    let detail = format!(
        "tip set to {tip} by tip adjust {} (was {})",
        adjust.external_id,
        auth.charged_tip.unwrap_or(auth.tip)
    );
    let cause = format!("tip_adjust {}", adjust.external_id);
    super::events::append_conn(
        tx,
        &super::events::NewEvent {
            external_id: parent,
            at_ms: now,
            from: Some(auth.state),
            to: auth.state,
            cause: &cause,
            detail: &detail,
            correction: false,
        },
    )?;
    Ok(())
}

/// Copies the card's brand and last four digits of the payment a capture, increment or tip
/// adjust acts on onto it, so that the report counts a capture under its card.
pub(super) fn copy_card(tx: &Connection, new: &NewPayment) -> rusqlite::Result<()> {
    if !new.kind.is_adjustment() {
        return Ok(());
    }
    tx.execute(
        "UPDATE payments SET \
           card_brand = (SELECT card_brand FROM payments WHERE external_id = ?2), \
           last4 = (SELECT last4 FROM payments WHERE external_id = ?2), \
           order_id = (SELECT order_id FROM payments WHERE external_id = ?2) \
         WHERE external_id = ?1",
        params![new.external_id, new.parent],
    )?;
    Ok(())
}

impl Ledger {
    /// The auth or pre-auth `external_id` with what acts on it.
    pub fn tab(&self, external_id: &str) -> Result<Tab> {
        tab_in(&self.conn(), external_id)
            .map_err(self.db_error("look up an auth"))?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })
    }

    /// The open tabs, oldest first: approved auths awaiting their tip and approved pre-auths
    /// awaiting capture.
    pub fn open_tabs(&self) -> Result<Vec<Tab>> {
        let conn = self.conn();
        let read = self.db_error("list the open tabs");
        let ids: Vec<String> = conn
            .prepare_cached(
                "SELECT external_id FROM payments WHERE kind IN ('auth', 'preauth') \
                 AND state = 'approved' ORDER BY id",
            )
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(&read)?;
        let mut tabs = Vec::new();
        for id in ids {
            if let Some(t) = tab_in(&conn, &id).map_err(&read)?
                && t.is_open()
            {
                tabs.push(t);
            }
        }
        Ok(tabs)
    }
}
