//! The real `till` binary in a pseudo-terminal, as a cashier uses it: ring 12.34, see it
//! approved; ring an amount that triggers a duplicate challenge, accept it; quit; start again
//! and see both sales in the history.

mod pty_support;

use pty_support::Tui;
use std::time::Duration;

#[test]
fn ring_two_sales_quit_and_find_them_in_history() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), "[simulator]\ndelay_ms = 0\n").unwrap();

    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready", "SIMULATOR"]);
    tui.type_keys("12.34\r");
    tui.wait_for(&["APPROVED", "4242", "12.34"]);
    tui.type_keys("\r");
    tui.wait_for(&["New sale"]);
    tui.type_keys("20.03\r");
    tui.wait_for(&["Confirm payment", "DUPLICATE_CHALLENGE"]);
    tui.type_keys("a");
    tui.wait_for(&["APPROVED", "20.03"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);
    let raw = tui.raw();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the terminal is restored (alternate screen left)"
    );

    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready"]);
    tui.type_keys("h");
    tui.wait_for(&["History", "12.34", "20.03", "approved"]);
    // Today's totals (issue #16): both sales, 32.37 taken.
    tui.type_keys("t");
    tui.wait_for(&["Today's totals", "No action items", "NET TAKEN", "32.37"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);
}

/// Issue #16: while another till holds the data directory, `till` opens read-only with a banner:
/// history and today's totals (seeing the writer's new sales), nothing written, nothing sent;
/// `--read-only` does the same without taking the lock.
#[test]
fn a_second_till_views_the_ledger_read_only_while_the_first_sells() {
    use till::ledger::{Ledger, NewPayment, PaymentUpdate};
    use till::payment::PaymentState;
    use till::protocol::Cents;
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), "[simulator]\ndelay_ms = 0\n").unwrap();
    let holder = Ledger::open(&home.path().join("data")).unwrap();
    let approve = |id: &str, cents: i64, device: &str| {
        holder
            .create_payment(NewPayment::sale(id, device, Cents(cents)))
            .unwrap();
        let card = PaymentUpdate {
            card_brand: Some("VISA".into()),
            last4: Some("4242".into()),
            ..Default::default()
        };
        holder
            .transition(id, PaymentState::Approved, "FINISH_OK", "approved", card)
            .unwrap();
    };
    approve("HELD-PAYMENT-1", 1234, "sim");
    holder
        .create_payment(NewPayment::sale("HELD-UNKNOWN", "other", Cents(700)))
        .unwrap();
    holder
        .transition(
            "HELD-UNKNOWN",
            PaymentState::Unknown,
            "timeout",
            "",
            PaymentUpdate::default(),
        )
        .unwrap();
    let events_before = holder.events("HELD-UNKNOWN").unwrap();

    let mut tui = Tui::start(home.path());
    tui.wait_for(&[
        "READ-ONLY",
        "holds this data directory",
        "HELD-PAYMENT-1",
        "HELD-UNKNOWN",
    ]);
    tui.type_keys("t");
    tui.wait_for(&[
        "Today's totals",
        "ACTION ITEMS",
        "HELD-UNKNOWN",
        "NET TAKEN 12.34",
    ]);
    // The writer sells on; the reader sees it on refresh.
    approve("HELD-PAYMENT-2", 500, "sim");
    tui.type_keys("r");
    tui.wait_for(&["NET TAKEN 17.34"]);
    // No way to sell, check status or reach the device from here.
    tui.type_keys("s");
    tui.type_keys("\x1b");
    tui.type_keys("12.34\r");
    std::thread::sleep(Duration::from_millis(300));
    let text = tui.text();
    assert!(
        !text.contains("Check Payment Status") && !text.contains("New sale"),
        "{text}"
    );
    assert!(text.contains("READ-ONLY"), "{text}");
    // `/` searches the history: by the card's last four digits, then by an id prefix.
    tui.type_keys("h/4242\r");
    tui.wait_for(&["“4242” · 1 of 2 matching", "HELD-PAYMENT-2"]);
    tui.type_keys("/\x7f\x7f\x7f\x7fHELD-U\r"); // the line starts as the search in force
    tui.wait_for(&["1 of 1 matching", "HELD-UNKNOWN"]);
    assert!(!tui.text().contains("HELD-PAYMENT-1"), "{}", tui.text());
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);
    assert_eq!(holder.count().unwrap(), 3, "the reader wrote nothing");
    assert_eq!(holder.events("HELD-UNKNOWN").unwrap(), events_before);
    drop(holder);

    // --read-only with nobody holding the directory: it does not take the lock either.
    let mut tui = Tui::start_with(home.path(), &["--read-only"]);
    tui.wait_for(&["READ-ONLY", "--read-only", "HELD-PAYMENT-2"]);
    let writer = Ledger::open(&home.path().join("data")).expect("the lock is free");
    drop(writer);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);
}

