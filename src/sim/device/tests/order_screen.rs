//! The customer display and printer of the simulated device: SHOW_ORDER_SCREEN applied or
//! refused, PRINT_TEXT into the printed log, print-job status, printers, receipt options.

use super::*;
use crate::connector::display_requests as req;
use crate::order::display::{DisplayLabels, order_removed, order_update};
use crate::order::{Change, DiscountKind, NewLine, Order, Percent};
use crate::protocol::display::{IdsOperation, OrderUpdate};

fn labels() -> DisplayLabels {
    DisplayLabels {
        order_id: "O1".into(),
        title: Some("Thanks".into()),
        note: None,
        currency: "USD".into(),
    }
}

fn item(name: &str, qty: u32, price: i64) -> NewLine {
    NewLine {
        name: Some(name.into()),
        quantity: qty,
        unit_price: Cents(price),
        tax_rate: None,
        code: None,
    }
}

fn show(sim: &mut Sim, order: &Order, change: &Change) -> Vec<Output> {
    let message = req::show_order(order_update(order, &labels(), change)).unwrap();
    sim.send(1, &message)
}

#[test]
fn the_display_follows_each_operation() {
    let mut sim = Sim::manual();
    sim.ready(1);
    assert!(sim.dev.display_order_lines().is_empty());
    let mut order = Order::new(Percent::parse("10").unwrap());
    let c = order.add_line(item("Coffee", 2, 350)).unwrap();
    let out = show(&mut sim, &order, &c);
    assert_eq!(trace(&out), ["ACK", "UI DISPLAY_ORDER ENTER"]);
    let c = order.add_line(item("Bagel", 1, 225)).unwrap();
    show(&mut sim, &order, &c);
    let c = order
        .add_discount("Promo", DiscountKind::Amount(Cents(100)))
        .unwrap();
    show(&mut sim, &order, &c);
    assert_eq!(
        sim.dev.display_order_lines(),
        [
            "Thanks",
            "2 × Coffee  $7.00",
            "1 × Bagel  $2.25",
            "Promo  -$1.00",
            "Subtotal $9.25",
            "Tax $0.83",
            "Total $9.08",
        ]
    );
    let c = order.remove_line("L1").unwrap();
    show(&mut sim, &order, &c);
    assert!(
        !sim.dev
            .display_order_lines()
            .iter()
            .any(|l| l.contains("Coffee"))
    );
    let out = sim.send(
        1,
        &req::show_order(order_removed(&order, &labels())).unwrap(),
    );
    assert_eq!(trace(&out), ["ACK", "UI DISPLAY_ORDER EXIT"]);
    assert!(sim.dev.display_order_lines().is_empty());
    assert_eq!(sim.dev.screen().title, "Welcome");
}

#[test]
fn malformed_order_operations_are_refused_and_change_nothing() {
    let mut sim = Sim::manual();
    sim.ready(1);
    let mut order = Order::new(Percent::ZERO);
    let c = order.add_line(item("Coffee", 1, 350)).unwrap();
    show(&mut sim, &order, &c);
    let shown = sim.dev.display_order_lines();
    let good = order_update(&order, &labels(), &c);
    let ids = |list: &[&str], order_id: &str| IdsOperation {
        ids: Some(crate::protocol::display::Elements(
            list.iter().map(|s| (*s).to_owned()).collect(),
        )),
        order_id: Some(order_id.into()),
    };
    let cases: Vec<(&str, OrderUpdate)> = vec![
        (
            "no order",
            OrderUpdate {
                order: None,
                ..good.clone()
            },
        ),
        (
            "two operations",
            OrderUpdate {
                discounts_added_operation: Some(ids(&["D1"], "O1")),
                ..good.clone()
            },
        ),
        (
            "added id missing",
            OrderUpdate {
                line_items_added_operation: Some(ids(&["L9"], "O1")),
                ..good.clone()
            },
        ),
        (
            "deleted id still there",
            OrderUpdate {
                line_items_added_operation: None,
                line_items_deleted_operation: Some(ids(&["L1"], "O1")),
                ..good.clone()
            },
        ),
        (
            "other order",
            OrderUpdate {
                line_items_added_operation: Some(ids(&["L1"], "O2")),
                ..good.clone()
            },
        ),
        (
            "no ids",
            OrderUpdate {
                line_items_added_operation: Some(ids(&[], "O1")),
                ..good.clone()
            },
        ),
    ];
    for (name, update) in cases {
        let out = sim.send(1, &Message::ShowOrderScreen(update));
        assert_eq!(trace(&out), ["ACK", "REMOTE_ERROR"], "{name}");
        assert_eq!(sim.dev.display_order_lines(), shown, "{name}");
    }
}

