//! Ledger throughput with its real durability settings (WAL, `synchronous=FULL`) on the disk
//! holding the temporary directory (or `$TILL_BENCH_DIR`): sales per second, where one sale is a
//! create and four transitions (sent, in progress, in progress again, approved), each its own
//! fsync'd transaction; then reads over the history that was written.
//!
//! Run: `cargo bench --bench ledger` (optionally `-- <seconds>`, default 5).
//!
//! Measured on the build machine (shared 2-core VM, virtio disk, other builds running):
//! 111 sales/s, 557 durable writes/s, write latency p50 0.34 ms, p99 8.9 ms.

use std::time::{Duration, Instant};

use till::ledger::{Ledger, NewPayment, PaymentUpdate};

use till::payment::PaymentState;
use till::protocol::Cents;

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let base = std::env::var_os("TILL_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let tmp = tempfile::tempdir_in(&base).expect("cannot create a directory for the bench");
    let ledger = Ledger::open(tmp.path()).expect("cannot open the ledger");
    println!("ledger bench in {} for {seconds} s", tmp.path().display());

    let mut write_times = Vec::new();
    let mut timed = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        write_times.push(t.elapsed());
    };
    let started = Instant::now();
    let mut sales = 0_u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        let id = format!("bench{sales}");
        timed(&mut || {
            ledger
                .create_payment(NewPayment::sale(
                    &id,
                    "bench-device",
                    Cents(1000 + sales as i64),
                ))
                .expect("create");
        });
        let steps = [
            (PaymentState::Sent, "TX_START"),
            (PaymentState::InProgress, "TX_START_RESPONSE"),
            (PaymentState::InProgress, "UI_STATE"),
            (PaymentState::Approved, "FINISH_OK"),
        ];
        for (to, cause) in steps {
            let update = if to == PaymentState::Approved {
                PaymentUpdate {
                    card_brand: Some("VISA".into()),
                    last4: Some("4242".into()),
                    auth_code: Some("AUTH".into()),
                    result: Some("SUCCESS".into()),
                    ..Default::default()
                }
            } else {
                PaymentUpdate::default()
            };
            timed(&mut || {
                ledger
                    .transition(&id, to, cause, "bench", update.clone())
                    .expect("transition");
            });
        }
        sales += 1;
    }
    let elapsed = started.elapsed();
    write_times.sort();
    let pct = |p: f64| write_times[((write_times.len() - 1) as f64 * p) as usize];
    println!(
        "{sales} sales in {:.2} s: {:.1} sales/s, {:.1} durable writes/s",
        elapsed.as_secs_f64(),
        sales as f64 / elapsed.as_secs_f64(),
        write_times.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "write latency: p50 {:?}, p99 {:?}, max {:?}",
        pct(0.5),
        pct(0.99),
        write_times.last().copied().unwrap_or_default()
    );

    let t = Instant::now();
    let mut cursor = None;
    let mut read = 0;
    loop {
        let page = ledger.history(50, cursor).expect("history");
        read += page.payments.len();
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    println!("history: {read} rows in pages of 50 in {:?}", t.elapsed());
    let t = Instant::now();
    ledger.check().expect("check");
    println!("check: {:?}", t.elapsed());
}
