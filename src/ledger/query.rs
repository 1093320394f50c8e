//! Finding payments: filtered history pages (keyset pagination, never OFFSET), lookup by a
//! prefix of the external id or by the device's payment id, and walking every payment of a time
//! range in creation order (for exports and reports).

use rusqlite::types::ToSql;
use rusqlite::{Connection, params_from_iter};

use super::error::Result;
use super::open::Ledger;
use super::records::{HistoryCursor, HistoryPage, PaymentRecord};
use super::sql::{PAYMENT_COLUMNS, payment_from_row};
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::Cents;

/// Which payments to list. Every field set narrows the list; the default lists everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFilter {
    /// Only these states (any of them); empty for every state.
    pub states: Vec<PaymentState>,
    /// Only payments created at or after this time (ms since the Unix epoch).
    pub since_ms: Option<i64>,
    /// Only payments created before this time (ms since the Unix epoch).
    pub until_ms: Option<i64>,
    /// Only payments of exactly this amount (before tip).
    pub amount: Option<Cents>,
    /// Only payments by the card ending in these four digits.
    pub last4: Option<String>,
    /// Only payments of this kind.
    pub kind: Option<PaymentKind>,
    /// Only payments whose external id starts with this text or whose device payment id is it.
    pub id: Option<String>,
}

impl PaymentFilter {
    /// The filter a search line asks for (the TUI's `/`): words separated by spaces, each one of
    /// a state (`approved`, `not_found`, `unknown`, …), a kind (`sale`), four digits (the card's
    /// last four), an amount with a decimal point (`12.34`), a UTC date (`2026-12-01`: that day),
    /// a duration back from `now_ms` (`2h`, `30min`: since then); any other word is an external
    /// id prefix or a device payment id.
    pub fn parse_search(text: &str, now_ms: i64) -> PaymentFilter {
        const DAY_MS: i64 = 86_400_000;
        let mut f = PaymentFilter::default();
        for word in text.split_whitespace() {
            let state_name = word.to_ascii_lowercase().replace('-', "_");
            if let Ok(state) = state_name.parse::<PaymentState>() {
                if !f.states.contains(&state) {
                    f.states.push(state);
                }
            } else if let Ok(kind) = word.parse::<PaymentKind>() {
                f.kind = Some(kind);
            } else if crate::protocol::is_last4(word) {
                f.last4 = Some(word.to_owned());
            } else if let Some(amount) = word
                .contains('.')
                .then(|| Cents::parse(word).ok())
                .flatten()
            {
                f.amount = Some(amount);
            } else if let Some(day) = (word.len() == 10)
                .then(|| humantime::parse_rfc3339(&format!("{word}T00:00:00Z")).ok())
                .flatten()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            {
                let start = i64::try_from(day.as_millis()).unwrap_or(i64::MAX);
                f.since_ms = Some(start);
                f.until_ms = Some(start.saturating_add(DAY_MS));
            } else if let Some(ago) = word
                .starts_with(|c: char| c.is_ascii_digit())
                .then(|| humantime::parse_duration(word).ok())
                .flatten()
            {
                let ago = i64::try_from(ago.as_millis()).unwrap_or(i64::MAX);
                f.since_ms = Some(now_ms.saturating_sub(ago));
            } else {
                f.id = Some(word.to_owned());
            }
        }
        f
    }
}

/// What a lookup by id found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Exactly one payment: the external id, the device payment id or a unique prefix.
    Found(Box<PaymentRecord>),
    /// Several payments start with the text given: up to [`MAX_CANDIDATES`], oldest first.
    Ambiguous(Vec<PaymentRecord>),
    /// Nothing matches.
    None,
}

/// How many candidates an ambiguous lookup lists.
pub const MAX_CANDIDATES: usize = 20;

/// The smallest string greater than every string starting with `prefix`, if there is one.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

