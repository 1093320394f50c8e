//! The ledger keeps the order with its sale (schema version 5): recorded in the same transaction
//! as the sale's `created` row, read back whole, counted for the history, never changed, refused
//! when it does not add up to the sale; and a version-4 ledger file opens, migrates and keeps
//! its payments.

use std::path::Path;

use till::ledger::{DB_FILE, Ledger, LedgerError, NewPayment, OrderRecord, SCHEMA_VERSION};

use till::order::{DiscountKind, NewLine, Order, Percent};
use till::payment::PaymentState;
use till::protocol::Cents;

fn line(name: &str, code: Option<&str>, qty: u32, price: i64, rate: Option<&str>) -> NewLine {
    NewLine {
        name: Some(name.to_owned()),
        quantity: qty,
        unit_price: Cents(price),
        tax_rate: rate.map(|r| Percent::parse(r).unwrap()),
        code: code.map(str::to_owned),
    }
}

/// Coffee 2 × 3.50 and a newspaper 1.50 (untaxed) at 10 %, 10 % off.
fn order() -> Order {
    let mut o = Order::new(Percent::parse("10").unwrap());
    o.add_line(line("Coffee", Some("1001"), 2, 350, None))
        .unwrap();
    o.add_line(line("Newspaper", Some("1005"), 1, 150, Some("0")))
        .unwrap();
    o.add_discount(
        "10% off",
        DiscountKind::Percent(Percent::parse("10").unwrap()),
    )
    .unwrap();
    o
}

fn sale_for(id: &str, o: &OrderRecord) -> NewPayment {
    let mut new = NewPayment::sale(id, "dev", o.total);
    new.tax = o.tax;
    new
}

#[test]
fn a_sale_keeps_its_order_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let record = OrderRecord::of(&order()).unwrap();
    // 8.50 − 0.85 = 7.65; tax: 7.00 × 7.65/8.50 × 10 % = 0.63; total 8.28.
    assert_eq!(
        (record.subtotal, record.discount, record.tax, record.total),
        (Cents(850), Cents(85), Cents(63), Cents(828))
    );
    assert_eq!(record.discounts[0].amount, Cents(85));
    let p = ledger
        .create_payment_with_order(sale_for("ORD1", &record), Some(&record))
        .unwrap();
    assert_eq!((p.amount, p.tax), (Cents(828), Cents(63)));
    ledger
        .create_payment(NewPayment::sale("PLAIN", "dev2", Cents(500)))
        .unwrap();
    drop(ledger);

    // Read back from the file by a new handle, and by a reader.
    let ledger = Ledger::open(dir.path()).unwrap();
    let back = ledger.order("ORD1").unwrap().unwrap();
    assert_eq!(back, record);
    assert_eq!(back.lines[1].tax_rate, Percent::ZERO);
    assert_eq!(back.lines[0].tax_rate, Percent::parse("10").unwrap());
    assert_eq!(back.lines[0].code.as_deref(), Some("1001"));
    assert_eq!(back.items(), 3);
    assert!(ledger.order("PLAIN").unwrap().is_none());
    assert!(ledger.order("nothing").unwrap().is_none());
    let counts = ledger.item_counts(&["ORD1", "PLAIN", "nothing"]).unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts["ORD1"], 3);
    ledger.check().unwrap();
    drop(ledger);
    let reader = Ledger::open_read_only(dir.path()).unwrap();
    assert_eq!(reader.order("ORD1").unwrap().unwrap(), record);
}

#[test]
fn an_order_that_is_not_the_sale_is_refused_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let record = OrderRecord::of(&order()).unwrap();
    // Another amount than the order's total.
    let err = ledger
        .create_payment_with_order(NewPayment::sale("X1", "dev", Cents(999)), Some(&record))
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::InvalidField { field: "order", .. }),
        "{err}"
    );
    // A refund never carries an order.
    let mut refund = sale_for("X2", &record);
    refund.kind = till::payment::PaymentKind::Credit;
    assert!(
        ledger
            .create_payment_with_order(refund, Some(&record))
            .is_err()
    );
    // An order whose totals do not add up is refused by the schema itself, with the sale.
    let mut forged = record.clone();
    forged.subtotal = Cents(forged.subtotal.get() + 100);
    forged.total = Cents(forged.total.get() + 100);
    let err = ledger
        .create_payment_with_order(sale_for("X3", &forged), Some(&forged))
        .unwrap_err();
    assert!(err.to_string().contains("sums of its lines"), "{err}");
    assert_eq!(ledger.count().unwrap(), 0, "the sale went with its order");
    assert!(ledger.item_counts(&["X1", "X2", "X3"]).unwrap().is_empty());
}

