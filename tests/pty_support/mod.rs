//! The real `till` binary in a pseudo-terminal (100×30), read through a vt100 parser.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// How long a wait for the screen lasts before the test fails.
const WAIT: Duration = Duration::from_secs(20);

/// A running `till` TUI on the embedded simulator (automatic customer) with its data in
/// `HOME/data` and its config in `HOME/till.toml`.
pub struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Tui {
    /// Starts `till` in a new pty.
    pub fn start(home: &Path) -> Tui {
        Tui::start_with(home, &[])
    }

    /// Starts `till` in a new pty with `extra` arguments before the usual ones.
    pub fn start_with(home: &Path, extra: &[&str]) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_till"));
        cmd.args(extra);
        cmd.args(["--sim-customer", "auto", "--data-dir"]);
        cmd.arg(home.join("data"));
        cmd.arg("--config");
        cmd.arg(home.join("till.toml"));
        cmd.env("HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("TILL_CONFIG");
        cmd.env_remove("TILL_DATA_DIR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
        let raw: Arc<Mutex<Vec<u8>>> = Arc::default();
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Tui {
            child,
            writer,
            screen,
            raw,
        }
    }

    /// Every byte `till` wrote to the terminal so far, as text.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// The screen's text now.
    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows every one of `words` and none of `absent`; returns it.
    pub fn wait_for_without(&self, words: &[&str], absent: &[&str]) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text();
            if words.iter().all(|w| text.contains(w)) && !absent.iter().any(|w| text.contains(w)) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {words:?} without {absent:?}; the screen shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits until the screen shows every one of `words`; returns it.
    pub fn wait_for(&self, words: &[&str]) -> String {
        self.wait_for_without(words, &[])
    }

    /// Types `keys` (raw bytes: `\r` Enter, `\x1b` Esc, `\x7f` Backspace, `\x1b[A` Up).
    pub fn type_keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Presses Esc alone (a pause after it, so the next key is not read as Alt+key).
    pub fn esc(&mut self) {
        self.type_keys("\x1b");
        std::thread::sleep(Duration::from_millis(200));
    }

    /// Waits for `till` to exit and returns its exit code.
    pub fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "till did not exit; screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
    }
}
