//! The ledger's schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`. To change the schema, append a
//! migration; never edit one that has shipped. Each migration runs in its own transaction together
//! with the version bump, so a crash leaves the database at the old or the new version.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::error::{LedgerError, Result};

/// Version 1: payments, their append-only event history, pairing tokens.
pub(super) const V1: &str = "
CREATE TABLE payments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id       TEXT    NOT NULL UNIQUE,
    device            TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    amount            INTEGER NOT NULL CHECK (amount > 0),
    tip               INTEGER NOT NULL CHECK (tip >= 0),
    tax               INTEGER NOT NULL CHECK (tax >= 0),
    state             TEXT    NOT NULL,
    device_payment_id TEXT,
    order_id          TEXT,
    card_brand        TEXT,
    last4             TEXT CHECK (last4 IS NULL OR (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*')),
    auth_code         TEXT,
    charged_amount    INTEGER,
    charged_tip       INTEGER,
    result            TEXT,
    reason            TEXT,
    message           TEXT,
    created_ms        INTEGER NOT NULL,
    updated_ms        INTEGER NOT NULL
);

-- At most one unfinished payment per device, enforced by the database itself.
CREATE UNIQUE INDEX payments_one_open_per_device ON payments (device)
    WHERE state IN ('created', 'sent', 'in_progress', 'unknown');

CREATE TABLE payment_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id   TEXT    NOT NULL REFERENCES payments (external_id),
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    at_ms         INTEGER NOT NULL,
    from_state    TEXT,
    to_state      TEXT    NOT NULL,
    cause         TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    is_correction INTEGER NOT NULL DEFAULT 0 CHECK (is_correction IN (0, 1)),
    UNIQUE (external_id, seq)
);

CREATE TRIGGER payment_events_no_update BEFORE UPDATE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;

CREATE TRIGGER payment_events_no_delete BEFORE DELETE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;

CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;

CREATE TABLE pairings (
    endpoint   TEXT    PRIMARY KEY NOT NULL,
    token      TEXT    NOT NULL,
    updated_ms INTEGER NOT NULL
);
";

/// Version 2: the indexes support's searches use (`till history`/`payment`/`report`/`export`):
/// payments by creation time (date ranges), by the card's last four digits and by the device's
/// payment id. Partial where the column is often empty, to keep the file compact.
pub(super) const V2_SEARCH_INDEXES: &str = "
CREATE INDEX payments_by_created ON payments (created_ms);
CREATE INDEX payments_by_last4 ON payments (last4) WHERE last4 IS NOT NULL;
CREATE INDEX payments_by_device_payment_id ON payments (device_payment_id)
    WHERE device_payment_id IS NOT NULL;
";

/// Version 3: the partial-approval flag (existing rows: not partial).
pub(super) const V3_PARTIAL: &str = "
ALTER TABLE payments ADD COLUMN partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1));
";

/// Version 4: refunds, voids and credits (`kind` `refund`, `void`, `credit`) as transactions of
/// their own. A refund or void names the sale it acts on (`parent_external_id`); a sale or a
/// credit names none. The money rules are enforced here as well as in the ledger API, so no
/// writer can break them: only an approved sale is refunded or voided; a voided sale is never
/// refunded, a refunded one never voided; while a refund or void of a sale is unfinished (or
/// unknown) nothing else acts on that sale; refunds never exceed what the sale charged (tip
/// included) minus its earlier refunds (approved or still open). A row's kind, link and amount
/// never change.
pub(super) const V4_REFUNDS: &str = "
ALTER TABLE payments ADD COLUMN parent_external_id TEXT REFERENCES payments (external_id);

CREATE INDEX payments_by_parent ON payments (parent_external_id)
    WHERE parent_external_id IS NOT NULL;

CREATE TRIGGER payments_kind_known BEFORE INSERT ON payments
WHEN NEW.kind NOT IN ('sale', 'refund', 'void', 'credit')
BEGIN SELECT RAISE(ABORT, 'a payment kind is sale, refund, void or credit'); END;

CREATE TRIGGER payments_link_by_kind BEFORE INSERT ON payments
WHEN (NEW.kind IN ('refund', 'void')) <> (NEW.parent_external_id IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'a refund or void names the sale it acts on; a sale or credit names none'); END;