#[test]
fn every_recorded_sdk_order_frame_is_accepted() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/official-js-sdk-4.1.2-order-frames.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut sim = Sim::manual();
    sim.ready(1);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let out = sim.text(1, line);
        let t = trace(&out);
        assert_eq!(t.first().map(String::as_str), Some("ACK"), "{line}");
        assert!(!t.iter().any(|m| m == "REMOTE_ERROR"), "{t:?} for {line}");
    }
    let jobs: Vec<_> = sim.dev.printed_jobs().collect();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].job_id, "J1");
    assert_eq!(jobs[0].lines[0], "Till Cafe");
}

#[test]
fn printing_job_status_and_printers() {
    let mut sim = Sim::manual();
    sim.ready(1);
    let lines = vec!["Till Cafe".to_owned(), "TOTAL 2.48".to_owned()];
    let out = sim.send(1, &req::print_text(&lines, "J7").unwrap());
    assert_eq!(trace(&out), ["ACK"]);
    let out = sim.send(1, &req::print_job_status("J7").unwrap());
    let status = one!(out, PrintJobStatusResponse);
    assert_eq!(status.status.as_deref(), Some("DONE"));
    let out = sim.send(1, &req::print_job_status("J8").unwrap());
    let status = one!(out, PrintJobStatusResponse);
    assert_eq!(status.status.as_deref(), Some("NOT_FOUND"));
    let out = sim.send(1, &req::retrieve_printers(Some("RECEIPT")).unwrap());
    let printers = one!(out, GetPrintersResponse).printers;
    assert_eq!(printers.len(), 1);
    assert_eq!(printers[0].id.as_deref(), Some(SIM_PRINTER_ID));
    // Printers travel as JSON strings, like every Clover object a device sends.
    assert!(raw_payload(&out, "GET_PRINTERS_RESPONSE")["printers"][0].is_string());
    let out = sim.send(1, &req::retrieve_printers(Some("FISCAL")).unwrap());
    assert!(one!(out, GetPrintersResponse).printers.is_empty());
    let escape = vec!["x\u{1b}[2Jy".to_owned()];
    let mut raw = req::print_text(&["ok".to_owned()], "J9").unwrap();
    if let Message::PrintText(p) = &mut raw {
        p.text_lines = Some(escape);
    }
    sim.send(1, &raw);
    let last = sim.dev.printed_jobs().last().unwrap();
    assert_eq!(last.lines, ["x[2Jy"]);
}

#[test]
fn receipt_options_for_a_known_payment_only() {
    let mut sim = Sim::auto();
    sim.ready(1);
    let out = sim.sale(1, 1000, "EXT1");
    let out = [out, sim.advance(60_000)].concat();
    let payment = all!(out, FinishOk)
        .into_iter()
        .find_map(|f| f.payment)
        .expect("a payment");
    let pid = payment.id.clone().unwrap();
    let oid = payment.order.as_ref().and_then(|o| o.id.clone()).unwrap();
    let out = sim.send(1, &req::show_payment_receipt_options(&oid, &pid).unwrap());
    assert_eq!(
        one!(out, ShowReceiptOptionsResponse).status.as_deref(),
        Some("SUCCESS")
    );
    let out = sim.send(1, &req::show_payment_receipt_options(&oid, "NOPE").unwrap());
    let r = one!(out, ShowReceiptOptionsResponse);
    assert_eq!(r.status.as_deref(), Some("FAIL"));
    assert_eq!(r.reason.as_deref(), Some("PAYMENT_NOT_FOUND"));
}
