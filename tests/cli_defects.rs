//! Defects a user met in the headless commands (issue #13): pipes closed early, no terminal,
//! `--json` for every way a command can end, and sale amounts bounded as documented.

mod cli_support;

use std::io::Read;
use std::process::Stdio;

use cli_support::Env;

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
