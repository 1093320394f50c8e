//! `till refund`, `till void` and `till credit` as processes against a `till sim` process:
//! the documented exit codes, what the ledger then holds (`till payment`, `till history`), and
//! bad input refused with exit 2 (or 1 where the device refuses), a message that says what to
//! do, and the ledger unchanged.

mod cli_support;

use cli_support::{Env, Sim};

fn sale(env: &Env, sim: &Sim, amount: &str, ext: &str) {
    let (code, j) = env.json(&["--device", &sim.url, "sale", amount, "--external-id", ext]);
    assert_eq!(code, 0, "{j}");
}

fn ledger_rows(env: &Env) -> serde_json::Value {
    let (code, j) = env.json(&["history", "--limit", "100"]);
    assert_eq!(code, 0, "{j}");
    j
}

#[test]
fn refund_void_and_credit_map_to_exit_codes_and_show_in_the_ledger() {
    let sim = Sim::start(&[]);
    let env = Env::new("");
    sale(&env, &sim, "12.34", "S-HALF");
    sale(&env, &sim, "20.00", "S-VOID");

    // A partial refund, then the rest (full when no amount).
    let (code, j) = env.json(&["--device", &sim.url, "refund", "S-HALF", "--amount", "6.17"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["kind"], "refund");
    assert_eq!(j["payment"], "S-HALF");
    assert_eq!(j["state"], "approved");
    assert_eq!(j["charged"], "6.17");
    let (code, j) = env.json(&["--device", &sim.url, "refund", "S-HALF"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["charged"], "6.17");

    let (code, j) = env.json(&["--device", &sim.url, "void", "S-VOID"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(
        (j["kind"].as_str(), j["state"].as_str()),
        (Some("void"), Some("approved"))
    );

    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "credit",
        "7.50",
        "--external-id",
        "CR-1",
    ]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(
        (j["kind"].as_str(), j["state"].as_str()),
        (Some("credit"), Some("approved"))
    );

    let (code, out, _) = env.run(&["payment", "S-VOID"]);
    assert_eq!(code, 0);
    assert!(out.contains("voided"), "{out}");
    let (code, out, _) = env.run(&["payment", "S-HALF"]);
    assert_eq!(code, 0);
    assert!(out.contains("refund"), "{out}");
    let h = ledger_rows(&env).to_string();
    for needle in ["\"refund\"", "\"void\"", "\"credit\"", "S-HALF", "CR-1"] {
        assert!(h.contains(needle), "{needle} missing from the history: {h}");
    }
}

#[test]
fn bad_refunds_are_refused_and_change_nothing() {
    let sim = Sim::start(&[]);
    let env = Env::new("");
    sale(&env, &sim, "10.00", "S-OK");
    let (code, _) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "12.01",
        "--external-id",
        "S-DECL",
    ]);
    assert_eq!(code, 1);
    sale(&env, &sim, "5.00", "S-VOIDED");
    assert_eq!(env.json(&["--device", &sim.url, "void", "S-VOIDED"]).0, 0);
    sale(&env, &sim, "8.00", "S-REFD");
    assert_eq!(
        env.json(&["--device", &sim.url, "refund", "S-REFD", "--amount", "1.00"])
            .0,
        0
    );
    // A sale whose outcome is unknown (on another device, so this one stays free).
    {
        use till::ledger::{Ledger, NewPayment, PaymentUpdate};
        use till::payment::PaymentState;
        let ledger = Ledger::open(&env.data()).unwrap();
        let elsewhere = "ws://127.0.0.1:9/remote_pay";
        ledger
            .create_payment(NewPayment::sale(
                "S-UNK",
                elsewhere,
                till::protocol::Cents(900),
            ))
            .unwrap();
        for to in [PaymentState::Sent, PaymentState::Unknown] {
            ledger
                .transition("S-UNK", to, "test", "lost answer", PaymentUpdate::default())
                .unwrap();
        }
    }
    let before = ledger_rows(&env);

    type Case = (Vec<&'static str>, i32, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (
            vec!["refund", "S-OK", "--amount", "10.01"],
            2,
            vec!["more than", "10.00", "at most"],
        ),
        (vec!["refund", "S-DECL"], 2, vec!["declined", "nothing"]),
        (vec!["refund", "S-VOIDED"], 2, vec!["voided"]),
        (vec!["refund", "S-UNK"], 2, vec!["unknown"]),
        (vec!["void", "S-UNK"], 2, vec!["unknown"]),
        (vec!["void", "S-DECL"], 2, vec!["declined"]),
        (vec!["void", "S-VOIDED"], 2, vec!["voided"]),
        (vec!["refund", "NOPE"], 2, vec!["NOPE", "till history"]),
        (
            vec!["void", "S-REFD"],
            2,
            vec!["refunded", "refund the rest"],
        ),
        (vec!["void", "NOPE"], 2, vec!["NOPE"]),
        (
            vec!["refund", "S-OK", "--amount", "0"],
            2,
            vec!["greater than 0"],
        ),
        (vec!["refund", "S-OK", "--amount", "--", "-1"], 2, vec![]),
        (vec!["credit", "0"], 2, vec!["greater than 0"]),
        (vec!["credit", "--", "-1.00"], 2, vec![]),
        (vec!["refund", "S-OK", "--amount", "abc"], 2, vec![]),
        (
            vec!["credit", "1.00", "--external-id", "S-OK"],
            2,
            vec!["already used"],
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
}

/// Sale, partial refund, refund of the rest, a refund above what is left, a void of another
/// sale, then `till payment` and `till history`, each a separate `till --device sim` process: the
/// embedded simulator keeps its payments in the data directory between commands.
fn embedded_simulator_refunds_across_commands(profile: &[&str]) {
    let env = Env::new("");
    let till = |args: &[&str]| {
        let mut full: Vec<&str> = profile.to_vec();
        full.extend(["--device", "sim"]);
        full.extend(args.iter().copied());
        env.json(&full)
    };
    let (code, j) = till(&["sale", "10.00", "--external-id", "S-EMB"]);
    assert_eq!(code, 0, "{j}");
    let (code, j) = till(&["sale", "20.00", "--external-id", "S-EMB-V"]);
    assert_eq!(code, 0, "{j}");
    assert!(
        env.data().join("sim-device.json").exists(),
        "the simulator's memory is in the data directory"
    );

    let (code, j) = till(&["refund", "S-EMB", "--amount", "4.00"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(
        (j["state"].as_str(), j["charged"].as_str()),
        (Some("approved"), Some("4.00")),
        "{j}"
    );
    let (code, j) = till(&["refund", "S-EMB"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["charged"], "6.00", "{j}");
    let before = ledger_rows(&env);
    let (code, j) = till(&["refund", "S-EMB", "--amount", "0.01"]);
    assert_eq!(code, 2, "{j}");
    assert!(
        j["error"].as_str().unwrap_or_default().contains("refund"),
        "{j}"
    );
    assert_eq!(
        ledger_rows(&env),
        before,
        "a refused refund changed the ledger"
    );

    let (code, j) = till(&["void", "S-EMB-V"]);
    assert_eq!(code, 0, "{j}");
    // The profile is the one asked for: the real one answers VOID_PAYMENT with the ACK only.
    let void_id = j["external_id"].as_str().unwrap_or_default().to_owned();
    let (code, events, err) = env.run(&["payment", &void_id]);
    assert_eq!(code, 0, "{err}");
    let real = profile.contains(&"real");
    assert_eq!(
        events.contains("sends no VOID_PAYMENT_RESPONSE"),
        real,
        "{events}"
    );
    assert_eq!(
        (j["kind"].as_str(), j["state"].as_str()),
        (Some("void"), Some("approved")),
        "{j}"
    );

    let (code, out, err) = env.run(&["payment", "S-EMB"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("refund") && out.contains("4.00") && out.contains("6.00"),
        "{out}"
    );
    let (code, out, err) = env.run(&["payment", "S-EMB-V"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("voided"), "{out}");
    let h = ledger_rows(&env);
    let refunds = h["payments"]
        .as_array()
        .map(|rows| rows.iter().filter(|r| r["kind"] == "refund").count());
    assert_eq!(refunds, Some(2), "{h}");
    let text = h.to_string();
    assert!(text.contains("\"void\""), "{text}");
}

#[test]
fn the_embedded_simulator_refunds_and_voids_sales_of_earlier_commands() {
    embedded_simulator_refunds_across_commands(&[]);
}

#[test]
fn the_embedded_simulator_refunds_and_voids_sales_of_earlier_commands_real_profile() {
    embedded_simulator_refunds_across_commands(&["--sim-profile", "real"]);
}

#[test]
fn a_damaged_simulator_memory_is_refused_with_what_to_do_and_nothing_sent() {
    let env = Env::new("");
    std::fs::create_dir_all(env.data()).unwrap();
    std::fs::write(env.data().join("sim-device.json"), "{not json").unwrap();
    let (code, j) = env.json(&["--device", "sim", "sale", "5.00"]);
    assert_eq!(code, 2, "{j}");
    let error = j["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("sim-device.json") && error.contains("move"),
        "{j}"
    );
    assert_eq!(ledger_rows(&env)["total"], 0);
}

/// A refund the device refuses (here: a device that does not know the sale) exits 1 with the
/// device's reason; the refund is recorded as declined and the sale keeps its whole remainder.
#[test]
fn a_refund_the_device_refuses_exits_1_and_gives_nothing_back() {
    let sim = Sim::start(&[]);
    let env = Env::new("");
    sale(&env, &sim, "10.00", "S-ELSE");
    let fresh = Sim::start(&[]);
    let (code, j) = env.json(&[
        "--device", &fresh.url, "refund", "S-ELSE", "--amount", "3.00",
    ]);
    assert_eq!(code, 1, "{j}");
    let text = j.to_string();
    assert!(
        text.contains("not known") || text.contains("PAYMENT_NOT_FOUND"),
        "{j}"
    );
    assert_eq!(j["state"], "declined", "{j}");
    // Nothing was given back: the whole sale is still refundable on its own device.
    let (code, j) = env.json(&["--device", &sim.url, "refund", "S-ELSE"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["charged"], "10.00", "{j}");
}
