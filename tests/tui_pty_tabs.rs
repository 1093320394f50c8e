//! The real `till` binary in a pseudo-terminal (#17): open a tab with an auth (the sale
//! screen's kind selector), adjust its tip from the open tabs screen, close out, see the batch —
//! and the ledger holds the auth with its tip and the closeout.

mod pty_support;

use pty_support::Tui;

#[test]
fn open_a_tab_adjust_its_tip_close_out_and_see_the_batch() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), "[simulator]\ndelay_ms = 0\n").unwrap();

    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready", "SIMULATOR"]);
    // k: what Enter starts is now an auth.
    tui.type_keys("k");
    tui.wait_for(&["Kind", "auth (tab: tip later)"]);
    tui.type_keys("20.00\r");
    tui.wait_for(&["tab open", "4242"]);
    tui.type_keys("\r");
    tui.wait_for(&["New sale"]);
    // o: the open tabs; the auth waits for its tip.
    tui.type_keys("o");
    tui.wait_for(&["Open tabs", "awaits its tip", "20.00"]);
    tui.type_keys("a");
    tui.wait_for(&["Tip for auth"]);
    tui.type_keys("3.50\r");
    tui.wait_for(&["TIP SET"]);
    tui.type_keys("o");
    tui.wait_for(&["No open tab"]);
    // X asks first; y closes the batch out and shows it.
    tui.type_keys("X");
    tui.wait_for(&["Close out the batch on the device?", "no tab is open"]);
    tui.type_keys("y");
    tui.wait_for(&["Batch", "closed:", "1 transaction(s)"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0, "{}", tui.text());

    // The ledger holds the auth with its tip, the tip adjust and the closeout's batch.
    let ledger = till::ledger::Ledger::open(&home.path().join("data")).unwrap();
    let rows = ledger.history(10, None).unwrap().payments;
    let auth = rows
        .iter()
        .find(|r| r.kind == till::payment::PaymentKind::Auth)
        .expect("the auth");
    assert_eq!(auth.state, till::payment::PaymentState::Approved);
    assert_eq!(auth.charged_tip, Some(till::protocol::Cents(350)));
    assert!(
        rows.iter()
            .any(|r| r.kind == till::payment::PaymentKind::TipAdjust)
    );
    let report = ledger.report(None, None).unwrap();
    assert_eq!(report.closeouts.len(), 1, "{report:?}");
    assert_eq!(
        report.closeouts[0].state,
        till::payment::CloseoutState::Closed
    );
}
