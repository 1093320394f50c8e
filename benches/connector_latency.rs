//! Connector latency against the real simulator over loopback (no timing assertions: numbers
//! are printed). Run with `cargo bench --bench connector_latency`.
//!
//! - per-message: `send(ShowWelcome)` until the device's ACK for that envelope id arrives;
//! - full sale: `send(Sale)` until its `FinishOk` (auto customer, approved amount, no delays),
//!   over `ws://` and `wss://`.
//!
//! `TILL_BENCH_MESSAGES` and `TILL_BENCH_SALES` override the iteration counts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use till::connector::{self, ConnectorHandle, ConnectorSettings, DeviceInput, FileTokenStore};
use till::device::DeviceCommand;
use till::protocol::{Cents, PaymentResult, SaleRequest, TxStartResponseResult};
use till::sim::device::CustomerMode;
use till::sim::{SimConfig, Simulator};
use tokio::sync::mpsc::Receiver;

const PATIENCE: Duration = Duration::from_secs(10);

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn wait<T>(
    events: &mut Receiver<DeviceInput>,
    mut f: impl FnMut(&DeviceInput) -> Option<T>,
) -> T {
    loop {
        let event = tokio::time::timeout(PATIENCE, events.recv())
            .await
            .expect("an event within the patience limit")
            .expect("connector running");
        if let Some(v) = f(&event) {
            return v;
        }
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<28} n={:<5} p50={:>7.3} ms  p90={:>7.3} ms  p99={:>7.3} ms  max={:>7.3} ms",
        samples.len(),
        ms(pick(0.5)),
        ms(pick(0.9)),
        ms(pick(0.99)),
        ms(pick(1.0))
    );
}

async fn connect(
    sim: &Simulator,
    dir: &std::path::Path,
) -> (ConnectorHandle, Receiver<DeviceInput>) {
    let mut settings = ConnectorSettings::direct(sim.url());
    settings.ca_file = sim.ca_pem_path().map(|p| p.to_owned());
    let tokens = Arc::new(FileTokenStore::new(dir.join("tokens.json")));
    let (handle, mut events) = connector::start(settings, tokens).expect("connector starts");
    wait(&mut events, |e| {
        matches!(e, DeviceInput::Ready(_)).then_some(())
    })
    .await;
    (handle, events)
}

async fn run(tls: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = SimConfig::default();
    config.device.customer = CustomerMode::Auto {
        card_delay_ms: 0,
        sign_delay_ms: 0,
        pairing_delay_ms: 0,
    };
    config.tls = tls;
    config.ca_out = tls.then(|| dir.path().join("ca.pem"));
    let sim = Simulator::start(config).await.expect("simulator starts");
    let (handle, mut events) = connect(&sim, dir.path()).await;
    let scheme = if tls { "wss" } else { "ws" };

    let mut samples = Vec::new();
    for _ in 0..count("TILL_BENCH_MESSAGES", 500) {
        let start = Instant::now();
        let id = handle.send(DeviceCommand::ShowWelcome).await.expect("sent");
        wait(&mut events, |e| {
            matches!(e, DeviceInput::Ack { message_id, .. } if *message_id == id).then_some(())
        })
        .await;
        samples.push(start.elapsed());
    }
    report(&format!("{scheme} message -> ACK"), samples);

    let mut samples = Vec::new();
    for _ in 0..count("TILL_BENCH_SALES", 100) {
        let sale = SaleRequest::builder()
            .amount(Cents(1000))
            .build()
            .expect("valid sale");
        let start = Instant::now();
        handle
            .send(DeviceCommand::Sale(sale.clone()))
            .await
            .expect("sent");
        let ok = wait(&mut events, |e| match e {
            DeviceInput::FinishOk {
                payment: Some(p), ..
            } => Some(p.result == Some(PaymentResult::Success)),
            DeviceInput::FinishCancel { .. } => Some(false),
            DeviceInput::TxStartResponse { result, .. }
                if *result != TxStartResponseResult::Success =>
            {
                Some(false)
            }
            _ => None,
        })
        .await;
        samples.push(start.elapsed());
        assert!(ok, "the approved amount is approved");
    }
    report(&format!("{scheme} sale round trip"), samples);

    handle.dispose().await;
    sim.shutdown().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        run(false).await;
        run(true).await;
    });
}
