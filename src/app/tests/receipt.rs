//! Table tests of the receipt box (`p` on the result of the sale just rung and on a history
//! row) and of the item field's help bar.

use super::*;
use crate::app::screens::{self, Field, Key, Screen};
use crate::ledger::{HistoryCursor, OrderRecord, PaymentRecord};
use crate::order::{Catalog, Percent};
use crate::payment::PaymentKind;
use crate::receipt::Receipt;

fn ready() -> State {
    let mut s = State::new(AppSettings {
        receipt_merchant: "Corner Bakery".into(),
        ..AppSettings::default()
    });
    s.desk.catalog = Catalog::from_toml(
        include_str!("../../../assets/catalog.toml"),
        "assets/catalog.toml",
    )
    .unwrap();
    s.desk.tax_rate = Percent::parse("10").unwrap();
    s.ui.next_external_id = "EXTRECEIPT1".into();
    update(
        &mut s,
        Event::Device(DeviceInput::Ready(DeviceInfo::default())),
    );
    s
}

fn key(s: &mut State, k: Key) -> Vec<Effect> {
    update(s, Event::Key(k))
}

fn bar(s: &State) -> Vec<(&'static str, &'static str)> {
    screens::keymap(s)
}

/// The ledger's record of an approved sale of `order`.
fn receipt(external_id: &str, order: Option<OrderRecord>) -> Receipt {
    let amount = order.as_ref().map_or(Cents(500), |o| o.total);
    Receipt {
        payment: PaymentRecord {
            cursor: HistoryCursor::default(),
            external_id: external_id.into(),
            device: "dev".into(),
            kind: PaymentKind::Sale,
            parent: None,
            amount,
            tip: Cents::ZERO,
            tax: order.as_ref().map_or(Cents::ZERO, |o| o.tax),
            state: crate::payment::PaymentState::Approved,
            device_payment_id: None,
            order_id: None,
            card_brand: Some("VISA".into()),
            last4: Some("4242".into()),
            auth_code: Some("OK1234".into()),
            charged_amount: Some(amount),
            charged_tip: None,
            result: None,
            reason: None,
            message: None,
            partial: false,
            created_ms: 0,
            updated_ms: 0,
        },
        order,
        children: Vec::new(),
    }
}

#[test]
fn the_item_field_shows_its_own_keys() {
    let mut s = ready();
    assert!(bar(&s).contains(&("i", "items")));
    key(&mut s, Key::Char('i'));
    assert_eq!(s.ui.field, Field::Item);
    let keys: Vec<&str> = bar(&s).iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        ["+/-", "type", "Enter", "Bksp", "↑↓", "Esc"],
        "{:?}",
        bar(&s)
    );
    // What the bar says is what the keys do: `q` is typed, not quit.
    key(&mut s, Key::Char('q'));
    assert_eq!(s.ui.item, "q");
    assert!(!s.quit);
    key(&mut s, Key::Esc);
    key(&mut s, Key::Esc);
    assert_eq!(s.ui.field, Field::Amount);
    assert!(bar(&s).contains(&("0-9 .", "amount")));
}

