//! Keystroke-to-device-display latency of adding an order line (no timing assertions: numbers
//! are printed). Run with `cargo bench --bench order_display`.
//!
//! Each sample: the cashier's Enter in the item field (a catalog code) goes through the app state
//! machine (`app::update`), its SHOW_ORDER_SCREEN effect through the connector over a loopback
//! WebSocket to the embedded simulator, and ends when the simulated customer display shows the
//! new line (the simulator's screen watch). The order is cleared every 100 lines.
//!
//! `TILL_BENCH_LINES` overrides the sample count.

use std::sync::Arc;
use std::time::{Duration, Instant};

use till::app::screens::{Field, Key};
use till::app::{AppSettings, DeviceCommand, Effect, Event, State, update};
use till::connector::{self, ConnectorSettings, DeviceInput, FileTokenStore};
use till::order::Catalog;
use till::sim::{DEFAULT_DEVICE_ID, SimConfig, Simulator};

const PATIENCE: Duration = Duration::from_secs(10);

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<32} n={:<5} p50={:>7.3} ms  p90={:>7.3} ms  p99={:>7.3} ms  max={:>7.3} ms",
        samples.len(),
        ms(pick(0.5)),
        ms(pick(0.9)),
        ms(pick(0.99)),
        ms(pick(1.0))
    );
}

async fn run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator starts");
    let mut screen = sim.screen(DEFAULT_DEVICE_ID).expect("device screen");
    let settings = ConnectorSettings::direct(sim.url());
    let tokens = Arc::new(FileTokenStore::new(dir.path().join("tokens.json")));
    let (handle, mut events) = connector::start(settings, tokens).expect("connector starts");
    // The manual customer approves the pairing code.
    loop {
        let e = tokio::time::timeout(PATIENCE, events.recv())
            .await
            .expect("an event")
            .expect("connector running");
        match e {
            DeviceInput::PairingCode(_) => {
                sim.act(DEFAULT_DEVICE_ID, till::sim::CustomerAction::ApprovePairing)
                    .await
                    .expect("a code to approve");
            }
            DeviceInput::Ready(_) => break,
            _ => {}
        }
    }
    let mut state = State::new(AppSettings::default());
    state.desk_mut().catalog = Catalog::from_toml(
        include_str!("../assets/catalog.toml"),
        "assets/catalog.toml",
    )
    .expect("example catalog");
    state.ui_mut().field = Field::Item;
    let lines = std::env::var("TILL_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500usize);
    let mut samples = Vec::with_capacity(lines);
    for i in 0..lines {
        if i % 100 == 0
            && let Some(Effect::Send(DeviceCommand::ShowOrder(u))) = state.desk_mut().clear()
        {
            handle
                .send(DeviceCommand::ShowOrder(u.clone()))
                .await
                .expect("sent");
            tokio::time::timeout(PATIENCE, screen.wait_for(|s| s.order.is_empty()))
                .await
                .expect("display cleared")
                .expect("simulator running");
        }
        state.ui_mut().item = "1001".into();
        let want = state.desk().order.lines().len() + 1;
        let start = Instant::now();
        for effect in update(&mut state, Event::Key(Key::Enter)) {
            if let Effect::Send(DeviceCommand::ShowOrder(u)) = effect {
                handle
                    .send(DeviceCommand::ShowOrder(u.clone()))
                    .await
                    .expect("sent");
            }
        }
        tokio::time::timeout(
            PATIENCE,
            screen.wait_for(|s| s.order.iter().filter(|l| l.contains("Coffee")).count() == want),
        )
        .await
        .expect("the line reaches the display")
        .expect("simulator running");
        samples.push(start.elapsed());
    }
    report("ws key -> display shows line", samples);
    handle.dispose().await;
    sim.shutdown().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}
