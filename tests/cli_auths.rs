//! `till auth`, `till preauth`, `till capture`, `till increment`, `till tip` and `till closeout`
//! (#17) as processes against a `till sim` process in both profiles: the documented exit codes,
//! what the ledger then holds (`till payment`, `till history`, `till report`), a capture whose
//! answer is cut recovered from the payment's new amounts, and bad input refused with exit 2 (or
//! 1 where the device refuses), a message that says what to do, and the ledger unchanged.

mod cli_support;

use cli_support::{Env, Sim};

fn ledger_rows(env: &Env) -> serde_json::Value {
    let (code, j) = env.json(&["history", "--limit", "100"]);
    assert_eq!(code, 0, "{j}");
    j
}

fn ok(env: &Env, sim: &Sim, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["--device", sim.url.as_str()];
    full.extend_from_slice(args);
    let (code, j) = env.json(&full);
    assert_eq!(code, 0, "{args:?}: {j}");
    j
}

fn every_flow_maps_to_exit_codes_and_shows_in_the_ledger(profile: &str) {
    let sim = Sim::start(&["--profile", profile]);
    let env = Env::new("");

    // A tab: the auth, then its tip.
    let j = ok(&env, &sim, &["auth", "20.00", "--external-id", "A-1"]);
    assert_eq!(
        (j["kind"].as_str(), j["state"].as_str()),
        (Some("auth"), Some("approved"))
    );
    let j = ok(&env, &sim, &["tip", "A-1", "3.00"]);
    assert_eq!(
        (
            j["kind"].as_str(),
            j["state"].as_str(),
            j["payment"].as_str()
        ),
        (Some("tip_adjust"), Some("approved"), Some("A-1"))
    );
    // A new tip replaces it.
    ok(&env, &sim, &["tip", "A-1", "4.00"]);

    // A hold: raised, then captured with a tip.
    let j = ok(&env, &sim, &["preauth", "50.00", "--external-id", "P-1"]);
    assert_eq!(j["kind"], "preauth");
    let j = ok(&env, &sim, &["increment", "P-1", "10.00"]);
    assert_eq!(
        (j["kind"].as_str(), j["state"].as_str()),
        (Some("increment"), Some("approved"))
    );
    let j = ok(
        &env,
        &sim,
        &["capture", "P-1", "--amount", "55.00", "--tip", "5.00"],
    );
    assert_eq!(
        (j["kind"].as_str(), j["state"].as_str()),
        (Some("capture"), Some("approved"))
    );
    assert_eq!(j["charged"], "60.00", "{j}");

    let (code, out, _) = env.run(&["payment", "A-1"]);
    assert_eq!(code, 0);
    assert!(out.contains("[auth, tip 4.00]"), "{out}");
    assert!(out.contains("tip_adjust"), "{out}");
    let (code, out, _) = env.run(&["payment", "P-1"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("capture") && out.contains("increment"),
        "{out}"
    );
    let h = ledger_rows(&env).to_string();
    for needle in [
        "\"auth\"",
        "\"preauth\"",
        "\"capture\"",
        "\"increment\"",
        "\"tip_adjust\"",
    ] {
        assert!(h.contains(needle), "{needle} missing from the history: {h}");
    }

    // No open tab left: the closeout goes through and its batch is recorded.
    let j = ok(&env, &sim, &["closeout"]);
    assert_eq!(j["state"], "closed", "{j}");
    assert!(j["batch"]["id"].is_string(), "{j}");
    let (code, r) = env.json(&["report"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["closeouts"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(r["closeouts"][0]["state"], "closed");
    // The auth with its tip and the capture are money taken; the hold is not.
    assert_eq!(r["tips"], "9.00", "{r}");
    assert_eq!(r["net"], "84.00", "{r}");
    let (_, text, _) = env.run(&["report"]);
    assert!(text.contains("Closeouts"), "{text}");
}

#[test]
fn every_flow_maps_to_exit_codes_and_shows_in_the_ledger_default_profile() {
    every_flow_maps_to_exit_codes_and_shows_in_the_ledger("default");
}

#[test]
fn every_flow_maps_to_exit_codes_and_shows_in_the_ledger_real_profile() {
    every_flow_maps_to_exit_codes_and_shows_in_the_ledger("real");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let sim = Sim::start(&[]);
    let env = Env::new("");
    ok(&env, &sim, &["sale", "10.00", "--external-id", "S-1"]);
    ok(&env, &sim, &["auth", "10.00", "--external-id", "A-OPEN"]);
    ok(&env, &sim, &["preauth", "20.00", "--external-id", "P-2"]);
    ok(&env, &sim, &["capture", "P-2"]);
    ok(&env, &sim, &["preauth", "20.00", "--external-id", "P-3"]);
    let before = ledger_rows(&env);

    type Case = (Vec<&'static str>, i32, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (vec!["tip", "S-1", "1.00"], 2, vec!["sale", "only an auth"]),
        (vec!["tip", "P-3", "1.00"], 2, vec!["only an auth"]),
        (vec!["tip", "NOPE", "1.00"], 2, vec!["NOPE", "till history"]),
        (vec!["tip", "A-OPEN", "--", "-1.00"], 2, vec![]),
        (vec!["capture", "S-1"], 2, vec!["only a pre-auth"]),
        (vec!["capture", "A-OPEN"], 2, vec!["only a pre-auth"]),
        (vec!["capture", "P-2"], 2, vec!["captured already"]),
        (
            vec!["increment", "P-2", "1.00"],
            2,
            vec!["captured already"],
        ),
        (
            vec!["capture", "P-3", "--amount", "0"],
            2,
            vec!["greater than 0"],
        ),
        (vec!["increment", "P-3", "0"], 2, vec!["greater than 0"]),
        (vec!["auth", "0"], 2, vec!["greater than 0"]),
        (vec!["preauth", "--", "-5.00"], 2, vec![]),
        (
            vec!["auth", "1.00", "--external-id", "S-1"],
            2,
            vec!["already used"],
        ),
        (
            vec!["closeout"],
            2,
            vec!["1 auth still waits for a tip", "--allow-open-tabs"],
        ),
    ];
    for (args, want, needles) in cases {
        let mut full = vec!["--device", sim.url.as_str()];
        full.extend(args.iter().copied());
        let (code, out, err) = env.run(&full);
        assert_eq!(code, want, "{args:?}: {out}{err}");
        let text = format!("{out}{err}");
        for n in needles {
            assert!(text.contains(n), "{args:?}: {n:?} missing from {text}");
        }
        assert!(
            text.contains("Nothing was sent") || text.contains("nothing was sent") || code == 2,
            "{args:?}: {text}"
        );
    }
    assert_eq!(ledger_rows(&env), before, "the ledger changed");

    // The device refuses a capture above the hold: exit 1, recorded declined, the hold stands.
    let (code, j) = env.json(&["--device", &sim.url, "capture", "P-3", "--amount", "30.00"]);
    assert_eq!(code, 1, "{j}");
    assert_eq!(j["state"], "declined", "{j}");
    let (code, j) = env.json(&["payment", "P-3"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["state"], "approved", "{j}");
    // …and it can still be captured within the hold.
    ok(&env, &sim, &["capture", "P-3", "--amount", "20.00"]);
    // With the flag, the closeout goes through the open tab.
    let j = ok(&env, &sim, &["closeout", "--allow-open-tabs"]);
    assert_eq!(j["state"], "closed", "{j}");
}

#[test]
fn a_capture_whose_answer_is_cut_is_settled_from_the_payments_new_amounts() {
    let sim = Sim::start(&[]);
    let env = Env::new("");
    ok(&env, &sim, &["preauth", "60.00", "--external-id", "P-CUT"]);
    // The simulator drops the connection before answering a capture of x.10: the capture is
    // made all the same. Recovery finds the pre-auth captured for what was asked.
    let (code, j) = env.json(&[
        "--device", &sim.url, "capture", "P-CUT", "--amount", "45.10", "--tip", "2.00",
    ]);
    assert!(code == 0 || code == 4, "{j}");
    if code == 4 {
        let (code, j) = env.json(&["--device", &sim.url, "recover"]);
        assert_eq!(code, 0, "{j}");
    }
    let (_, j) = env.json(&["payment", "P-CUT"]);
    let caps: Vec<_> = j["refunds_and_voids"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "capture")
        .collect();
    assert_eq!(caps.len(), 1, "captured once: {j}");
    assert_eq!(caps[0]["state"], "approved", "{j}");
    // Never captured twice: a second capture is refused before anything is sent.
    let (code, _, err) = env.run(&["--device", &sim.url, "capture", "P-CUT"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn flows_the_device_does_not_support_are_refused_naming_the_flag() {
    let sim = Sim::start(&["--no-auth", "--no-tip-adjust"]);
    let env = Env::new("");
    let (code, j) = env.json(&["--device", &sim.url, "auth", "5.00"]);
    assert_eq!(code, 2, "{j}");
    assert!(
        j["error"]
            .as_str()
            .unwrap_or_default()
            .contains("supportsAuth"),
        "{j}"
    );
    assert_eq!(ledger_rows(&env)["total"], 0, "nothing recorded");
}

#[test]
fn the_embedded_simulator_keeps_the_tab_between_commands() {
    let env = Env::new("");
    let run = |args: &[&str]| {
        let mut full = vec!["--device", "sim"];
        full.extend_from_slice(args);
        env.json(&full)
    };
    let (code, j) = run(&["auth", "12.00", "--external-id", "A-EMB"]);
    assert_eq!(code, 0, "{j}");
    let (code, j) = run(&["tip", "A-EMB", "2.00"]);
    assert_eq!(code, 0, "{j}");
    let (code, j) = run(&["payment", "A-EMB"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["charged_tip"], "2.00", "{j}");
    // The embedded simulator's memory keeps the tip adjust too: no tab is open on either side.
    let (code, j) = run(&["closeout"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["state"], "closed", "{j}");
}
