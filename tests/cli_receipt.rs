//! `till receipt`, `till payment` and `till history` on an order rung by a real `till sale
//! --item` process against a real `till sim` process: the lines are in the ledger, on the
//! receipt and in the payment view; an unknown id exits 2 saying what to do.

mod cli_support;

use cli_support::{Env, Sim};

const CONFIG: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n\
[sale]\ntax_rate = \"10\"\norder_title = \"Corner Bakery\"\n";

const CATALOG: &str = "code,name,price,tax_rate\n1001,Coffee,3.50,\n1005,Newspaper,1.50,0\n";

#[test]
fn an_order_sold_headlessly_is_on_its_receipt_in_history_and_in_the_payment_view() {
    order_on_receipt_history_and_payment(&[]);
}

#[test]
fn an_order_sold_headlessly_is_on_its_receipt_real_profile() {
    order_on_receipt_history_and_payment(&["--profile", "real"]);
}

/// Rings an order and a quick amount against `till sim` started with `sim_args`, then reads
/// them back from the ledger as a cashier would.
fn order_on_receipt_history_and_payment(sim_args: &[&str]) {
    let env = Env::new(CONFIG);
    std::fs::write(env.dir.path().join("catalog.csv"), CATALOG).unwrap();
    let sim = Sim::start(sim_args);
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "--item",
        "1001",
        "--item",
        "Tea=2.00x3",
        "--item",
        "1005",
        "--external-id",
        "RECEIPT1",
    ]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    // A quick-amount sale beside it keeps no order.
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "4.00",
        "--external-id",
        "QUICK1",
    ]);
    assert_eq!(code, 0, "{j}");
    drop(sim);

    let (code, out, err) = env.run(&["receipt", "RECEIPT1"]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "Corner Bakery",
        "Coffee",
        "Tea",
        "  3 @ 2.00",
        "Newspaper",
        "Subtotal                           11.00",
        "TOTAL                              11.95",
        "Status                          APPROVED",
        "RECEIPT1",
        "Auth code",
    ] {
        assert!(out.contains(needle), "{needle:?} missing from\n{out}");
    }
    assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
    assert!(!out.contains("***"), "approved: no mark\n{out}");
    let (code, wide, _) = env.run(&["receipt", "RECEI", "--width", "60"]);
    assert_eq!(code, 0);
    assert!(wide.lines().any(|l| l.chars().count() == 60), "{wide}");

    let (code, out, _) = env.run(&["receipt", "QUICK1"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Amount                              4.00"),
        "{out}"
    );

    let (code, out, _) = env.run(&["history"]);
    assert_eq!(code, 0);
    let line = out.lines().find(|l| l.contains("RECEIPT1")).unwrap();
    assert!(line.ends_with("  5 items"), "{line}");
    let quick = out.lines().find(|l| l.contains("QUICK1")).unwrap();
    assert!(!quick.contains("item"), "{quick}");
    let (_, j) = env.json(&["history"]);
    let rows = j["payments"].as_array().unwrap();
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| r["external_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("RECEIPT1")["items"], 5, "{j}");
    assert!(by_id("QUICK1")["items"].is_null(), "{j}");

    let (code, out, _) = env.run(&["payment", "RECEIPT1"]);
    assert_eq!(code, 0);
    for needle in [
        "order: 5 items",
        "3 x Tea @ 2.00 = 6.00",
        "1 x Coffee [1001]",
        "total 11.95",
    ] {
        assert!(out.contains(needle), "{needle:?} missing from\n{out}");
    }
    let (_, j) = env.json(&["payment", "RECEIPT1"]);
    let order = &j["order"];
    assert_eq!(order["total"], "11.95", "{j}");
    assert_eq!(order["lines"][1]["name"], "Tea", "{j}");
    assert_eq!(order["lines"][1]["quantity"], 3, "{j}");
    assert_eq!(order["lines"][2]["tax_rate"], "0", "{j}");
    assert_eq!(j["items"], 5);

    // The day's report says what was sold (approved sales), most first.
    let (code, j) = env.json(&["report"]);
    assert_eq!(code, 0, "{j}");
    let sold = j["items_sold"].as_array().unwrap();
    let rows: Vec<(Option<&str>, &str, u64, &str)> = sold
        .iter()
        .map(|i| {
            (
                i["code"].as_str(),
                i["name"].as_str().unwrap(),
                i["quantity"].as_u64().unwrap(),
                i["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (None, "Tea", 3, "6.00"),
            (Some("1001"), "Coffee", 1, "3.50"),
            (Some("1005"), "Newspaper", 1, "1.50")
        ],
        "{j}"
    );
    let (code, out, _) = env.run(&["report"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Items sold (approved sales, before discounts and tax): 5"),
        "{out}"
    );
    assert!(out.contains("Coffee [1001]"), "{out}");
    let (code, out, _) = env.run(&["report", "--csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("item,Tea,3,6.00"), "{out}");
}

#[test]
fn an_unknown_id_or_a_bad_width_exits_2_and_says_what_to_do() {
    let env = Env::new(CONFIG);
    let (code, out, err) = env.run(&["receipt", "NOSUCH"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty());
    assert!(err.contains("no payment with external id"), "{err}");
    assert!(err.contains("till history"), "{err}");
    let (code, _, err) = env.run(&["receipt", "X", "--width", "10"]);
    assert_eq!(code, 2, "{err}");
}
