//! The pairing tokens (`pairings`): the latest auth token per device endpoint, the only token
//! stored anywhere, kept through [`LedgerTokenStore`] for the connector.

use rusqlite::{OptionalExtension, params};

use super::open::Ledger;
use super::sql::now_ms;
use crate::connector::TokenStore;

/// A [`TokenStore`] on the ledger's `pairings` table, for the connector's task. Cloneable,
/// `Send + Sync`; it shares the ledger's connection, so it keeps the ledger (and its lock) open.
#[derive(Debug, Clone)]
pub struct LedgerTokenStore {
    ledger: Ledger,
}

// The connector keeps its store in its own task, and the runtime may hand the ledger to
// `spawn_blocking`: both handles must move between threads (checked at compile time).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Ledger>();
    send_sync::<LedgerTokenStore>();
};

impl Ledger {
    /// A token store backed by this ledger.
    pub fn token_store(&self) -> LedgerTokenStore {
        LedgerTokenStore {
            ledger: self.clone(),
        }
    }
}

impl TokenStore for LedgerTokenStore {
    fn load(&self, endpoint: &str) -> std::io::Result<Option<String>> {
        self.ledger
            .conn()
            .prepare_cached("SELECT token FROM pairings WHERE endpoint = ?1")
            .and_then(|mut stmt| stmt.query_row([endpoint], |row| row.get(0)).optional())
            .map_err(|e| std::io::Error::other(self.ledger.db_error("read the pairing token")(e)))
    }

    fn save(&self, endpoint: &str, token: &str) -> std::io::Result<()> {
        self.ledger
            .conn()
            .execute(
                "INSERT INTO pairings (endpoint, token, updated_ms) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (endpoint) DO UPDATE SET token = excluded.token, updated_ms = excluded.updated_ms",
                params![endpoint, token, now_ms()],
            )
            .map(drop)
            .map_err(|e| std::io::Error::other(self.ledger.db_error("save the pairing token")(e)))
    }
}
