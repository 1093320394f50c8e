//! Auths, pre-auths, captures, increments, tip adjusts and closeouts (#17) in a real ledger
//! file: linked to their payment, recorded `created` before anything is sent, and the money
//! rules enforced by the ledger itself (the API and the schema's triggers): a pre-auth captured
//! at most once, increments only of an open pre-auth, tip adjusts only of an approved auth, one
//! open transaction per device whatever its kind (closeouts included); and a ledger of the
//! previous schema upgraded in place.

use till::ledger::{Ledger, LedgerError, NewPayment, PaymentUpdate};

use till::payment::{Batch, CloseoutState, PaymentKind, PaymentState};
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

fn charged(amount: i64, tip: i64) -> PaymentUpdate {
    PaymentUpdate {
        charged_amount: Some(Cents(amount)),
        charged_tip: Some(Cents(tip)),
        card_brand: Some("VISA".into()),
        last4: Some("4242".into()),
        ..PaymentUpdate::default()
    }
}

fn approved(ledger: &Ledger, new: NewPayment) {
    let (id, amount) = (new.external_id.clone(), new.amount.get());
    ledger.create_payment(new).unwrap();
    finish(ledger, &id, Approved, charged(amount, 0));
}

fn refused(result: Result<till::ledger::PaymentRecord, LedgerError>) -> String {
    match result {
        Err(LedgerError::NotRefundable { why, .. }) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_preauth_is_captured_once_and_incremented_only_while_open() {
    let (_tmp, ledger) = open();
    approved(&ledger, NewPayment::preauth("P1", DEV, Cents(5000)));
    // Increment the hold by 10.00: the tab's hold is 60.00.
    ledger
        .create_payment(NewPayment::increment("I1", DEV, "P1", Cents(1000)))
        .unwrap();
    finish(&ledger, "I1", Approved, PaymentUpdate::default());
    let tab = ledger.tab("P1").unwrap();
    assert_eq!(tab.amount, Cents(6000));
    assert!(tab.is_open());
    assert_eq!(ledger.open_tabs().unwrap().len(), 1);

    // A capture while another one is open is refused; the first is approved.
    ledger
        .create_payment(NewPayment::capture(
            "C1",
            DEV,
            "P1",
            Cents(5500),
            Cents(800),
        ))
        .unwrap();
    let err = ledger
        .create_payment(NewPayment::capture(
            "C2",
            "dev-b",
            "P1",
            Cents(5500),
            Cents(0),
        ))
        .unwrap_err();
    assert!(matches!(err, LedgerError::NotRefundable { .. }), "{err:?}");
    finish(&ledger, "C1", Approved, charged(5500, 800));
    let capture = ledger.get("C1").unwrap().unwrap();
    assert_eq!(
        capture.card_brand.as_deref(),
        Some("VISA"),
        "the card of its pre-auth"
    );

    // Captured: never again, never incremented, no longer an open tab.
    let why =
        refused(ledger.create_payment(NewPayment::capture("C3", DEV, "P1", Cents(100), Cents(0))));
    assert!(why.contains("captured already"), "{why}");
    let why = refused(ledger.create_payment(NewPayment::increment("I2", DEV, "P1", Cents(100))));
    assert!(why.contains("captured already"), "{why}");
    assert!(ledger.open_tabs().unwrap().is_empty());
    assert_eq!(ledger.get("C3").unwrap(), None, "nothing recorded");

    // A declined capture leaves the pre-auth open for another.
    approved(&ledger, NewPayment::preauth("P2", DEV, Cents(2000)));
    ledger
        .create_payment(NewPayment::capture("C4", DEV, "P2", Cents(9000), Cents(0)))
        .unwrap();
    finish(&ledger, "C4", Declined, PaymentUpdate::default());
    ledger
        .create_payment(NewPayment::capture("C5", DEV, "P2", Cents(2000), Cents(0)))
        .unwrap();
}

#[test]
fn only_what_a_kind_allows_acts_on_a_payment() {
    let (_tmp, ledger) = open();
    approved(&ledger, NewPayment::sale("S1", DEV, Cents(1000)));
    approved(&ledger, NewPayment::auth("A1", DEV, Cents(1000)));
    approved(&ledger, NewPayment::preauth("P1", DEV, Cents(1000)));
    ledger
        .create_payment(NewPayment::auth("A2", DEV, Cents(1000)))
        .unwrap();
    finish(&ledger, "A2", Declined, PaymentUpdate::default());

    let cases = [
        (
            "tip adjust of a sale",
            NewPayment::tip_adjust("X1", DEV, "S1", Cents(1000), Cents(100)),
            "only an auth",
        ),
        (
            "tip adjust of a pre-auth",
            NewPayment::tip_adjust("X2", DEV, "P1", Cents(1000), Cents(100)),
            "only an auth",
        ),
        (
            "tip adjust of a declined auth",
            NewPayment::tip_adjust("X3", DEV, "A2", Cents(1000), Cents(100)),
            "declined",
        ),
        (
            "capture of an auth",
            NewPayment::capture("X4", DEV, "A1", Cents(1000), Cents(0)),
            "only a pre-auth",
        ),
        (
            "capture of a sale",
            NewPayment::capture("X5", DEV, "S1", Cents(1000), Cents(0)),
            "only a pre-auth",
        ),
        (
            "increment of a sale",
            NewPayment::increment("X6", DEV, "S1", Cents(10)),
            "only a pre-auth",
        ),
        (
            "refund of an auth",
            NewPayment::refund("X7", DEV, "A1", Cents(10)),
            "only a sale",
        ),
        (
            "capture of zero",
            NewPayment::capture("X8", DEV, "P1", Cents(0), Cents(0)),
            "",
        ),
    ];
    for (what, new, says) in cases {
        let err = ledger.create_payment(new).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(
                err,
                LedgerError::NotRefundable { .. } | LedgerError::InvalidField { .. }
            ),
            "{what}: {err:?}"
        );
        assert!(text.contains(says), "{what}: {text}");
    }
    let err = ledger
        .create_payment(NewPayment::tip_adjust(
            "X9",
            DEV,
            "NOPE",
            Cents(1000),
            Cents(1),
        ))
        .unwrap_err();
    assert!(matches!(err, LedgerError::NoSuchPayment { .. }), "{err:?}");
    assert_eq!(ledger.count().unwrap(), 4, "nothing recorded");
}

#[test]
fn a_tip_adjust_sets_the_auths_tip_and_closes_its_tab() {
    let (_tmp, ledger) = open();
    approved(&ledger, NewPayment::auth("A1", DEV, Cents(2000)));
    assert_eq!(ledger.open_tabs().unwrap().len(), 1);
    ledger
        .create_payment(NewPayment::tip_adjust(
            "T1",
            DEV,
            "A1",
            Cents(2000),
            Cents(300),
        ))
        .unwrap();
    // While it is open nothing else acts on the auth, and the device has an open transaction.
    let why = refused(ledger.create_payment(NewPayment::tip_adjust(
        "T2",
        "dev-b",
        "A1",
        Cents(2000),
        Cents(400),
    )));
    assert!(why.contains("run `till recover`"), "{why}");
    let err = ledger
        .create_payment(NewPayment::sale("S9", DEV, Cents(100)))
        .unwrap_err();
    assert!(matches!(err, LedgerError::PendingPayment { .. }), "{err:?}");
    finish(&ledger, "T1", Approved, PaymentUpdate::default());
    let auth = ledger.get("A1").unwrap().unwrap();
    assert_eq!(auth.charged_tip, Some(Cents(300)));
    assert_eq!(auth.state, Approved);
    assert!(ledger.open_tabs().unwrap().is_empty());
    let events = ledger.events("A1").unwrap();
    assert!(events.last().unwrap().cause.contains("T1"), "{events:?}");
    ledger.check().unwrap();

    // A second adjust replaces the tip (TIP_ADJUST sets it, it does not add).
    ledger
        .create_payment(NewPayment::tip_adjust(
            "T3",
            DEV,
            "A1",
            Cents(2000),
            Cents(500),
        ))
        .unwrap();
    finish(&ledger, "T3", Approved, PaymentUpdate::default());
    assert_eq!(ledger.tab("A1").unwrap().tip, Cents(500));

    // The report counts the auth with its tip once.
    let r = ledger.report(None, None).unwrap();
    assert_eq!(r.payments.count, 1);
    assert_eq!(r.tips, Cents(500));
    assert_eq!(r.net, Cents(2500));
}

#[test]
fn closeouts_are_recorded_and_exclusive_with_payments() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::auth("A1", DEV, Cents(100)))
        .unwrap();
    let err = ledger.create_closeout("K1", DEV, false).unwrap_err();
    assert!(matches!(err, LedgerError::PendingPayment { .. }), "{err:?}");
    finish(&ledger, "A1", Approved, charged(100, 0));

    let k = ledger.create_closeout("K1", DEV, true).unwrap();
    assert_eq!(k.state, CloseoutState::Created);
    let err = ledger
        .create_payment(NewPayment::sale("S1", DEV, Cents(100)))
        .unwrap_err();
    assert!(matches!(err, LedgerError::CloseoutOpen { .. }), "{err:?}");
    let err = ledger.create_closeout("K2", DEV, true).unwrap_err();
    assert!(matches!(err, LedgerError::CloseoutOpen { .. }), "{err:?}");
    // Another device is free.
    ledger
        .create_payment(NewPayment::sale("S2", "dev-b", Cents(100)))
        .unwrap();

    ledger
        .update_closeout("K1", CloseoutState::Sent, &Batch::default(), None)
        .unwrap();
    let batch = Batch {
        id: Some("B-1".into()),
        count: Some(1),
        total: Some(Cents(100)),
        state: Some("CLOSED".into()),
    };
    ledger
        .update_closeout("K1", CloseoutState::Closed, &batch, Some("closed"))
        .unwrap();
    assert!(
        ledger
            .update_closeout("K1", CloseoutState::Unknown, &Batch::default(), None)
            .is_err()
    );
    let k = ledger.closeout("K1").unwrap().unwrap();
    assert_eq!((k.state, k.batch), (CloseoutState::Closed, batch));
    ledger
        .create_payment(NewPayment::sale("S3", DEV, Cents(100)))
        .unwrap();
    let r = ledger.report(None, None).unwrap();
    assert_eq!(r.closeouts.len(), 1);
    assert_eq!(r.closeouts[0].batch.id.as_deref(), Some("B-1"));
}

