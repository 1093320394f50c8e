//! The real `till` binary in a pseudo-terminal (#17): open a tab with an auth (the sale
//! screen's kind selector), adjust its tip from the open tabs screen, close out, see the batch —
//! and the ledger holds the auth with its tip and the closeout.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Tui {
    fn start(home: &std::path::Path) -> Tui {
        Tui::start_with(home, &[])
    }

    fn start_with(home: &std::path::Path, extra: &[&str]) -> Tui {
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
        let s = screen.clone();
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
            }
        });
        Tui {
            child,
            writer,
            screen,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, words: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text();
            if words.iter().all(|w| text.contains(w)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {words:?}; the screen shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn type_keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
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

#[test]
fn open_a_tab_adjust_its_tip_close_out_and_see_the_batch() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("till.toml"), "[simulator]\ndelay_ms = 0\n").unwrap();

    let mut tui = Tui::start(home.path());
    tui.wait_for(&["New sale", "Ready", "SIMULATOR"]);
    // k: what Enter starts is now an auth.
    tui.type_keys("k");
    tui.wait_for(&["Kind", "auth (tab: tip later)"]);
    tui.type_keys("20.00\r");
    tui.wait_for(&["tab open", "4242"]);
    tui.type_keys("\r");
    tui.wait_for(&["New sale"]);
    // o: the open tabs; the auth waits for its tip.
    tui.type_keys("o");
    tui.wait_for(&["Open tabs", "awaits its tip", "20.00"]);
    tui.type_keys("a");
    tui.wait_for(&["Tip for auth"]);
    tui.type_keys("3.50\r");
    tui.wait_for(&["TIP SET"]);
    tui.type_keys("o");
    tui.wait_for(&["No open tab"]);
    // X asks first; y closes the batch out and shows it.
    tui.type_keys("X");
    tui.wait_for(&["Close out the batch on the device?", "no tab is open"]);
    tui.type_keys("y");
    tui.wait_for(&["Batch", "closed:", "1 transaction(s)"]);
    tui.type_keys("q");
    assert_eq!(tui.exit_code(), 0, "{}", tui.text());

    // The ledger holds the auth with its tip, the tip adjust and the closeout's batch.
    let ledger = till::ledger::Ledger::open(&home.path().join("data")).unwrap();
    let rows = ledger.history(10, None).unwrap().payments;
    let auth = rows
        .iter()
        .find(|r| r.kind == till::ledger::PaymentKind::Auth)
        .expect("the auth");
    assert_eq!(auth.state, till::ledger::PaymentState::Approved);
    assert_eq!(auth.charged_tip, Some(till::protocol::Cents(350)));
    assert!(
        rows.iter()
            .any(|r| r.kind == till::ledger::PaymentKind::TipAdjust)
    );
    let report = ledger.report(None, None).unwrap();
    assert_eq!(report.closeouts.len(), 1, "{report:?}");
    assert_eq!(
        report.closeouts[0].state,
        till::ledger::CloseoutState::Closed
    );
}
