//! Table tests of the order on the sale screen: keys in, order and SHOW_ORDER_SCREEN effects out.

use super::*;
use crate::app::screens::{Field, Key};
use crate::order::{Catalog, Percent};
use crate::protocol::display::OrderUpdate;

const CATALOG: &str = r#"
[[item]]
code = "1001"
name = "Coffee"
price = "3.50"

[[item]]
code = "1002"
name = "Bagel"
price = "2.25"

[[item]]
code = "1003"
name = "Paper"
price = "1.50"
tax_rate = "0"
"#;

fn ready() -> State {
    let mut s = State::new(AppSettings::default());
    s.desk.catalog = Catalog::from_toml(CATALOG, "catalog.toml").unwrap();
    s.desk.tax_rate = Percent::parse("10").unwrap();
    s.desk.title = Some("Till Cafe".into());
    s.ui.next_external_id = "EXTORDER1".into();
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo::default())),
    );
    s
}

fn keys(s: &mut State, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(update(s, Event::Key(Key::Char(c))));
    }
    fx
}

fn key(s: &mut State, k: Key) -> Vec<Effect> {
    update(s, Event::Key(k))
}

/// Types `text` in the item field and presses Enter (what a scanner does).
fn scan(s: &mut State, text: &str) -> Vec<Effect> {
    if s.ui.field != Field::Item {
        key(s, Key::Char('i'));
    }
    let mut fx = keys(s, text);
    fx.extend(key(s, Key::Enter));
    fx
}

fn updates(fx: &[Effect]) -> Vec<&OrderUpdate> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(DeviceCommand::ShowOrder(u)) => Some(u),
            _ => None,
        })
        .collect()
}

/// The operation of the one SHOW_ORDER_SCREEN in `fx`, as `kind:ids`.
fn op(fx: &[Effect]) -> String {
    let u = updates(fx);
    assert_eq!(u.len(), 1, "one SHOW_ORDER_SCREEN in {fx:?}");
    let u = u[0];
    let ids = |o: &Option<display::IdsOperation>| {
        o.as_ref()
            .and_then(|o| o.ids.as_ref())
            .map(|e| e.0.join(","))
    };
    if let Some(i) = ids(&u.line_items_added_operation) {
        return format!("linesAdded:{i}");
    }
    if let Some(i) = ids(&u.line_items_deleted_operation) {
        return format!("linesDeleted:{i}");
    }
    if let Some(i) = ids(&u.discounts_added_operation) {
        return format!("discountsAdded:{i}");
    }
    if let Some(i) = ids(&u.discounts_deleted_operation) {
        return format!("discountsDeleted:{i}");
    }
    if let Some(o) = &u.order_deleted_operation {
        return format!("orderDeleted:{}", o.id.clone().unwrap_or_default());
    }
    "order".into()
}

fn total_text(fx: &[Effect]) -> String {
    updates(fx)[0]
        .order
        .as_ref()
        .and_then(|o| o.total.clone())
        .unwrap_or_default()
}

#[test]
fn each_edit_sends_its_own_operation_and_the_totals_follow() {
    let mut s = ready();
    // (entry or key, operation sent, display total)
    let fx = scan(&mut s, "1001");
    assert_eq!(
        (op(&fx), total_text(&fx)),
        ("linesAdded:L1".into(), "$3.85".into())
    );
    let fx = scan(&mut s, "1002");
    assert_eq!(
        (op(&fx), total_text(&fx)),
        ("linesAdded:L2".into(), "$6.33".into())
    );
    let fx = scan(&mut s, "Tea=2.00x3");
    assert_eq!(
        (op(&fx), total_text(&fx)),
        ("linesAdded:L3".into(), "$12.93".into())
    );
    // Quantity: + on the selected (last added) line; no operation exists for an edit in place.
    let fx = key(&mut s, Key::Char('+'));
    assert_eq!(
        (op(&fx), total_text(&fx)),
        ("order".into(), "$15.13".into())
    );
    assert_eq!(s.desk.order.lines()[2].quantity, 4);
    let fx = key(&mut s, Key::Char('-'));
    assert_eq!(op(&fx), "order");
    // Remove the bagel: select it and Backspace on the empty item field.
    key(&mut s, Key::Up);
    let fx = key(&mut s, Key::Backspace);
    assert_eq!(
        (op(&fx), total_text(&fx)),
        ("linesDeleted:L2".into(), "$10.45".into())
    );
    // Discounts: 10 % then 1.00 off.
    let fx = scan(&mut s, "%10");
    assert_eq!(
        (op(&fx), total_text(&fx)),
        ("discountsAdded:D1".into(), "$9.41".into())
    );
    let fx = scan(&mut s, "$1");
    assert_eq!(op(&fx), "discountsAdded:D2");
    let t = s.desk.order.totals();
    // 9.50 − 0.95 − 1.00 = 7.55; tax 10 % = 0.755 → half-up 0.76.
    assert_eq!(
        (t.subtotal, t.discount, t.tax, t.total),
        (Cents(950), Cents(195), Cents(76), Cents(831))
    );
    // Nothing the device shows carries the external id.
    assert!(!format!("{:?}", updates(&fx)).contains("EXTORDER1"));
}

