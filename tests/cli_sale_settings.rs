//! The sale request's transaction settings from the configuration (issue #17 item 2, issue #18
//! item 4): `sale.tip_mode`, `sale.tip_suggestions`, `sale.signature_threshold`,
//! `sale.signature_entry_location`, `sale.disable_receipt_selection`, the duplicate check and the
//! offline settings reach TX_START as the SDK names them, the device's on-screen tip is what the
//! ledger records, and a cashier's tip is refused while the device takes the tip. A real `till`
//! process against a real `till sim` process that logs every frame.

mod cli_support;

use cli_support::{Env, Sim};
use serde_json::Value;

const FAST: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n";

/// Every frame of the sim's `--frames` log: (direction, payload object).
fn payloads(log: &std::path::Path) -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(log).unwrap();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|line| {
            let dir = line["dir"].as_str()?.to_owned();
            let frame: Value = serde_json::from_str(line["frame"].as_str()?).ok()?;
            let payload: Value = serde_json::from_str(frame["payload"].as_str()?).ok()?;
            Some((dir, payload))
        })
        .collect()
}

fn settings_of_tx_start(frames: &[(String, Value)]) -> Value {
    frames
        .iter()
        .find(|(dir, p)| dir == "pos->device" && p["method"] == "TX_START")
        .map(|(_, p)| p["payIntent"]["transactionSettings"].clone())
        .expect("a TX_START was sent")
}

