//! Crash matrix: a real `till sale` process is killed with SIGKILL at each frame boundary of a
//! sale, while the device (the simulator, a real WebSocket server) completes the sale, keeps
//! waiting, or never got / forgot the request. Then `till recover` runs, and the ledger must
//! hold every payment final and equal to the device's own record: 0 duplicates, 0 lost.
//!
//! Boundaries are hit exactly: the test waits for the frame in the simulator's frame log or
//! for the state in the child's ledger (read-only), and where the POS must not react to a
//! frame, it is frozen with SIGSTOP first, the device acts, then SIGKILL.

mod recovery_common;

use recovery_common::matrix::run_all;
use recovery_common::*;
use till::payment::PaymentState;
use till::protocol::Sender;
use till::sim::CustomerAction;
use till::sim::device::{CustomerMode, Cut, CutKind, Faults, Profile};

/// Where the POS dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// Connected, waiting for pairing: nothing recorded, nothing sent.
    BeforeTxStart,
    /// TX_START written; the device never got it (lost with the connection).
    TxStartLost,
    /// The device acted on TX_START; its TX_START_RESPONSE never came back.
    TxStartUnanswered,
    /// TX_START_RESPONSE processed (`in_progress`); the device waits for the card.
    AfterTxStartResponse,
    /// CONFIRM_PAYMENT_MESSAGE (duplicate challenge) reached the POS, unanswered.
    DuringChallenge,
    /// The device asks the customer to sign.
    WhileSigning,
    /// VERIFY_SIGNATURE reached the POS, unanswered.
    DuringSignatureVerify,
    /// The device completed the payment and dropped the connection instead of FINISH_OK (.06).
    BeforeFinishOk,
    /// FINISH_OK reached the POS, which never processed it.
    FinishOkUnprocessed,
    /// FINISH_OK processed: `approved` is in the ledger.
    AfterFinishOkRecorded,
}

/// What the device does after the POS died.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// The sale completes on the device while the POS is down (the customer acts).
    Completes,
    /// The customer's card is declined while the POS is down.
    Declined,
    /// The device still waits when recovery starts; the customer acts (or the recovering POS
    /// accepts the re-delivered question).
    Waiting,
    /// The device still waits; the recovering POS rejects the re-delivered question.
    Rejected,
    /// The device never got the request, or forgot it (reboot).
    Lost,
    /// The recovering POS is killed too, right after it accepted the re-delivered challenge;
    /// the customer signs while no POS is there; a second `till recover` settles it.
    RecoverKilled,
}

struct Spec {
    boundary: Boundary,
    fate: Fate,
    amount: &'static str,
    expected: Option<PaymentState>,
}

const VISA: &str = "4242424242424242";
const PARTIAL_VISA: &str = "4005578003333335";

fn specs() -> Vec<Spec> {
    use Boundary::*;
    use Fate::*;
    use PaymentState::{Approved, NotFound, Voided};
    let s = |boundary, fate, amount, expected| Spec {
        boundary,
        fate,
        amount,
        expected,
    };
    vec![
        s(BeforeTxStart, Lost, "10.00", None),
        s(TxStartLost, Lost, "10.00", Some(NotFound)),
        s(TxStartUnanswered, Completes, "10.00", Some(Approved)),
        s(TxStartUnanswered, Waiting, "10.00", Some(Approved)),
        s(TxStartUnanswered, Lost, "10.00", Some(NotFound)),
        s(AfterTxStartResponse, Completes, "10.00", Some(Approved)),
        s(AfterTxStartResponse, Completes, "10.02", Some(Approved)),
        s(AfterTxStartResponse, Declined, "10.00", Some(NotFound)),
        s(AfterTxStartResponse, Waiting, "10.00", Some(Approved)),
        s(AfterTxStartResponse, Lost, "10.00", Some(NotFound)),
        s(DuringChallenge, Waiting, "10.03", Some(Approved)),
        s(DuringChallenge, Rejected, "10.03", Some(Voided)),
        s(DuringChallenge, Lost, "10.03", Some(NotFound)),
        s(DuringChallenge, RecoverKilled, "10.09", Some(Approved)),
        s(WhileSigning, Completes, "10.05", Some(Approved)),
        s(WhileSigning, Waiting, "10.05", Some(Approved)),
        s(WhileSigning, Lost, "10.05", Some(NotFound)),
        s(DuringSignatureVerify, Waiting, "10.05", Some(Approved)),
        s(DuringSignatureVerify, Rejected, "10.05", Some(Voided)),
        s(BeforeFinishOk, Completes, "10.06", Some(Approved)),
        s(FinishOkUnprocessed, Completes, "10.00", Some(Approved)),
        s(AfterFinishOkRecorded, Completes, "10.00", Some(Approved)),
    ]
}

