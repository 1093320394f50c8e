//! Defects a user met in the headless commands (issue #13): pipes closed early, no terminal,
//! `--json` for every way a command can end, and sale amounts bounded as documented.

mod cli_support;

use std::io::Read;
use std::process::Stdio;

use cli_support::Env;

/// Runs `till ARGS` against a manual-customer simulator, approving its pairing request as the
/// customer would, and returns (exit code, stdout, stderr).
fn run_paired(env: &Env, sim: &mut cli_support::Sim, args: &[&str]) -> (i32, String, String) {
    let mut child = env
        .cmd()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        out_pipe.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        err_pipe.read_to_string(&mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        sim.say("approve-pairing");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    (
        status.code().unwrap_or(-1),
        out.join().unwrap(),
        err.join().unwrap(),
    )
}

/// Runs `till ARGS` with stdout a pipe whose reader is gone before `till` writes (as
/// `… | head -1` after its first line), and returns (exit code, stderr).
fn with_closed_stdout(env: &Env, args: &[&str]) -> (i32, String) {
    let mut child = env
        .cmd()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), err)
}

#[test]
fn a_closed_pipe_ends_history_and_decode_quietly() {
    let env = Env::new("");
    for _ in 0..2 {
        let (code, _, err) = env.run(&["--device", "sim", "sale", "1.00"]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, err) = with_closed_stdout(&env, &["history"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "nothing to say when the reader left: {err}");

    let big = env.dir.path().join("frames.jsonl");
    let one = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-device-frames.jsonl"
    ))
    .unwrap();
    std::fs::write(&big, one.repeat(50)).unwrap();
    let (code, err) = with_closed_stdout(&env, &["decode", big.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_tui_without_a_terminal_says_so_and_draws_nothing() {
    let env = Env::new("");
    let (code, out, err) = env.run(&["--device", "sim"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.is_empty(),
        "nothing drawn into a redirected stdout: {out:?}"
    );
    assert!(
        err.contains("till needs a terminal; use a subcommand (see --help)"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn history_footer_goes_to_stderr() {
    let env = Env::new("");
    for _ in 0..3 {
        let (code, _, err) = env.run(&["--device", "sim", "sale", "1.00"]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = env.run(&["history", "--limit", "2"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2, "only payments on stdout: {out}");
    assert!(err.contains("(2 of 3 shown; use --limit)"), "{err}");
}

#[test]
fn usage_errors_and_config_print_one_json_object() {
    let env = Env::new("");
    let (code, j) = env.json(&["sale", "1.00", "--bogus"]);
    assert_eq!(code, 2);
    assert_eq!(j["command"], "sale", "{j}");
    assert!(j["error"].as_str().unwrap().contains("--bogus"), "{j}");

    let (code, j) = env.json(&["history", "--limit", "0"]);
    assert_eq!(code, 2);
    assert_eq!(j["command"], "history", "{j}");

    let (code, j) = env.json(&["config"]);
    assert_eq!(code, 0);
    assert_eq!(j["command"], "config", "{j}");
    assert!(j["settings"]["sale.max_amount"].is_object(), "{j}");

    let (code, j) = env.json(&["config", "--device", "tcp://10.0.0.5"]);
    assert_eq!(code, 2);
    assert_eq!(j["command"], "config", "{j}");
    assert!(j["error"].as_str().unwrap().contains("--device"), "{j}");
}

#[test]
fn tip_counts_toward_the_maximum_and_tax_stays_within_the_amount() {
    let env = Env::new("[sale]\nmax_amount = \"100.00\"\n");
    let (code, out, err) = env.run(&["--device", "sim", "sale", "1.00", "--tip", "500.00"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("amount + tip") && err.contains("sale.max_amount"),
        "{err}"
    );
    let (code, j) = env.json(&["--device", "sim", "sale", "10.00", "--tax", "10.01"]);
    assert_eq!(code, 2, "{j}");
    assert!(j["error"].as_str().unwrap().contains("tax"), "{j}");
    assert!(!env.has_ledger(), "nothing sent, nothing recorded");
    let (code, _, err) = env.run(&["--device", "sim", "sale", "90.00", "--tip", "10.00"]);
    assert_eq!(code, 0, "exactly the maximum is fine: {err}");
}

#[test]
fn a_mistyped_void_confirmation_names_the_payment_at_risk() {
    let sim = cli_support::Sim::start(&[]);
    let env = Env::new("[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n");
    // A duplicate challenge left unanswered: the payment stays open on the device.
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "30.03",
        "--external-id",
        "RISKY-1",
    ]);
    assert_eq!(code, 4, "{j}");
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "reset",
        "--yes-void-pending",
        "RISKY-9",
    ]);
    assert_eq!(code, 5, "{j}");
    let error = j["error"].as_str().unwrap();
    assert!(
        error.contains("does not match") && error.contains("RISKY-9") && error.contains("RISKY-1"),
        "{error}"
    );
    let (_, j) = env.json(&["payment", "RISKY-1"]);
    assert_eq!(j["state"], "in_progress", "untouched: {j}");
}

#[test]
fn recover_reports_progress_on_stderr_and_a_resolved_outcome_exits_0() {
    let sim = cli_support::Sim::start(&[]);
    let env = Env::new("[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n");
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "20.03",
        "--external-id",
        "OPEN-2",
    ]);
    assert_eq!(code, 4, "{j}");
    let (code, out, err) = env.run(&[
        "--device",
        &sim.url,
        "recover",
        "--on-challenge",
        "reject",
        "--json",
    ]);
    assert_eq!(code, 0, "voided is resolved: {out}{err}");
    let j: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(j["recovered"][0]["state"], "voided", "{j}");
    assert_eq!(j["exit_code"], 0, "{j}");
    let progress: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("till recover: OPEN-2: "))
        .collect();
    assert!(progress.len() >= 2, "a line per step and answer: {err}");
    assert!(
        progress.iter().any(|l| l.contains("recovery")),
        "the recovery start is shown: {err}"
    );
    assert!(
        progress.iter().any(|l| l.contains("now voided")),
        "the outcome is shown as it is recorded: {err}"
    );
}

#[test]
fn a_sale_past_its_time_limit_recovers_once_and_leaves_with_exit_4() {
    // The customer never taps a card: the payment stays in progress on the device.
    let mut sim = cli_support::Sim::start(&["--customer", "manual"]);
    let env = Env::new("[connection]\nready_timeout_ms = 15000\nresponse_timeout_ms = 3000\n");
    let started = std::time::Instant::now();
    let url = sim.url.clone();
    let (code, out, err) = run_paired(
        &env,
        &mut sim,
        &[
            "--device",
            &url,
            "sale",
            "7.00",
            "--external-id",
            "SLOW-1",
            "--timeout",
            "2",
            "--json",
        ],
    );
    assert_eq!(code, 4, "{out}{err}");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    let j: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(j["timed_out"], true, "{j}");
    assert_eq!(j["pending"]["external_id"], "SLOW-1", "{j}");
    assert_eq!(j["next"], "till recover", "{j}");
    assert!(err.contains("time limit of 2 s"), "{err}");
    // The recovery round asked the device.
    let (_, j) = env.json(&["payment", "SLOW-1"]);
    let causes: Vec<&str> = j["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["cause"].as_str())
        .collect();
    assert!(causes.contains(&"RETRIEVE_PAYMENT_RESPONSE"), "{causes:?}");
}

#[test]
fn the_sale_time_limit_comes_from_the_configuration_too() {
    let mut sim = cli_support::Sim::start(&["--customer", "manual"]);
    let env = Env::new("[sale]\ntimeout_ms = 1500\n[connection]\nready_timeout_ms = 15000\n");
    let url = sim.url.clone();
    let (code, out, err) = run_paired(&env, &mut sim, &["--device", &url, "sale", "7.00"]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(err.contains("time limit of 1.5 s"), "{err}");
    assert!(err.contains("till recover"), "{err}");
}

#[test]
fn the_embedded_simulator_remembers_its_pairing_in_the_data_dir() {
    let env = Env::new("");
    let (code, first, err) = env.run(&["--device", "sim", "pair"]);
    assert_eq!(code, 0, "{first}{err}");
    assert!(first.contains("pairing code"), "a first pairing: {first}");
    for _ in 0..2 {
        let (code, again, err) = env.run(&["--device", "sim", "pair"]);
        assert_eq!(code, 0, "{again}{err}");
        assert!(
            !again.contains("pairing code"),
            "paired with the saved token, no code to type: {again}"
        );
    }
}

#[test]
fn the_embedded_simulator_seed_comes_from_the_clock_unless_set() {
    let first_sale = |config: &str| {
        let env = Env::new(config);
        let (code, j) = env.json(&["--device", "sim", "sale", "1.00"]);
        assert_eq!(code, 0, "{j}");
        (
            j["device_payment_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            j["auth_code"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let a = first_sale("");
    let b = first_sale("");
    assert!(!a.0.is_empty() && !a.1.is_empty(), "{a:?}");
    assert_ne!(a.0, b.0, "payment ids differ between runs");
    let seeded = "[simulator]\nseed = 7\n";
    assert_eq!(first_sale(seeded), first_sale(seeded), "a set seed repeats");
}

#[test]
fn connection_errors_say_it_once_and_promise_no_retry_after_exit() {
    let sim = cli_support::Sim::start(&["--tls"]);
    let env = Env::new("[connection]\nready_timeout_ms = 3000\nreconnect_floor_ms = 100\n");
    let (code, j) = env.json(&["--device", &sim.url, "status"]);
    assert_eq!(code, 3, "{j}");
    let error = j["error"].as_str().unwrap();
    assert_eq!(
        error.matches("not signed by").count(),
        1,
        "the reason once: {error}"
    );
    assert!(!error.contains("(Tls)"), "{error}");

    let (code, j) = env.json(&["--device", "ws://127.0.0.1:1/remote_pay", "status"]);
    assert_eq!(code, 3, "{j}");
    let error = j["error"].as_str().unwrap();
    assert!(
        !error.contains("retrying in"),
        "the command has exited: {error}"
    );
}