#[test]
fn bad_entries_change_nothing_and_say_why() {
    let mut s = ready();
    scan(&mut s, "1001");
    let before = s.desk.clone();
    for (entry, want) in [
        ("9999", "no catalog item '9999'"),
        ("Tea=abc", "price"),
        ("Tea=1.00x0", "quantity 0"),
        ("%200", "more than 100"),
    ] {
        let fx = scan(&mut s, entry);
        assert!(updates(&fx).is_empty(), "{entry}");
        let notice = s
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        assert!(notice.contains(want), "{entry}: {notice}");
        assert_eq!(s.desk, before, "{entry}");
        // The typed text stays for correction; Esc clears it.
        assert_eq!(s.ui.item, entry);
        key(&mut s, Key::Esc);
    }
}

#[test]
fn charging_an_order_uses_its_total_and_paying_clears_the_display() {
    let mut s = ready();
    scan(&mut s, "1001");
    scan(&mut s, "1003");
    let fx = key(&mut s, Key::Enter);
    let sale = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(DeviceCommand::Sale(r)) => Some(r.clone()),
            _ => None,
        })
        .expect("a sale");
    // 3.50 at 10 % + 1.50 at 0 % = 5.00 + 0.35 tax.
    assert_eq!(sale.amount(), Cents(535));
    assert_eq!(sale.tax(), Some(Cents(35)));
    // The ledger records the order with the sale, before the sale is sent.
    let Some(Effect::Persist(LedgerOp::Create {
        order: Some(kept), ..
    })) = fx.first()
    else {
        panic!("the sale is created with its order first: {fx:?}");
    };
    let names: Vec<&str> = kept.lines.iter().map(|l| l.display_name()).collect();
    assert_eq!(names, ["Coffee", "Paper"]);
    assert_eq!(
        (kept.total, kept.tax, kept.items()),
        (Cents(535), Cents(35), 2)
    );
    assert_eq!(s.desk.order.lines().len(), 2, "kept until paid");
    dev(
        &mut s,
        DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("EXTORDER1".into()),
            message: None,
        },
    );
    let paid = Payment {
        id: Some("PAY1".into()),
        external_payment_id: Some("EXTORDER1".into()),
        amount: Some(535),
        tax_amount: Some(35),
        result: Some(PaymentResult::Success),
        ..Payment::default()
    };
    let fx = dev(
        &mut s,
        DeviceInput::FinishOk {
            payment: Some(paid),
            request_info: Some(RequestInfo::Sale),
        },
    );
    assert_eq!(op(&fx), "orderDeleted:ORDER-1");
    assert!(s.desk.order.is_empty());
    key(&mut s, Key::Enter); // result → new sale
    // The next order has a new display id.
    let fx = scan(&mut s, "1002");
    assert_eq!(
        updates(&fx)[0].order.as_ref().unwrap().id.as_deref(),
        Some("ORDER-2")
    );
}

#[test]
fn abandoning_clears_the_display_and_the_quick_path_is_unchanged() {
    let mut s = ready();
    scan(&mut s, "1001");
    key(&mut s, Key::Esc); // leave the item field
    let fx = key(&mut s, Key::Esc); // abandon the order
    assert_eq!(op(&fx), "orderDeleted:ORDER-1");
    assert!(s.desk.order.is_empty());
    // Empty order: an amount + Enter charges it as before, with no display traffic. A typed
    // amount equal to a catalog code is still an amount in the amount field.
    let mut fx = keys(&mut s, "1001");
    fx.extend(key(&mut s, Key::Enter));
    assert!(updates(&fx).is_empty());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Persist(LedgerOp::Create { order: None, .. }))),
        "a typed amount keeps no order"
    );
    let sale = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(DeviceCommand::Sale(r)) => Some(r.clone()),
            _ => None,
        })
        .expect("a sale");
    assert_eq!(sale.amount(), Cents(100100));
}
