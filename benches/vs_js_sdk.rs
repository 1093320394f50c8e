//! Sale round trip: till's connector against the official Clover JS SDK (`remote-pay-cloud`
//! 4.1.2 under Node, `tests/conformance/bench.js`), both against the same `till sim` in the same
//! run (auto customer, no delays). Needs `npm ci` in tests/conformance (the conformance test
//! runs it). `cargo bench --bench vs_js_sdk` (`BENCH_SALES`, default 50).

use std::sync::Arc;
use std::time::{Duration, Instant};

use till::connector::{self, ConnectorSettings, DeviceInput, FileTokenStore};
use till::device::DeviceCommand;
use till::protocol::{Cents, PaymentResult, SaleRequest, TxStartResponseResult};
use till::sim::device::{CustomerMode, DeviceConfig};
use till::sim::{SimConfig, Simulator};

fn pick(sorted: &[f64], q: f64) -> f64 {
    sorted[((q * sorted.len() as f64) as usize).min(sorted.len() - 1)]
}

fn main() {
    let sales: usize = std::env::var("BENCH_SALES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let device = DeviceConfig {
            customer: CustomerMode::Auto { card_delay_ms: 0, sign_delay_ms: 0, pairing_delay_ms: 0 },
            ..DeviceConfig::default()
        };
        let sim = Simulator::start(SimConfig { device, ..SimConfig::default() }).await.unwrap();

        // till's connector.
        let dir = std::env::temp_dir().join(format!("till-bench-{}", std::process::id()));
        let tokens = Arc::new(FileTokenStore::new(dir.join("tokens.json")));
        let (handle, mut events) = connector::start(ConnectorSettings::direct(sim.device_url("till")), tokens).unwrap();
        while let Some(e) = events.recv().await {
            if matches!(e, DeviceInput::Ready(_)) {
                break;
            }
        }
        let mut times = Vec::new();
        for i in 0..sales + 3 {
            let sale = SaleRequest::builder().amount(Cents(1_000 + (i as i64 % 50) * 100)).build().unwrap();
            let started = Instant::now();
            handle.send(DeviceCommand::Sale(sale.clone())).await.unwrap();
            loop {
                match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
                    Ok(Some(DeviceInput::FinishOk { payment: Some(p), .. })) => {
                        assert_eq!(p.result, Some(PaymentResult::Success), "sale {i}");
                        break;
                    }
                    Ok(Some(e @ (DeviceInput::FinishCancel { .. } | DeviceInput::TxStartResponse { result: TxStartResponseResult::Fail | TxStartResponseResult::Duplicate, .. }))) => {
                        panic!("sale {i}: {e}")
                    }
                    Ok(Some(_)) => {}
                    other => panic!("no sale response: {other:?}"),
                }
            }
            if i >= 3 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }
        handle.dispose().await;
        times.sort_by(|a, b| a.total_cmp(b));
        let (till_median, till_p99) = (pick(&times, 0.5), pick(&times, 0.99));
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned()))
            .unwrap_or_default();
        println!("till connector: {} sales, median {till_median:.2} ms, p99 {till_p99:.2} ms (process RSS incl. simulator {rss} kB)", times.len());

        // The official JS SDK, against another device of the same simulator.
        let conformance = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");
        let url = sim.device_url("js");
        let out = tokio::process::Command::new("node")
            .arg("bench.js")
            .arg(&url)
            .arg(sales.to_string())
            .current_dir(conformance)
            .output()
            .await
            .expect("node runs (npm ci in tests/conformance first)");
        let text = String::from_utf8_lossy(&out.stdout);
        let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
            panic!("JS bench said {text} / {} ({e})", String::from_utf8_lossy(&out.stderr))
        });
        let js_median = json["median_ms"].as_f64().unwrap();
        let js_p99 = json["p99_ms"].as_f64().unwrap();
        println!("JS SDK 4.1.2:   {} sales, median {js_median:.2} ms, p99 {js_p99:.2} ms (Node RSS {} kB)", json["sales"], json["rss_kb"]);
        println!("ratio (JS / till): median {:.1}x, p99 {:.1}x", js_median / till_median, js_p99 / till_p99);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(dir);
    });
}
