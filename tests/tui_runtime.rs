//! The real TUI loop (`Runtime::run_tui`) on ratatui's `TestBackend`, driven by scripted key
//! events, against a real simulator through the real connector and a real ledger: one full sale,
//! and no redraws while idle.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures_util::stream;
use ratatui::{Terminal, backend::TestBackend};
use till::app::{AppSettings, State};
use till::ui::{self, Theme};

mod wired_support;

/// What the last frame showed, and how many frames were drawn.
#[derive(Default)]
struct Screen {
    text: String,
    draws: usize,
}

fn text_of(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// One step of the script: wait until the screen shows all of `until` (or just go), then press
/// `keys`; `idle` asks for a check that nothing is redrawn over that long.
struct Step {
    until: &'static [&'static str],
    idle: Option<Duration>,
    keys: &'static str,
}

fn key(c: char) -> TermEvent {
    let code = match c {
        '\n' => KeyCode::Enter,
        c => KeyCode::Char(c),
    };
    TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sale_through_the_real_loop() {
    let mut pos = wired_support::Till::start(
        wired_support::auto_device(),
        AppSettings::default(),
        wired_support::connector(),
    )
    .await;
    let rt = &mut pos.rt;

    let screen = Arc::new(Mutex::new(Screen::default()));
    let idle_draws: Arc<Mutex<Vec<usize>>> = Arc::default();
    let script = vec![
        Step {
            until: &["New sale", "Ready"],
            idle: None,
            keys: "12.34\n",
        },
        Step {
            until: &["APPROVED", "4242", "12.34"],
            idle: Some(Duration::from_millis(1500)),
            keys: "\nh",
        },
        Step {
            until: &["History", "12.34", "approved"],
            idle: None,
            keys: "q",
        },
    ];
    let keys = {
        let screen = screen.clone();
        let idle_draws = idle_draws.clone();
        stream::unfold(
            (script.into_iter(), Vec::<char>::new()),
            move |(mut steps, mut pending)| {
                let screen = screen.clone();
                let idle_draws = idle_draws.clone();
                async move {
                    loop {
                        if let Some(c) = pending.pop() {
                            return Some((Ok(key(c)), (steps, pending)));
                        }
                        let step = steps.next()?;
                        let deadline = Instant::now() + Duration::from_secs(15);
                        loop {
                            let text = screen.lock().unwrap().text.clone();
                            if step.until.iter().all(|w| text.contains(w)) {
                                break;
                            }
                            assert!(
                                Instant::now() < deadline,
                                "waited for {:?}; screen:\n{text}",
                                step.until
                            );
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        if let Some(idle) = step.idle {
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            let before = screen.lock().unwrap().draws;
                            tokio::time::sleep(idle).await;
                            let after = screen.lock().unwrap().draws;
                            idle_draws.lock().unwrap().push(after - before);
                        }
                        pending = step.keys.chars().rev().collect();
                    }
                }
            },
        )
    };
    let keys = Box::pin(keys);

    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let theme = Theme::new(false);
    let render = {
        let screen = screen.clone();
        move |state: &State, frame: &mut ratatui::Frame| {
            ui::render(state, None, &theme, frame);
            let mut s = screen.lock().unwrap();
            s.text = text_of(frame.buffer_mut());
            s.draws += 1;
        }
    };
    let mut no_panel = |_: &KeyEvent| false;
    let run = rt.run_tui(&mut terminal, keys, render, &mut no_panel, || {
        std::future::pending::<()>()
    });
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the loop ends")
        .unwrap();

    assert!(rt.state().quit());
    assert_eq!(
        *idle_draws.lock().unwrap(),
        vec![0],
        "no redraws while idle"
    );
    let last = rt.state().last_outcome().clone().expect("an outcome");
    assert_eq!(last.state, till::payment::PaymentState::Approved);
    let row = pos
        .ledger
        .get(&last.external_id)
        .unwrap()
        .expect("in the ledger");
    assert_eq!(row.state, till::payment::PaymentState::Approved);
    assert_eq!(row.last4.as_deref(), Some("4242"));
    pos.close().await;
}
