//! A failed ledger read comes back through the runtime's ledger port as a typed
//! `LedgerReadError` saying what went wrong, on a real SQLite file: a stored value this till does
//! not know is `Corrupt`, a payment that is not there is `NotFound`, and a read-only ledger asked
//! for a refund offer says it is read-only. Callers match the variant, never the words.

use till::ledger::{DB_FILE, Ledger, LedgerReadError, NewPayment};
use till::protocol::Cents;
use till::runtime::{LedgerPort, LedgerStore, ReadOnlyLedger};

#[test]
fn a_damaged_row_reads_as_corrupt_and_a_missing_payment_as_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    ledger
        .create_payment(NewPayment::sale("GOOD1", "dev", Cents(1500)))
        .unwrap();
    let mut store = LedgerStore::new(ledger, "dev");
    let (rows, _, total) = store.history_window(0, "").unwrap();
    assert_eq!((rows.len(), total), (1, 1));

    // Not there: typed, with the id.
    for err in [
        store.refund_offer("NOPE").unwrap_err(),
        store.receipt("NOPE").unwrap_err(),
    ] {
        assert_eq!(
            err,
            LedgerReadError::NotFound {
                external_id: "NOPE".into()
            }
        );
    }

    // Another program writes a state this till does not know into the file.
    let raw = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    raw.execute(
        "UPDATE payments SET state = 'paid' WHERE external_id = 'GOOD1'",
        [],
    )
    .unwrap();
    drop(raw);
    let err = store.history_window(0, "").unwrap_err();
    assert!(
        matches!(err, LedgerReadError::Corrupt { .. }),
        "a state the ledger does not know is damage: {err:?}"
    );
    assert!(err.to_string().contains("paid"), "{err}");
    let err = store.external_id_used("GOOD1").unwrap_err();
    assert!(matches!(err, LedgerReadError::Corrupt { .. }), "{err:?}");
}

#[test]
fn a_read_only_ledger_offers_no_refund_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    ledger
        .create_payment(NewPayment::sale("SALE1", "dev", Cents(900)))
        .unwrap();
    drop(ledger);
    let mut reader = ReadOnlyLedger(LedgerStore::new(
        Ledger::open_read_only(dir.path()).unwrap(),
        "dev",
    ));
    let err = reader.refund_offer("SALE1").unwrap_err();
    assert_eq!(
        err,
        LedgerReadError::ReadOnly {
            external_id: "SALE1".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "payment SALE1 cannot be refunded here: this ledger is read-only"
    );
    assert!(reader.external_id_used("SALE1").unwrap());
}
