//! Support's queries on a large ledger (issue #16): builds a ledger of 1 000 000 payments (with
//! their events) once, then times the day report and the all-time report, a search by the card's
//! last four digits, a lookup by external id prefix, a history page 900 000 rows deep (keyset, and
//! OFFSET for comparison), and the writer's durable sale rate (create + 4 transitions, each
//! fsync'd) alone and with a busy read-only reader in another thread.
//!
//! Run: `cargo bench --bench ledger_large` (optionally `-- <rows> <seconds>`, defaults 1000000
//! and 5). `$TILL_BENCH_DIR` chooses the disk (default: the temporary directory).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use till::ledger::{DB_FILE, Ledger, Lookup, NewPayment, PaymentFilter, PaymentUpdate};

use till::payment::PaymentState;
use till::protocol::Cents;

const DAY_MS: i64 = 86_400_000;
/// 2026-11-01T00:00:00Z: the built history spans the days after it.
const START_MS: i64 = 1_793_491_200_000;

/// A deterministic 64-bit mix (splitmix64), so every run builds the same ledger.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn external_id(i: u64) -> String {
    format!("{:016x}{:016x}", mix(i), mix(i ^ 0xdead_beef))
}

/// Builds `rows` payments (each with a creation and a final event) straight into the file, in
/// one transaction without fsync: the build is setup, not what is measured.
fn build(dir: &std::path::Path, rows: u64) {
    drop(Ledger::open(dir).expect("create the ledger"));
    let mut conn = rusqlite::Connection::open(dir.join(DB_FILE)).expect("open for the build");
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut pay = tx
            .prepare(
                "INSERT INTO payments (external_id, device, kind, amount, tip, tax, state, \
                 device_payment_id, card_brand, last4, auth_code, charged_amount, created_ms, updated_ms) \
                 VALUES (?1, 'bench-device', 'sale', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            )
            .unwrap();
        let mut ev = tx
            .prepare(
                "INSERT INTO payment_events (external_id, seq, at_ms, from_state, to_state, cause, detail) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'bench')",
            )
            .unwrap();
        let span = 30 * DAY_MS;
        for i in 0..rows {
            let r = mix(i.wrapping_mul(7919));
            let id = external_id(i);
            let state = match r % 100 {
                0..=79 => PaymentState::Approved,
                80..=89 => PaymentState::Declined,
                90..=95 => PaymentState::Canceled,
                96..=97 => PaymentState::Voided,
                _ => PaymentState::NotFound,
            };
            let amount = 100 + (r >> 8) as i64 % 50_000;
            let partial = state == PaymentState::Approved && (r >> 24).is_multiple_of(50);
            let carded = matches!(
                state,
                PaymentState::Approved | PaymentState::Declined | PaymentState::Voided
            );
            let last4 = carded.then(|| format!("{:04}", (r >> 32) % 10_000));
            let brand =
                carded.then(|| ["VISA", "MC", "AMEX", "DISCOVER"][((r >> 48) % 4) as usize]);
            let at = START_MS + (i as i64 * span) / rows as i64;
            pay.execute(rusqlite::params![
                id,
                amount,
                (r >> 16) as i64 % 500,
                amount / 10,
                state.as_str(),
                carded.then(|| format!("DP{:011X}", mix(i) >> 20)),
                brand,
                last4,
                carded.then_some("AUTH01"),
                partial.then_some(amount / 2),
                at,
            ])
            .unwrap();
            ev.execute(rusqlite::params![
                id,
                1,
                at,
                None::<&str>,
                "created",
                "create"
            ])
            .unwrap();
            ev.execute(rusqlite::params![
                id,
                2,
                at + 1,
                "created",
                state.as_str(),
                "FINISH_OK"
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .unwrap();
}

/// Median and p99 of `runs` calls of `f`.
fn time(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{name:<44} median {:>10.3?}  p99 {:>10.3?}  ({runs} runs)",
        p(0.5),
        p(0.99)
    );
}

/// Durable sales (create + 4 transitions, each its own fsync'd transaction) for `seconds`.
fn sale_rate(ledger: &Ledger, seconds: u64, tag: &str) -> f64 {
    let started = Instant::now();
    let mut sales = 0_u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        let id = format!("w{tag}{sales}");
        ledger
            .create_payment(NewPayment::sale(&id, "writer-device", Cents(1234)))
            .expect("create");
        for to in [
            PaymentState::Sent,
            PaymentState::InProgress,
            PaymentState::InProgress,
            PaymentState::Approved,
        ] {
            let update = PaymentUpdate {
                last4: (to == PaymentState::Approved).then(|| "4242".to_owned()),
                ..Default::default()
            };
            ledger
                .transition(&id, to, "BENCH", "bench", update)
                .expect("transition");
        }
        sales += 1;
    }
    sales as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let rows = args.next().unwrap_or(1_000_000);
    let seconds = args.next().unwrap_or(5);
    let base = std::env::var_os("TILL_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let tmp = tempfile::tempdir_in(&base).expect("cannot create a directory for the bench");
    let t = Instant::now();
    build(tmp.path(), rows);
    let size = std::fs::metadata(tmp.path().join(DB_FILE)).map_or(0, |m| m.len());
    println!(
        "built {rows} payments ({} events) in {:.1?}: {:.1} MB, {} bytes per payment, in {}",
        rows * 2,
        t.elapsed(),
        size as f64 / 1e6,
        size / rows.max(1),
        tmp.path().display()
    );

    let writer = Ledger::open(tmp.path()).expect("open the writer");
    let reader = Ledger::open_read_only(tmp.path()).expect("open the reader");
    let day = START_MS + 10 * DAY_MS;
    time("report, one day (~1/30 of the rows)", 20, || {
        reader.report(Some(day), Some(day + DAY_MS)).unwrap();
    });
    time(&format!("report, all {rows} rows"), 5, || {
        reader.report(None, None).unwrap();
    });
    let by_last4 = PaymentFilter {
        last4: Some("4242".to_owned()),
        ..PaymentFilter::default()
    };
    time("search by last4, first page of 50", 50, || {
        reader.search(&by_last4, 50, None).unwrap();
    });
    let mut k = 0_u64;
    time("lookup by a 6-character id prefix", 200, || {
        k += 1;
        let prefix = &external_id((k * 4_999) % rows.max(1))[..6];
        assert!(!matches!(reader.lookup(prefix).unwrap(), Lookup::None));
    });
    let deep = rows.saturating_mul(9) / 10;
    let anchor = reader.history_at(deep, 1).unwrap();
    if let Some(anchor) = anchor.first() {
        time(
            &format!("history page of 50 at row {deep}, keyset"),
            200,
            || {
                let page = reader
                    .search(&PaymentFilter::default(), 50, Some(anchor.cursor))
                    .unwrap();
                assert_eq!(page.payments.len(), 50.min((rows - deep - 1) as usize));
            },
        );
        time(
            &format!("history page of 50 at row {deep}, OFFSET"),
            5,
            || {
                reader.history_at(deep, 50).unwrap();
            },
        );
    }

    let alone = sale_rate(&writer, seconds, "a");
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let busy = {
        let (stop, reads) = (stop.clone(), reads.clone());
        let dir = tmp.path().to_path_buf();
        std::thread::spawn(move || {
            let reader = Ledger::open_read_only(&dir).expect("open the busy reader");
            let mut k = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                reader.report(Some(day), Some(day + DAY_MS)).unwrap();
                reader.search(&by_last4, 50, None).unwrap();
                reader.lookup(&external_id(k % rows.max(1))[..6]).unwrap();
                reads.fetch_add(3, Ordering::Relaxed);
            }
        })
    };
    let with_reader = sale_rate(&writer, seconds, "b");
    stop.store(true, Ordering::Relaxed);
    busy.join().unwrap();
    println!(
        "writer: {alone:.1} durable sales/s alone, {with_reader:.1} with a busy reader \
         ({} reads, {:+.1} %)",
        reads.load(Ordering::Relaxed),
        (with_reader - alone) / alone * 100.0
    );
}
