//! Refunds, voids and credits in a real ledger file: linked to their sale, recorded `created`
//! before anything is sent, and the money rules enforced by the ledger itself (the API and the
//! schema's triggers): never more refunded than charged, only approved sales, no refund of a
//! voided sale, no void of a refunded one, nothing while a refund or void is unsettled, one open
//! transaction per device whatever its kind.

use till::ledger::{Ledger, LedgerError, NewPayment, PaymentUpdate};

use till::payment::{PaymentKind, PaymentState};
use till::protocol::Cents;

use PaymentState::*;

const DEV: &str = "dev-a";

fn open() -> (tempfile::TempDir, Ledger) {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(tmp.path()).unwrap();
    (tmp, ledger)
}

fn finish(ledger: &Ledger, id: &str, to: PaymentState, update: PaymentUpdate) {
    ledger
        .transition(id, Sent, "TX_START", "sent", PaymentUpdate::default())
        .unwrap();
    ledger
        .transition(id, to, "FINISH_OK", "done", update)
        .unwrap();
}

/// An approved sale of `amount` with `tip` charged.
fn sale(ledger: &Ledger, id: &str, amount: i64, tip: i64) {
    ledger
        .create_payment(NewPayment::sale(id, DEV, Cents(amount)))
        .unwrap();
    let update = PaymentUpdate {
        charged_amount: Some(Cents(amount)),
        charged_tip: Some(Cents(tip)),
        ..PaymentUpdate::default()
    };
    finish(ledger, id, Approved, update);
}

fn refund(ledger: &Ledger, id: &str, parent: &str, amount: i64) -> Result<(), LedgerError> {
    ledger
        .create_payment(NewPayment::refund(id, DEV, parent, Cents(amount)))
        .map(drop)
}

fn state(ledger: &Ledger, id: &str) -> PaymentState {
    ledger.get(id).unwrap().unwrap().state
}

#[test]
fn refunds_up_to_the_charged_total_tip_included() {
    let (_tmp, ledger) = open();
    sale(&ledger, "S1", 1000, 200);
    let r = ledger.refundable("S1").unwrap();
    assert_eq!((r.charged, r.remainder), (Cents(1200), Cents(1200)));

    refund(&ledger, "R1", "S1", 500).unwrap();
    let rec = ledger.get("R1").unwrap().unwrap();
    assert_eq!(
        (rec.kind, rec.state, rec.parent.as_deref()),
        (PaymentKind::Refund, Created, Some("S1"))
    );
    let events = ledger.events("R1").unwrap();
    assert_eq!(events.len(), 1);
    assert!(
        events[0].detail.contains("refund of payment S1"),
        "{events:?}"
    );
    // The open refund reserves its amount and blocks any other action on the sale.
    let r = ledger.refundable("S1").unwrap();
    assert_eq!((r.refund_pending, r.remainder), (Cents(500), Cents(0)));
    finish(&ledger, "R1", Approved, PaymentUpdate::default());

    let r = ledger.refundable("S1").unwrap();
    assert_eq!((r.refunded, r.remainder), (Cents(500), Cents(700)));
    let err = refund(&ledger, "R2", "S1", 701).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, LedgerError::NotRefundable { .. }), "{err:?}");
    for needle in ["S1", "7.01", "7.00", "at most"] {
        assert!(msg.contains(needle), "{needle:?} missing from {msg}");
    }
    assert!(ledger.get("R2").unwrap().is_none());
    refund(&ledger, "R2", "S1", 700).unwrap();
    finish(&ledger, "R2", Approved, PaymentUpdate::default());
    assert_eq!(ledger.refundable("S1").unwrap().remainder, Cents::ZERO);
    assert!(refund(&ledger, "R3", "S1", 1).is_err());
    // A declined refund gives its reservation back.
    sale(&ledger, "S2", 300, 0);
    refund(&ledger, "R4", "S2", 300).unwrap();
    finish(&ledger, "R4", Declined, PaymentUpdate::default());
    assert_eq!(ledger.refundable("S2").unwrap().remainder, Cents(300));
    ledger.check().unwrap();
}

