//! Issue #12 items 1 and 3 against the real-device profile: a rejected signature or partial
//! approval voided with PAYMENT_VOIDED (whose payment still says SUCCESS, as real devices send
//! it), the connection dropped right after it, and — with `voided_reads_success` — a lookup that
//! shows the voided payment as SUCCESS too. The ledger must say voided, never approved.

mod recovery_common;

use recovery_common::*;
use till::payment::PaymentState;
use till::sim::device::{Cut, CutDirection, CutKind, Faults, Profile};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_void_after_a_rejection_is_never_recorded_as_approved() {
    for (amount, voided_reads_success) in [
        ("10.05", false),
        ("10.05", true),
        ("10.02", false),
        ("10.02", true),
    ] {
        let faults = Faults {
            cut: Some(Cut {
                direction: CutDirection::DeviceToPos,
                method: "PAYMENT_VOIDED".into(),
                skip: 0,
                deliver: true,
                kind: CutKind::Drop,
            }),
            voided_reads_success,
            ..Faults::default()
        };
        let name = format!("void {amount} {voided_reads_success}");
        let case = Case::start(
            &name,
            device_with(Profile::Real, auto_customer(), faults),
            amount,
        )
        .await;
        let run = finish(case.spawn_sale("reject", "reject")).await;
        assert_eq!(
            (run.code, run.json["state"].as_str()),
            (Some(1), Some("voided")),
            "{name}: {} {}",
            run.json,
            run.stderr
        );
        let verdict = case.verdict().await;
        assert!(verdict.ok(), "{name}: {verdict:?}");
        assert_eq!(verdict.state, Some(PaymentState::Voided), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_partial_challenge_is_a_partial_approval_exit_6() {
    let case = Case::start(
        "partial accepted real",
        device_with(Profile::Real, auto_customer(), Faults::default()),
        "10.02",
    )
    .await;
    let run = finish(case.spawn_sale("accept", "accept")).await;
    assert_eq!(run.code, Some(6), "{} {}", run.json, run.stderr);
    assert_eq!(run.json["partial"], true, "{}", run.json);
    assert_eq!(run.json["charged"], "5.01", "{}", run.json);
    assert_eq!(run.json["remaining"], "5.01", "{}", run.json);
    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::Approved));
}
