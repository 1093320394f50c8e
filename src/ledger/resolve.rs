//! Resolving a payment by hand (`till resolve`, Check Payment Status): when recovery cannot
//! decide (the device is gone, the merchant dashboard was checked), an operator closes the
//! payment with a final outcome and a note, on the record. A later device answer that
//! contradicts the resolution is recorded as a conflict event, never applied silently.

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::error::{LedgerError, Result};
use super::events::{self, NewEvent};
use super::open::Ledger;
use super::records::{PaymentRecord, PaymentUpdate};
use crate::payment::PaymentState;

/// Cause of the event recording a resolution by hand.
pub const RESOLVE_CAUSE: &str = "resolve";
/// Cause of the event recovery records when it starts (see `app::recovery`).
pub const RECOVERY_CAUSE: &str = "recovery";
/// Cause of the event recording a device answer that contradicts a resolution by hand.
pub const CONFLICT_CAUSE: &str = "conflict";

/// The outcomes a payment may be resolved to by hand.
pub const RESOLVE_TO: [PaymentState; 4] = [
    PaymentState::Approved,
    PaymentState::Declined,
    PaymentState::Voided,
    PaymentState::NotFound,
];

fn has_event(conn: &Connection, external_id: &str, cause: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT 1 FROM payment_events WHERE external_id = ?1 AND cause = ?2 LIMIT 1",
    )?
    .query_row([external_id, cause], |_| Ok(()))
    .optional()
    .map(|found| found.is_some())
}

impl Ledger {
    /// Closes a payment that is not final and has had at least one recovery attempt with the
    /// final outcome `to` (approved, declined, voided or not found), recording `note` (required:
    /// who checked what) in its history. Never talks to the device.
    ///
    /// Refused, changing nothing, with [`LedgerError::AlreadyFinal`] for a final payment and with
    /// [`LedgerError::InvalidTransition`] for one recovery never tried, or another outcome.
    pub fn resolve(
        &self,
        external_id: &str,
        to: PaymentState,
        note: &str,
    ) -> Result<PaymentRecord> {
        if note.trim().is_empty() {
            return Err(LedgerError::InvalidField {
                field: "note",
                reason: "empty: say who checked what (e.g. \"approved on the Clover dashboard\")"
                    .to_owned(),
            });
        }
        let current = self
            .get(external_id)?
            .ok_or_else(|| LedgerError::NoSuchPayment {
                external_id: external_id.to_owned(),
            })?;
        let refused = |why| LedgerError::InvalidTransition {
            external_id: external_id.to_owned(),
            from: current.state,
            to,
            why,
        };
        if current.state.is_final() {
            return Err(LedgerError::AlreadyFinal {
                external_id: external_id.to_owned(),
                state: current.state,
                to,
            });
        }
        if !RESOLVE_TO.contains(&to) {
            return Err(refused(
                "a payment is resolved by hand only as approved, declined, voided or not_found",
            ));
        }
        let recovered = has_event(&self.conn(), external_id, RECOVERY_CAUSE)
            .map_err(self.db_error("read a payment's history"))?;
        if !recovered {
            return Err(refused(
                "recovery was never tried for it; run `till recover` (or Check Payment Status) \
                 first, and resolve by hand only when recovery cannot decide",
            ));
        }
        let detail = format!("resolved by hand as {}: {}", to, note.trim());
        self.transition(
            external_id,
            to,
            RESOLVE_CAUSE,
            &detail,
            PaymentUpdate::default(),
        )
    }
}

