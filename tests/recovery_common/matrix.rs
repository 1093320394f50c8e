//! The scaffolding the recovery matrices share: running the cases a few at a time, breaking an
//! act at each of its frames (the simulator cuts the connection there, or the `till` process is
//! SIGKILLed once the device logged the frame), `till recover` when the command could not
//! decide, and the tally of every case against the device's record. Each matrix file keeps its
//! acts, its cases and what it compares.

use std::future::Future;
use std::sync::Arc;

use till::protocol::Sender;
use till::sim::device::{Cut, CutKind, Faults};
use tokio::sync::Semaphore;

use super::{Case, TO_DEVICE, TO_POS, sigkill};

/// Runs `run` on every case, at most `slots` at a time (each case runs `till` processes and a
/// simulator), and gives the results in the cases' order.
pub async fn run_all<C, T, F, Fut>(cases: Vec<C>, slots: usize, run: F) -> Vec<T>
where
    C: Send + 'static,
    T: Send + 'static,
    F: Fn(C) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(slots));
    let mut tasks = Vec::new();
    for case in cases {
        let slots = slots.clone();
        let work = run(case);
        tasks.push(tokio::spawn(async move {
            let _slot = slots.acquire_owned().await.expect("semaphore open");
            work.await
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("case ran to the end"));
    }
    out
}

/// Breaks each act at each of its frames ([`breaks`]; with `full`, every break), runs the cases
/// three at a time, prints and tallies them.
pub async fn run_acts<A, F, Fut>(
    acts: &[A],
    frames: impl Fn(A) -> Vec<ActFrame>,
    full: bool,
    run: F,
) -> Totals
where
    A: Copy + Send + 'static,
    F: Fn(A, Break) -> Fut,
    Fut: Future<Output = (String, Tally)> + Send + 'static,
{
    let mut cases = Vec::new();
    for &act in acts {
        for brk in breaks(frames(act), full) {
            cases.push((act, brk));
        }
    }
    let results = run_all(cases, 3, |(act, brk)| run(act, brk)).await;
    tally_all(&results)
}

/// One frame of an act, as (direction, method, frames of that method before it).
pub type ActFrame = (Sender, &'static str, u32);

/// How an act is interrupted.
#[derive(Debug, Clone)]
pub enum Break {
    /// The simulator cuts the connection at this frame (delivered first, or lost).
    Cut(Sender, &'static str, u32, bool),
    /// The `till` process is SIGKILLed once the device has logged this frame.
    Kill(&'static str, &'static str),
}

impl Break {
    /// The simulator's faults for this break: the connection dropped at the frame for a cut,
    /// none for a kill.
    pub fn faults(&self) -> Faults {
        let mut faults = Faults::default();
        if let Break::Cut(direction, method, skip, deliver) = self {
            faults.cut = Some(Cut {
                direction: *direction,
                method: (*method).to_owned(),
                skip: *skip,
                deliver: *deliver,
                kind: CutKind::Drop,
            });
        }
        faults
    }
}

/// The breaks of an act with these frames: a cut at each (delivered, then lost), and a kill
/// after each frame the POS sends; with `full`, after each frame the device sends too.
pub fn breaks(frames: Vec<ActFrame>, full: bool) -> Vec<Break> {
    let mut out = Vec::new();
    for (direction, method, skip) in frames {
        for deliver in [true, false] {
            out.push(Break::Cut(direction, method, skip, deliver));
        }
        let dir = match direction {
            Sender::Pos => TO_DEVICE,
            Sender::Device => TO_POS,
        };
        if full || direction == Sender::Pos {
            out.push(Break::Kill(dir, method));
        }
    }
    out
}

/// Runs `till <args> --json`, interrupted by `brk`; when it could not decide (killed, or exit
/// 4), runs `till recover` (twice when the first still says unknown: the connector may still
/// have been reconnecting). Exit codes other than 0, 1 (decided) and 4 (unknown) fail the case.
pub async fn interrupt_then_recover(case: &Case, name: &str, args: &[String], brk: &Break) {
    let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
    full.push("--json");
    let code = match brk {
        Break::Cut(..) => case.run(&full).await.code,
        Break::Kill(dir, method) => {
            let from = case.frames().len();
            let mut child = case.spawn(&full);
            case.wait_frame(dir, method, from).await;
            sigkill(&mut child).await;
            None
        }
    };
    if !matches!(code, Some(0 | 1)) {
        assert!(
            matches!(code, None | Some(4)),
            "{name}: till {} ended with {code:?}",
            full[0]
        );
        let run = case.run(&["recover", "--json"]).await;
        assert!(
            matches!(run.code, Some(0 | 1 | 4)),
            "{name}: till recover ended with {:?}: {} {}",
            run.code,
            run.json,
            run.stderr
        );
        if run.code == Some(4) {
            // A second look (the connector may still have been reconnecting).
            case.run(&["recover", "--json"]).await;
        }
    }
}

/// The ledger against the device's record after one case.
#[derive(Debug, Default)]
pub struct Tally {
    /// Nothing open, and the ledger says what the device did.
    pub final_and_equal: bool,
    /// Left `unknown` with the next step named, where the device's record cannot decide it.
    pub undecided_named: bool,
    /// Done twice (refunded, credited, captured, tip applied…).
    pub twice: usize,
    /// Done on the device, not approved in the ledger.
    pub lost: usize,
    /// Approved in the ledger, not done on the device.
    pub phantom: usize,
    /// What both sides hold, for the report.
    pub detail: String,
}

/// The counts of a matrix run.
#[derive(Debug, Default)]
pub struct Totals {
    /// Cases run.
    pub total: usize,
    /// Final and equal to the device, nothing twice, lost or recorded but not done.
    pub good: usize,
    /// Left unknown with the next step named, nothing lost or recorded but not done.
    pub undecided: usize,
    /// Sums over the cases.
    pub twice: usize,
    pub lost: usize,
    pub phantom: usize,
    /// The cases that are neither good nor undecided-and-named, with their detail.
    pub failures: Vec<String>,
}

/// Prints every case and counts them.
pub fn tally_all(results: &[(String, Tally)]) -> Totals {
    let mut totals = Totals {
        total: results.len(),
        ..Totals::default()
    };
    for (name, t) in results {
        println!("{name:<80} {}", t.detail);
        totals.twice += t.twice;
        totals.lost += t.lost;
        totals.phantom += t.phantom;
        if t.final_and_equal && t.twice == 0 && t.lost == 0 && t.phantom == 0 {
            totals.good += 1;
        } else if t.undecided_named && t.lost == 0 && t.phantom == 0 {
            totals.undecided += 1;
        } else {
            totals.failures.push(format!("{name}: {}", t.detail));
        }
    }
    totals
}