#[test]
fn the_schema_enforces_the_rules_for_any_writer() {
    let (tmp, ledger) = open();
    approved(&ledger, NewPayment::sale("S1", DEV, Cents(500)));
    approved(&ledger, NewPayment::auth("A1", DEV, Cents(500)));
    approved(&ledger, NewPayment::preauth("P1", DEV, Cents(500)));
    ledger
        .create_payment(NewPayment::capture("C1", DEV, "P1", Cents(500), Cents(0)))
        .unwrap();
    finish(&ledger, "C1", Approved, PaymentUpdate::default());
    approved(&ledger, NewPayment::preauth("P2", DEV, Cents(500)));
    drop(ledger);
    let conn = rusqlite::Connection::open(tmp.path().join(till::ledger::DB_FILE)).unwrap();
    let insert = |id: &str, kind: &str, parent: Option<&str>| {
        conn.execute(
            "INSERT INTO payments (external_id, device, kind, amount, tip, tax, state, created_ms, \
             updated_ms, parent_external_id) VALUES (?1, 'dev-z', ?2, 100, 0, 0, 'declined', 1, 1, ?3)",
            rusqlite::params![id, kind, parent],
        )
    };
    for (what, id, kind, parent) in [
        ("second capture", "Z1", "capture", Some("P1")),
        (
            "increment of a captured pre-auth",
            "Z2",
            "increment",
            Some("P1"),
        ),
        ("tip adjust of a sale", "Z3", "tip_adjust", Some("S1")),
        ("capture of an auth", "Z4", "capture", Some("A1")),
        ("capture without a pre-auth", "Z5", "capture", None),
        ("auth naming a payment", "Z6", "auth", Some("S1")),
        ("void of an auth", "Z7", "void", Some("A1")),
    ] {
        assert!(insert(id, kind, parent).is_err(), "{what} was accepted");
    }
    insert("Z8", "capture", Some("P2")).unwrap();
    insert("Z9", "tip_adjust", Some("A1")).unwrap();
    conn.execute(
        "INSERT INTO closeouts (request_id, device, allow_open_tabs, state, created_ms, updated_ms) \
         VALUES ('K1', 'dev-q', 0, 'created', 1, 1)",
        [],
    )
    .unwrap();
    assert!(
        conn.execute(
            "INSERT INTO payments (external_id, device, kind, amount, tip, tax, state, created_ms, \
             updated_ms) VALUES ('Q1', 'dev-q', 'sale', 100, 0, 0, 'created', 1, 1)",
            [],
        )
        .is_err(),
        "a payment beside an open closeout"
    );
    assert!(conn.execute("DELETE FROM closeouts", []).is_err());
}

