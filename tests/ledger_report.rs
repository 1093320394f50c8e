//! The report's totals (summed by SQLite) equal the sums of the rows they cover, for any mix of
//! outcomes, partial approvals, brands, tips and taxes.

use proptest::prelude::*;
use till::ledger::{Ledger, NewPayment, Outcome, PaymentFilter, PaymentUpdate, Report};
use till::payment::PaymentState;
use till::protocol::Cents;

#[derive(Debug, Clone)]
struct Row {
    state: PaymentState,
    amount: i64,
    tip: i64,
    tax: i64,
    /// Charged as a share of the amount, in percent (approved only).
    charged_pct: Option<i64>,
    brand: Option<&'static str>,
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::sample::select(PaymentState::ALL.to_vec()),
        1..100_000_i64,
        0..2_000_i64,
        0..2_000_i64,
        prop::option::of(1..=100_i64),
        prop::option::of(prop::sample::select(vec!["VISA", "MC", "AMEX"])),
    )
        .prop_map(|(state, amount, tip, tax, charged_pct, brand)| Row {
            state,
            amount,
            tip,
            tax,
            charged_pct,
            brand,
        })
}

fn write(ledger: &Ledger, rows: &[Row]) {
    for (i, r) in rows.iter().enumerate() {
        let id = format!("p{i}");
        let mut new = NewPayment::sale(&id, format!("dev{i}"), Cents(r.amount));
        new.tip = Cents(r.tip);
        new.tax = Cents(r.tax);
        ledger.create_payment(new).unwrap();
        if r.state == PaymentState::Created {
            continue;
        }
        let update = PaymentUpdate {
            card_brand: r.brand.map(str::to_owned),
            last4: r.brand.map(|_| "4242".to_owned()),
            charged_amount: r
                .charged_pct
                .filter(|_| r.state == PaymentState::Approved)
                .map(|pct| Cents(r.amount * pct / 100)),
            // The app flags a partial approval when it records one (charged below the amount).
            partial: Some(
                r.state == PaymentState::Approved
                    && r.charged_pct
                        .is_some_and(|pct| r.amount * pct / 100 < r.amount),
            ),
            ..Default::default()
        };
        ledger.transition(&id, r.state, "TEST", "", update).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn report_totals_equal_the_sum_of_the_rows(rows in prop::collection::vec(row(), 0..25)) {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        write(&ledger, &rows);
        let report = ledger.report(None, None).unwrap();

        let mut stored = Vec::new();
        ledger
            .for_each_matching(&PaymentFilter::default(), |p| {
                stored.push(p);
                Ok::<(), ()>(())
            })
            .unwrap()
            .unwrap();
        prop_assert_eq!(&report, &Report::from_rows(&stored));

        // And against sums written out here, from the rows as generated.
        let n = rows.len() as u64;
        prop_assert_eq!(report.payments.count, n);
        prop_assert_eq!(report.outcomes.values().map(|t| t.count).sum::<u64>(), n);
        let charged = |r: &Row| r.charged_pct.map_or(r.amount, |pct| r.amount * pct / 100);
        let taken: Vec<&Row> = rows.iter().filter(|r| r.state == PaymentState::Approved).collect();
        let net: i64 = taken.iter().map(|r| charged(r) + r.tip).sum();
        prop_assert_eq!(report.net, Cents(net));
        prop_assert_eq!(report.tips, Cents(taken.iter().map(|r| r.tip).sum()));
        prop_assert_eq!(report.tax, Cents(taken.iter().map(|r| r.tax).sum()));
        let by_brand: i64 = report.brands.values().map(|t| t.amount.get()).sum();
        prop_assert_eq!(by_brand, taken.iter().map(|r| charged(r)).sum::<i64>());
        let partial = taken.iter().filter(|r| charged(r) < r.amount).count() as u64;
        prop_assert_eq!(report.outcomes[&Outcome::Partial].count, partial);
        let voided: Vec<&Row> = rows.iter().filter(|r| r.state == PaymentState::Voided).collect();
        prop_assert_eq!(report.voids.count, voided.len() as u64);
        prop_assert_eq!(report.voids.amount, Cents(voided.iter().map(|r| r.amount).sum()));
        let open = rows.iter().filter(|r| !r.state.is_final()).count();
        prop_assert_eq!(report.action_items.len(), open);
        prop_assert_eq!(report.outcomes[&Outcome::Unknown].count, open as u64);
        let all: i64 = rows
            .iter()
            .map(|r| if r.state == PaymentState::Approved { charged(r) } else { r.amount })
            .sum();
        prop_assert_eq!(report.payments.amount, Cents(all));
    }
}
