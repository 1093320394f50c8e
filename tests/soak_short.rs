//! A short soak in CI: 500 consecutive sales with ~10 % random faults (drops, half-open, late
//! frames) plus reboots and every outcome, then recovery: nothing lost, nothing charged twice.

mod soak_support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_sales_with_faults_lose_nothing() {
    let sales = std::env::var("SOAK_SALES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let report = soak_support::run(soak_support::SoakConfig {
        sales,
        fault_rate: 0.1,
        seed: 42,
    })
    .await;
    println!("{report:#?}");
    assert_eq!(report.lost, 0, "{report:?}");
    assert_eq!(report.duplicates, 0, "{report:?}");
    assert_eq!(report.phantom, 0, "{report:?}");
    assert_eq!(report.unresolved, 0, "{report:?}");
    assert_eq!(report.final_payments, sales, "{report:?}");
}
