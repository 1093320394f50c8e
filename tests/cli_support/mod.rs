//! Running the real `till` binary in tests: a hermetic environment (temp HOME, data dir and
//! config), an external `till sim` process as the device, and output capture.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The `till` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_till");

/// A temp home with a data dir and a config file.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A new hermetic environment with an empty config (defaults) plus `config` text.
    pub fn new(config: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let env = Env { dir };
        env.write_config(config);
        env
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("till.toml")
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(self.config(), std::fs::Permissions::from_mode(0o600))
                .unwrap();
        }
    }

    /// A `till` command with the config and data dir set and nothing from the user's environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(self.config())
            .arg("--data-dir")
            .arg(self.data());
        c.env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env_remove("TILL_CONFIG")
            .env_remove("TILL_DATA_DIR")
            .env_remove("TILL_LOG")
            .env_remove("TILL_ACCESS_TOKEN")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        c
    }

    /// Runs `till ARGS` and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().unwrap();
        split(out)
    }

    /// Runs `till ARGS --json` and returns (exit code, the one JSON object).
    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let (code, stdout, stderr) = self.run(&all);
        let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines.len(),
            1,
            "exactly one JSON line for {args:?}; stdout: {stdout}\nstderr: {stderr}"
        );
        let value: serde_json::Value = serde_json::from_str(lines[0])
            .unwrap_or_else(|e| panic!("{e}: {stdout}\nstderr: {stderr}"));
        assert_eq!(value["exit_code"], code, "{value}");
        (code, value)
    }

    /// True when the data dir has a ledger file.
    pub fn has_ledger(&self) -> bool {
        self.data().join("ledger.sqlite3").exists()
    }
}

fn split(out: Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A `till sim` process; killed on drop.
pub struct Sim {
    child: Child,
    /// The URL a POS should use.
    pub url: String,
}

impl Sim {
    /// Starts `till sim --listen 127.0.0.1:0 --delay-ms 0 EXTRA…` and waits for its URL.
    pub fn start(extra: &[&str]) -> Sim {
        Sim::spawn(extra, Stdio::null())
    }

    /// Like [`Sim::start`], with the simulator's notes (stderr: pairing, outcomes, what its
    /// printer printed) written to `notes`.
    pub fn start_with_notes(extra: &[&str], notes: &Path) -> Sim {
        let file = std::fs::File::create(notes).unwrap();
        Sim::spawn(extra, Stdio::from(file))
    }

    fn spawn(extra: &[&str], stderr: Stdio) -> Sim {
        let mut child = Command::new(BIN)
            .args([
                "sim",
                "--listen",
                "127.0.0.1:0",
                "--delay-ms",
                "0",
                "--seed",
                "7",
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("sim said {line:?}"))
            .to_owned();
        Sim { child, url }
    }
}

impl Sim {
    /// Types `line` on the simulator's stdin (a customer command, e.g. `approve-pairing`).
    pub fn say(&mut self, line: &str) {
        use std::io::Write;
        if let Some(stdin) = self.child.stdin.as_mut() {
            let _ = writeln!(stdin, "{line}");
            let _ = stdin.flush();
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Everything under `dir`, concatenated (for canary searches).
pub fn read_tree(dir: &Path) -> String {
    let mut all = String::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                all.push_str(&read_tree(&p));
            } else if let Ok(bytes) = std::fs::read(&p) {
                all.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    all
}
