//! The day's totals (`till report`, the TUI report screen): counts and amounts by outcome and by
//! card brand, tips, tax, refunds, voids, credits and the net taken, over a range of creation
//! times; with the payments whose outcome is not known listed as action items.
//!
//! The totals are summed by SQLite in one pass over the range (the creation-time index), and
//! [`Report::add`] defines what each payment contributes, so a report built row by row from the
//! same payments is equal.

use std::collections::BTreeMap;

use super::error::Result;
use super::open::Ledger;
use super::records::PaymentRecord;
use crate::payment::{Amounts, PaymentKind, PaymentState};
use crate::protocol::Cents;

/// The outcome a payment counts under in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Approved for the full amount.
    Approved,
    /// Approved for less than the amount asked (partial authorisation).
    Partial,
    /// Declined.
    Declined,
    /// Canceled before authorisation (including a card timeout).
    Canceled,
    /// Authorised, then voided.
    Voided,
    /// The device never had it.
    NotFound,
    /// Not final: created, sent, in progress or unknown. Needs someone to look.
    Unknown,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 7] = [
        Outcome::Approved,
        Outcome::Partial,
        Outcome::Declined,
        Outcome::Canceled,
        Outcome::Voided,
        Outcome::NotFound,
        Outcome::Unknown,
    ];

    /// The name for people, e.g. `not found`.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Partial => "partial",
            Outcome::Declined => "declined",
            Outcome::Canceled => "canceled",
            Outcome::Voided => "voided",
            Outcome::NotFound => "not found",
            Outcome::Unknown => "unknown",
        }
    }

    /// The name for machines (JSON keys, CSV values), e.g. `not_found`.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::NotFound => "not_found",
            other => other.label(),
        }
    }

    /// The outcome of a payment in `state`, `partial` when charged less than asked.
    pub fn of(state: PaymentState, partial: bool) -> Outcome {
        match state {
            PaymentState::Approved if partial => Outcome::Partial,
            PaymentState::Approved => Outcome::Approved,
            PaymentState::Declined => Outcome::Declined,
            PaymentState::Canceled => Outcome::Canceled,
            PaymentState::Voided => Outcome::Voided,
            PaymentState::NotFound => Outcome::NotFound,
            PaymentState::Created
            | PaymentState::Sent
            | PaymentState::InProgress
            | PaymentState::Unknown => Outcome::Unknown,
        }
    }

    /// The outcome of a stored payment.
    pub fn of_record(p: &PaymentRecord) -> Outcome {
        Outcome::of(p.state, is_partial(p))
    }

    /// True when money was taken (approved, fully or partly).
    pub fn took_money(self) -> bool {
        matches!(self, Outcome::Approved | Outcome::Partial)
    }
}

/// True when the payment was approved for less than the amount asked.
pub fn is_partial(p: &PaymentRecord) -> bool {
    p.state == PaymentState::Approved && p.partial
}

/// A count and an amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many payments.
    pub count: u64,
    /// Their amount: charged before tip when money was taken, else the amount asked.
    pub amount: Cents,
}

impl Tally {
    fn add(&mut self, count: u64, amount: i64) {
        self.count += count;
        self.amount = Cents(self.amount.get().saturating_add(amount));
    }
}

/// Totals over a range of payments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every payment in the range.
    pub payments: Tally,
    /// By outcome (every outcome present, in [`Outcome::ALL`] order).
    pub outcomes: BTreeMap<Outcome, Tally>,
    /// Money taken by card brand (`unknown` when the device did not say).
    pub brands: BTreeMap<String, Tally>,
    /// Tips taken.
    pub tips: Cents,
    /// Tax included in the money taken.
    pub tax: Cents,
    /// Approved refunds (money given back on a sale).
    pub refunds: Tally,
    /// Voided payments (authorised, then voided: no money taken).
    pub voids: Tally,
    /// Approved credits (manual refunds: money given back without a sale).
    pub credits: Tally,
    /// Approved pre-auths, captured or not (holds on cards: no money taken by the hold itself;
    /// its capture counts as a payment).
    pub holds: Tally,
    /// Money taken, tips included, less refunds and credits.
    pub net: Cents,
    /// Payments whose outcome is not known, oldest first: someone must look at them.
    pub action_items: Vec<PaymentRecord>,
    /// The closeouts recorded in the range, oldest first: the batches closed.
    pub closeouts: Vec<super::CloseoutRecord>,
}

/// How a kind of payment counts in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counts {
    /// Money taken (sale, auth, capture): by outcome and brand.
    Taken,
    /// Money given back (refund, credit).
    GivenBack,
    /// A hold (pre-auth).
    Hold,
    /// Nothing of its own (a void counts through its sale; an increment through its capture;
    /// a tip adjust through its auth's tip).
    Nothing,
}

fn counts(kind: PaymentKind) -> Counts {
    match kind {
        PaymentKind::Sale | PaymentKind::Auth | PaymentKind::Capture => Counts::Taken,
        PaymentKind::Refund | PaymentKind::Credit => Counts::GivenBack,
        PaymentKind::PreAuth => Counts::Hold,
        PaymentKind::Void | PaymentKind::Increment | PaymentKind::TipAdjust => Counts::Nothing,
    }
}

impl Report {
    fn empty() -> Report {
        Report {
            outcomes: Outcome::ALL
                .into_iter()
                .map(|o| (o, Tally::default()))
                .collect(),
            ..Report::default()
        }
    }

