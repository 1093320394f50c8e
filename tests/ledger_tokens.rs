//! The ledger as the connector's token store: the latest pairing token per endpoint, durable,
//! usable from another thread.

use std::sync::Arc;

use till::connector::TokenStore;
use till::ledger::{DB_FILE, Ledger};

const A: &str = "wss://127.0.0.1:12345/remote_pay";
const B: &str = "ws://127.0.0.1:40123/remote_pay/dev-2";

#[test]
fn saves_latest_token_per_endpoint_across_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let ledger = Ledger::open(tmp.path()).unwrap();
        let store = ledger.token_store();
        assert_eq!(store.load(A).unwrap(), None);
        store.save(A, "token-1").unwrap();
        store.save(B, "other").unwrap();
        store.save(A, "token-2").unwrap();
        assert_eq!(store.load(A).unwrap().as_deref(), Some("token-2"));
    }
    let ledger = Ledger::open(tmp.path()).unwrap();
    let store = ledger.token_store();
    assert_eq!(store.load(A).unwrap().as_deref(), Some("token-2"));
    assert_eq!(store.load(B).unwrap().as_deref(), Some("other"));
    drop((store, ledger));
    // One row per endpoint: old tokens are not kept.
    let conn = rusqlite::Connection::open(tmp.path().join(DB_FILE)).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM pairings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
}

#[test]
fn works_as_a_shared_trait_object_from_another_thread() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(tmp.path()).unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(ledger.token_store());
    let worker = {
        let store = Arc::clone(&store);
        std::thread::spawn(move || {
            for i in 0..20 {
                store.save(A, &format!("rotated-{i}")).unwrap();
            }
        })
    };
    worker.join().unwrap();
    assert_eq!(store.load(A).unwrap().as_deref(), Some("rotated-19"));
    // The ledger stays usable alongside the store.
    assert_eq!(ledger.count().unwrap(), 0);
}