fn ui_states(frames: &[(String, Value)]) -> Vec<String> {
    frames
        .iter()
        .filter(|(_, p)| p["method"] == "UI_STATE")
        .filter_map(|(_, p)| p["uiState"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn tip_on_screen_and_transaction_settings_reach_the_device_and_the_ledger() {
    let config = format!(
        "{FAST}[sale]\ntip_mode = \"on_screen\"\ntip_suggestions = [15, 18, 20]\n\
         signature_threshold = \"100.00\"\nsignature_entry_location = \"on_screen\"\n\
         disable_receipt_selection = true\ndisable_duplicate_check = true\n\
         allow_offline_payment = true\n"
    );
    let env = Env::new(&config);
    let log = env.dir.path().join("frames.jsonl");
    let sim = Sim::start(&["--frames", log.to_str().unwrap()]);
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "25.00",
        "--external-id",
        "TIPSCREEN1",
    ]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    // The simulated customer tips 15 % on screen: the device's tip is what counts.
    assert_eq!(j["charged_tip"].as_str(), Some("3.75"), "{j}");
    assert_eq!(j["charged"].as_str(), Some("28.75"), "{j}");
    assert!(j["tip"].is_null(), "the cashier asked for no tip: {j}");
    let (code, p) = env.json(&["payment", "TIPSCREEN1"]);
    assert_eq!(code, 0, "{p}");
    let record = if p["payment"].is_object() {
        p["payment"].clone()
    } else {
        p.clone()
    };
    assert_eq!(record["charged_tip"].as_str(), Some("3.75"), "{p}");
    // The day's report counts the device's tip.
    let (code, r) = env.json(&["report"]);
    assert_eq!(code, 0, "{r}");
    assert!(r.to_string().contains("3.75"), "{r}");
    drop(sim);

    let frames = payloads(&log);
    let ts = settings_of_tx_start(&frames);
    assert_eq!(ts["tipMode"], "ON_SCREEN_BEFORE_PAYMENT", "{ts}");
    let suggested: Vec<i64> = ts["tipSuggestions"]["elements"]
        .as_array()
        .expect("tipSuggestions wrapped as elements, like the SDK")
        .iter()
        .map(|s| s["percentage"].as_i64().unwrap())
        .collect();
    assert_eq!(suggested, [15, 18, 20], "{ts}");
    assert_eq!(ts["signatureThreshold"], 10_000, "{ts}");
    assert_eq!(ts["signatureEntryLocation"], "ON_SCREEN", "{ts}");
    assert_eq!(ts["disableReceiptSelection"], true, "{ts}");
    assert_eq!(ts["disableDuplicateCheck"], true, "{ts}");
    assert_eq!(ts["allowOfflinePayment"], true, "{ts}");
    assert_eq!(ts["forceOfflinePayment"], false, "{ts}");
    assert!(
        frames.iter().any(|(_, p)| p["method"] == "TIP_ADDED"),
        "the device reports the tip it added"
    );
    let states = ui_states(&frames);
    assert!(states.iter().any(|s| s == "ADD_TIP"), "{states:?}");
    assert!(
        !states.iter().any(|s| s == "RECEIPT_OPTIONS"),
        "disable_receipt_selection skips the receipt screen: {states:?}"
    );
}

#[test]
fn defaults_keep_the_sdk_request_and_the_receipt_screen() {
    let env = Env::new(FAST);
    let log = env.dir.path().join("frames.jsonl");
    let sim = Sim::start(&["--frames", log.to_str().unwrap()]);
    let (code, j) = env.json(&["--device", &sim.url, "sale", "12.00", "--tip", "2.00"]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    assert_eq!(j["tip"].as_str(), Some("2.00"), "{j}");
    assert_eq!(j["charged_tip"].as_str(), Some("2.00"), "{j}");
    drop(sim);
    let frames = payloads(&log);
    let ts = settings_of_tx_start(&frames);
    for absent in [
        "tipMode",
        "tipSuggestions",
        "signatureThreshold",
        "signatureEntryLocation",
    ] {
        assert!(ts.get(absent).is_none(), "{absent} sent by default: {ts}");
    }
    assert_eq!(ts["disableReceiptSelection"], false, "{ts}");
    assert_eq!(ts["disableDuplicateCheck"], false, "{ts}");
    assert!(
        ui_states(&frames).iter().any(|s| s == "RECEIPT_OPTIONS"),
        "the device's own receipt choice runs after the payment"
    );
}

#[test]
fn a_cashiers_tip_is_refused_while_the_device_takes_the_tip() {
    for mode in ["none", "on_screen", "on_paper"] {
        let env = Env::new(&format!("{FAST}[sale]\ntip_mode = \"{mode}\"\n"));
        let sim = Sim::start(&[]);
        let (code, out, err) = env.run(&["--device", &sim.url, "sale", "10.00", "--tip", "1.00"]);
        assert_eq!(code, 2, "{mode}: {out}{err}");
        assert!(
            err.contains("sale.tip_mode") && err.contains(mode),
            "{mode}: {err}"
        );
        let (code, h) = env.json(&["history"]);
        assert_eq!(code, 0);
        assert_eq!(h["total"], 0, "{mode}: nothing recorded: {h}");
    }
}

#[test]
fn bad_transaction_settings_say_what_is_allowed() {
    for (line, says) in [
        (
            "tip_mode = \"sometimes\"",
            "\"none\", \"on_screen\", \"on_paper\" or \"provided\"",
        ),
        ("tip_suggestions = [15, 15]", "given twice"),
        ("tip_suggestions = [5, 10, 15, 20, 25]", "at most 4"),
        ("tip_suggestions = [0]", "from 1 to 100"),
        ("tip_suggestions = [\"15\"]", "not only integers"),
        ("tip_suggestions = 15", "array of integers"),
        ("signature_threshold = \"-1\"", "signature_threshold"),
        (
            "signature_entry_location = \"paper\"",
            "\"on_screen\", \"on_paper\" or \"none\"",
        ),
        ("disable_receipt_selection = \"yes\"", "boolean"),
    ] {
        let env = Env::new(&format!("[sale]\n{line}\n"));
        let (code, out, err) = env.run(&["config"]);
        assert_eq!(code, 2, "{line}: {out}{err}");
        assert!(err.contains(says), "{line}: {err}");
    }
}