#[test]
fn a_ledger_of_the_previous_schema_is_upgraded_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(tmp.path()).unwrap();
    approved(&ledger, NewPayment::sale("OLD1", DEV, Cents(700)));
    drop(ledger);
    // Take the file back to the schema before this one: what a till of the previous release
    // left (no closeouts table, the V4 triggers).
    {
        let conn = rusqlite::Connection::open(tmp.path().join(till::ledger::DB_FILE)).unwrap();
        conn.execute_batch(
            "DROP TABLE closeouts;
             DROP TRIGGER payments_capture_of_preauth;
             DROP TRIGGER payments_capture_once;
             DROP TRIGGER payments_tip_adjust_of_auth;
             DROP TRIGGER payments_no_open_closeout;
             DROP TRIGGER payments_kind_known;
             CREATE TRIGGER payments_kind_known BEFORE INSERT ON payments
             WHEN NEW.kind NOT IN ('sale', 'refund', 'void', 'credit')
             BEGIN SELECT RAISE(ABORT, 'old'); END;
             DROP TRIGGER payments_link_by_kind;
             CREATE TRIGGER payments_link_by_kind BEFORE INSERT ON payments
             WHEN (NEW.kind IN ('refund', 'void')) <> (NEW.parent_external_id IS NOT NULL)
             BEGIN SELECT RAISE(ABORT, 'old'); END;
             DROP TRIGGER payments_parent_approved;
             CREATE TRIGGER payments_parent_approved BEFORE INSERT ON payments
             WHEN NEW.parent_external_id IS NOT NULL AND coalesce((SELECT kind = 'sale' AND
                 state = 'approved' FROM payments WHERE external_id = NEW.parent_external_id), 0) = 0
             BEGIN SELECT RAISE(ABORT, 'old'); END;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", till::ledger::SCHEMA_VERSION - 1)
            .unwrap();
    }
    let ledger = Ledger::open(tmp.path()).unwrap();
    assert_eq!(ledger.get("OLD1").unwrap().unwrap().state, Approved);
    approved(&ledger, NewPayment::auth("A1", DEV, Cents(100)));
    ledger
        .create_payment(NewPayment::tip_adjust(
            "T1",
            DEV,
            "A1",
            Cents(100),
            Cents(20),
        ))
        .unwrap();
    assert_eq!(
        ledger.get("T1").unwrap().unwrap().kind,
        PaymentKind::TipAdjust
    );
    ledger.check().unwrap();
}