/// The WHERE clause (after `WHERE`) and its parameters for `filter`.
fn where_clause(filter: &PaymentFilter) -> (String, Vec<Box<dyn ToSql>>) {
    let mut terms: Vec<String> = vec!["1".to_owned()];
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let arg = |args: &mut Vec<Box<dyn ToSql>>, v: Box<dyn ToSql>| {
        args.push(v);
        format!("?{}", args.len())
    };
    if !filter.states.is_empty() {
        let list: Vec<String> = filter
            .states
            .iter()
            .map(|s| arg(&mut args, Box::new(*s)))
            .collect();
        terms.push(format!("state IN ({})", list.join(", ")));
    }
    if let Some(since) = filter.since_ms {
        terms.push(format!("created_ms >= {}", arg(&mut args, Box::new(since))));
    }
    if let Some(until) = filter.until_ms {
        terms.push(format!("created_ms < {}", arg(&mut args, Box::new(until))));
    }
    if let Some(amount) = filter.amount {
        terms.push(format!("amount = {}", arg(&mut args, Box::new(amount))));
    }
    if let Some(last4) = &filter.last4 {
        terms.push(format!(
            "last4 = {}",
            arg(&mut args, Box::new(last4.clone()))
        ));
    }
    if let Some(kind) = filter.kind {
        terms.push(format!("kind = {}", arg(&mut args, Box::new(kind))));
    }
    if let Some(id) = &filter.id {
        let exact = arg(&mut args, Box::new(id.clone()));
        let by_prefix = match prefix_end(id) {
            Some(end) => {
                let end = arg(&mut args, Box::new(end));
                format!("(external_id >= {exact} AND external_id < {end})")
            }
            None => format!("external_id >= {exact}"),
        };
        terms.push(format!("({by_prefix} OR device_payment_id = {exact})"));
    }
    (terms.join(" AND "), args)
}

fn select(
    conn: &Connection,
    sql: &str,
    args: &[Box<dyn ToSql>],
) -> rusqlite::Result<Vec<PaymentRecord>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), payment_from_row)?;
    rows.collect()
}

