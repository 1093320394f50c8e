//! Shared harness of the recovery tests: one embedded simulator per case (a real WebSocket
//! server on 127.0.0.1 with its frame log in the case's temp dir), `till` child processes on
//! the case's own data dir and configuration, and the check that compares the ledger with what
//! the device really did.

#![allow(dead_code)] // each test file uses a different part of the harness

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use till::ledger::{Ledger, PaymentEvent, PaymentRecord};
use till::payment::PaymentState;
use till::protocol::{Frame, Payment, PaymentResult};
use till::sim::device::{CustomerMode, DeviceConfig, Faults, Profile};
use till::sim::{CustomerAction, DEFAULT_DEVICE_ID, SimConfig, Simulator};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// Only to avoid hanging forever when something goes wrong; never a timing assertion.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// How often a condition is looked at again.
const POLL: Duration = Duration::from_millis(10);

/// The configuration every `till` child runs with: fast reconnects and a heartbeat, so that a
/// cut connection is noticed and recovered quickly; the rest are defaults.
const CONFIG: &str = "\
[connection]
reconnect_floor_ms = 100
reconnect_cap_ms = 400
ready_timeout_ms = 10000
response_timeout_ms = 3000
heartbeat_interval_ms = 1000
heartbeat_timeout_ms = 2000
";

/// One frame of the simulator's frame log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedFrame {
    /// Milliseconds since the epoch, when the simulator wrote or read it.
    pub ts: i64,
    /// The simulator's connection number.
    pub conn: u64,
    /// `pos->device` or `device->pos`.
    pub dir: String,
    /// The method (or the envelope type, e.g. `PING`).
    pub method: String,
}

/// `pos->device`.
pub const TO_DEVICE: &str = "pos->device";
/// `device->pos`.
pub const TO_POS: &str = "device->pos";

/// What a finished `till` command left: its exit code and its one JSON object.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// The `--json` object (`Value::Null` when stdout was not one JSON object).
    pub json: Value,
    /// stderr, for failure messages.
    pub stderr: String,
}

/// One case: a simulator, a data directory, a configuration, one payment.
pub struct Case {
    /// Name, for messages.
    pub name: String,
    /// The simulator (the device).
    pub sim: Simulator,
    /// The payment's external id.
    pub external_id: String,
    /// The amount typed at the POS, e.g. `"12.05"`.
    pub amount: String,
    dir: tempfile::TempDir,
    approver: Option<JoinHandle<()>>,
}

impl Drop for Case {
    fn drop(&mut self) {
        if let Some(a) = self.approver.take() {
            a.abort();
        }
    }
}

/// A device template: the given customer and faults, a fixed seed.
pub fn device(customer: CustomerMode, faults: Faults) -> DeviceConfig {
    device_with(Profile::Default, customer, faults)
}

/// A device template of a profile (the real-device shapes, or the default ones): the given
/// customer and faults, a fixed seed.
pub fn device_with(profile: Profile, customer: CustomerMode, faults: Faults) -> DeviceConfig {
    DeviceConfig {
        customer,
        faults,
        seed: 7,
        ..DeviceConfig::default()
    }
    .with_profile(profile)
}

/// The auto customer acting at once.
pub fn auto_customer() -> CustomerMode {
    CustomerMode::Auto {
        card_delay_ms: 0,
        sign_delay_ms: 0,
        pairing_delay_ms: 0,
    }
}