#[test]
fn p_on_the_result_shows_the_receipt_of_the_sale_just_rung() {
    let mut s = ready();
    key(&mut s, Key::Char('i'));
    for code in ["1001", "1002"] {
        for c in code.chars() {
            key(&mut s, Key::Char(c));
        }
        key(&mut s, Key::Enter);
    }
    let order = OrderRecord::of(&s.desk.order).unwrap();
    key(&mut s, Key::Enter); // charge
    update(
        &mut s,
        Event::Device(DeviceInput::TxStartResponse {
            result: TxStartResponseResult::Success,
            external_id: Some("EXTRECEIPT1".into()),
            message: None,
        }),
    );
    let paid = Payment {
        id: Some("PAY1".into()),
        external_payment_id: Some("EXTRECEIPT1".into()),
        amount: Some(order.total.get()),
        tax_amount: Some(order.tax.get()),
        result: Some(PaymentResult::Success),
        ..Payment::default()
    };
    update(
        &mut s,
        Event::Device(DeviceInput::FinishOk {
            payment: Some(paid),
            request_info: Some(RequestInfo::Sale),
        }),
    );
    assert_eq!(s.ui.screen, Screen::Result);
    assert!(bar(&s).contains(&("p", "receipt")), "{:?}", bar(&s));
    let fx = key(&mut s, Key::Char('p'));
    assert_eq!(fx, vec![Effect::LoadReceipt("EXTRECEIPT1".into())]);
    assert!(s.ui.receipt().unwrap().lines()[0].contains("Reading"));
    assert_eq!(
        bar(&s),
        [("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("Esc", "close")]
    );
    update(
        &mut s,
        Event::Receipt(Ok(Box::new(receipt("EXTRECEIPT1", Some(order))))),
    );
    let view = s.ui.receipt().cloned().unwrap();
    let text = view.lines().join("\n");
    for needle in [
        "Corner Bakery",
        "Coffee",
        "Bagel",
        "VISA ending 4242",
        "EXTRECEIPT1",
    ] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
    // Scrolling stays within the receipt; other keys do nothing while it is open.
    for _ in 0..200 {
        key(&mut s, Key::Down);
    }
    let last = view.lines().len() as u16 - 1;
    assert_eq!(s.ui.receipt().unwrap().scroll, last);
    key(&mut s, Key::PageUp);
    assert_eq!(s.ui.receipt().unwrap().scroll, last - 10);
    assert!(key(&mut s, Key::Char('r')).is_empty());
    assert_eq!(s.ui.screen, Screen::Result);
    key(&mut s, Key::Esc);
    assert!(s.ui.receipt().is_none());
    assert_eq!(s.ui.screen, Screen::Result, "Esc closed the box only");
}

#[test]
fn p_in_the_history_shows_the_selected_payments_receipt_or_why_not() {
    let mut s = ready();
    s.ui.screen = Screen::History;
    s.ui.history = ["OLDER1", "OLDER2"]
        .iter()
        .map(|id| screens::HistoryRow {
            external_id: (*id).into(),
            created_ms: 0,
            amount: Cents(500),
            state: crate::payment::PaymentState::Approved,
            card: String::new(),
            items: None,
        })
        .collect();
    s.ui.history_total = 2;
    key(&mut s, Key::Down);
    assert!(bar(&s).contains(&("p", "receipt")));
    let fx = key(&mut s, Key::Char('p'));
    assert_eq!(fx, vec![Effect::LoadReceipt("OLDER2".into())]);
    update(
        &mut s,
        Event::Receipt(Err(crate::ledger::LedgerReadError::NotFound {
            external_id: "OLDER2".into(),
        })),
    );
    let lines = s.ui.receipt().unwrap().lines();
    assert_eq!(lines, ["No receipt: payment OLDER2 is not in the ledger"]);
    key(&mut s, Key::Enter);
    assert!(s.ui.receipt().is_none());
    // A quick-amount sale's receipt has no lines, only the amount.
    key(&mut s, Key::Char('p'));
    update(
        &mut s,
        Event::Receipt(Ok(Box::new(receipt("OLDER2", None)))),
    );
    let text = s.ui.receipt().unwrap().lines().join("\n");
    assert!(
        text.contains("Amount                              5.00"),
        "{text}"
    );
    // An answer for another payment is not shown as this one's.
    update(&mut s, Event::Receipt(Ok(Box::new(receipt("OTHER", None)))));
    let text = s.ui.receipt().unwrap().lines().join("\n");
    assert!(text.starts_with("No receipt"), "{text}");
    // Read-only (another till holds the data directory): the receipt is a read, and Esc closes it.
    s.ui.read_only = Some("another till".into());
    key(&mut s, Key::Esc);
    assert!(s.ui.receipt().is_none());
    assert_eq!(s.ui.screen, Screen::History);
}

#[test]
fn p_in_the_receipt_box_prints_it_on_the_device() {
    let mut s = ready();
    s.now_ms = 1_796_133_900_000;
    s.ui.screen = Screen::Result;
    s.last_outcome = Some(Outcome {
        external_id: "EXTRECEIPT1".into(),
        state: crate::payment::PaymentState::Approved,
        amount: Cents(500),
        tip: None,
        tax: None,
        facts: Default::default(),
        message: String::new(),
    });
    key(&mut s, Key::Char('p'));
    assert!(
        !bar(&s).contains(&("P", "print on device")),
        "not before it is read"
    );
    update(
        &mut s,
        Event::Receipt(Ok(Box::new(receipt("EXTRECEIPT1", None)))),
    );
    assert!(bar(&s).contains(&("P", "print on device")), "{:?}", bar(&s));
    let fx = key(&mut s, Key::Char('P'));
    let printed = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(DeviceCommand::PrintText { lines, job_id }) => {
                Some((lines.clone(), job_id.clone()))
            }
            _ => None,
        })
        .expect("PRINT_TEXT");
    let shown = s.ui.receipt().unwrap().lines();
    assert_eq!(printed.0, shown, "the device prints what the box shows");
    assert!(
        printed.1.len() <= 32 && printed.1.ends_with("-1796133900000"),
        "{}",
        printed.1
    );
    assert!(fx.contains(&Effect::Send(DeviceCommand::PrintJobStatus(
        printed.1.clone()
    ))));
    // While queued, P asks again; once done, the box says so.
    update(
        &mut s,
        Event::Device(DeviceInput::PrintJobStatus {
            job_id: Some(printed.1.clone()),
            status: "IN_QUEUE".into(),
        }),
    );
    let fx = key(&mut s, Key::Char('P'));
    assert_eq!(
        fx,
        vec![Effect::Send(DeviceCommand::PrintJobStatus(
            printed.1.clone()
        ))]
    );
    update(
        &mut s,
        Event::Device(DeviceInput::PrintJobStatus {
            job_id: Some(printed.1.clone()),
            status: "DONE".into(),
        }),
    );
    assert_eq!(
        s.print_job.as_ref().unwrap().state,
        crate::app::printing::PrintState::Done
    );
    // A read-only till never prints.
    s.ui.read_only = Some("another till".into());
    assert!(key(&mut s, Key::Char('P')).is_empty());
    assert!(!bar(&s).contains(&("P", "print on device")));
}
