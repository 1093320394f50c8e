//! Issue #18, in a real pty: a cashier scans three catalog codes (code + Enter, as a barcode
//! scanner types them) on the embedded simulator's example catalog, removes one line, charges,
//! and finds the two lines left on the receipt (`p` on the result), in the history and the
//! payment's view, and on `till receipt` run afterwards.

mod pty_support;

use pty_support::Tui;

const CONFIG: &str =
    "[simulator]\ndelay_ms = 0\n[sale]\ntax_rate = \"10\"\norder_title = \"Corner Bakery\"\n";

#[test]
fn scan_three_codes_remove_one_charge_and_find_the_lines_everywhere() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), CONFIG).unwrap();
    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready", "SIMULATOR"]);

    // Scan 1001 (Coffee 3.50), 1002 (Bagel 2.25), 1003 (Orange juice 4.00).
    tui.type_keys("i");
    tui.wait_for(&["type code/item"]);
    for code in ["1001", "1002", "1003"] {
        tui.type_keys(code);
        tui.type_keys("\r");
    }
    tui.wait_for(&["Coffee", "Bagel", "Orange juice", "Total       10.73"]);
    // Select the bagel (↑ from the last line) and remove it (Backspace, item field empty).
    tui.type_keys("\x1b[A");
    std::thread::sleep(std::time::Duration::from_millis(100));
    tui.type_keys("\x7f");
    // 3.50 + 4.00 = 7.50, tax 10 % 0.75: total 8.25.
    tui.wait_for_without(&["Coffee", "Orange juice", "Total       8.25"], &["Bagel"]);

    // Charge the order's total; the automatic customer approves.
    tui.type_keys("\r");
    tui.wait_for(&["APPROVED", "8.25", "p receipt"]);

    // Reprint from the result screen.
    tui.type_keys("p");
    let receipt = tui.wait_for(&[
        "Receipt",
        "Corner Bakery",
        "Coffee",
        "Orange juice",
        "TOTAL",
    ]);
    assert!(!receipt.contains("Bagel"), "{receipt}");
    assert!(
        receipt.contains("Subtotal                            7.50"),
        "{receipt}"
    );
    assert!(
        receipt.contains("Tax 10%                             0.75"),
        "{receipt}"
    );
    tui.esc();
    tui.wait_for_without(&["APPROVED"], &["Subtotal"]);

    // The payment's view in the history lists the lines.
    tui.type_keys("h");
    tui.wait_for(&["History", "8.25", "approved"]);
    tui.type_keys("\r");
    let detail = tui.wait_for(&[
        "Order: 2 items",
        "1 x Coffee @ 3.50",
        "1 x Orange juice @ 4.00",
    ]);
    assert!(!detail.contains("Bagel"), "{detail}");
    tui.esc();
    tui.wait_for_without(&["History"], &["Order: 2 items"]);
    // And the receipt from the history row.
    tui.type_keys("p");
    tui.wait_for(&["Receipt", "Orange juice", "VISA ending"]);
    tui.esc();
    tui.wait_for_without(&["History"], &["VISA ending"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0);

    // After the TUI: the ledger's receipt and payment view, headless.
    let till = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_till"))
            .args(["--data-dir"])
            .arg(home.path().join("data"))
            .arg("--config")
            .arg(home.path().join("till.toml"))
            .args(args)
            .env_remove("TILL_CONFIG")
            .env_remove("TILL_DATA_DIR")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let history: serde_json::Value = serde_json::from_str(&till(&["history", "--json"])).unwrap();
    let sale = &history["payments"][0];
    assert_eq!(
        (sale["state"].as_str(), sale["items"].as_u64()),
        (Some("approved"), Some(2))
    );
    let ext = sale["external_id"].as_str().unwrap();
    let receipt = till(&["receipt", ext]);
    for needle in [
        "Corner Bakery",
        "Coffee",
        "Orange juice",
        "TOTAL                               8.25",
        ext,
    ] {
        assert!(
            receipt.contains(needle),
            "{needle:?} missing from\n{receipt}"
        );
    }
    assert!(!receipt.contains("Bagel"), "{receipt}");
    let payment: serde_json::Value =
        serde_json::from_str(&till(&["payment", ext, "--json"])).unwrap();
    let codes: Vec<&str> = payment["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1001", "1003"], "{payment}");
}
