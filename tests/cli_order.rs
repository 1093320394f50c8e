//! `till sale --item`: a real `till` process rings an order against a real `till sim` process
//! (which logs every frame): each line goes to the display as its own SHOW_ORDER_SCREEN
//! operation, the charge is the order's total, the display is cleared once paid, and the
//! external id never reaches the customer display.

mod cli_support;

use cli_support::{Env, Sim};

const CONFIG: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n\
[sale]\ntax_rate = \"10\"\norder_title = \"Corner Bakery\"\n";

const CATALOG: &str = "code,name,price,tax_rate\n1001,Coffee,3.50,\n1005,Newspaper,1.50,0\n";

#[test]
fn items_ring_an_order_on_the_display_and_charge_its_total() {
    let env = Env::new(CONFIG);
    std::fs::write(env.dir.path().join("catalog.csv"), CATALOG).unwrap();
    let frames = env.dir.path().join("frames.jsonl");
    let sim = Sim::start(&["--frames", frames.to_str().unwrap()]);
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
        "ORDERTEST1",
    ]);
    // 3.50 + 6.00 at 10 % (0.95) + 1.50 at 0 % = 11.00 + 0.95.
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    assert_eq!(j["amount"].as_str(), Some("11.95"), "{j}");
    drop(sim);
    let log = std::fs::read_to_string(&frames).unwrap();
    let shows: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("SHOW_ORDER_SCREEN") && !l.contains("\"ACK\""))
        .collect();
    let added = shows
        .iter()
        .filter(|l| l.contains("lineItemsAddedOperation"))
        .count();
    let deleted = shows
        .iter()
        .filter(|l| l.contains("orderDeletedOperation"))
        .count();
    assert_eq!((added, deleted), (3, 1), "{shows:#?}");
    assert!(
        shows.iter().all(|l| !l.contains("ORDERTEST1")),
        "{shows:#?}"
    );
    assert!(shows[0].contains("Corner Bakery"));
    assert!(log.contains("1195"), "TX_START carries the order total");
}

#[test]
fn a_bad_item_sends_nothing() {
    let env = Env::new(CONFIG);
    std::fs::write(env.dir.path().join("catalog.csv"), CATALOG).unwrap();
    let frames = env.dir.path().join("frames.jsonl");
    let sim = Sim::start(&["--frames", frames.to_str().unwrap()]);
    let (code, j) = env.json(&[
        "--device", &sim.url, "sale", "--item", "1001", "--item", "9999",
    ]);
    assert_eq!(code, 2, "{j}");
    assert!(
        j["error"]
            .as_str()
            .unwrap()
            .contains("no catalog item '9999'"),
        "{j}"
    );
    let (code, j) = env.json(&["--device", &sim.url, "sale", "5.00", "--item", "1001"]);
    assert_eq!(code, 2, "{j}");
    assert!(j["error"].as_str().unwrap().contains("differs"), "{j}");
    drop(sim);
    let log = std::fs::read_to_string(&frames).unwrap_or_default();
    assert!(!log.contains("SHOW_ORDER_SCREEN"), "{log}");
    assert!(!log.contains("TX_START"), "{log}");
}