    /// Adds `count` payments of one outcome and brand, with these sums.
    fn add_group(&mut self, outcome: Outcome, brand: Option<&str>, count: u64, sums: Sums) {
        let amount = if outcome.took_money() {
            sums.charged
        } else {
            sums.asked
        };
        self.payments.add(count, amount);
        self.outcomes.entry(outcome).or_default().add(count, amount);
        if outcome.took_money() {
            self.brands
                .entry(brand.unwrap_or("unknown").to_owned())
                .or_default()
                .add(count, sums.charged);
            self.tips = Cents(self.tips.get().saturating_add(sums.tip));
            self.tax = Cents(self.tax.get().saturating_add(sums.tax));
            let taken = Amounts::stored(Cents(sums.charged), Cents(sums.tip), Cents(sums.tax))
                .total()
                .get();
            self.net = Cents(self.net.get().saturating_add(taken));
        }
        if outcome == Outcome::Voided {
            self.voids.add(count, sums.asked);
        }
    }

    /// Adds a group of approved refunds, voids or credits: refunds and credits are money given
    /// back (less in `net`); an approved void is already counted by its sale, now voided.
    fn add_given_back(&mut self, kind: PaymentKind, count: u64, amount: i64) {
        let tally = match kind {
            PaymentKind::Refund => &mut self.refunds,
            PaymentKind::Credit => &mut self.credits,
            _ => return,
        };
        tally.add(count, amount);
        self.net = Cents(self.net.get().saturating_sub(amount));
    }

    /// Adds one payment, as the SQL sums do: the definition of what each row contributes.
    pub fn add(&mut self, p: &PaymentRecord) {
        if counts(p.kind) != Counts::Taken {
            if p.state == PaymentState::Approved {
                let amount = p.charged_amount.unwrap_or(p.amount).get();
                match counts(p.kind) {
                    Counts::Hold => self.holds.add(1, amount),
                    _ => self.add_given_back(p.kind, 1, amount),
                }
            }
            if !p.state.is_final() {
                self.action_items.push(p.clone());
            }
            return;
        }
        let outcome = Outcome::of_record(p);
        let sums = Sums {
            asked: p.amount.get(),
            charged: p.charged_amount.unwrap_or(p.amount).get(),
            tip: p.charged_tip.unwrap_or(p.tip).get(),
            tax: p.tax.get(),
        };
        self.add_group(outcome, p.card_brand.as_deref(), 1, sums);
        if outcome == Outcome::Unknown {
            self.action_items.push(p.clone());
        }
    }

    /// A report built row by row (for checks; [`Ledger::report`] is the fast way).
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = &'a PaymentRecord>) -> Report {
        let mut r = Report::empty();
        for p in rows {
            r.add(p);
        }
        r
    }
}

#[derive(Debug, Clone, Copy)]
struct Sums {
    asked: i64,
    charged: i64,
    tip: i64,
    tax: i64,
}

impl Ledger {
    /// The totals of the payments created in `[since_ms, until_ms)` (either end open when
    /// `None`), summed by SQLite; the payments not final are read in full as action items.
    pub fn report(&self, since_ms: Option<i64>, until_ms: Option<i64>) -> Result<Report> {
        let mut report = Report::empty();
        {
            let conn = self.conn();
            let read = self.db_error("sum the payments");
            // An open range reads the table straight through; a bounded one uses the index.
            let range = match (since_ms, until_ms) {
                (None, None) => "",
                _ => "WHERE created_ms >= ?1 AND created_ms < ?2",
            };
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT state, card_brand, \
                       (state = 'approved' AND partial = 1), \
                       count(*), sum(amount), sum(coalesce(charged_amount, amount)), \
                       sum(coalesce(charged_tip, tip)), sum(tax), kind \
                     FROM payments {range} GROUP BY 9, 1, 2, 3"
                ))
                .map_err(&read)?;
            let since = since_ms.unwrap_or(i64::MIN);
            let until = until_ms.unwrap_or(i64::MAX);
            let mut rows = if range.is_empty() {
                stmt.query([])
            } else {
                stmt.query([since, until])
            }
            .map_err(&read)?;
            while let Some(row) = rows.next().map_err(&read)? {
                let state: PaymentState = row.get(0).map_err(&read)?;
                let brand: Option<String> = row.get(1).map_err(&read)?;
                let partial: bool = row.get(2).map_err(&read)?;
                let count: i64 = row.get(3).map_err(&read)?;
                let sum = |i: usize| row.get::<_, i64>(i).map_err(&read);
                let sums = Sums {
                    asked: sum(4)?,
                    charged: sum(5)?,
                    tip: sum(6)?,
                    tax: sum(7)?,
                };
                let kind: PaymentKind = row.get(8).map_err(&read)?;
                if counts(kind) != Counts::Taken {
                    if state == PaymentState::Approved {
                        match counts(kind) {
                            Counts::Hold => report.holds.add(count.max(0) as u64, sums.charged),
                            _ => report.add_given_back(kind, count.max(0) as u64, sums.charged),
                        }
                    }
                    continue;
                }
                let outcome = Outcome::of(state, partial);
                report.add_group(outcome, brand.as_deref(), count.max(0) as u64, sums);
            }
        }
        // The unfinished payments come from the partial index of open payments (at most one
        // per device), whatever the range: never a scan of the table.
        let since = since_ms.unwrap_or(i64::MIN);
        let until = until_ms.unwrap_or(i64::MAX);
        let items: Vec<PaymentRecord> = self
            .non_final_all()?
            .into_iter()
            .filter(|p| p.created_ms >= since && p.created_ms < until)
            .collect();
        report.action_items = items;
        report.closeouts = self.closeouts(since_ms, until_ms)?;
        Ok(report)
    }
}
