//! The guarded reset over real `till` processes and the simulator: refused without the typed
//! confirmation (payment untouched), voiding an authorised payment when confirmed (re-checked
//! and recorded `voided`), and a payment the device completed meanwhile is recorded before the
//! BREAK goes out. Also: a second `till` on the same data directory is refused at once and
//! writes nothing.

mod recovery_common;

use std::time::Instant;

use recovery_common::*;
use serde_json::Value;
use till::payment::PaymentState;
use till::sim::CustomerAction;
use till::sim::device::{CustomerMode, Faults};

const VISA: &str = "4242424242424242";

/// A manual-customer case whose `till sale` ran up to the duplicate challenge and left it open
/// (no terminal to ask on: exit 4). The device waits for the POS's answer.
async fn challenge_left_open(name: &str) -> Case {
    let mut case = Case::start(
        name,
        device(CustomerMode::Manual, Faults::default()),
        "20.03",
    )
    .await;
    case.approve_pairing();
    let child = case.spawn_sale("ask", "accept");
    case.wait_live_state("in_progress").await;
    case.act(CustomerAction::TapCard(VISA.into())).await;
    let run = finish(child).await;
    assert_eq!(
        run.code,
        Some(4),
        "{name}: the sale leaves the challenge open: {} {}",
        run.json,
        run.stderr
    );
    assert_eq!(
        run.json["pending"]["external_id"],
        case.external_id.as_str()
    );
    case.wait_screen("Merchant is verifying your payment").await;
    case
}

/// `till payment ID --json`: the ledger row and its events, through the CLI.
async fn payment_json(case: &Case) -> Value {
    let run = case.run(&["payment", &case.external_id, "--json"]).await;
    assert_eq!(run.code, Some(0), "till payment: {}", run.stderr);
    run.json
}

/// Index of the first event whose cause is `cause` (and detail contains `detail`).
fn event_index(payment: &Value, cause: &str, detail: &str) -> usize {
    let events = payment["events"].as_array().expect("events");
    events
        .iter()
        .position(|e| e["cause"] == cause && e["detail"].as_str().unwrap_or("").contains(detail))
        .unwrap_or_else(|| panic!("no event {cause} '{detail}' in {events:#?}"))
}

fn has_frame(case: &Case, dir: &str, method: &str) -> bool {
    case.frames()
        .iter()
        .any(|f| f.dir == dir && f.method == method)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_without_confirmation_is_refused_and_the_payment_is_untouched() {
    let case = challenge_left_open("reset refused").await;
    let before = case.record().0.expect("recorded").state;
    assert!(!before.is_final());

    let run = case.run(&["reset", "--json"]).await;
    assert_eq!(run.code, Some(5), "{} {}", run.json, run.stderr);
    let error = run.json["error"].as_str().expect("error text");
    assert!(error.contains(&case.external_id), "{error}");
    assert!(
        error.contains(&format!("--yes-void-pending {}", case.external_id)),
        "says how to confirm: {error}"
    );
    assert_eq!(
        run.json["pending"]["external_id"],
        case.external_id.as_str()
    );

    // Nothing was sent to reset the device; it still waits; nothing was taken or voided.
    assert!(!has_frame(&case, TO_DEVICE, "BREAK"));
    case.wait_screen("Merchant is verifying your payment").await;
    assert!(case.truth().await.is_empty(), "the device finished nothing");
    let (record, events) = case.record();
    let state = record.expect("still recorded").state;
    assert!(!state.is_final(), "still open: {state}");
    assert!(
        !events
            .iter()
            .any(|e| e.cause == "reset" || e.cause == "RESET_DEVICE_RESPONSE"),
        "{events:#?}"
    );

    // Untouched: the payment can still be completed by answering the challenge.
    let run = case
        .run(&["recover", "--on-challenge", "accept", "--json"])
        .await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::Approved));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_reset_voids_the_authorised_payment_and_records_the_devices_void() {
    let case = challenge_left_open("reset confirmed").await;

    let run = case
        .run(&["reset", "--yes-void-pending", &case.external_id, "--json"])
        .await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    assert_eq!(run.json["reset"], true);
    assert_eq!(run.json["payment"]["state"], "voided");

    // The device voided it; the ledger says so.
    let truth = case.truth().await;
    assert_eq!(truth.len(), 1, "{truth:?}");
    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::Voided));

    // Ledger order: the confirmed reset, then the device's PAYMENT_VOIDED for our payment,
    // which is proof of the void (issue #12: it decides; no re-check is needed after it).
    let payment = payment_json(&case).await;
    assert_eq!(payment["state"], "voided");
    let confirmed = event_index(&payment, "reset", "confirmed by the operator");
    let voided = event_index(&payment, "PAYMENT_VOIDED", "voided on the device");
    assert!(confirmed < voided, "{:#?}", payment["events"]);
    let events = payment["events"].as_array().expect("events");
    assert_eq!(events.last().expect("events")["to"], "voided");

    // Wire order: BREAK, then the device's PAYMENT_VOIDED and RESET_DEVICE_RESPONSE.
    let frames = case.frames();
    let at = |dir: &str, method: &str| {
        frames
            .iter()
            .rposition(|f| f.dir == dir && f.method == method)
            .unwrap_or_else(|| panic!("no {dir} {method}"))
    };
    let brk = at(TO_DEVICE, "BREAK");
    assert!(brk < at(TO_POS, "PAYMENT_VOIDED"));
    assert!(brk < at(TO_POS, "RESET_DEVICE_RESPONSE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_reset_before_the_card_cancels_and_records_no_payment() {
    let mut case = Case::start(
        "reset at the card prompt",
        device(CustomerMode::Manual, Faults::default()),
        "20.00",
    )
    .await;
    case.approve_pairing();
    let mut child = case.spawn_sale("accept", "accept");
    case.wait_live_state("in_progress").await;
    sigkill(&mut child).await;

    // Without confirmation: refused, the device still waits for the card.
    let run = case.run(&["reset", "--json"]).await;
    assert_eq!(run.code, Some(5), "{} {}", run.json, run.stderr);
    case.wait_screen("Insert, tap or swipe card").await;

    let run = case
        .run(&["reset", "--yes-void-pending", &case.external_id, "--json"])
        .await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    assert_eq!(run.json["payment"]["state"], "not_found");
    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::NotFound));
    assert!(case.truth().await.is_empty());
}

