//! History over a large ledger: 100 000 payments paged newest first, as the History screen's
//! virtualised list reads them.

use till::ledger::{DB_FILE, Ledger};

use till::payment::PaymentState;

const ROWS: i64 = 100_000;

/// Fills a fresh ledger file with `ROWS` approved payments (each with its two events) in one
/// transaction, straight through SQLite: the API's one fsync per write would take minutes.
fn fill(dir: &std::path::Path) {
    drop(Ledger::open(dir).unwrap());
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    conn.execute_batch(&format!(
        "BEGIN;
         CREATE TEMP TABLE n AS WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < {last})
             SELECT i FROM c;
         INSERT INTO payments (external_id, device, kind, amount, tip, tax, state, last4, card_brand,
                               created_ms, updated_ms)
             SELECT printf('P%07d', i), 'dev', 'sale', 100 + i, 0, 0, 'approved', '4242', 'VISA',
                    1700000000000 + i, 1700000000000 + i FROM n ORDER BY i;
         INSERT INTO payment_events (external_id, seq, at_ms, from_state, to_state, cause, detail)
             SELECT printf('P%07d', i), 1, 1700000000000 + i, NULL, 'created', 'create', '' FROM n;
         INSERT INTO payment_events (external_id, seq, at_ms, from_state, to_state, cause, detail)
             SELECT printf('P%07d', i), 2, 1700000000000 + i, 'created', 'approved', 'FINISH_OK', '' FROM n;
         COMMIT;",
        last = ROWS - 1
    ))
    .unwrap();
}

#[test]
fn pages_through_100k_payments_newest_first() {
    let tmp = tempfile::tempdir().unwrap();
    fill(tmp.path());
    let ledger = Ledger::open(tmp.path()).unwrap();
    ledger.check().unwrap();
    assert_eq!(ledger.count().unwrap(), ROWS as u64);

    let mut cursor = None;
    let mut expected = ROWS;
    let mut pages = 0;
    loop {
        let page = ledger.history(1000, cursor).unwrap();
        for p in &page.payments {
            expected -= 1;
            assert_eq!(p.external_id, format!("P{expected:07}"));
            assert_eq!(p.state, PaymentState::Approved);
        }
        pages += 1;
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!((expected, pages), (0, 100));

    // Windows anywhere in the list, as a virtualised view jumps (Home, End, PageDown…).
    for offset in [0_u64, 1, 49_999, 99_990] {
        let window = ledger.history_at(offset, 20).unwrap();
        let first = ROWS - 1 - offset as i64;
        assert_eq!(window[0].external_id, format!("P{first:07}"));
        assert_eq!(window.len(), 20.min((ROWS as u64 - offset) as usize));
    }
    assert_eq!(ledger.events("P0050000").unwrap().len(), 2);
}
