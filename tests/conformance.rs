//! Conformance with the official Clover JS SDK: `npm ci` in `tests/conformance` (remote-pay-cloud
//! 4.1.2 + ws), then every scenario of `scenarios.js` against a fresh `till sim --listen
//! 127.0.0.1:0 --customer auto --delay-ms 0 --cloud --profile P`, once per device profile
//! (`default`, and `real`: the shapes recorded on real devices; where SDK 4.1.2 behaves
//! differently on them the scenario's expectation says so). Skips (with a message) only when
//! `node` or `npm` is not installed; any failed expectation fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("conformance")
}

fn available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A `till sim` child, killed on drop.
struct Sim {
    child: std::process::Child,
    url: String,
}

impl Sim {
    fn start(profile: &str) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_till"))
            .args([
                "sim",
                "--listen",
                "127.0.0.1:0",
                "--customer",
                "auto",
                "--delay-ms",
                "0",
                "--cloud",
                "--profile",
                profile,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("till sim starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Sim { child, url }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `node run.js <scenario> <url>` with a hang guard; returns (passed, output).
fn run_scenario(dir: &Path, scenario: &str, url: &str, profile: &str) -> (bool, String) {
    let mut child = Command::new("node")
        .args(["run.js", scenario, url])
        .env("TILL_SIM_PROFILE", profile)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("poll node").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("node output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// `npm ci` once per test binary (both profile tests share `node_modules`); `Err` says why not.
fn installed(dir: &Path) -> Result<(), String> {
    static CI: OnceLock<Result<(), String>> = OnceLock::new();
    CI.get_or_init(|| {
        let ci = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir)
            .output()
            .map_err(|e| format!("npm does not run: {e}"))?;
        if ci.status.success() {
            Ok(())
        } else {
            Err(format!(
                "npm ci failed in {}:\n{}",
                dir.display(),
                String::from_utf8_lossy(&ci.stderr)
            ))
        }
    })
    .clone()
}

#[test]
fn official_js_sdk_drives_the_simulator() {
    drive("default");
}

#[test]
fn official_js_sdk_drives_the_real_device_profile() {
    drive("real");
}

/// Every scenario against a fresh simulator with `profile`. The two profiles take turns (one
/// simulator and one Node process at a time), so a loaded machine does not starve the SDK.
fn drive(profile: &str) {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !available("node") || !available("npm") {
        eprintln!(
            "SKIPPED conformance: `node` and `npm` are needed (install Node.js 18+ to run the official-SDK conformance suite)"
        );
        return;
    }
    let dir = project();
    if let Err(why) = installed(&dir) {
        panic!("{why}");
    }

    let list = Command::new("node")
        .args(["run.js", "--list"])
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        list.status.success(),
        "listing scenarios failed: {}",
        String::from_utf8_lossy(&list.stderr)
    );
    let scenarios: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(scenarios.len() >= 10, "scenarios found: {scenarios:?}");

    let mut failures = Vec::new();
    for scenario in &scenarios {
        let sim = Sim::start(profile);
        let (passed, output) = run_scenario(&dir, scenario, &sim.url, profile);
        drop(sim);
        if passed {
            eprintln!("ok {scenario} ({profile} profile)");
        } else {
            eprintln!("FAILED {scenario} ({profile} profile):\n{output}");
            failures.push(scenario.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "conformance scenarios failed with the {profile} profile: {failures:?}"
    );
}
