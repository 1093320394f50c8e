//! The soak harness: many consecutive sales against an embedded simulator with random faults
//! (dropped connections, half-open sockets, late frames, device reboots), through the real
//! state machine, runtime, connector and ledger; then recovery of whatever is left open, and a
//! comparison of the ledger with the simulated device's own record.
//!
//! Used by `tests/soak_short.rs` (CI) and `benches/soak.rs` (10 000 sales); it lives with the tests,
//! not in the shipped library.

use std::time::{Duration, Instant};

use till::app::{Action, AppSettings, Event, Prompt};
use till::payment::PaymentState;
use till::protocol::{Cents, PaymentResult};
use till::sim::DEFAULT_DEVICE_ID;
use till::sim::device::{DeviceConfig, Faults};

// Found from here whichever test or bench includes this module.
#[path = "../wired_support/mod.rs"]
mod wired_support;

use wired_support::{Rt, Till};

/// What to run.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    /// Number of sales.
    pub sales: usize,
    /// Probability of a random fault per sale (drop before FINISH_OK, half-open, late frame).
    pub fault_rate: f64,
    /// Seed of the simulator.
    pub seed: u64,
}

/// What came out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoakReport {
    /// Sales started.
    pub sales: usize,
    /// Payments final in the ledger at the end.
    pub final_payments: usize,
    /// Payments still open at the end (must be 0).
    pub unresolved: usize,
    /// Payments the device approved that the ledger does not have as approved (must be 0).
    pub lost: usize,
    /// External ids with more than one approved device payment (must be 0).
    pub duplicates: usize,
    /// Payments the ledger has as approved that the device did not approve (must be 0).
    pub phantom: usize,
    /// Ledger state counts: approved, declined, canceled, voided, not_found.
    pub by_state: Vec<(String, usize)>,
    /// Resident set size at start and end, kB.
    pub rss_kb: (u64, u64),
    /// Open file descriptors at start and end.
    pub fds: (usize, usize),
    /// Wall time.
    pub elapsed: Duration,
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The cents of the amounts rung, cycling: plain approvals, a decline, a partial, a cancel,
/// both challenges, a signature, a reboot while waiting for the card.
const CENTS: [i64; 10] = [34, 0, 1, 2, 7, 3, 4, 5, 34, 11];

async fn settle(rt: &mut Rt, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return rt.state().pending().is_none();
        }
        rt.run_until(left, |s| s.pending().is_none() || s.prompt().is_some())
            .await;
        match rt.state().prompt().clone() {
            _ if rt.state().pending().is_none() => return true,
            Some(Prompt::Challenge { .. }) => {
                rt.dispatch(Event::Action(Action::AnswerChallenge { accept: true }))
                    .await
            }
            Some(Prompt::Signature { .. }) => {
                rt.dispatch(Event::Action(Action::AnswerSignature { accept: true }))
                    .await
            }
            None => return false,
        }
    }
}

/// Runs the soak in a temporary data directory.
pub async fn run(config: SoakConfig) -> SoakReport {
    let start = Instant::now();
    let (rss0, fds0) = (rss_kb(), open_fds());
    let device = DeviceConfig {
        card_timeout_ms: 2_000,
        faults: Faults {
            random_rate: config.fault_rate,
            ..Faults::default()
        },
        seed: config.seed,
        ..wired_support::auto_device()
    };
    let mut settings = wired_support::connector();
    settings.heartbeat_interval = Duration::from_millis(150);
    settings.heartbeat_timeout = Duration::from_millis(250);
    settings.reconnect_floor = Duration::from_millis(20);
    settings.reconnect_cap = Duration::from_millis(200);
    settings.ready_timeout = Duration::from_secs(3);
    let app = AppSettings {
        response_timeout_ms: 1_000,
        poll_initial_ms: 50,
        poll_max_ms: 400,
        ..AppSettings::default()
    };
    let mut till = Till::start(device, app, settings).await;
    let (rt, sim, ledger) = (&mut till.rt, &till.sim, &till.ledger);

    for i in 0..config.sales {
        rt.run_until(Duration::from_secs(10), |s| s.is_ready())
            .await;
        if rt.state().pending().is_some() {
            settle(rt, Duration::from_secs(20)).await;
        }
        let amount = Cents(1_000 + (i as i64 % 50) * 100 + CENTS[i % CENTS.len()]);
        rt.dispatch(Event::Action(Action::StartSale {
            amount,
            tip: None,
            tax: None,
            external_id: None,
        }))
        .await;
        settle(rt, Duration::from_secs(20)).await;
    }
    // Whatever is still open: recover until final.
    for _ in 0..5 {
        if rt.state().pending().is_none() {
            break;
        }
        rt.run_until(Duration::from_secs(10), |s| s.is_ready())
            .await;
        rt.dispatch(Event::Action(Action::Recover)).await;
        settle(rt, Duration::from_secs(20)).await;
    }

    let mut report = SoakReport {
        sales: config.sales,
        ..SoakReport::default()
    };
    let total = ledger.count().unwrap_or(0);
    let rows = ledger.history_at(0, total as usize).unwrap_or_default();
    let mut by_state = std::collections::BTreeMap::<String, usize>::new();
    for row in &rows {
        *by_state.entry(row.state.to_string()).or_default() += 1;
        if row.state.is_final() {
            report.final_payments += 1;
        } else {
            report.unresolved += 1;
        }
        let device = sim
            .payments(DEFAULT_DEVICE_ID, &row.external_id)
            .await
            .unwrap_or_default();
        let approved = device
            .iter()
            .filter(|p| p.result == Some(PaymentResult::Success))
            .count();
        if approved > 1 {
            report.duplicates += 1;
        }
        if approved >= 1 && row.state != PaymentState::Approved {
            report.lost += 1;
        }
        if approved == 0 && row.state == PaymentState::Approved {
            report.phantom += 1;
        }
    }
    report.by_state = by_state.into_iter().collect();
    till.close().await;
    report.rss_kb = (rss0, rss_kb());
    report.fds = (fds0, open_fds());
    report.elapsed = start.elapsed();
    report
}
