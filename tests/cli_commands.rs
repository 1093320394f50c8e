//! The headless commands as a script would run them: real `till` processes against a real
//! `till sim` process, human and `--json` output, and the documented exit codes.

mod cli_support;

use cli_support::{Env, Sim};

const FAST: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n";

fn sale(env: &Env, sim: &Sim, amount: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["--device", &sim.url, "sale", amount];
    args.extend_from_slice(extra);
    env.json(&args)
}

#[test]
fn sale_outcomes_map_to_exit_codes() {
    let sim = Sim::start(&[]);
    let env = Env::new(FAST);

    let (code, j) = sale(&env, &sim, "12.34", &[]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    assert_eq!(j["card_brand"], "VISA");
    assert_eq!(j["last4"], "4242");
    assert_eq!(j["external_id"].as_str().unwrap().len(), 32);

    let (code, j) = sale(&env, &sim, "12.01", &[]);
    assert_eq!((code, j["state"].as_str()), (1, Some("declined")), "{j}");
    let (code, j) = sale(&env, &sim, "12.07", &[]);
    assert_eq!((code, j["state"].as_str()), (1, Some("canceled")), "{j}");
    // A partial approval is its own outcome: exit 6, what is still due.
    let (code, j) = sale(&env, &sim, "10.02", &["--external-id", "PARTIAL-1"]);
    assert_eq!(
        (code, j["state"].as_str(), j["charged"].as_str()),
        (6, Some("approved"), Some("5.01")),
        "{j}"
    );
    assert_eq!(
        (j["partial"].as_bool(), j["remaining"].as_str()),
        (Some(true), Some("5.01")),
        "{j}"
    );
    assert_eq!(j["external_id"], "PARTIAL-1");
    let (code, j) = sale(&env, &sim, "12.03", &["--on-challenge", "accept"]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    let (code, j) = sale(&env, &sim, "12.04", &["--on-challenge", "reject"]);
    assert_eq!((code, j["state"].as_str()), (1, Some("voided")), "{j}");
    let (code, j) = sale(&env, &sim, "12.05", &["--on-signature", "accept"]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    let (code, j) = sale(&env, &sim, "13.05", &["--on-signature", "reject"]);
    assert_eq!((code, j["state"].as_str()), (1, Some("voided")), "{j}");

    // Human output says the same thing on one line.
    let (code, out, _) = env.run(&["--device", &sim.url, "sale", "12.34"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("approved 12.34") && out.contains("VISA ending 4242"),
        "{out}"
    );

    let (code, j) = env.json(&["history", "--limit", "3"]);
    assert_eq!(code, 0);
    assert_eq!(j["total"], 9, "{j}");
    assert_eq!(j["payments"].as_array().unwrap().len(), 3);
}

#[test]
fn an_open_payment_refuses_new_sales_until_recovered() {
    let sim = Sim::start(&[]);
    let env = Env::new(FAST);
    // A duplicate challenge with `ask` and no terminal: left open, outcome unknown.
    let (code, j) = sale(&env, &sim, "20.03", &["--external-id", "OPEN-1"]);
    assert_eq!(code, 4, "{j}");
    assert_eq!(j["pending"]["external_id"], "OPEN-1");
    let (code, out, err) = env.run(&["--device", &sim.url, "sale", "1.00"]);
    assert_eq!(code, 5, "{out}{err}");
    assert!(
        err.contains("OPEN-1") && err.contains("till recover"),
        "{err}"
    );

    let (code, j) = env.json(&["--device", &sim.url, "status"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["pending"]["external_id"], "OPEN-1");
    assert_eq!(j["device_state"], "WAITING_FOR_POS");

    let (code, j) = env.json(&["--device", &sim.url, "recover", "--on-challenge", "accept"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["recovered"][0]["state"], "approved");

    let (code, j) = env.json(&["payment", "OPEN-1"]);
    assert_eq!(code, 0);
    assert_eq!(j["state"], "approved");
    let causes: Vec<&str> = j["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["cause"].as_str())
        .collect();
    assert!(
        causes.contains(&"RETRIEVE_DEVICE_STATUS_RESPONSE") && causes.contains(&"FINISH_OK"),
        "{causes:?}"
    );
    let (code, _, err) = env.run(&["payment", "NOPE"]);
    assert_eq!(code, 1);
    assert!(err.contains("NOPE"), "{err}");
    let (code, j) = env.json(&["--device", &sim.url, "recover"]);
    assert_eq!(code, 0, "{j}");
}

#[test]
fn guarded_reset_needs_the_external_id_then_rechecks() {
    let sim = Sim::start(&[]);
    let env = Env::new(FAST);
    let (code, j) = env.json(&["--device", &sim.url, "reset"]);
    assert_eq!(code, 0, "nothing pending: {j}");

    let (code, _) = sale(&env, &sim, "30.03", &["--external-id", "RISKY-1"]);
    assert_eq!(code, 4);
    let (code, j) = env.json(&["--device", &sim.url, "reset"]);
    assert_eq!(code, 5, "{j}");
    assert!(j["error"].as_str().unwrap().contains("RISKY-1"), "{j}");
    let (code, j) = env.json(&["payment", "RISKY-1"]);
    assert_eq!(
        (code, j["state"].as_str()),
        (0, Some("in_progress")),
        "untouched: {j}"
    );

    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "reset",
        "--yes-void-pending",
        "RISKY-1",
    ]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["payment"]["state"], "voided", "{j}");
}

#[test]
fn message_pair_and_an_unreachable_device() {
    let sim = Sim::start(&[]);
    let env = Env::new(FAST);
    let (code, j) = env.json(&["--device", &sim.url, "message", "Hello from the test"]);
    assert_eq!(code, 0, "{j}");
    let (code, out, _) = env.run(&["--device", &sim.url, "pair"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Paired"), "{out}");

    let env = Env::new("[connection]\nready_timeout_ms = 1000\nreconnect_floor_ms = 100\n");
    let (code, j) = env.json(&["--device", "ws://127.0.0.1:1/remote_pay", "sale", "1.00"]);
    assert_eq!(code, 3, "{j}");
    let (code, j) = env.json(&["--device", "ws://127.0.0.1:1/remote_pay", "status"]);
    assert_eq!(code, 3, "{j}");
}

#[test]
fn a_second_till_on_the_same_data_dir_is_refused() {
    let env = Env::new("");
    let holder = till::ledger::Ledger::open(&env.data()).unwrap();
    // Readers read beside the holder (issue #16); writers are refused at once.
    let (code, out, err) = env.run(&["history"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No payments yet"), "{out}");
    let started = std::time::Instant::now();
    let (code, _, err) = env.run(&["--device", "sim", "sale", "1.00"]);
    assert_eq!(code, 5, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(err.contains(&env.data().display().to_string()), "{err}");
    let (code, j) = env.json(&["--device", "sim", "sale", "1.00"]);
    assert_eq!(code, 5, "{j}");
    assert_eq!(holder.count().unwrap(), 0, "nothing written");
}