#[test]
fn only_approved_sales_are_refunded_or_voided() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("D1", DEV, Cents(500)))
        .unwrap();
    finish(&ledger, "D1", Declined, PaymentUpdate::default());
    ledger
        .create_payment(NewPayment::sale("U1", "dev-b", Cents(500)))
        .unwrap();
    ledger
        .transition("U1", Unknown, "timeout", "lost", PaymentUpdate::default())
        .unwrap();
    sale(&ledger, "S1", 500, 0);
    refund(&ledger, "R1", "S1", 100).unwrap();
    finish(&ledger, "R1", Approved, PaymentUpdate::default());
    ledger
        .create_payment(NewPayment::credit("C1", DEV, Cents(100)))
        .unwrap();
    finish(&ledger, "C1", Approved, PaymentUpdate::default());

    let cases: [(&str, NewPayment, &str); 7] = [
        (
            "declined sale",
            NewPayment::refund("X1", DEV, "D1", Cents(100)),
            "declined",
        ),
        (
            "unknown sale",
            NewPayment::refund("X2", DEV, "U1", Cents(100)),
            "till recover",
        ),
        (
            "void of unknown",
            NewPayment::void("X3", DEV, "U1", Cents(500)),
            "till recover",
        ),
        (
            "refund of a refund",
            NewPayment::refund("X4", DEV, "R1", Cents(50)),
            "not a sale",
        ),
        (
            "refund of a credit",
            NewPayment::refund("X5", DEV, "C1", Cents(50)),
            "not a sale",
        ),
        (
            "void of refunded",
            NewPayment::void("X6", DEV, "S1", Cents(500)),
            "refund the rest",
        ),
        (
            "nonexistent",
            NewPayment::refund("X7", DEV, "NOPE", Cents(50)),
            "NOPE",
        ),
    ];
    let before = ledger.count().unwrap();
    for (what, new, needle) in cases {
        let id = new.external_id.clone();
        let err = ledger.create_payment(new).unwrap_err();
        assert!(
            matches!(
                err,
                LedgerError::NotRefundable { .. } | LedgerError::NoSuchPayment { .. }
            ),
            "{what}: {err:?}"
        );
        assert!(err.to_string().contains(needle), "{what}: {err}");
        assert!(ledger.get(&id).unwrap().is_none(), "{what} was recorded");
    }
    assert_eq!(ledger.count().unwrap(), before);
}

#[test]
fn an_approved_void_voids_the_sale_and_forbids_refunds() {
    let (_tmp, ledger) = open();
    sale(&ledger, "S1", 800, 100);
    ledger
        .create_payment(NewPayment::void("V1", DEV, "S1", Cents(900)))
        .unwrap();
    // While the void is open, nothing else acts on the sale (even from another device).
    let err = ledger
        .create_payment(NewPayment::refund("R1", "dev-b", "S1", Cents(100)))
        .unwrap_err();
    assert!(err.to_string().contains("V1"), "{err}");
    ledger
        .transition("V1", Unknown, "timeout", "lost", PaymentUpdate::default())
        .unwrap();
    assert!(
        ledger
            .create_payment(NewPayment::void("V2", "dev-b", "S1", Cents(900)))
            .is_err(),
        "a second void while the first is unknown"
    );
    ledger
        .transition(
            "V1",
            Approved,
            "VOID_PAYMENT_RESPONSE",
            "voided",
            PaymentUpdate::default(),
        )
        .unwrap();
    assert_eq!(state(&ledger, "S1"), Voided);
    let last = ledger.events("S1").unwrap().pop().unwrap();
    assert!(last.correction && last.cause.contains("V1"), "{last:?}");
    let err = ledger
        .create_payment(NewPayment::refund("R2", "dev-b", "S1", Cents(100)))
        .unwrap_err();
    assert!(err.to_string().contains("voided"), "{err}");
    ledger.check().unwrap();
}

