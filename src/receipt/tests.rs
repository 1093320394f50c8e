//! Snapshots of receipts (insta): a sale rung as an order, a quick-amount sale, a refunded
//! sale, a voided one, one whose outcome is unknown, a declined one and a partial approval;
//! and the rules every receipt keeps (width, card data, escapes).

use super::*;
use crate::ledger::{HistoryCursor, OrderRecord, PaymentRecord};
use crate::order::{DiscountKind, NewLine, Order, Percent};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

/// 2026-12-01 14:05:00 UTC.
const AT: i64 = 1_796_133_900_000;

fn sale(id: &str, amount: i64, state: PaymentState) -> PaymentRecord {
    PaymentRecord {
        cursor: HistoryCursor::default(),
        external_id: id.into(),
        device: "dev".into(),
        kind: PaymentKind::Sale,
        parent: None,
        amount: Cents(amount),
        tip: Cents::ZERO,
        tax: Cents::ZERO,
        state,
        device_payment_id: None,
        order_id: None,
        card_brand: None,
        last4: None,
        auth_code: None,
        charged_amount: None,
        charged_tip: None,
        result: None,
        reason: None,
        message: None,
        partial: false,
        created_ms: AT,
        updated_ms: AT + 20_000,
    }
}

fn approved(id: &str, amount: i64) -> PaymentRecord {
    PaymentRecord {
        card_brand: Some("VISA".into()),
        last4: Some("4242".into()),
        auth_code: Some("A1B2C3".into()),
        device_payment_id: Some("DMKJWJTVR3GSR".into()),
        charged_amount: Some(Cents(amount)),
        charged_tip: Some(Cents::ZERO),
        result: Some("SUCCESS".into()),
        ..sale(id, amount, PaymentState::Approved)
    }
}

fn order() -> OrderRecord {
    let mut o = Order::new(Percent::parse("10").unwrap());
    let line = |name: &str, qty, price, rate: Option<&str>| NewLine {
        name: Some(name.into()),
        quantity: qty,
        unit_price: Cents(price),
        tax_rate: rate.map(|r| Percent::parse(r).unwrap()),
        code: Some("1001".into()),
    };
    o.add_line(line("Coffee", 2, 350, None)).unwrap();
    o.add_line(line("Orange juice, freshly squeezed, large", 1, 400, None))
        .unwrap();
    o.add_line(line("Newspaper", 1, 150, Some("0"))).unwrap();
    o.add_discount(
        "10% off",
        DiscountKind::Percent(Percent::parse("10").unwrap()),
    )
    .unwrap();
    OrderRecord::of(&o).unwrap()
}

fn order_sale() -> (PaymentRecord, OrderRecord) {
    let o = order();
    let mut p = approved("3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d", o.total.get());
    p.tax = o.tax;
    p.tip = Cents(200);
    p.charged_tip = Some(Cents(200));
    (p, o)
}

fn refund(id: &str, parent: &str, amount: i64, state: PaymentState) -> PaymentRecord {
    PaymentRecord {
        kind: PaymentKind::Refund,
        parent: Some(parent.into()),
        created_ms: AT + 3_600_000,
        ..sale(id, amount, state)
    }
}

fn check(text: &str) {
    for line in text.lines() {
        assert!(line.chars().count() <= WIDTH, "too wide: {line:?}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
}

#[test]
fn sale_with_an_order() {
    let (p, o) = order_sale();
    let text = receipt_text("Corner Bakery", &p, Some(&o), &[], WIDTH);
    check(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn quick_amount_sale() {
    let mut p = approved("QUICK0001", 2000);
    p.tax = Cents(150);
    let text = receipt_text("till", &p, None, &[], WIDTH);
    check(&text);
    assert!(!text.contains("***"), "an approved sale has no mark");
    insta::assert_snapshot!(text);
}

#[test]
fn refunded_sale() {
    let (p, o) = order_sale();
    let children = [
        refund("REFUND0001", &p.external_id, 300, PaymentState::Approved),
        refund("REFUND0002", &p.external_id, 100, PaymentState::Declined),
    ];
    let text = receipt_text("Corner Bakery", &p, Some(&o), &children, WIDTH);
    check(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn voided_sale() {
    let (mut p, o) = order_sale();
    p.state = PaymentState::Voided;
    let void = PaymentRecord {
        kind: PaymentKind::Void,
        ..refund("VOID0001", &p.external_id, 1424, PaymentState::Approved)
    };
    let text = receipt_text("Corner Bakery", &p, Some(&o), &[void], WIDTH);
    check(&text);
    assert_eq!(
        text.matches("*** VOIDED ***").count(),
        2,
        "marked top and bottom"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn unknown_outcome() {
    let p = sale("UNKNOWN0001", 1234, PaymentState::Unknown);
    let text = receipt_text("Corner Bakery", &p, None, &[], WIDTH);
    check(&text);
    assert_eq!(text.matches("*** OUTCOME UNKNOWN ***").count(), 2);
    insta::assert_snapshot!(text);
}

#[test]
fn declined_and_partial() {
    let mut p = sale("DECLINED01", 1201, PaymentState::Declined);
    p.card_brand = Some("MC".into());
    p.last4 = Some("0004".into());
    let text = receipt_text("Corner Bakery", &p, None, &[], WIDTH);
    check(&text);
    assert!(text.contains("*** NOT APPROVED: DECLINED ***"), "{text}");
    assert!(text.contains("No money was taken."), "{text}");

    let mut p = approved("PARTIAL01", 2002);
    p.partial = true;
    p.charged_amount = Some(Cents(1001));
    let text = receipt_text("Corner Bakery", &p, None, &[], WIDTH);
    check(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn a_refund_receipt_names_its_sale() {
    let mut r = refund(
        "REFUND0001",
        "3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d",
        300,
        PaymentState::Approved,
    );
    r.card_brand = Some("VISA".into());
    r.last4 = Some("4242".into());
    let text = receipt_text("Corner Bakery", &r, None, &[], WIDTH);
    check(&text);
    for needle in [
        "REFUND",
        "refund of sale",
        "3f2a9c0d1b7e4f6a8c5d2e1f0a9b8c7d",
        "TOTAL REFUNDED",
        "-3.00",
    ] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
}

#[test]
fn widths_are_clamped_and_escapes_never_printed() {
    let (mut p, o) = order_sale();
    p.card_brand = Some("VISA\u{1b}[2J".into());
    for width in [0, MIN_WIDTH, 57, MAX_WIDTH, 500] {
        let text = receipt_text("Corner \u{1b}]0;x\u{7}Bakery", &p, Some(&o), &[], width);
        let w = width.clamp(MIN_WIDTH, MAX_WIDTH);
        assert!(
            text.lines().all(|l| l.chars().count() <= w),
            "{width}: {text}"
        );
        assert!(text.contains(&p.external_id), "{width}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