/// Issue #15: ring two sales, open the history, void the newest and refund half of the other
/// (the remainder prefilled, a partial amount typed, a confirmation naming amount, card and
/// external id), and see both in the history.
#[test]
fn refund_half_of_a_sale_and_void_another_from_the_history() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), "[simulator]\ndelay_ms = 0\n").unwrap();
    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready", "SIMULATOR"]);
    tui.type_keys("12.34\r");
    tui.wait_for(&["APPROVED", "12.34", "r refund"]);
    tui.type_keys("\r");
    tui.wait_for(&["New sale"]);
    tui.type_keys("20.00\r");
    tui.wait_for(&["APPROVED", "20.00"]);
    tui.type_keys("\r");
    tui.wait_for(&["New sale"]);

    // Void the newest sale (selected first).
    tui.type_keys("h");
    tui.wait_for(&["History", "12.34", "20.00", "v void"]);
    tui.type_keys("v");
    tui.wait_for(&["Void 20.00 on VISA", "y yes"]);
    tui.type_keys("y");
    tui.wait_for(&["Enter new sale"]);
    tui.type_keys("\r");

    // Refund half of the first: the void is now the newest row, the sale of 20.00 next.
    tui.type_keys("h");
    tui.wait_for(&["History", "voided"]);
    tui.type_keys("\x1b[B\x1b[B");
    tui.type_keys("r");
    tui.wait_for(&["12.34 left to refund", "Amount to refund: 12.34"]);
    tui.type_keys("\x7f\x7f\x7f\x7f\x7f6.17\r");
    tui.wait_for(&["Refund 6.17 to VISA", "y yes"]);
    tui.type_keys("y");
    tui.wait_for(&["Enter new sale"]);
    tui.type_keys("\r");

    tui.type_keys("h");
    tui.wait_for(&["History", "voided", "20.00", "6.17", "12.34"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);

    // The ledger agrees.
    let ledger = till::ledger::Ledger::open(&home.path().join("data")).unwrap();
    let page = ledger.history(10, None).unwrap().payments;
    let kinds: Vec<(String, String, String)> = page
        .iter()
        .map(|p| {
            (
                p.kind.to_string(),
                p.state.to_string(),
                p.amount.to_string(),
            )
        })
        .collect();
    for want in [
        ("refund", "approved", "6.17"),
        ("void", "approved", "20.00"),
        ("sale", "voided", "20.00"),
        ("sale", "approved", "12.34"),
    ] {
        let want = (want.0.to_owned(), want.1.to_owned(), want.2.to_owned());
        assert!(kinds.contains(&want), "{want:?} missing from {kinds:?}");
    }
}

/// The embedded simulator keeps its payments between runs: a sale rung by a headless command
/// is refunded from the TUI's history, and the rest by another headless command afterwards.
#[test]
fn a_headless_sale_is_refunded_from_the_tui_and_the_rest_headless() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), "[simulator]\ndelay_ms = 0\n").unwrap();
    let headless = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_till"))
            .arg("--data-dir")
            .arg(home.path().join("data"))
            .arg("--config")
            .arg(home.path().join("till.toml"))
            .args(["--device", "sim"])
            .args(args)
            .env("HOME", home.path())
            .env_remove("TILL_CONFIG")
            .env_remove("TILL_DATA_DIR")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = headless(&["sale", "15.00", "--external-id", "S-HEADLESS"]);
    assert_eq!(code, Some(0), "{text}");

    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready", "SIMULATOR"]);
    tui.type_keys("h");
    tui.wait_for(&["History", "15.00", "r refund"]);
    tui.type_keys("r");
    tui.wait_for(&["S-HEADLESS", "15.00 left to", "Amount to refund: 15.00"]);
    tui.type_keys("\x7f\x7f\x7f\x7f\x7f7.50\r");
    tui.wait_for(&["Refund 7.50 to VISA", "y yes"]);
    tui.type_keys("y");
    tui.wait_for(&["Enter new sale"]);
    tui.type_keys("\r");
    tui.wait_for(&["New sale"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);

    let (code, text) = headless(&["refund", "S-HEADLESS", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("\"charged\":\"7.50\""), "{text}");
    let (code, text) = headless(&["payment", "S-HEADLESS"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.matches("7.50").count() >= 2, "{text}");
}