CREATE TRIGGER payments_parent_approved BEFORE INSERT ON payments
WHEN NEW.parent_external_id IS NOT NULL AND coalesce((SELECT kind = 'sale' AND state = 'approved'
    FROM payments WHERE external_id = NEW.parent_external_id), 0) = 0
BEGIN SELECT RAISE(ABORT, 'only an approved sale can be refunded or voided'); END;

CREATE TRIGGER payments_parent_settled BEFORE INSERT ON payments
WHEN NEW.parent_external_id IS NOT NULL AND EXISTS (SELECT 1 FROM payments
    WHERE parent_external_id = NEW.parent_external_id
    AND (state IN ('created', 'sent', 'in_progress', 'unknown')
         OR (kind = 'void' AND state = 'approved')))
BEGIN SELECT RAISE(ABORT, 'the sale has an unfinished or unknown refund or void, or was voided'); END;

CREATE TRIGGER payments_void_unrefunded BEFORE INSERT ON payments
WHEN NEW.kind = 'void' AND EXISTS (SELECT 1 FROM payments
    WHERE parent_external_id = NEW.parent_external_id AND kind = 'refund' AND state = 'approved')
BEGIN SELECT RAISE(ABORT, 'a refunded sale cannot be voided'); END;

CREATE TRIGGER payments_refund_within_remainder BEFORE INSERT ON payments
WHEN NEW.kind = 'refund' AND NEW.amount > (
    SELECT coalesce(charged_amount, amount) + coalesce(charged_tip, tip)
    FROM payments WHERE external_id = NEW.parent_external_id) - (
    SELECT coalesce(sum(coalesce(charged_amount, amount)), 0) FROM payments
    WHERE parent_external_id = NEW.parent_external_id AND kind = 'refund'
    AND state IN ('approved', 'created', 'sent', 'in_progress', 'unknown'))
BEGIN SELECT RAISE(ABORT, 'a refund cannot exceed what the sale charged less its earlier refunds'); END;

CREATE TRIGGER payments_kind_fixed BEFORE UPDATE OF kind, parent_external_id, amount ON payments
WHEN NEW.kind IS NOT OLD.kind OR NEW.parent_external_id IS NOT OLD.parent_external_id
    OR NEW.amount IS NOT OLD.amount
BEGIN SELECT RAISE(ABORT, 'a payment''s kind, sale and amount never change'); END;
";

/// Version 5: the order rung with a sale — its lines, discounts and totals — recorded in the
/// same transaction as the sale's `created` row and never changed afterwards. The `orders` row
/// is written last and seals the order: its subtotal is the sum of the lines, its discount the
/// sum of the discounts, its total `subtotal - discount + tax`, and its total and tax are the
/// sale's amount and tax. Existing payments have no order.
pub(super) const V5_ORDER: &str = "
CREATE TABLE order_lines (
    external_id TEXT    NOT NULL REFERENCES payments (external_id),
    line_no     INTEGER NOT NULL CHECK (line_no >= 1),
    line_id     TEXT    NOT NULL,
    name        TEXT    CHECK (name IS NULL OR length(name) BETWEEN 1 AND 64),
    code        TEXT    CHECK (code IS NULL OR length(code) BETWEEN 1 AND 64),
    quantity    INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 9999),
    unit_price  INTEGER NOT NULL CHECK (unit_price > 0),
    tax_rate    INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 100000),
    PRIMARY KEY (external_id, line_no)
);

CREATE TABLE order_discounts (
    external_id TEXT    NOT NULL REFERENCES payments (external_id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    percent     INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 100000),
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (external_id, seq)
);

CREATE TABLE orders (
    external_id TEXT    PRIMARY KEY NOT NULL REFERENCES payments (external_id),
    tax_rate    INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 100000),
    subtotal    INTEGER NOT NULL CHECK (subtotal > 0),
    discount    INTEGER NOT NULL CHECK (discount BETWEEN 0 AND subtotal),
    tax         INTEGER NOT NULL CHECK (tax >= 0),
    total       INTEGER NOT NULL CHECK (total = subtotal - discount + tax)
);

CREATE TRIGGER orders_with_their_sale BEFORE INSERT ON orders
WHEN coalesce((SELECT kind IN ('sale', 'auth', 'preauth') AND state = 'created' AND amount = NEW.total AND tax = NEW.tax
    FROM payments WHERE external_id = NEW.external_id), 0) = 0
