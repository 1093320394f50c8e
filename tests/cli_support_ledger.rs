//! Support's ledger from the command line, as support staff meet it: real `till` processes
//! reading the ledger while another `till` process holds it and sells, finding payments by id
//! prefix, device payment id and filters, the day's report, the CSV export, resolving by hand.

mod cli_support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use cli_support::{BIN, Env};
use till::ledger::{Ledger, NewPayment, PaymentUpdate, RECOVERY_CAUSE};
use till::payment::PaymentState;
use till::protocol::Cents;

/// Only to avoid hanging forever if something goes wrong; never a timing assertion.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// A `till sim --customer manual` process whose customer we drive from stdin.
struct ManualSim {
    child: Child,
    stdin: ChildStdin,
    url: String,
}

impl ManualSim {
    fn start() -> ManualSim {
        let mut child = Command::new(BIN)
            .args([
                "sim",
                "--listen",
                "127.0.0.1:0",
                "--customer",
                "manual",
                "--seed",
                "7",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        // Keep reading what the simulator says, so that it never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("sim said {line:?}"))
            .to_owned();
        let stdin = child.stdin.take().unwrap();
        ManualSim { child, stdin, url }
    }

    fn say(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
    }
}

impl Drop for ManualSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `till payment ID --json` until `done` accepts the answer, calling `meanwhile` first each
/// time round.
fn wait_for(
    env: &Env,
    id: &str,
    mut meanwhile: impl FnMut(),
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    loop {
        meanwhile();
        let (code, j) = env.json(&["payment", id]);
        if code == 0 && done(&j) {
            return j;
        }
        assert!(started.elapsed() < HANG_GUARD, "gave up waiting: {j}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_reader_process_sees_the_sale_the_writer_process_commits_while_both_run() {
    let mut sim = ManualSim::start();
    let env = Env::new("[connection]\nready_timeout_ms = 10000\n");
    // The writer: a headless sale waiting for the customer, holding the data directory.
    let mut writer = env
        .cmd()
        .args([
            "--device",
            &sim.url,
            "sale",
            "12.34",
            "--external-id",
            "LIVE-0123456789",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Another process reads it by a prefix while the sale is open on the device.
    // The manual customer approves the pairing (once it is asked; saying it early is harmless).
    let open = wait_for(
        &env,
        "LIVE-01",
        || sim.say("approve-pairing"),
        |j| matches!(j["state"].as_str(), Some("sent" | "in_progress")),
    );
    assert_eq!(open["external_id"], "LIVE-0123456789");
    assert!(
        writer.try_wait().unwrap().is_none(),
        "the writer still runs"
    );
    let (code, h) = env.json(&["history", "--state", "sent,in_progress"]);
    assert_eq!((code, h["total"].as_u64()), (0, Some(1)), "{h}");
    let (code, r) = env.json(&["report"]);
    assert_eq!(code, 0);
    assert_eq!(
        r["action_items"][0]["external_id"], "LIVE-0123456789",
        "{r}"
    );
    let (code, out, _) = env.run(&["export", "--csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("LIVE-0123456789"), "{out}");
    // Writers stay exclusive.
    let (code, _, err) = env.run(&["--device", &sim.url, "sale", "1.00"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        writer.try_wait().unwrap().is_none(),
        "the writer still runs"
    );

    // The customer taps; the writer records the outcome; the reader sees it.
    sim.say("card 4242424242424242");
    let out = writer.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = wait_for(&env, "LIVE", || {}, |j| j["state"] == "approved");
    assert_eq!(done["last4"], "4242");
    assert!(done["device_payment_id"].is_string(), "{done}");
    // …and by the device's own payment id.
    let dev_id = done["device_payment_id"].as_str().unwrap().to_owned();
    let (code, j) = env.json(&["payment", &dev_id]);
    assert_eq!(
        (code, j["external_id"].as_str()),
        (0, Some("LIVE-0123456789"))
    );
}

/// A ledger with a known set of payments, written through the library (the data directory
/// stays held by the returned handle, as a running till would hold it).
fn seeded(env: &Env) -> Ledger {
    let ledger = Ledger::open(&env.data()).unwrap();
    type Card = Option<(&'static str, &'static str)>;
    let rows: [(&str, i64, PaymentState, Card, Option<i64>); 6] = [
        (
            "aa11-approved",
            1000,
            PaymentState::Approved,
            Some(("VISA", "4242")),
            None,
        ),
        (
            "aa22-partial",
            2000,
            PaymentState::Approved,
            Some(("VISA", "4242")),
            Some(1000),
        ),
        (
            "bb33-declined",
            3000,
            PaymentState::Declined,
            Some(("MC", "5555")),
            None,
        ),
        (
            "bb44-voided",
            4000,
            PaymentState::Voided,
            Some(("MC", "5555")),
            None,
        ),
        ("cc55-notfound", 1000, PaymentState::NotFound, None, None),
        ("cc66-unknown", 6000, PaymentState::Unknown, None, None),
    ];
    for (i, (id, amount, state, card, charged)) in rows.into_iter().enumerate() {
        let mut new = NewPayment::sale(id, format!("dev{i}"), Cents(amount));
        new.tip = Cents(100);
        new.tax = Cents(50);
        ledger.create_payment(new).unwrap();
        let update = PaymentUpdate {
            card_brand: card.map(|c| c.0.to_owned()),
            last4: card.map(|c| c.1.to_owned()),
            device_payment_id: Some(format!("DEVPAY{i}")),
            charged_amount: charged.map(Cents),
            partial: Some(charged.is_some_and(|c| c < amount)),
            message: Some("line one\u{1b}[31m red".to_owned()),
            ..Default::default()
        };
        ledger
            .transition(id, state, "TEST", "seeded", update)
            .unwrap();
    }
    ledger
}

#[test]
fn find_payments_by_prefix_device_id_and_filters_while_the_ledger_is_held() {
    let env = Env::new("");
    let _held = seeded(&env);

    let (code, j) = env.json(&["payment", "aa2"]);
    assert_eq!((code, j["external_id"].as_str()), (0, Some("aa22-partial")));
    assert_eq!(j["outcome"], "partial");
    let (code, j) = env.json(&["payment", "DEVPAY3"]);
    assert_eq!((code, j["external_id"].as_str()), (0, Some("bb44-voided")));
    let (code, j) = env.json(&["payment", "aa"]);
    assert_eq!(code, 2, "{j}");
    let candidates: Vec<&str> = j["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(candidates, ["aa11-approved", "aa22-partial"]);
    let (code, _, err) = env.run(&["payment", "bb"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bb33-declined") && err.contains("bb44-voided"),
        "{err}"
    );
    let (code, _, err) = env.run(&["payment", "zz"]);
    assert_eq!(code, 1, "{err}");
    // Escape codes from the device never reach the terminal.
    let (_, out, _) = env.run(&["payment", "aa11"]);
    assert!(
        !out.contains('\u{1b}') && out.contains("line one"),
        "{out:?}"
    );

    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["history"];
        all.extend_from_slice(args);
        let (code, j) = env.json(&all);
        assert_eq!(code, 0, "{j}");
        j["payments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["external_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&["--last4", "5555"]), ["bb44-voided", "bb33-declined"]);
    assert_eq!(
        ids(&["--state", "approved"]),
        ["aa22-partial", "aa11-approved"]
    );
    assert_eq!(
        ids(&["--state", "not found", "--state", "unknown"]),
        ["cc66-unknown", "cc55-notfound"]
    );
    assert_eq!(
        ids(&["--amount", "10.00"]),
        ["cc55-notfound", "aa11-approved"]
    );
    assert_eq!(ids(&["--kind", "sale", "--since", "1h"]).len(), 6);
    assert_eq!(
        ids(&["--since", "2000-01-01", "--until", "2000-01-31"]).len(),
        0
    );
    assert_eq!(ids(&["--limit", "2"]), ["cc66-unknown", "cc55-notfound"]);
    // The footer goes to stderr (#13 item 14), so `till history | …` reads only rows.
    let (code, out, err) = env.run(&["history", "--last4", "4242", "--limit", "1"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        err.contains("(1 of 2 matching shown; use --limit)"),
        "{err}"
    );
    for bad in [
        vec!["history", "--last4", "42"],
        vec!["history", "--since", "yesterday"],
        vec!["history", "--state", "paid"],
        vec!["history", "--amount", "ten"],
        vec!["report", "--date", "2026-02-30"],
    ] {
        let (code, _, err) = env.run(&bad);
        assert_eq!(code, 2, "{bad:?}: {err}");
    }
}

#[test]
fn the_report_and_the_csv_export_add_up() {
    let env = Env::new("");
    let held = seeded(&env);

    let (code, r) = env.json(&["report"]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["action_items"][0]["external_id"], "cc66-unknown");
    assert_eq!(r["payments"]["count"], 6);
    assert_eq!(
        r["outcomes"]["approved"],
        serde_json::json!({"count": 1, "amount": "10.00"})
    );
    assert_eq!(
        r["outcomes"]["partial"],
        serde_json::json!({"count": 1, "amount": "10.00"})
    );
    assert_eq!(r["outcomes"]["not_found"]["count"], 1);
    assert_eq!(r["outcomes"]["unknown"]["count"], 1);
    assert_eq!(r["outcomes"]["canceled"]["count"], 0);
    assert_eq!(
        r["brands"]["VISA"],
        serde_json::json!({"count": 2, "amount": "20.00"})
    );
    assert_eq!(r["tips"], "2.00");
    assert_eq!(r["tax"], "1.00");
    assert_eq!(
        r["voids"],
        serde_json::json!({"count": 1, "amount": "40.00"})
    );
    assert_eq!(r["refunds"]["count"], 0);
    assert_eq!(r["net"], "22.00");
    let (_, out, _) = env.run(&["report"]);
    let action = out.find("ACTION ITEMS").expect("action items shown");
    assert!(
        action < out.find("Outcome").unwrap(),
        "action items come first: {out}"
    );
    assert!(
        out.contains("not found") && out.contains("NET TAKEN"),
        "{out}"
    );
    let (code, r) = env.json(&["report", "--date", "2000-01-01"]);
    assert_eq!((code, r["payments"]["count"].as_u64()), (0, Some(0)));

    // The report's CSV parses, and its net is the JSON's.
    let (code, out, _) = env.run(&["report", "--csv"]);
    assert_eq!(code, 0);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(&rows[0][0], "action_item");
    let net = rows.iter().find(|r| &r[1] == "net").unwrap();
    assert_eq!(&net[3], "22.00");

    // The export round-trips through a CSV parser: one row per payment, the ledger's values.
    let file = env.dir.path().join("export.csv");
    let (code, _, err) = env.run(&["export", "--csv", "--output", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers[..6],
        [
            "external_id",
            "created",
            "updated",
            "kind",
            "state",
            "outcome"
        ]
    );
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let exported: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(exported.len(), 6);
    for row in &exported {
        let p = held.get(&row[col("external_id")]).unwrap().unwrap();
        assert_eq!(&row[col("state")], p.state.as_str());
        assert_eq!(row[col("amount")].parse::<Cents>().unwrap(), p.amount);
        assert_eq!(row[col("tip")].parse::<Cents>().unwrap(), p.tip);
        assert_eq!(row[col("last4")], p.last4.clone().unwrap_or_default());
        assert_eq!(
            row[col("device_payment_id")],
            p.device_payment_id.clone().unwrap()
        );
        assert!(!row[col("message")].contains('\u{1b}'));
    }
    assert_eq!(&exported[1][col("charged_amount")], "10.00");
    let (code, out, _) = env.run(&["export", "--csv", "--date", "2000-01-01"]);
    assert_eq!((code, out.lines().count()), (0, 1), "{out}");
    let (code, _, err) = env.run(&["export"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn resolve_closes_only_recovered_open_payments_and_conflicts_show() {
    let env = Env::new("");
    {
        let ledger = seeded(&env);
        ledger
            .create_payment(NewPayment::sale("never-recovered", "devX", Cents(700)))
            .unwrap();
        ledger
            .note(
                "cc66-unknown",
                RECOVERY_CAUSE,
                "recovery of cc66-unknown started",
            )
            .unwrap();
        // While a till holds the data directory, resolve (a writer) is refused.
        let (code, _, err) =
            env.run(&["resolve", "cc66-unknown", "--as", "approved", "--note", "x"]);
        assert_eq!(code, 5, "{err}");
    }
    let before = env.json(&["payment", "aa11-approved"]).1;
    let (code, j) = env.json(&[
        "resolve",
        "aa11-approved",
        "--as",
        "declined",
        "--note",
        "oops",
    ]);
    assert_eq!(code, 2, "{j}");
    assert!(j["error"].as_str().unwrap().contains("final"), "{j}");
    assert_eq!(
        env.json(&["payment", "aa11-approved"]).1,
        before,
        "unchanged"
    );
    let (code, j) = env.json(&[
        "resolve",
        "never-recovered",
        "--as",
        "declined",
        "--note",
        "x",
    ]);
    assert_eq!(code, 2, "{j}");
    assert!(j["error"].as_str().unwrap().contains("till recover"), "{j}");
    assert_eq!(
        env.json(&["payment", "never-recovered"]).1["state"],
        "created"
    );
    let (code, _, err) = env.run(&["resolve", "cc66-unknown", "--as", "maybe", "--note", "x"]);
    assert_eq!(code, 2, "{err}");

    let (code, j) = env.json(&[
        "resolve",
        "cc66-unknown",
        "--as",
        "not_found",
        "--note",
        "not on the Clover dashboard (Sam)",
    ]);
    assert_eq!((code, j["state"].as_str()), (0, Some("not_found")), "{j}");
    let (_, j) = env.json(&["payment", "cc66-unknown"]);
    let last = j["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["cause"], "resolve");
    assert!(last["detail"].as_str().unwrap().contains("(Sam)"), "{last}");
    let (_, r) = env.json(&["report"]);
    let items = r["action_items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{r}");
    assert_eq!(items[0]["external_id"], "never-recovered");

    // A device answer that contradicts it later is on the record and shown.
    {
        let ledger = Ledger::open(&env.data()).unwrap();
        let late = ledger.transition(
            "cc66-unknown",
            PaymentState::Approved,
            "FINISH_OK",
            "approved",
            PaymentUpdate::default(),
        );
        assert!(late.is_err());
    }
    let (_, j) = env.json(&["payment", "cc66-unknown"]);
    assert_eq!(j["state"], "not_found");
    assert_eq!(j["conflicts"].as_array().unwrap().len(), 1, "{j}");
    let (_, out, _) = env.run(&["payment", "cc66-unknown"]);
    assert!(
        out.contains("CONFLICT") && out.contains("the device says approved"),
        "{out}"
    );
}
