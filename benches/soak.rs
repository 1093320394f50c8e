//! Soak: `cargo bench --bench soak` runs 10 000 consecutive sales (or `SOAK_SALES`) against the
//! embedded simulator with ~10 % random faults, then recovery, and prints what it found.

#[path = "../tests/soak_support/mod.rs"]
mod soak_support;

fn main() {
    let sales = std::env::var("SOAK_SALES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let rate = std::env::var("SOAK_FAULT_RATE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let report = runtime.block_on(soak_support::run(soak_support::SoakConfig {
        sales,
        fault_rate: rate,
        seed: 42,
    }));
    println!("soak: {} sales, fault rate {rate}", report.sales);
    println!(
        "  final {} / unresolved {}",
        report.final_payments, report.unresolved
    );
    println!(
        "  lost {} / duplicates {} / phantom approvals {}",
        report.lost, report.duplicates, report.phantom
    );
    println!("  by state {:?}", report.by_state);
    println!(
        "  RSS start {} kB, end {} kB; open fds start {}, end {}",
        report.rss_kb.0, report.rss_kb.1, report.fds.0, report.fds.1
    );
    println!(
        "  elapsed {:.1} s ({:.0} sales/s)",
        report.elapsed.as_secs_f64(),
        report.sales as f64 / report.elapsed.as_secs_f64()
    );
    if report.lost + report.duplicates + report.phantom + report.unresolved > 0 {
        std::process::exit(1);
    }
}