/// The sale completes on the device while no POS is there; `till reset` then finds and
/// records it before it sends BREAK. With `reboot` the device has forgotten its last message,
/// so the payment is found by RETRIEVE_PAYMENT; without, the re-sent FINISH_OK settles it.
async fn completed_meanwhile_then_reset(reboot: bool) {
    let name = if reboot {
        "found by lookup before reset"
    } else {
        "found by last message before reset"
    };
    let mut case = Case::start(
        name,
        device(CustomerMode::Manual, Faults::default()),
        "20.00",
    )
    .await;
    case.approve_pairing();
    let notes = case.sim.notes();
    let mut child = case.spawn_sale("accept", "accept");
    case.wait_live_state("in_progress").await;
    sigkill(&mut child).await;
    case.wait_disconnected(notes).await;
    case.act(CustomerAction::TapCard(VISA.into())).await;
    if reboot {
        case.act(CustomerAction::Reboot).await;
    }
    let from = case.frames().len();

    // No confirmation needed: the payment is found final before the reset is decided.
    let run = case.run(&["reset", "--json"]).await;
    assert_eq!(run.code, Some(0), "{name}: {} {}", run.json, run.stderr);
    assert_eq!(run.json["reset"], true);
    assert_eq!(run.json["payment"]["state"], "approved", "{name}");

    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{name}: {verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::Approved), "{name}");

    // Ledger: approved is the payment's last event; no reset was ever at its risk.
    let payment = payment_json(&case).await;
    let events = payment["events"].as_array().expect("events");
    let last = events.last().expect("events");
    assert_eq!(last["to"], "approved", "{name}: {events:#?}");
    let cause = if reboot {
        "RETRIEVE_PAYMENT_RESPONSE"
    } else {
        "FINISH_OK"
    };
    assert_eq!(last["cause"], cause, "{name}: {events:#?}");
    assert!(
        !events.iter().any(|e| e["cause"] == "reset"),
        "{name}: {events:#?}"
    );

    // Wire: what settled the payment reached the POS before the BREAK left it, and the
    // ledger had `approved` no later than the device read the BREAK.
    let frames = case.frames();
    let brk = frames
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, f)| f.dir == TO_DEVICE && f.method == "BREAK")
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{name}: no BREAK"));
    let settled_by = if reboot {
        "RETRIEVE_PAYMENT_RESPONSE"
    } else {
        "FINISH_OK"
    };
    let settled = frames
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, f)| f.dir == TO_POS && f.method == settled_by)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{name}: no {settled_by} to the POS"));
    assert!(
        settled < brk,
        "{name}: {settled_by} #{settled} before BREAK #{brk}"
    );
    let (record, ledger_events) = case.record();
    assert_eq!(record.expect("recorded").state, PaymentState::Approved);
    let approved_at = ledger_events
        .iter()
        .find(|e| e.to == PaymentState::Approved)
        .expect("approved event")
        .at_ms;
    assert!(
        approved_at <= frames[brk].ts,
        "{name}: approved at {approved_at}, BREAK read at {}",
        frames[brk].ts
    );
    // BREAK on an idle device voids nothing.
    assert_eq!(case.truth().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_found_by_lookup_is_recorded_before_the_reset_is_sent() {
    completed_meanwhile_then_reset(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_found_by_the_resent_finish_is_recorded_before_the_reset_is_sent() {
    completed_meanwhile_then_reset(false).await;
}

/// Names and contents of the files of a directory tree, but the logs (the holder may log).
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(dir)
                .expect("inside")
                .display()
                .to_string();
            if path.is_dir() {
                stack.push(path);
            } else if !rel.starts_with("logs") {
                out.push((rel, std::fs::read(&path).expect("readable")));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_till_on_the_same_data_dir_is_refused_at_once_and_writes_nothing() {
    let mut case = Case::start(
        "second instance",
        device(CustomerMode::Manual, Faults::default()),
        "20.00",
    )
    .await;
    case.approve_pairing();
    let holder = case.spawn_sale("accept", "accept");
    case.wait_live_state("in_progress").await;
    let holder_pid = holder.id().expect("running");
    let before = snapshot(&case.data_dir());

    let other = "rc-second-instance-other";
    // The commands that write or talk to the device; `payment` and `history` only read, and
    // read beside the holder (issue #16, below).
    let commands: [&[&str]; 5] = [
        &["sale", "5.00", "--external-id", other, "--json"],
        &["recover", "--json"],
        &["reset", "--yes-void-pending", &case.external_id, "--json"],
        &["status", "--json"],
        &["message", "hello", "--json"],
    ];
    for args in commands {
        let started = Instant::now();
        let run = case.run(args).await;
        let took = started.elapsed();
        assert_eq!(run.code, Some(5), "{args:?}: {} {}", run.json, run.stderr);
        let error = run.json["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(&case.data_dir().display().to_string())
                && error.contains(&format!("pid {holder_pid}")),
            "{args:?}: names the directory and the holder: {error}"
        );
        println!("{:<8} refused with exit 5 in {took:?}", args[0]);
    }
    assert_eq!(
        snapshot(&case.data_dir()),
        before,
        "the refused commands changed the data directory"
    );
    assert!(
        !has_frame(&case, TO_DEVICE, "BREAK") && !has_frame(&case, TO_DEVICE, "TERMINAL_MESSAGE"),
        "a refused command reached the device"
    );
    // Readers see the holder's open payment without waiting for it or disturbing it.
    let run = case.run(&["payment", &case.external_id, "--json"]).await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    assert_eq!(run.json["state"], "in_progress", "{}", run.json);
    let run = case.run(&["history", "--json"]).await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    assert_eq!(run.json["total"], 1, "{}", run.json);

    // The holder goes on undisturbed.
    case.act(CustomerAction::TapCard(VISA.into())).await;
    let run = finish(holder).await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    let ledger = case.ledger();
    assert!(ledger.get(other).expect("readable").is_none());
    assert_eq!(ledger.count().expect("readable"), 1);
}

/// `till reset --yes-void-pending` whose BREAK reaches the device, but the connection drops
/// before RESET_DEVICE_RESPONSE comes back (`deliver`), or whose BREAK is lost with the
/// connection. The payment must be checked again after the reconnect and the command must end
/// (not wait for an answer that cannot come), saying the reset was not confirmed.
async fn reset_answer_lost(deliver: bool) {
    let name = if deliver {
        "reset answer lost"
    } else {
        "reset request lost"
    };
    let faults = Faults {
        cut: Some(till::sim::device::Cut {
            direction: till::sim::device::CutDirection::PosToDevice,
            method: "BREAK".into(),
            skip: 0,
            deliver,
            kind: till::sim::device::CutKind::Drop,
        }),
        ..Faults::default()
    };
    let mut case = Case::start(name, device(CustomerMode::Manual, faults), "20.03").await;
    case.approve_pairing();
    let child = case.spawn_sale("ask", "accept");
    case.wait_live_state("in_progress").await;
    case.act(CustomerAction::TapCard(VISA.into())).await;
    assert_eq!(finish(child).await.code, Some(4));

    let run = case
        .run(&["reset", "--yes-void-pending", &case.external_id, "--json"])
        .await;
    assert_eq!(run.code, Some(4), "{name}: {} {}", run.json, run.stderr);
    let error = run.json["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("did not confirm the reset"),
        "{name}: says the reset is unconfirmed: {}",
        run.json
    );
    let (record, events) = case.record();
    assert!(
        events
            .iter()
            .any(|e| e.cause == "reset" && e.detail.contains("not confirmed")),
        "{name}: {events:#?}"
    );
    if deliver {
        // The device voided it; the re-check after the reconnect recorded that.
        assert_eq!(run.json["payment"]["state"], "voided", "{name}");
        let verdict = case.verdict().await;
        assert!(verdict.ok(), "{name}: {verdict:?}");
        assert_eq!(verdict.state, Some(PaymentState::Voided));
    } else {
        // The device never got the BREAK: it still asks about the payment, which stays open.
        assert_eq!(
            run.json["pending"]["external_id"],
            case.external_id.as_str()
        );
        assert!(!record.expect("recorded").state.is_final());
        let run = case
            .run(&["recover", "--on-challenge", "reject", "--json"])
            .await;
        // Voided is resolved: `till recover` did its job (exit 0).
        assert_eq!(run.code, Some(0), "{name}: {} {}", run.json, run.stderr);
        let verdict = case.verdict().await;
        assert!(verdict.ok(), "{name}: {verdict:?}");
        assert_eq!(verdict.state, Some(PaymentState::Voided));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_whose_answer_is_lost_rechecks_the_payment_and_says_so() {
    reset_answer_lost(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_lost_on_the_way_leaves_the_payment_open_and_says_so() {
    reset_answer_lost(false).await;
}