BEGIN SELECT RAISE(ABORT, 'an order is recorded with its sale (or auth, pre-auth) as it is created, for its amount and tax'); END;

CREATE TRIGGER orders_add_up BEFORE INSERT ON orders
WHEN NEW.subtotal IS NOT (SELECT sum(quantity * unit_price) FROM order_lines
        WHERE external_id = NEW.external_id)
    OR NEW.discount IS NOT (SELECT coalesce(sum(amount), 0) FROM order_discounts
        WHERE external_id = NEW.external_id)
BEGIN SELECT RAISE(ABORT, 'an order''s subtotal and discount are the sums of its lines and discounts'); END;

CREATE TRIGGER order_lines_sealed BEFORE INSERT ON order_lines
WHEN EXISTS (SELECT 1 FROM orders WHERE external_id = NEW.external_id)
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;

CREATE TRIGGER order_discounts_sealed BEFORE INSERT ON order_discounts
WHEN EXISTS (SELECT 1 FROM orders WHERE external_id = NEW.external_id)
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;

CREATE TRIGGER orders_no_update BEFORE UPDATE ON orders
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;
CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;
CREATE TRIGGER order_lines_no_update BEFORE UPDATE ON order_lines
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;
CREATE TRIGGER order_lines_no_delete BEFORE DELETE ON order_lines
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;
CREATE TRIGGER order_discounts_no_update BEFORE UPDATE ON order_discounts
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;
CREATE TRIGGER order_discounts_no_delete BEFORE DELETE ON order_discounts
BEGIN SELECT RAISE(ABORT, 'a recorded order never changes'); END;
";

/// The first schema version that holds orders ([`V5_ORDER`]).
pub(super) const ORDER_VERSION: i64 = 5;

/// Version 6 (#17): auths (tip-adjustable payments), pre-auths (holds), and what acts on them:
/// `capture` and `increment` of a pre-auth, `tip_adjust` of an auth, each naming its payment
/// (`parent_external_id`) like a refund; and the closeout batches. The money rules, for any
/// writer: only an approved pre-auth is captured, and only once (a capture approved or still
/// open blocks another); only an approved pre-auth not captured (nor being captured) is
/// incremented; only an approved auth — not a sale, not a voided payment — has its tip
/// adjusted; refunds and voids still act on sales only. A capture or tip adjust carries its
/// tip in `tip`; a tip adjust's `amount` is its auth's amount (the base the tip goes on).
/// At most one open transaction per device of any kind: a closeout is open (`created` or
/// `sent`) only while no payment of its device is, and the other way round.
pub(super) const V6_AUTHS: &str = "
DROP TRIGGER payments_kind_known;
CREATE TRIGGER payments_kind_known BEFORE INSERT ON payments
WHEN NEW.kind NOT IN ('sale', 'refund', 'void', 'credit', 'auth', 'preauth', 'capture',
    'increment', 'tip_adjust')
BEGIN SELECT RAISE(ABORT, 'a payment kind is sale, refund, void, credit, auth, preauth, capture, increment or tip_adjust'); END;

DROP TRIGGER payments_link_by_kind;
CREATE TRIGGER payments_link_by_kind BEFORE INSERT ON payments
WHEN (NEW.kind IN ('refund', 'void', 'capture', 'increment', 'tip_adjust'))
    <> (NEW.parent_external_id IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'a refund, void, capture, increment or tip adjust names the payment it acts on; a sale, auth, pre-auth or credit names none'); END;

DROP TRIGGER payments_parent_approved;
CREATE TRIGGER payments_parent_approved BEFORE INSERT ON payments
WHEN NEW.kind IN ('refund', 'void') AND coalesce((SELECT kind = 'sale' AND state = 'approved'
    FROM payments WHERE external_id = NEW.parent_external_id), 0) = 0
BEGIN SELECT RAISE(ABORT, 'only an approved sale can be refunded or voided'); END;

CREATE TRIGGER payments_capture_of_preauth BEFORE INSERT ON payments
WHEN NEW.kind IN ('capture', 'increment') AND coalesce((SELECT kind = 'preauth' AND state = 'approved'
    FROM payments WHERE external_id = NEW.parent_external_id), 0) = 0