/// The card the customer presents for this amount (manual customer).
fn card_for(amount: &str) -> &'static str {
    if amount.ends_with(".02") {
        PARTIAL_VISA
    } else {
        VISA
    }
}

/// What one case ended with.
struct Outcome {
    name: String,
    at_kill: Option<PaymentState>,
    verdict: Verdict,
    expected: Option<PaymentState>,
    recover_code: Option<i32>,
}

/// A representative subset for the real-device profile (CI): a completion after each kind of
/// lost answer, a decline, a rejected challenge and a rejected signature (PAYMENT_VOIDED whose
/// payment still says SUCCESS), and the drop before FINISH_OK. Partial authorisations (.02) are
/// left out: on the real profile they are a PARTIAL_AUTH_CHALLENGE, whose verdict (issue #12
/// item 3) is the POS's to fix.
fn real_subset() -> Vec<Spec> {
    use Boundary::*;
    use Fate::*;
    specs()
        .into_iter()
        .filter(|s| {
            matches!(
                (s.boundary, s.fate, s.amount),
                (TxStartUnanswered, Completes, _)
                    | (AfterTxStartResponse, Completes, "10.00")
                    | (AfterTxStartResponse, Declined, _)
                    | (DuringChallenge, Rejected, _)
                    | (DuringSignatureVerify, Rejected, _)
                    | (BeforeFinishOk, Completes, _)
                    | (FinishOkUnprocessed, Completes, _)
            )
        })
        .collect()
}

