//! The network-drop and crash matrices extended to auths, captures and tip adjusts (#17): the
//! simulator cuts the connection at each frame of the act (both directions, the frame delivered
//! or lost), or the `till` process is SIGKILLed at each frame boundary; then `till recover` runs
//! when the command could not decide. Every case must end final in the ledger and equal to the
//! device's record of the payment: **0 lost, 0 captured twice, 0 tip applied twice** (and nothing
//! recorded that the device did not do). A CI-sized set runs by default; the whole set (both
//! profiles, a kill at every frame) is `#[ignore]`d.

mod recovery_common;

use recovery_common::matrix::{ActFrame, Break, Tally, interrupt_then_recover, run_acts};
use recovery_common::*;
use till::payment::{PaymentKind, PaymentState};
use till::protocol::Sender;
use till::protocol::{Payment, PaymentResult};
use till::sim::device::Profile;

/// What is done and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// `till auth 10.00 --external-id EXT`.
    Auth,
    /// `till tip EXT 2.00` after an approved auth.
    TipAdjust,
    /// `till capture EXT --amount 8.00 --tip 1.00` after an approved pre-auth.
    Capture,
}

const TIP: i64 = 200;
const CAPTURE: i64 = 800;
const CAPTURE_TIP: i64 = 100;

impl Act {
    fn args(self, ext: &str) -> Vec<String> {
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect();
        match self {
            Act::Auth => v(&["auth", "10.00", "--external-id", ext]),
            Act::TipAdjust => v(&["tip", ext, "2.00"]),
            Act::Capture => v(&["capture", ext, "--amount", "8.00", "--tip", "1.00"]),
        }
    }

    /// The payment made first, when the act works on one.
    fn setup(self, ext: &str) -> Option<Vec<String>> {
        let v = |a: &[&str]| Some(a.iter().map(|s| (*s).to_owned()).collect());
        match self {
            Act::Auth => None,
            Act::TipAdjust => v(&["auth", "10.00", "--external-id", ext]),
            Act::Capture => v(&["preauth", "10.00", "--external-id", ext]),
        }
    }

    /// The frames of this act, as (direction, method, frames of that method before it).
    fn frames(self) -> Vec<ActFrame> {
        match self {
            Act::Auth => vec![
                (Sender::Pos, "TX_START", 0),
                (Sender::Device, "TX_START_RESPONSE", 0),
                (Sender::Device, "FINISH_OK", 0),
            ],
            Act::TipAdjust => vec![
                (Sender::Pos, "TIP_ADJUST", 0),
                (Sender::Device, "TIP_ADJUST_RESPONSE", 0),
            ],
            Act::Capture => vec![
                (Sender::Pos, "CAPTURE_PREAUTH", 0),
                (Sender::Device, "CAPTURE_PREAUTH_RESPONSE", 0),
            ],
        }
    }
}

/// The ledger against the device's record of the payment.
fn compare(act: Act, device: Option<&Payment>, case: &Case) -> Tally {
    let ledger = case.ledger();
    let open = ledger.non_final_all().expect("ledger readable").len();
    let parent = ledger.get(&case.external_id).expect("ledger readable");
    let children = ledger.children(&case.external_id).unwrap_or_default();
    drop(ledger);
    let kind = match act {
        Act::TipAdjust => PaymentKind::TipAdjust,
        _ => PaymentKind::Capture,
    };
    let mine: Vec<_> = children.iter().filter(|c| c.kind == kind).collect();
    let approved = mine
        .iter()
        .filter(|c| c.state == PaymentState::Approved)
        .count();
    let detail = format!(
        "device: {:?}; ledger: {:?} {:?}",
        device.map(|p| (p.result.clone(), p.amount, p.tip_amount)),
        parent
            .as_ref()
            .map(|p| (p.state, p.charged_amount, p.charged_tip)),
        mine.iter()
            .map(|c| (c.state, c.amount, c.tip))
            .collect::<Vec<_>>()
    );
    let done = match act {
        Act::TipAdjust => device.is_some_and(|p| p.tip_amount == Some(TIP)),
        _ => device.is_some_and(|p| {
            p.result == Some(PaymentResult::Success)
                && p.amount == Some(CAPTURE)
                && p.tip_amount.unwrap_or(0) == CAPTURE_TIP
        }),
    };
    let recorded = approved >= 1;
    // For a tip: the auth's tip in the ledger is the device's.
    let tip_agrees = act != Act::TipAdjust
        || parent
            .as_ref()
            .and_then(|p| p.charged_tip)
            .map(|t| t.get())
            .unwrap_or(0)
            == device.and_then(|p| p.tip_amount).unwrap_or(0);
    Tally {
        final_and_equal: open == 0 && done == recorded && tip_agrees,
        twice: approved.saturating_sub(1),
        lost: usize::from(done && !recorded),
        phantom: usize::from(!done && recorded),
        detail,
        ..Tally::default()
    }
}

async fn run_case(profile: Profile, act: Act, brk: Break) -> (String, Tally) {
    let name = format!("{act:?} {brk:?} {profile}");
    let device = device_with(profile, auto_customer(), brk.faults());
    let case = Case::start(&name, device, "10.00").await;
    if let Some(setup) = act.setup(&case.external_id) {
        let mut args: Vec<&str> = setup.iter().map(String::as_str).collect();
        args.push("--json");
        let run = case.run(&args).await;
        assert_eq!(
            run.code,
            Some(0),
            "{name}: the setup: {} {}",
            run.json,
            run.stderr
        );
    }
    interrupt_then_recover(&case, &name, &act.args(&case.external_id), &brk).await;
    if act == Act::Auth {
        let v = case.verdict().await;
        let tally = Tally {
            final_and_equal: v.is_final && v.equal,
            twice: v.duplicates,
            lost: v.lost,
            phantom: usize::from(
                v.state == Some(PaymentState::Approved) && v.device == "no payment",
            ),
            detail: format!("{v:?}"),
            ..Tally::default()
        };
        return (name, tally);
    }
    let truth = case.truth().await;
    let payment = truth
        .iter()
        .find(|p| p.result != Some(PaymentResult::Fail))
        .cloned();
    (name, compare(act, payment.as_ref(), &case))
}

async fn run_matrix(profile: Profile, full: bool) {
    let acts = [Act::Auth, Act::TipAdjust, Act::Capture];
    let t = run_acts(&acts, Act::frames, full, move |act, brk| {
        run_case(profile, act, brk)
    })
    .await;
    println!(
        "auth/capture/tip matrix ({profile}): {} cases, {} final and equal to the device, {} \
         captured or tip applied twice, {} lost, {} recorded but not done",
        t.total, t.good, t.twice, t.lost, t.phantom
    );
    assert!(t.failures.is_empty(), "{:#?}", t.failures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_auth_capture_or_tip_adjust_cut_or_killed_at_its_frames_is_recovered() {
    run_matrix(Profile::Default, false).await;
}

/// Every break, both profiles (slow; run with `--ignored`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "the full auth/capture/tip matrix is slow; CI runs a subset"]
async fn every_auth_capture_or_tip_adjust_break_is_recovered_both_profiles() {
    run_matrix(Profile::Default, true).await;
    run_matrix(Profile::Real, true).await;
}