/// Inside the transaction of a refused change to a final payment: when that payment was
/// resolved by hand and the change says otherwise, records the contradiction as a conflict event
/// (the state stays as resolved). Returns whether it recorded one.
pub(super) fn record_conflict(
    tx: &Transaction<'_>,
    current: &PaymentRecord,
    to: PaymentState,
    cause: &str,
    detail: &str,
    at_ms: i64,
) -> rusqlite::Result<bool> {
    if to == current.state || !has_event(tx, &current.external_id, RESOLVE_CAUSE)? {
        return Ok(false);
    }
    let text = format!(
        "the device says {to} ({cause}: {detail}) but the payment was resolved by hand as {}; \
         check it on the Clover dashboard and correct it if the resolution was wrong",
        current.state
    );
    let event = NewEvent {
        external_id: &current.external_id,
        at_ms,
        from: Some(current.state),
        to: current.state,
        cause: CONFLICT_CAUSE,
        detail: &text,
        correction: false,
    };
    events::append(tx, &event)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::NewPayment;
    use crate::protocol::Cents;

    fn open() -> (tempfile::TempDir, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        (dir, ledger)
    }

    fn unknown(ledger: &Ledger, id: &str, recovered: bool) {
        ledger
            .create_payment(NewPayment::sale(id, format!("dev-{id}"), Cents(500)))
            .unwrap();
        ledger
            .transition(id, PaymentState::Unknown, "timeout", "", Default::default())
            .unwrap();
        if recovered {
            ledger.note(id, RECOVERY_CAUSE, "recovery started").unwrap();
        }
    }

    #[test]
    fn resolves_a_recovered_payment_with_the_note_on_record() {
        let (_dir, ledger) = open();
        unknown(&ledger, "u1", true);
        let r = ledger
            .resolve("u1", PaymentState::Approved, "seen on the dashboard")
            .unwrap();
        assert_eq!(r.state, PaymentState::Approved);
        let last = ledger.events("u1").unwrap().pop().unwrap();
        assert_eq!(last.cause, RESOLVE_CAUSE);
        assert!(last.detail.contains("seen on the dashboard"), "{last:?}");
        ledger.check().unwrap();
    }

    #[test]
    fn refuses_final_unrecovered_and_noteless_and_changes_nothing() {
        let (_dir, ledger) = open();
        unknown(&ledger, "never", false);
        unknown(&ledger, "done", true);
        ledger
            .transition(
                "done",
                PaymentState::Declined,
                "FINISH_CANCEL",
                "",
                Default::default(),
            )
            .unwrap();
        unknown(&ledger, "open", true);
        let before: Vec<_> = ["never", "done", "open"]
            .map(|id| (ledger.get(id).unwrap(), ledger.events(id).unwrap()))
            .into();
        assert!(matches!(
            ledger.resolve("done", PaymentState::Approved, "x"),
            Err(LedgerError::AlreadyFinal { .. })
        ));
        assert!(matches!(
            ledger.resolve("never", PaymentState::Approved, "x"),
            Err(LedgerError::InvalidTransition { .. })
        ));
        assert!(matches!(
            ledger.resolve("open", PaymentState::Canceled, "x"),
            Err(LedgerError::InvalidTransition { .. })
        ));
        assert!(matches!(
            ledger.resolve("open", PaymentState::Approved, "  "),
            Err(LedgerError::InvalidField { .. })
        ));
        assert!(matches!(
            ledger.resolve("nope", PaymentState::Approved, "x"),
            Err(LedgerError::NoSuchPayment { .. })
        ));
        let after: Vec<_> = ["never", "done", "open"]
            .map(|id| (ledger.get(id).unwrap(), ledger.events(id).unwrap()))
            .into();
        assert_eq!(before, after);
    }

    #[test]
    fn a_contradicting_device_answer_is_recorded_as_a_conflict() {
        let (_dir, ledger) = open();
        unknown(&ledger, "u1", true);
        ledger
            .resolve("u1", PaymentState::NotFound, "device gone")
            .unwrap();
        let err = ledger
            .transition(
                "u1",
                PaymentState::Approved,
                "FINISH_OK",
                "approved",
                Default::default(),
            )
            .unwrap_err();
        assert!(matches!(err, LedgerError::AlreadyFinal { .. }), "{err}");
        assert_eq!(
            ledger.get("u1").unwrap().unwrap().state,
            PaymentState::NotFound
        );
        let last = ledger.events("u1").unwrap().pop().unwrap();
        assert_eq!(last.cause, CONFLICT_CAUSE);
        assert!(last.detail.contains("the device says approved"), "{last:?}");
        ledger.check().unwrap();
        // An answer that agrees is no conflict.
        let n = ledger.events("u1").unwrap().len();
        let _ = ledger.transition(
            "u1",
            PaymentState::NotFound,
            "RETRIEVE_PAYMENT_RESPONSE",
            "",
            Default::default(),
        );
        assert_eq!(ledger.events("u1").unwrap().len(), n);
    }
}
