//! Network-drop matrix: the simulator breaks the connection at every frame of a sale, in both
//! directions — right after the frame got through, or losing it — and the real `till sale`
//! process must still end with the payment final and equal to the device's own record (its
//! connector reconnects and recovery runs), or exit 4 and leave it to `till recover`.
//!
//! The frames of a sale (TX_START to FINISH_*) are taken from a clean reference run of the same
//! amount; each case cuts at one of them (the device counts earlier frames of the same method
//! to find it).

mod recovery_common;

use std::collections::BTreeMap;
use std::sync::Arc;

use recovery_common::*;
use till::payment::PaymentState;
use till::sim::device::{Cut, CutDirection, CutKind, Faults, Profile};
use tokio::sync::Semaphore;

/// One frame of the reference sale: where the cut goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Point {
    direction: CutDirection,
    method: String,
    /// Frames of the same method and direction before it (the cut's `skip`).
    skip: u32,
}

/// Runs a clean sale of `amount` and returns every command frame from TX_START to the sale's
/// outcome frame `last`, in order.
async fn reference_frames(
    profile: Profile,
    amount: &str,
    exit_code: i32,
    last: &str,
) -> Vec<Point> {
    let case = Case::start(
        &format!("reference {amount} {profile}"),
        device_with(profile, auto_customer(), Faults::default()),
        amount,
    )
    .await;
    let run = finish(case.spawn_sale("accept", "accept")).await;
    assert_eq!(
        run.code,
        Some(exit_code),
        "reference sale of {amount}: {} {}",
        run.json,
        run.stderr
    );
    let frames = case.frames();
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut points = Vec::new();
    let mut in_sale = false;
    for f in frames {
        if matches!(f.method.as_str(), "PING" | "PONG") {
            continue;
        }
        let key = (f.dir.clone(), f.method.clone());
        let seen = counts.entry(key).or_insert(0);
        let skip = *seen;
        *seen += 1;
        in_sale |= f.dir == TO_DEVICE && f.method == "TX_START";
        let outcome = f.dir == TO_POS && f.method == last;
        if in_sale {
            points.push(Point {
                direction: if f.dir == TO_DEVICE {
                    CutDirection::PosToDevice
                } else {
                    CutDirection::DeviceToPos
                },
                method: f.method,
                skip,
            });
        }
        if outcome {
            // What follows (welcome/thank-you screens while the POS closes) is no longer part
            // of the payment, and its timing depends on how fast the POS exits.
            break;
        }
    }
    assert!(
        points.iter().any(|p| p.method == last),
        "the reference sale of {amount} has its frames: {points:?}"
    );
    points
}

/// What one cut led to.
struct Outcome {
    name: String,
    sale_code: Option<i32>,
    recovered: bool,
    verdict: Verdict,
}

async fn run_case(
    profile: Profile,
    amount: &'static str,
    point: Point,
    deliver: bool,
    kind: CutKind,
) -> Outcome {
    let arrow = match point.direction {
        CutDirection::PosToDevice => "pos->device",
        CutDirection::DeviceToPos => "device->pos",
    };
    let how = match (deliver, kind) {
        (true, CutKind::Drop) => "drop after",
        (false, CutKind::Drop) => "drop instead of",
        (true, CutKind::HalfOpen) => "half-open after",
        (false, CutKind::HalfOpen) => "half-open instead of",
    };
    let real = if profile.is_real() { " (real)" } else { "" };
    let name = format!(
        "{amount} {how} {arrow} {}#{}{real}",
        point.method,
        point.skip + 1
    );
    let faults = Faults {
        cut: Some(Cut {
            direction: point.direction,
            method: point.method.clone(),
            skip: point.skip,
            deliver,
            kind,
        }),
        ..Faults::default()
    };
    let case = Case::start(&name, device_with(profile, auto_customer(), faults), amount).await;
    let mut notes = case.sim.notes();
    let sale = finish(case.spawn_sale("accept", "accept")).await;
    let mut cut_happened = false;
    while let Ok(note) = notes.try_recv() {
        cut_happened |= note.text.starts_with("cut fault:");
    }
    let mut recovered = false;
    match sale.code {
        Some(0 | 1) => {}
        Some(4) => {
            // Outcome unknown when the sale gave up: `till recover` must settle it.
            recovered = true;
            let run = case
                .run(&[
                    "recover",
                    "--on-challenge",
                    "accept",
                    "--on-signature",
                    "accept",
                    "--json",
                ])
                .await;
            assert!(
                matches!(run.code, Some(0 | 1)),
                "{name}: till recover ended with {:?}: {} {}",
                run.code,
                run.json,
                run.stderr
            );
        }
        other => panic!(
            "{name}: till sale ended with {other:?}: {} {}",
            sale.json, sale.stderr
        ),
    }
    let verdict = case.verdict().await;
    if !recovered {
        let expected = match verdict.state {
            Some(PaymentState::Approved) => Some(0),
            _ => Some(1),
        };
        assert_eq!(
            sale.code, expected,
            "{name}: the exit code says the ledger's outcome"
        );
    }
    assert!(cut_happened, "{name}: the device never cut the connection");
    Outcome {
        name,
        sale_code: sale.code,
        recovered,
        verdict,
    }
}