impl Ledger {
    /// Up to `limit` payments matching `filter`, newest first, starting just after `before` (the
    /// previous page's `next`) or at the newest. Keyset pagination: a deep page costs what the
    /// first one does.
    pub fn search(
        &self,
        filter: &PaymentFilter,
        limit: usize,
        before: Option<HistoryCursor>,
    ) -> Result<HistoryPage> {
        if limit == 0 {
            return Ok(HistoryPage {
                payments: Vec::new(),
                next: None,
            });
        }
        let (clause, mut args) = where_clause(filter);
        args.push(Box::new(before.map_or(i64::MAX, |c| c.0)));
        let start = args.len();
        let fetch = i64::try_from(limit)
            .unwrap_or(i64::MAX - 1)
            .saturating_add(1);
        args.push(Box::new(fetch));
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE {clause} AND id < ?{start} \
             ORDER BY id DESC LIMIT ?{}",
            start + 1
        );
        let mut payments =
            select(&self.conn(), &sql, &args).map_err(self.db_error("search the history"))?;
        let next = if payments.len() > limit {
            payments.truncate(limit);
            payments.last().map(|p| p.cursor)
        } else {
            None
        };
        Ok(HistoryPage { payments, next })
    }

    /// Up to `limit` payments matching `filter` newer than `after`, oldest first (the nearest
    /// one first): for walking up the history from a known row without OFFSET.
    pub fn newer(
        &self,
        filter: &PaymentFilter,
        after: HistoryCursor,
        limit: usize,
    ) -> Result<Vec<PaymentRecord>> {
        let (clause, mut args) = where_clause(filter);
        args.push(Box::new(after.0));
        let n = args.len();
        args.push(Box::new(i64::try_from(limit).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE {clause} AND id > ?{n} ORDER BY id LIMIT ?{}",
            n + 1
        );
        select(&self.conn(), &sql, &args).map_err(self.db_error("read the history"))
    }

    /// How many payments matching `filter` are newer than `after` (all of them for `None`); one
    /// walk down the primary key from `after`, cheap when few were added since.
    pub fn count_newer(&self, filter: &PaymentFilter, after: Option<HistoryCursor>) -> Result<u64> {
        let (clause, mut args) = where_clause(filter);
        args.push(Box::new(after.map_or(i64::MIN, |c| c.0)));
        let sql = format!(
            "SELECT count(*) FROM payments WHERE {clause} AND id > ?{}",
            args.len()
        );
        self.conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row(params_from_iter(args.iter()), |r| r.get(0)))
            .map_err(self.db_error("count payments"))
    }

    /// How many payments match `filter`.
    pub fn count_matching(&self, filter: &PaymentFilter) -> Result<u64> {
        let (clause, args) = where_clause(filter);
        self.conn()
            .prepare_cached(&format!("SELECT count(*) FROM payments WHERE {clause}"))
            .and_then(|mut s| s.query_row(params_from_iter(args.iter()), |r| r.get(0)))
            .map_err(self.db_error("count payments"))
    }

    /// The payment `text` names: its external id, its device payment id, or an unambiguous
    /// prefix of its external id. Several payments starting with `text` are listed as candidates.
    pub fn lookup(&self, text: &str) -> Result<Lookup> {
        if let Some(found) = self.get(text)? {
            return Ok(Lookup::Found(Box::new(found)));
        }
        if text.is_empty() {
            return Ok(Lookup::None);
        }
        let filter = PaymentFilter {
            id: Some(text.to_owned()),
            ..PaymentFilter::default()
        };
        let (clause, args) = where_clause(&filter);
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE {clause} ORDER BY id LIMIT {}",
            MAX_CANDIDATES + 1
        );
        let mut found =
            select(&self.conn(), &sql, &args).map_err(self.db_error("look up a payment"))?;
        // A device payment id is exact: it wins over external ids that merely start with it.
        if let Some(i) = found
            .iter()
            .position(|p| p.device_payment_id.as_deref() == Some(text))
            && found
                .iter()
                .filter(|p| p.device_payment_id.as_deref() == Some(text))
                .count()
                == 1
        {
            return Ok(Lookup::Found(Box::new(found.swap_remove(i))));
        }
        Ok(match found.len() {
            0 => Lookup::None,
            1 => Lookup::Found(Box::new(found.remove(0))),
            _ => {
                found.truncate(MAX_CANDIDATES);
                Lookup::Ambiguous(found)
            }
        })
    }

    /// Calls `visit` with every payment matching `filter`, oldest first, reading in pages so
    /// memory stays bounded however many there are. Stops at the first error `visit` returns.
    pub fn for_each_matching<E>(
        &self,
        filter: &PaymentFilter,
        mut visit: impl FnMut(PaymentRecord) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        const PAGE: i64 = 2_000;
        let (clause, mut args) = where_clause(filter);
        let after = args.len() + 1;
        args.push(Box::new(0_i64));
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE {clause} AND id > ?{after} \
             ORDER BY id LIMIT {PAGE}"
        );
        loop {
            let page = select(&self.conn(), &sql, &args).map_err(self.db_error("read payments"))?;
            let Some(last) = page.last().map(|p| p.cursor.0) else {
                return Ok(Ok(()));
            };
            let full = page.len() as i64 == PAGE;
            for p in page {
                if let Err(e) = visit(p) {
                    return Ok(Err(e));
                }
            }
            if !full {
                return Ok(Ok(()));
            }
            args[after - 1] = Box::new(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewPayment, PaymentUpdate};

    type Row<'a> = (&'a str, i64, PaymentState, Option<&'a str>, Option<&'a str>);

    fn ledger_with(payments: &[Row<'_>]) -> (tempfile::TempDir, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        for (i, (id, amount, state, last4, dev_id)) in payments.iter().enumerate() {
            let device = format!("dev{i}");
            ledger
                .create_payment(NewPayment::sale(*id, device, Cents(*amount)))
                .unwrap();
            if *state != PaymentState::Created {
                let update = PaymentUpdate {
                    last4: last4.map(str::to_owned),
                    card_brand: last4.map(|_| "VISA".to_owned()),
                    device_payment_id: dev_id.map(str::to_owned),
                    ..Default::default()
                };
                ledger.transition(id, *state, "TEST", "", update).unwrap();
            }
        }
        (dir, ledger)
    }

    fn ids(page: &HistoryPage) -> Vec<&str> {
        page.payments
            .iter()
            .map(|p| p.external_id.as_str())
            .collect()
    }

    #[test]
    fn prefix_lookup_is_unique_ambiguous_or_none() {
        use PaymentState::*;
        let (_dir, ledger) = ledger_with(&[
            ("abc123", 100, Approved, Some("4242"), Some("DEVPAY1")),
            ("abd456", 200, Declined, None, None),
            ("abd789", 300, Approved, Some("1111"), Some("DEVPAY2")),
        ]);
        let found = |t| match ledger.lookup(t).unwrap() {
            Lookup::Found(p) => Some(p.external_id),
            _ => None,
        };
        assert_eq!(found("abc123").as_deref(), Some("abc123"));
        assert_eq!(found("abc").as_deref(), Some("abc123"));
        assert_eq!(found("abd7").as_deref(), Some("abd789"));
        assert_eq!(found("DEVPAY2").as_deref(), Some("abd789"));
        match ledger.lookup("abd").unwrap() {
            Lookup::Ambiguous(c) => {
                let c: Vec<_> = c.iter().map(|p| p.external_id.as_str()).collect();
                assert_eq!(c, ["abd456", "abd789"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(ledger.lookup("ab").unwrap(), Lookup::Ambiguous(c) if c.len() == 3));
        assert_eq!(ledger.lookup("zzz").unwrap(), Lookup::None);
        assert_eq!(ledger.lookup("").unwrap(), Lookup::None);
        assert_eq!(ledger.lookup("~~~").unwrap(), Lookup::None);
    }

    #[test]
    fn filters_narrow_and_pages_follow_on() {
        use PaymentState::*;
        let (_dir, ledger) = ledger_with(&[
            ("p1", 100, Approved, Some("4242"), None),
            ("p2", 200, Declined, Some("0002"), None),
            ("p3", 100, Approved, Some("4242"), None),
            ("p4", 300, Unknown, None, None),
            ("p5", 100, Approved, Some("1111"), None),
        ]);
        let f = |filter: PaymentFilter| ledger.search(&filter, 10, None).unwrap();
        assert_eq!(
            ids(&f(PaymentFilter::default())),
            ["p5", "p4", "p3", "p2", "p1"]
        );
        let by_last4 = PaymentFilter {
            last4: Some("4242".into()),
            ..Default::default()
        };
        assert_eq!(ids(&f(by_last4.clone())), ["p3", "p1"]);
        assert_eq!(ledger.count_matching(&by_last4).unwrap(), 2);
        let by_amount = PaymentFilter {
            amount: Some(Cents(100)),
            states: vec![Approved],
            ..Default::default()
        };
        assert_eq!(ids(&f(by_amount)), ["p5", "p3", "p1"]);
        let by_states = PaymentFilter {
            states: vec![Declined, Unknown],
            ..Default::default()
        };
        assert_eq!(ids(&f(by_states)), ["p4", "p2"]);
        let by_kind = PaymentFilter {
            kind: Some(PaymentKind::Sale),
            ..Default::default()
        };
        assert_eq!(f(by_kind).payments.len(), 5);
        let future = PaymentFilter {
            since_ms: Some(i64::MAX - 1),
            ..Default::default()
        };
        assert!(f(future).payments.is_empty());
        let past = PaymentFilter {
            until_ms: Some(1),
            ..Default::default()
        };
        assert!(f(past).payments.is_empty());

        // Keyset pages of 2 walk the whole list without repeats or gaps.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = ledger.search(&PaymentFilter::default(), 2, before).unwrap();
            seen.extend(ids(&page).into_iter().map(str::to_owned));
            match page.next {
                Some(n) => before = Some(n),
                None => break,
            }
        }
        assert_eq!(seen, ["p5", "p4", "p3", "p2", "p1"]);

        let mut all = Vec::new();
        ledger
            .for_each_matching(&PaymentFilter::default(), |p| {
                all.push(p.external_id);
                Ok::<(), ()>(())
            })
            .unwrap()
            .unwrap();
        assert_eq!(all, ["p1", "p2", "p3", "p4", "p5"]);
    }

    #[test]
    fn search_lines_become_filters() {
        let now = 1_796_083_200_000 + 3_600_000;
        let f = PaymentFilter::parse_search("  approved not-found 4242 12.34 sale 3f2a ", now);
        assert_eq!(f.states, [PaymentState::Approved, PaymentState::NotFound]);
        assert_eq!(f.last4.as_deref(), Some("4242"));
        assert_eq!(f.amount, Some(Cents(1234)));
        assert_eq!(f.kind, Some(PaymentKind::Sale));
        assert_eq!(f.id.as_deref(), Some("3f2a"));
        let f = PaymentFilter::parse_search("2026-12-01", now);
        assert_eq!(f.since_ms, Some(1_796_083_200_000));
        assert_eq!(f.until_ms, Some(1_796_083_200_000 + 86_400_000));
        let f = PaymentFilter::parse_search("30min", now);
        assert_eq!(f.since_ms, Some(now - 1_800_000));
        assert_eq!(
            PaymentFilter::parse_search("", now),
            PaymentFilter::default()
        );
    }

    #[test]
    fn prefix_end_is_the_next_string() {
        assert_eq!(prefix_end("abc").as_deref(), Some("abd"));
        assert_eq!(prefix_end("a~").as_deref(), Some("a\u{7f}"));
        assert_eq!(prefix_end("\u{7f}"), None);
    }
}