#[test]
fn one_open_transaction_per_device_whatever_its_kind() {
    let (_tmp, ledger) = open();
    sale(&ledger, "S1", 500, 0);
    ledger
        .create_payment(NewPayment::credit("C1", DEV, Cents(100)))
        .unwrap();
    for new in [
        NewPayment::sale("S2", DEV, Cents(100)),
        NewPayment::refund("R1", DEV, "S1", Cents(100)),
        NewPayment::void("V1", DEV, "S1", Cents(500)),
        NewPayment::credit("C2", DEV, Cents(100)),
    ] {
        let err = ledger.create_payment(new).unwrap_err();
        assert!(matches!(err, LedgerError::PendingPayment { .. }), "{err:?}");
    }
}

#[test]
fn the_schema_enforces_the_rules_for_any_writer() {
    let (tmp, ledger) = open();
    sale(&ledger, "S1", 500, 0);
    refund(&ledger, "R1", "S1", 200).unwrap();
    finish(&ledger, "R1", Approved, PaymentUpdate::default());
    drop(ledger);
    let conn = rusqlite::Connection::open(tmp.path().join(till::ledger::DB_FILE)).unwrap();
    let insert = |id: &str, kind: &str, parent: Option<&str>, amount: i64| {
        conn.execute(
            "INSERT INTO payments (external_id, device, kind, amount, tip, tax, state, created_ms, \
             updated_ms, parent_external_id) VALUES (?1, 'dev-z', ?2, ?3, 0, 0, 'declined', 1, 1, ?4)",
            rusqlite::params![id, kind, amount, parent],
        )
    };
    for (what, id, kind, parent, amount) in [
        ("above the remainder", "Z1", "refund", Some("S1"), 301),
        ("refund without sale", "Z2", "refund", None, 10),
        ("credit with a sale", "Z3", "credit", Some("S1"), 10),
        ("void of a refunded sale", "Z4", "void", Some("S1"), 500),
        ("refund of a refund", "Z5", "refund", Some("R1"), 10),
        ("unknown kind", "Z6", "gift", None, 10),
    ] {
        assert!(
            insert(id, kind, parent, amount).is_err(),
            "{what} was accepted"
        );
    }
    insert("Z7", "refund", Some("S1"), 300).unwrap();
    for sql in [
        "UPDATE payments SET amount = 1 WHERE external_id = 'R1'",
        "UPDATE payments SET kind = 'sale' WHERE external_id = 'R1'",
        "UPDATE payments SET parent_external_id = NULL WHERE external_id = 'R1'",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql} was accepted");
    }
}

#[test]
fn the_report_counts_refunds_voids_and_credits() {
    let (_tmp, ledger) = open();
    sale(&ledger, "S1", 1000, 200);
    refund(&ledger, "R1", "S1", 300).unwrap();
    finish(
        &ledger,
        "R1",
        Approved,
        PaymentUpdate {
            charged_amount: Some(Cents(300)),
            ..PaymentUpdate::default()
        },
    );
    sale(&ledger, "S2", 500, 0);
    ledger
        .create_payment(NewPayment::void("V2", DEV, "S2", Cents(500)))
        .unwrap();
    finish(&ledger, "V2", Approved, PaymentUpdate::default());
    ledger
        .create_payment(NewPayment::credit("C1", DEV, Cents(150)))
        .unwrap();
    finish(&ledger, "C1", Approved, PaymentUpdate::default());
    ledger
        .create_payment(NewPayment::credit("C2", DEV, Cents(99)))
        .unwrap();
    finish(&ledger, "C2", Declined, PaymentUpdate::default());

    let r = ledger.report(None, None).unwrap();
    assert_eq!((r.refunds.count, r.refunds.amount), (1, Cents(300)));
    assert_eq!((r.credits.count, r.credits.amount), (1, Cents(150)));
    assert_eq!(
        (r.voids.count, r.voids.amount),
        (1, Cents(500)),
        "the voided sale"
    );
    assert_eq!(r.payments.count, 2, "sales only");
    // Taken 12.00 (S1 with tip); given back 3.00 + 1.50.
    assert_eq!(r.net, Cents(1200 - 300 - 150));
    let rows = ledger.history(100, None).unwrap().payments;
    let by_rows = till::ledger::Report::from_rows(&rows);
    assert_eq!(
        (by_rows.refunds, by_rows.credits, by_rows.voids, by_rows.net),
        (r.refunds, r.credits, r.voids, r.net)
    );
}