BEGIN SELECT RAISE(ABORT, 'only an approved pre-auth can be captured or incremented'); END;

CREATE TRIGGER payments_capture_once BEFORE INSERT ON payments
WHEN NEW.kind IN ('capture', 'increment') AND EXISTS (SELECT 1 FROM payments
    WHERE parent_external_id = NEW.parent_external_id AND kind = 'capture'
    AND state IN ('approved', 'created', 'sent', 'in_progress', 'unknown'))
BEGIN SELECT RAISE(ABORT, 'the pre-auth was captured already (or its capture is not settled)'); END;

CREATE TRIGGER payments_tip_adjust_of_auth BEFORE INSERT ON payments
WHEN NEW.kind = 'tip_adjust' AND coalesce((SELECT kind = 'auth' AND state = 'approved'
    FROM payments WHERE external_id = NEW.parent_external_id), 0) = 0
BEGIN SELECT RAISE(ABORT, 'only an approved auth (not a sale, not voided) can have its tip adjusted'); END;

CREATE TRIGGER payments_no_open_closeout BEFORE INSERT ON payments
WHEN EXISTS (SELECT 1 FROM closeouts WHERE device = NEW.device AND state IN ('created', 'sent'))
BEGIN SELECT RAISE(ABORT, 'a closeout of this device is not finished'); END;

CREATE TABLE closeouts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id    TEXT    NOT NULL UNIQUE,
    device        TEXT    NOT NULL,
    allow_open_tabs INTEGER NOT NULL CHECK (allow_open_tabs IN (0, 1)),
    state         TEXT    NOT NULL CHECK (state IN ('created', 'sent', 'closed', 'refused', 'unknown')),
    batch_id      TEXT,
    tx_count      INTEGER CHECK (tx_count IS NULL OR tx_count >= 0),
    total         INTEGER,
    batch_state   TEXT,
    message       TEXT,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
);

CREATE UNIQUE INDEX closeouts_one_open_per_device ON closeouts (device)
    WHERE state IN ('created', 'sent');

CREATE INDEX closeouts_by_created ON closeouts (created_ms);

CREATE TRIGGER closeouts_no_open_payment BEFORE INSERT ON closeouts
WHEN EXISTS (SELECT 1 FROM payments WHERE device = NEW.device
    AND state IN ('created', 'sent', 'in_progress', 'unknown'))
BEGIN SELECT RAISE(ABORT, 'the device has an unfinished payment'); END;

CREATE TRIGGER closeouts_no_delete BEFORE DELETE ON closeouts
BEGIN SELECT RAISE(ABORT, 'closeouts are never deleted'); END;

CREATE TRIGGER closeouts_final BEFORE UPDATE ON closeouts
WHEN OLD.state IN ('closed', 'refused') OR NEW.request_id IS NOT OLD.request_id
    OR NEW.device IS NOT OLD.device
BEGIN SELECT RAISE(ABORT, 'a finished closeout never changes'); END;
";

/// Every migration, in order: entry `i` upgrades version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    V1,
    V2_SEARCH_INDEXES,
    V3_PARTIAL,
    V4_REFUNDS,
    V5_ORDER,
    V6_AUTHS,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database at `path` up to [`SCHEMA_VERSION`], refusing newer or foreign databases.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let db = |action, source| LedgerError::Db {
        action,
        path: path.to_path_buf(),
        source,
    };
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| db("read the schema version", e))?;
    if found < 0 {
        return Err(LedgerError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("schema version {found} is not one till writes"),
        });
    }
    if found > SCHEMA_VERSION {
        return Err(LedgerError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == 0 {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(|e| db("read the schema", e))?;
        if objects > 0 {
            return Err(LedgerError::Corrupt {
                path: path.to_path_buf(),
                reason: format!(
                    "an SQLite database with {objects} tables or indexes, but not a till ledger"
                ),
            });
        }
    }
    for (from, sql) in (found..).zip(&MIGRATIONS[found as usize..]) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db("start a schema migration", e))?;
        tx.execute_batch(sql)
            .map_err(|e| db("migrate the schema", e))?;
        tx.pragma_update(None, "user_version", from + 1)
            .map_err(|e| db("record the schema version", e))?;
        tx.commit()
            .map_err(|e| db("commit a schema migration", e))?;
    }
    Ok(())
}
