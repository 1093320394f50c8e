//! Frame times of the busiest screens: history over a 100 000-row ledger (only the window is in
//! the state) and a 5 000-point signature, plus every other screen for reference. Each case is
//! drawn through a real `Terminal<TestBackend>` (render + diff) and also into a bare buffer
//! (render only). Prints median and p99 per frame; the target is < 2 ms.
//!
//! Run: `cargo bench --bench render`.

#[path = "../tests/ui_support/mod.rs"]
mod ui_support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use till::app::screens::Screen;
use till::app::{Prompt, State};
use till::payment::PaymentState;
use till::sim::device::Screen as SimScreen;
use till::ui::{self, Theme};
use ui_support::*;

const WARMUP: usize = 30;
const FRAMES: usize = 500;
const TARGET: Duration = Duration::from_millis(2);

struct Stats {
    median: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p99: at(0.99),
        max: *samples.last().unwrap_or(&Duration::ZERO),
    }
}

/// Draws `FRAMES` frames; `vary` changes the state between frames (e.g. moves the selection)
/// so every frame has real work, like scrolling does.
fn bench(
    name: &str,
    state: &mut State,
    sim: Option<&SimScreen>,
    size: (u16, u16),
    vary: &dyn Fn(&mut State, usize),
) -> bool {
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("test backend");
    let mut buf = Buffer::empty(Rect::new(0, 0, size.0, size.1));
    let mut full = Vec::with_capacity(FRAMES);
    let mut pure = Vec::with_capacity(FRAMES);
    for i in 0..WARMUP + FRAMES {
        vary(state, i);
        let t = Instant::now();
        terminal
            .draw(|f| ui::render(state, sim, &theme, f))
            .expect("draw");
        let d_full = t.elapsed();
        buf.reset();
        let t = Instant::now();
        ui::draw(state, sim, &theme, buf.area, &mut buf);
        black_box(&buf);
        let d_pure = t.elapsed();
        if i >= WARMUP {
            full.push(d_full);
            pure.push(d_pure);
        }
    }
    let f = stats(full);
    let p = stats(pure);
    let ok = f.p99 < TARGET;
    println!(
        "{name:<34} {:>3}x{:<3}  terminal median {:>8.3?} p99 {:>8.3?} max {:>8.3?} | render median {:>8.3?} p99 {:>8.3?}  {}",
        size.0,
        size.1,
        f.median,
        f.p99,
        f.max,
        p.median,
        p.p99,
        if ok { "ok" } else { "OVER 2 ms" }
    );
    ok
}

fn main() {
    println!("{FRAMES} frames per case after {WARMUP} warm-up frames; target p99 < {TARGET:?}");
    let mut all_ok = true;

    // History: 100 000 rows in the ledger, a 100-row window in the state, scrolling down.
    for size in [(80, 24), (200, 60)] {
        let mut s = history(100_000, 50_000);
        all_ok &= bench(
            "history 100k rows, scrolling",
            &mut s,
            None,
            size,
            &|s, i| {
                let sel = 50_000 + i;
                s.ui_mut().history_selected = sel;
                if sel >= s.ui().history_offset + s.ui().history.len() {
                    // What Effect::LoadHistory would bring: the next window.
                    let offset = sel.saturating_sub(50);
                    s.ui_mut().history = history_rows(offset, 100, s.ui().history_total);
                    s.ui_mut().history_offset = offset;
                }
            },
        );
        let mut s = history(100_000, 99_999);
        s.ui_mut().history_detail = Some((0..40).map(|i| format!("event line {i}")).collect());
        all_ok &= bench(
            "history 100k rows, last + events",
            &mut s,
            None,
            size,
            &|_, _| {},
        );
    }

    // Signature: 5 000 points.
    for size in [(80, 24), (200, 60)] {
        let mut s = ready();
        s.ui_mut().screen = Screen::Prompt;
        s.set_payment(Some(payment(PaymentState::InProgress)));
        s.set_prompt(Some(Prompt::Signature {
            payment: device_payment(1234),
            signature: signature(5_000),
        }));
        all_ok &= bench("signature 5000 points", &mut s, None, size, &|s, i| {
            s.set_now_ms(NOW + i as i64);
        });
    }

    // Frames inspector full of frames (2 000 kept), scrolling back.
    let mut s = ready();
    s.ui_mut().screen = Screen::Frames;
    s.set_frames(frames(2_000));
    all_ok &= bench(
        "frames 2000, scrolling back",
        &mut s,
        None,
        (200, 60),
        &|s, i| {
            s.ui_mut().frames_back = i % 1_500;
        },
    );

    // Every other screen, for reference.
    for (name, mut state, sim) in scenarios() {
        all_ok &= bench(name, &mut state, sim.as_ref(), (80, 24), &|s, i| {
            s.set_now_ms(NOW + i as i64 * 1_000);
        });
    }

    if all_ok {
        println!("all cases within the {TARGET:?} p99 target");
    } else {
        println!("some cases are over the {TARGET:?} p99 target");
    }
}