/// The frames of a sale that decide its outcome (a cut there is the hardest to recover from).
fn key_frame(method: &str) -> bool {
    matches!(
        method,
        "TX_START_RESPONSE" | "CONFIRM_PAYMENT_MESSAGE" | "VERIFY_SIGNATURE" | "FINISH_OK"
    )
}

/// Every cut of the matrix for `profile`; with `subset`, only the frames that carry the
/// payment (TX_START, the key frames, the POS's answers, PAYMENT_VOIDED, FINISH_CANCEL) and the
/// real profile's TX_STATE START before the card prompt.
async fn cuts(profile: Profile, subset: bool) -> Vec<(&'static str, Point, bool, CutKind)> {
    // .09: duplicate challenge and signature, so every kind of frame of a sale is there.
    // .01: a decline (UI DECLINED, TX_STATE FAIL, FINISH_CANCEL).
    let mut cases: Vec<(&'static str, Point, bool, CutKind)> = Vec::new();
    for (amount, code, last) in [("10.09", 0, "FINISH_OK"), ("10.01", 1, "FINISH_CANCEL")] {
        for point in reference_frames(profile, amount, code, last).await {
            let carries_payment = key_frame(&point.method)
                || matches!(
                    point.method.as_str(),
                    "TX_START" | "PAYMENT_CONFIRMED" | "SIGNATURE_VERIFIED" | "FINISH_CANCEL"
                )
                || (point.method == "TX_STATE" && point.skip == 0);
            if subset && !carries_payment {
                continue;
            }
            for deliver in [true, false] {
                cases.push((amount, point.clone(), deliver, CutKind::Drop));
            }
            if key_frame(&point.method) && amount == "10.09" {
                cases.push((amount, point.clone(), false, CutKind::HalfOpen));
            }
        }
    }
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_connection_cut_at_any_frame_of_a_sale_is_recovered() {
    run_matrix(Profile::Default, cuts(Profile::Default, false).await).await;
}

/// The network-drop matrix against the real-device profile: the frames that carry the payment
/// (CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_connection_cut_at_a_key_frame_is_recovered_real_profile() {
    run_matrix(Profile::Real, cuts(Profile::Real, true).await).await;
}

/// The whole network-drop matrix against the real-device profile (slow; run with `--ignored`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "the full real-profile network-drop matrix is slow; CI runs the key frames"]
async fn a_connection_cut_at_any_frame_of_a_sale_is_recovered_real_profile() {
    run_matrix(Profile::Real, cuts(Profile::Real, false).await).await;
}

/// Runs every cut and asserts each payment ends final and equal to the device's record.
async fn run_matrix(profile: Profile, cases: Vec<(&'static str, Point, bool, CutKind)>) {
    let total = cases.len();
    let slots = Arc::new(Semaphore::new(4));
    let mut tasks = Vec::new();
    for (amount, point, deliver, kind) in cases {
        let slots = slots.clone();
        tasks.push(tokio::spawn(async move {
            let _slot = slots.acquire_owned().await.expect("semaphore open");
            run_case(profile, amount, point, deliver, kind).await
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("case ran to the end"));
    }
    let mut good = 0;
    let mut via_recover = 0;
    let mut duplicates = 0;
    let mut lost = 0;
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for o in &outcomes {
        let v = &o.verdict;
        println!(
            "{:<58} sale exit {:?}{} → {:<10} device: {}",
            o.name,
            o.sale_code,
            if o.recovered { " + till recover" } else { "" },
            v.state.map_or("(none)", |s| s.as_str()),
            v.device
        );
        *by_state
            .entry(v.state.map_or("(none)", |s| s.as_str()))
            .or_default() += 1;
        duplicates += v.duplicates;
        lost += v.lost;
        via_recover += usize::from(o.recovered);
        if v.ok() && v.state.is_some() {
            good += 1;
        } else {
            failures.push(format!("{}: {v:?}", o.name));
        }
    }
    println!(
        "network drops ({profile} profile): {total} cuts, {good} final and equal to the device ({via_recover} needed till recover), \
         {duplicates} duplicates, {lost} lost; outcomes {by_state:?}"
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(good, total);
}