async fn run_case(spec: Spec, profile: Profile) -> Outcome {
    use Boundary::*;
    let name = format!(
        "{:?}/{:?}/{}{}",
        spec.boundary,
        spec.fate,
        spec.amount,
        if profile.is_real() { " (real)" } else { "" }
    );
    let mut faults = Faults::default();
    match spec.boundary {
        TxStartLost | TxStartUnanswered => {
            faults.cut = Some(Cut {
                direction: Sender::Pos,
                method: "TX_START".into(),
                skip: 0,
                deliver: spec.boundary == TxStartUnanswered,
                kind: CutKind::HalfOpen,
            });
        }
        _ => {}
    }
    let mut case = Case::start(
        &name,
        device_with(profile, CustomerMode::Manual, faults),
        spec.amount,
    )
    .await;
    if spec.boundary != BeforeTxStart {
        case.approve_pairing();
    }
    let notes = case.sim.notes();
    let mut child = case.spawn_sale("accept", "accept");
    let card = CustomerAction::TapCard(card_for(spec.amount).into());

    // Drive the sale to the boundary, then SIGKILL.
    match spec.boundary {
        BeforeTxStart => case.wait_pairing_code().await,
        TxStartLost => {
            case.wait_frame(TO_DEVICE, "TX_START", 0).await;
        }
        TxStartUnanswered => case.wait_screen(CARD_PROMPT).await,
        AfterTxStartResponse => case.wait_live_state("in_progress").await,
        DuringChallenge => {
            case.wait_live_state("in_progress").await;
            sigstop(&child).await;
            case.act(card.clone()).await;
            case.wait_frame(TO_POS, "CONFIRM_PAYMENT_MESSAGE", 0).await;
        }
        WhileSigning => {
            case.wait_live_state("in_progress").await;
            case.act(card.clone()).await;
            case.wait_screen("Please sign").await;
        }
        DuringSignatureVerify => {
            case.wait_live_state("in_progress").await;
            case.act(card.clone()).await;
            case.wait_screen("Please sign").await;
            sigstop(&child).await;
            case.act(CustomerAction::Sign).await;
            case.wait_frame(TO_POS, "VERIFY_SIGNATURE", 0).await;
        }
        BeforeFinishOk => {
            case.wait_live_state("in_progress").await;
            sigstop(&child).await;
            case.act(card.clone()).await;
        }
        FinishOkUnprocessed => {
            case.wait_live_state("in_progress").await;
            sigstop(&child).await;
            case.act(card.clone()).await;
            case.wait_frame(TO_POS, "FINISH_OK", 0).await;
        }
        AfterFinishOkRecorded => {
            case.wait_live_state("in_progress").await;
            case.act(card.clone()).await;
            case.wait_live_state("approved").await;
        }
    }
    sigkill(&mut child).await;
    let at_kill = case.record().0.map(|r| r.state);
    if spec.boundary == BeforeFinishOk {
        assert!(
            !case.frames().iter().any(|f| f.method == "FINISH_OK"),
            "{name}: the device was to drop the connection instead of sending FINISH_OK"
        );
    }

    // The device's fate while the POS is down.
    match spec.fate {
        Fate::Completes | Fate::Declined => {
            let needs_customer = matches!(
                spec.boundary,
                TxStartUnanswered | AfterTxStartResponse | WhileSigning
            );
            if needs_customer {
                // A half-open socket is never noticed by the device; any other goes at once.
                if spec.boundary != TxStartUnanswered {
                    case.wait_disconnected(notes).await;
                }
                match (spec.boundary, spec.fate) {
                    (WhileSigning, _) => case.act(CustomerAction::Sign).await,
                    (_, Fate::Declined) => case.act(CustomerAction::Decline).await,
                    _ => case.act(card.clone()).await,
                }
            }
        }
        Fate::Lost => {
            if matches!(
                spec.boundary,
                TxStartUnanswered | AfterTxStartResponse | DuringChallenge | WhileSigning
            ) {
                case.act(CustomerAction::Reboot).await;
            }
        }
        Fate::Waiting | Fate::Rejected => {}
        Fate::RecoverKilled => {
            case.approve_pairing();
            let from = case.frames().len();
            let notes = case.sim.notes();
            let mut first = case.spawn(&["recover", "--on-challenge", "accept", "--json"]);
            case.wait_frame(TO_DEVICE, "PAYMENT_CONFIRMED", from).await;
            case.wait_screen("Please sign").await;
            sigkill(&mut first).await;
            case.wait_disconnected(notes).await;
            case.act(CustomerAction::Sign).await;
        }
    }
    case.approve_pairing();

    // Restart: `till recover`, answering re-delivered questions by the fate.
    let answer = if spec.fate == Fate::Rejected {
        "reject"
    } else {
        "accept"
    };
    let from = case.frames().len();
    let recover = case.spawn(&[
        "recover",
        "--on-challenge",
        answer,
        "--on-partial",
        answer,
        "--on-signature",
        answer,
        "--json",
    ]);
    let customer_acts_now = spec.fate == Fate::Waiting
        && matches!(
            spec.boundary,
            TxStartUnanswered | AfterTxStartResponse | WhileSigning
        );
    if customer_acts_now {
        // The recovering POS asked and heard IN_PROGRESS; now the customer acts.
        case.wait_frame(TO_POS, "RETRIEVE_PAYMENT_RESPONSE", from)
            .await;
        if spec.boundary == WhileSigning {
            case.act(CustomerAction::Sign).await;
        } else {
            case.act(card.clone()).await;
        }
    }
    let run = finish(recover).await;
    let verdict = case.verdict().await;
    // `till recover` resolved it, whatever the outcome (#13 item 11): exit 0; unknown is 4.
    let expected_code = match verdict.state {
        Some(s) if !s.is_final() => 4,
        _ => 0,
    };
    assert_eq!(
        run.code,
        Some(expected_code),
        "{name}: till recover exit code; stdout {} stderr {}; ledger {:#?}",
        run.json,
        run.stderr,
        case.record()
    );
    Outcome {
        name,
        at_kill,
        verdict,
        expected: spec.expected,
        recover_code: run.code,
    }
}

/// The card prompt's title on the device screen.
const CARD_PROMPT: &str = "Insert, tap or swipe card";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_every_frame_boundary_then_recover() {
    run_matrix(specs(), Profile::Default).await;
}

/// The crash matrix against the real-device profile: a representative subset in CI.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_representative_boundaries_then_recover_real_profile() {
    run_matrix(real_subset(), Profile::Real).await;
}

/// The whole crash matrix against the real-device profile (slow; run with `--ignored`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "the full real-profile crash matrix is slow; CI runs the representative subset"]
async fn sigkill_at_every_frame_boundary_then_recover_real_profile() {
    run_matrix(specs(), Profile::Real).await;
}