impl Case {
    /// Starts the case's simulator with this device template; writes the configuration.
    pub async fn start(name: &str, device: DeviceConfig, amount: &str) -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.toml"), CONFIG).expect("config written");
        let sim = Simulator::start(SimConfig {
            device,
            frames: Some(dir.path().join("frames.jsonl")),
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        let external_id = format!("rc-{}", name.replace(['/', ' '], "-"));
        let external_id: String = external_id.chars().take(32).collect();
        Case {
            name: name.to_owned(),
            sim,
            external_id,
            amount: amount.to_owned(),
            dir,
            approver: None,
        }
    }

    /// The data directory of the POS.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The simulator's frame log.
    pub fn frames_path(&self) -> PathBuf {
        self.dir.path().join("frames.jsonl")
    }

    /// A `till` command on this case's device, data dir and configuration, with no `TILL_*`
    /// variable of the environment leaking in.
    pub fn till(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_till"));
        cmd.arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--device")
            .arg(self.sim.url())
            .arg("--data-dir")
            .arg(self.data_dir());
        for var in [
            "TILL_CONFIG",
            "TILL_DATA_DIR",
            "TILL_LOG",
            "TILL_ACCESS_TOKEN",
        ] {
            cmd.env_remove(var);
        }
        cmd.stdin(Stdio::null()).kill_on_drop(true);
        cmd
    }

    /// Starts `till sale` for the case's payment (stdout/stderr piped, stdin null).
    /// A partial approval (PARTIAL_AUTH_CHALLENGE, real profile) is answered like a challenge.
    pub fn spawn_sale(&self, on_challenge: &str, on_signature: &str) -> Child {
        let mut cmd = self.till();
        cmd.args([
            "sale",
            &self.amount,
            "--external-id",
            &self.external_id,
            "--on-challenge",
            on_challenge,
            "--on-partial",
            on_challenge,
            "--on-signature",
            on_signature,
            "--json",
        ]);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.spawn().expect("till starts")
    }

    /// Starts `till ARGS…` with piped output.
    pub fn spawn(&self, args: &[&str]) -> Child {
        let mut cmd = self.till();
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.spawn().expect("till starts")
    }

    /// Runs `till ARGS…` to the end.
    pub async fn run(&self, args: &[&str]) -> Run {
        finish(self.spawn(args)).await
    }

    /// Approves every pairing request of the default device from now on (as a merchant would,
    /// typing the code shown by the POS).
    pub fn approve_pairing(&mut self) {
        if self.approver.is_some() {
            return;
        }
        let controller = self.sim.controller();
        let mut screen = controller
            .screen(DEFAULT_DEVICE_ID)
            .expect("default device");
        self.approver = Some(tokio::spawn(async move {
            loop {
                let code = screen.borrow_and_update().pairing_code.clone();
                if code.is_some() {
                    let _ = controller
                        .act(DEFAULT_DEVICE_ID, CustomerAction::ApprovePairing)
                        .await;
                }
                if screen.changed().await.is_err() {
                    return;
                }
            }
        }));
    }

    /// Acts as the customer; panics when the action does not apply (the case is then wrong).
    pub async fn act(&self, action: CustomerAction) {
        let what = format!("{action:?}");
        if let Err(why) = self.sim.act(DEFAULT_DEVICE_ID, action).await {
            panic!("{}: customer action {what} refused: {why}", self.name);
        }
    }

    /// Waits until the device screen's title is `title`.
    pub async fn wait_screen(&self, title: &str) {
        let mut screen = self.sim.screen(DEFAULT_DEVICE_ID).expect("default device");
        let wait = screen.wait_for(|s| s.title == title);
        if tokio::time::timeout(PATIENCE, wait).await.is_err() {
            panic!(
                "{}: the device never showed '{title}' (it shows '{}')",
                self.name,
                self.sim
                    .screen(DEFAULT_DEVICE_ID)
                    .expect("default device")
                    .borrow()
                    .title
            );
        }
    }

    /// Waits until the device shows a pairing code.
    pub async fn wait_pairing_code(&self) {
        let mut screen = self.sim.screen(DEFAULT_DEVICE_ID).expect("default device");
        let wait = screen.wait_for(|s| s.pairing_code.is_some());
        tokio::time::timeout(PATIENCE, wait)
            .await
            .unwrap_or_else(|_| panic!("{}: no pairing code shown", self.name))
            .expect("simulator running");
    }

    /// Every frame logged so far.
    pub fn frames(&self) -> Vec<LoggedFrame> {
        read_frames(&self.frames_path())
    }

    /// Waits for the first frame `dir`/`method` at index `from` or later; returns its index.
    pub async fn wait_frame(&self, dir: &str, method: &str, from: usize) -> usize {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let frames = self.frames();
            if let Some(i) = frames
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, f)| f.dir == dir && f.method == method)
                .map(|(i, _)| i)
            {
                return i;
            }
            if tokio::time::Instant::now() >= deadline {
                let seen: Vec<String> = frames
                    .iter()
                    .skip(from)
                    .map(|f| format!("{} {}", f.dir, f.method))
                    .collect();
                panic!(
                    "{}: no {dir} {method} in the frame log after #{from}; saw {seen:?}",
                    self.name
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The payment's state in the ledger, read while a `till` may hold it (SQLite WAL readers
    /// do not block the writer); `None` while there is no such row (or no database yet).
    pub fn live_state(&self) -> Option<String> {
        let path = self.data_dir().join(till::ledger::DB_FILE);
        if !path.exists() {
            return None;
        }
        let db = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        db.busy_timeout(Duration::from_secs(5)).ok()?;
        db.query_row(
            "SELECT state FROM payments WHERE external_id = ?1",
            [&self.external_id],
            |row| row.get(0),
        )
        .ok()
    }

    /// Waits until the payment's ledger state is `state`.
    pub async fn wait_live_state(&self, state: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let now = self.live_state();
            if now.as_deref() == Some(state) {
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "{}: the ledger never showed {state} (it shows {now:?})",
                    self.name
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the device noticed that connection `conn` is gone.
    pub async fn wait_disconnected(
        &self,
        mut notes: tokio::sync::broadcast::Receiver<till::sim::SimNote>,
    ) {
        let wait = async {
            loop {
                match notes.recv().await {
                    Ok(n) if n.text.contains("disconnected") || n.text.contains("closed") => {
                        return;
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => return,
                }
            }
        };
        if tokio::time::timeout(PATIENCE, wait).await.is_err() {
            panic!("{}: the device never saw the POS go", self.name);
        }
    }

    /// What the device remembers for the payment's external id.
    pub async fn truth(&self) -> Vec<Payment> {
        self.sim
            .payments(DEFAULT_DEVICE_ID, &self.external_id)
            .await
            .expect("simulator running")
    }

    /// Opens the ledger (no `till` may be running on it).
    pub fn ledger(&self) -> Ledger {
        Ledger::open(&self.data_dir()).expect("the ledger opens after the POS is gone")
    }

    /// The payment's ledger row and its events (no `till` may be running on it).
    pub fn record(&self) -> (Option<PaymentRecord>, Vec<PaymentEvent>) {
        let ledger = self.ledger();
        let record = ledger.get(&self.external_id).expect("ledger readable");
        let events = ledger.events(&self.external_id).unwrap_or_default();
        (record, events)
    }

    /// Compares the ledger with the device (no `till` may be running on the data dir).
    pub async fn verdict(&self) -> Verdict {
        let truth = self.truth().await;
        let ledger = self.ledger();
        let record = ledger.get(&self.external_id).expect("ledger readable");
        let open = ledger.non_final_all().expect("ledger readable");
        drop(ledger);
        judge(&truth, record.as_ref(), open.len())
    }
}

/// The ledger against the device's truth for one external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The ledger's state (`None`: no row, the POS died before recording the sale).
    pub state: Option<PaymentState>,
    /// Every payment final in the ledger (no row counts as final: nothing is open).
    pub is_final: bool,
    /// The ledger says what the device did (approved with its id and amount, voided, or no
    /// money taken when the device has no approved payment).
    pub equal: bool,
    /// Approved payments on the device beyond the first.
    pub duplicates: usize,
    /// Approved payments on the device the ledger does not have as approved.
    pub lost: usize,
    /// The device's side, for messages.
    pub device: String,
}

impl Verdict {
    /// True when final, equal, no duplicate and nothing lost.
    pub fn ok(&self) -> bool {
        self.is_final && self.equal && self.duplicates == 0 && self.lost == 0
    }
}

/// Judges a ledger row against the device's payments for its external id.
pub fn judge(truth: &[Payment], record: Option<&PaymentRecord>, open: usize) -> Verdict {
    let approved: Vec<&Payment> = truth
        .iter()
        .filter(|p| p.result == Some(PaymentResult::Success))
        .collect();
    let voided = truth
        .iter()
        .find(|p| p.result == Some(PaymentResult::Voided));
    let state = record.map(|r| r.state);
    let equal = match (approved.first(), voided, record) {
        (Some(p), _, Some(r)) => {
            r.state == PaymentState::Approved
                && r.device_payment_id == p.id
                && r.charged_amount.map(|c| c.get()) == p.amount
        }
        (None, Some(v), Some(r)) => r.state == PaymentState::Voided && r.device_payment_id == v.id,
        (None, None, Some(r)) => matches!(
            r.state,
            PaymentState::NotFound | PaymentState::Canceled | PaymentState::Declined
        ),
        (None, None, None) => true,
        (_, _, None) => false,
    };
    let lost = usize::from(!approved.is_empty() && state != Some(PaymentState::Approved));
    let device = truth
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.id.as_deref().unwrap_or("?"),
                p.result.as_ref().map(|r| r.to_string()).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Verdict {
        state,
        is_final: open == 0 && state.is_none_or(|s| s.is_final()),
        equal,
        duplicates: approved.len().saturating_sub(1),
        lost,
        device: if device.is_empty() {
            "no payment".into()
        } else {
            device
        },
    }
}

/// Waits for a child to end (guarded) and collects its exit code and JSON.
pub async fn finish(child: Child) -> Run {
    let output = tokio::time::timeout(PATIENCE * 2, child.wait_with_output())
        .await
        .expect("till ended in time")
        .expect("till output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    Run {
        code: output.status.code(),
        json: serde_json::from_str(stdout.trim()).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// SIGKILL (no destructors, no flush, no unlock) and reap.
pub async fn sigkill(child: &mut Child) {
    child.kill().await.expect("SIGKILL delivered");
}

/// SIGSTOP: the process freezes exactly where it is (frames to it wait in its socket).
pub async fn sigstop(child: &Child) {
    let pid = child.id().expect("still running").to_string();
    let status = Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(status.success(), "SIGSTOP to {pid} failed");
}

/// Reads a frame log: one JSON line per frame.
pub fn read_frames(path: &Path) -> Vec<LoggedFrame> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|v| {
            let frame = v["frame"].as_str()?;
            // The log is redacted (masked payment and token fields may no longer decode as
            // typed messages): the envelope's own `method` / `type` then say what it was.
            let method = match Frame::decode(frame) {
                Ok(f) => f.method().unwrap_or(f.kind().as_str()).to_owned(),
                Err(_) => serde_json::from_str::<Value>(frame)
                    .ok()
                    .and_then(|e| {
                        e.get("method")
                            .or_else(|| e.get("type"))
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .unwrap_or_else(|| "?".to_owned()),
            };
            Some(LoggedFrame {
                ts: v["ts"].as_i64()?,
                conn: v["conn"].as_u64()?,
                dir: v["dir"].as_str()?.to_owned(),
                method,
            })
        })
        .collect()
}