#[test]
fn a_recorded_order_never_changes() {
    let dir = tempfile::tempdir().unwrap();
    let record = OrderRecord::of(&order()).unwrap();
    {
        let ledger = Ledger::open(dir.path()).unwrap();
        ledger
            .create_payment_with_order(sale_for("ORD1", &record), Some(&record))
            .unwrap();
    }
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    for sql in [
        "UPDATE order_lines SET quantity = 9",
        "DELETE FROM order_lines",
        "UPDATE orders SET tax = 0",
        "DELETE FROM orders",
        "UPDATE order_discounts SET amount = 0",
        "DELETE FROM order_discounts",
        "INSERT INTO order_lines (external_id, line_no, line_id, quantity, unit_price, tax_rate) \
         VALUES ('ORD1', 3, 'L9', 1, 100, 0)",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("never changes"), "{sql}: {err}");
    }
}

/// Writes a ledger file as till's schema version 4 left it (tests/fixtures/ledger_v4.sql).
fn write_v4_ledger(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    conn.execute_batch(include_str!("fixtures/ledger_v4.sql"))
        .unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 4);
}

#[test]
fn a_version_4_ledger_opens_migrates_and_keeps_its_payments() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    write_v4_ledger(&dir);

    // A reader of the old file (no writer has migrated it yet): payments, no orders, no error.
    let reader = Ledger::open_read_only(&dir).unwrap();
    assert_eq!(reader.count().unwrap(), 2);
    assert!(reader.order("OLDSALE1").unwrap().is_none());
    assert!(reader.item_counts(&["OLDSALE1"]).unwrap().is_empty());
    drop(reader);

    let ledger = Ledger::open(&dir).unwrap();
    let old = ledger.get("OLDSALE1").unwrap().unwrap();
    assert_eq!(
        (old.amount, old.state, old.last4.as_deref()),
        (Cents(1234), PaymentState::Approved, Some("4242"))
    );
    assert_eq!(ledger.events("OLDSALE1").unwrap().len(), 2);
    assert!(ledger.order("OLDSALE1").unwrap().is_none());
    // The old sale can still be refunded, and a new sale keeps its order.
    ledger
        .create_payment(NewPayment::refund("REF1", "dev", "OLDSALE1", Cents(234)))
        .unwrap();
    let record = OrderRecord::of(&order()).unwrap();
    ledger
        .create_payment_with_order(sale_for("NEW1", &record), Some(&record))
        .unwrap_err(); // the refund is still open on device "dev"
    let mut new = sale_for("NEW1", &record);
    new.device = "dev2".into();
    ledger
        .create_payment_with_order(new, Some(&record))
        .unwrap();
    assert_eq!(ledger.order("NEW1").unwrap().unwrap(), record);
    ledger.check().unwrap();
    drop(ledger);
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
}

/// What the TUI reads through its ledger port: the history row's item count, the order under
/// the payment's events, and the receipt (also through the read-only port).
#[test]
fn the_tui_ledger_port_reads_items_order_lines_and_receipts() {
    use till::app::LedgerOp;
    use till::runtime::{LedgerPort, LedgerStore, ReadOnlyLedger};
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let mut store = LedgerStore::new(ledger.clone(), "dev");
    let record = OrderRecord::of(&order()).unwrap();
    store
        .apply(&LedgerOp::Create {
            external_id: "ORD1".into(),
            device: None,
            amount: record.total,
            tip: None,
            tax: Some(record.tax),
            order: Some(record.clone()),
        })
        .unwrap();
    // An order that is not the sale's is refused, and so is the sale with it.
    let refused = store.apply(&LedgerOp::Create {
        external_id: "ORD2".into(),
        device: Some("dev2".into()),
        amount: Cents(100),
        tip: None,
        tax: None,
        order: Some(record.clone()),
    });
    assert!(refused.is_err());
    assert!(ledger.get("ORD2").unwrap().is_none());

    let (rows, _, total) = store.history_window(0, "").unwrap();
    assert_eq!((total, rows[0].items), (1, Some(3)));
    let history = store.events_at(0).unwrap();
    let lines = till::app::payment_lines::payment_lines(&history.events, history.order.as_ref());
    let text = lines.join("\n");
    for needle in [
        "Order: 3 items",
        "2 x Coffee @ 3.50 = 7.00",
        "10% off: -0.85",
        "total 8.28",
    ] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
    let receipt = store.receipt("ORD1").unwrap();
    assert_eq!(receipt.order, Some(record));
    assert_eq!(
        store.receipt("NOPE").unwrap_err(),
        till::ledger::LedgerReadError::NotFound {
            external_id: "NOPE".into()
        }
    );
    let mut reader = ReadOnlyLedger(LedgerStore::new(
        Ledger::open_read_only(dir.path()).unwrap(),
        "dev",
    ));
    assert_eq!(reader.receipt("ORD1").unwrap().payment.amount, Cents(828));
}