/// Runs the cases (`RECOVERY_CASE` picks some by name) and asserts every payment ends final and
/// equal to the device's record.
async fn run_matrix(specs: Vec<Spec>, profile: Profile) {
    let only = std::env::var("RECOVERY_CASE").ok();
    let specs: Vec<Spec> = specs
        .into_iter()
        .filter(|s| {
            only.as_deref()
                .is_none_or(|o| format!("{:?}/{:?}/{}", s.boundary, s.fate, s.amount).contains(o))
        })
        .collect();
    let total = specs.len();
    // A few cases at a time: each runs two `till` processes and a simulator.
    let outcomes = run_all(specs, 4, move |spec| run_case(spec, profile)).await;
    let mut good = 0;
    let mut duplicates = 0;
    let mut lost = 0;
    let mut failures = Vec::new();
    for o in &outcomes {
        let v = &o.verdict;
        println!(
            "{:<48} at kill {:<12} → {:<10} device: {} (recover exit {:?})",
            o.name,
            o.at_kill.map_or("(none)", |s| s.as_str()),
            v.state.map_or("(none)", |s| s.as_str()),
            v.device,
            o.recover_code
        );
        duplicates += v.duplicates;
        lost += v.lost;
        if v.ok() && v.state == o.expected {
            good += 1;
        } else {
            failures.push(format!("{}: {v:?}, expected {:?}", o.name, o.expected));
        }
    }
    println!(
        "crash matrix ({profile} profile): {total} cases, {good} final and equal to the device, {duplicates} duplicates, {lost} lost"
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(good, total);
}

/// After a crash, a new `till sale` first settles the payment left open (the device completed
/// it meanwhile), records it, and only then rings the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sale_after_a_crash_settles_the_open_payment_first() {
    let case = Case::killed_at_card_prompt("new sale after crash", "10.00", Some(VISA)).await;

    let next = "rc-new-sale-after-crash-2";
    let from = case.frames().len();
    let sale = case.spawn(&["sale", "7.00", "--external-id", next, "--json"]);
    let tx_start = case.wait_frame(TO_DEVICE, "TX_START", from).await;
    case.wait_screen(CARD_PROMPT).await;
    case.act(CustomerAction::TapCard(VISA.into())).await;
    let run = finish(sale).await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    assert_eq!(run.json["external_id"], next);

    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
    assert_eq!(verdict.state, Some(PaymentState::Approved));
    // The old payment was recorded before the new one was created and sent.
    let ledger = case.ledger();
    let old_at = ledger
        .get(&case.external_id)
        .expect("readable")
        .expect("row")
        .updated_ms;
    let new = ledger.get(next).expect("readable").expect("new row");
    assert_eq!(new.state, PaymentState::Approved);
    assert!(
        old_at <= new.created_ms,
        "old settled at {old_at}, new created {}",
        new.created_ms
    );
    assert!(
        case.frames()[from..tx_start].iter().any(|f| f.dir == TO_POS
            && (f.method == "FINISH_OK" || f.method == "RETRIEVE_PAYMENT_RESPONSE")),
        "the old payment was settled on the wire before the new TX_START"
    );
}

/// After a crash during a challenge, a new `till sale` that cannot ask (no terminal) refuses
/// to ring and leaves both the open payment and the ledger as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sale_is_refused_while_the_open_payment_waits_for_an_answer() {
    let mut case = Case::start(
        "new sale refused",
        device(CustomerMode::Manual, Faults::default()),
        "10.03",
    )
    .await;
    case.approve_pairing();
    let mut child = case.spawn_sale("accept", "accept");
    case.wait_live_state("in_progress").await;
    sigstop(&child).await;
    case.act(CustomerAction::TapCard(VISA.into())).await;
    case.wait_frame(TO_POS, "CONFIRM_PAYMENT_MESSAGE", 0).await;
    sigkill(&mut child).await;

    let next = "rc-new-sale-refused-2";
    let run = case
        .run(&["sale", "7.00", "--external-id", next, "--json"])
        .await;
    assert_eq!(run.code, Some(5), "{} {}", run.json, run.stderr);
    assert_eq!(
        run.json["pending"]["external_id"],
        case.external_id.as_str()
    );
    assert!(case.ledger().get(next).expect("readable").is_none());
    assert!(
        case.frames()
            .iter()
            .filter(|f| f.method == "TX_START")
            .count()
            == 1,
        "no second TX_START"
    );
    // Settled by recover; nothing duplicated.
    let run = case
        .run(&["recover", "--on-challenge", "accept", "--json"])
        .await;
    assert_eq!(run.code, Some(0), "{} {}", run.json, run.stderr);
    let verdict = case.verdict().await;
    assert!(verdict.ok(), "{verdict:?}");
}
