//! Order model tables (add, remove, quantity, discount, tax rounding) and properties.

use proptest::prelude::*;

use super::*;
use crate::protocol::Cents;

fn pct(t: &str) -> Percent {
    Percent::parse(t).unwrap()
}

fn line(name: &str, qty: u32, price: i64, rate: Option<&str>) -> NewLine {
    NewLine {
        name: Some(name.into()),
        quantity: qty,
        unit_price: Cents(price),
        tax_rate: rate.map(pct),
        code: None,
    }
}

#[test]
fn percent_parses_and_prints() {
    for (text, milli, shown) in [
        ("8.875", 8875, "8.875"),
        ("10", 10_000, "10"),
        ("7.5%", 7500, "7.5"),
        ("0", 0, "0"),
        ("100", 100_000, "100"),
        (".5", 500, "0.5"),
    ] {
        let p = Percent::parse(text).unwrap();
        assert_eq!(p.milli(), milli, "{text}");
        assert_eq!(p.to_string(), shown, "{text}");
    }
    for bad in ["", "-1", "1.2345", "100.001", "1e3", "abc", "1000"] {
        assert!(Percent::parse(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn round_half_up_table() {
    for (n, d, want) in [
        (5, 10, 1),
        (4, 10, 0),
        (15, 10, 2),
        (-5, 10, -1),
        (-4, 10, 0),
        (0, 7, 0),
    ] {
        assert_eq!(round_half_up(n, d), Cents(want), "{n}/{d}");
    }
}

/// (lines, discounts, order rate) → (subtotal, discount, tax, total).
#[test]
fn totals_table() {
    type Case = (
        &'static str,
        Vec<NewLine>,
        Vec<DiscountKind>,
        &'static str,
        [i64; 4],
    );
    let cases: Vec<Case> = vec![
        ("empty", vec![], vec![], "8.875", [0, 0, 0, 0]),
        (
            "one line, no tax",
            vec![line("a", 1, 1000, None)],
            vec![],
            "0",
            [1000, 0, 0, 1000],
        ),
        // 2 × 3.50 = 7.00; 7.00 × 8.875 % = 0.62125 → 0.62
        (
            "quantity",
            vec![line("a", 2, 350, None)],
            vec![],
            "8.875",
            [700, 0, 62, 762],
        ),
        // 1.00 × 12.5 % = 0.125 → half-up to 0.13
        (
            "half cent rounds up",
            vec![line("a", 1, 100, None)],
            vec![],
            "12.5",
            [100, 0, 13, 113],
        ),
        // 0.20 × 7.5 % = 0.015 → 0.02
        (
            "tiny half-up",
            vec![line("a", 1, 20, None)],
            vec![],
            "7.5",
            [20, 0, 2, 22],
        ),
        // 0.19 × 7.5 % = 0.01425 → 0.01
        (
            "below half rounds down",
            vec![line("a", 1, 19, None)],
            vec![],
            "7.5",
            [19, 0, 1, 20],
        ),
        // per-line rate: 10.00 at 0 % + 10.00 at 10 %
        (
            "per line rates",
            vec![
                line("food", 1, 1000, Some("0")),
                line("drink", 1, 1000, None),
            ],
            vec![],
            "10",
            [2000, 0, 100, 2100],
        ),
        // 10 % off 20.00 → 18.00 net; tax 10 % of 18.00 = 1.80
        (
            "percent discount",
            vec![line("a", 2, 1000, None)],
            vec![DiscountKind::Percent(pct("10"))],
            "10",
            [2000, 200, 180, 1980],
        ),
        // 33.333 % of 0.10 = 0.033333 → 0.03
        (
            "percent discount rounds half-up",
            vec![line("a", 1, 10, None)],
            vec![DiscountKind::Percent(pct("33.333"))],
            "0",
            [10, 3, 0, 7],
        ),
        // amount discount larger than subtotal is capped
        (
            "amount discount capped",
            vec![line("a", 1, 500, None)],
            vec![DiscountKind::Amount(Cents(800))],
            "10",
            [500, 500, 0, 0],
        ),
        // discount shared pro rata: 5.00 off 10.00 (0 %) + 10.00 (10 %) → taxable 7.50 → 0.75
        (
            "discount shared across rates",
            vec![
                line("food", 1, 1000, Some("0")),
                line("drink", 1, 1000, None),
            ],
            vec![DiscountKind::Amount(Cents(500))],
            "10",
            [2000, 500, 75, 1575],
        ),
    ];
    for (name, lines, discounts, rate, want) in cases {
        let mut order = Order::new(pct(rate));
        for l in lines {
            order.add_line(l).unwrap();
        }
        for d in discounts {
            order.add_discount("off", d).unwrap();
        }
        let t = order.totals();
        assert_eq!(
            [t.subtotal.0, t.discount.0, t.tax.0, t.total.0],
            want,
            "{name}"
        );
    }
}

#[test]
fn edits_return_the_display_change() {
    let mut order = Order::new(Percent::ZERO);
    assert_eq!(
        order.add_line(line("a", 1, 100, None)),
        Ok(Change::LinesAdded(vec!["L1".into()]))
    );
    assert_eq!(
        order.add_line(line("b", 1, 200, None)),
        Ok(Change::LinesAdded(vec!["L2".into()]))
    );
    assert_eq!(order.set_quantity("L2", 3), Ok(Change::Modified));
    assert_eq!(order.totals().subtotal, Cents(700));
    assert_eq!(order.set_unit_price("L1", Cents(150)), Ok(Change::Modified));
    assert_eq!(
        order.remove_line("L1"),
        Ok(Change::LinesDeleted(vec!["L1".into()]))
    );
    // Ids are never reused after a removal.
    assert_eq!(
        order.add_line(line("c", 1, 100, None)),
        Ok(Change::LinesAdded(vec!["L3".into()]))
    );
    assert_eq!(
        order.add_discount("promo", DiscountKind::Amount(Cents(50))),
        Ok(Change::DiscountsAdded(vec!["D1".into()]))
    );
    assert_eq!(
        order.remove_discount("D1"),
        Ok(Change::DiscountsDeleted(vec!["D1".into()]))
    );
    assert_eq!(order.lines().len(), 2);
}

#[test]
fn bad_edits_are_refused_and_change_nothing() {
    let mut order = Order::new(Percent::ZERO);
    order.add_line(line("a", 1, 100, None)).unwrap();
    let before = order.clone();
    assert_eq!(order.set_quantity("L1", 0), Err(OrderError::Quantity(0)));
    assert_eq!(
        order.set_quantity("L1", MAX_QUANTITY + 1),
        Err(OrderError::Quantity(MAX_QUANTITY + 1))
    );
    assert_eq!(
        order.add_line(line("a", 1, 0, None)),
        Err(OrderError::Price)
    );
    assert_eq!(
        order.add_line(line("a\u{1b}[2J", 1, 10, None)),
        Err(OrderError::Name)
    );
    assert_eq!(
        order.remove_line("L9"),
        Err(OrderError::NoLine("L9".into()))
    );
    assert_eq!(
        order.add_discount("x", DiscountKind::Percent(Percent::ZERO)),
        Err(OrderError::EmptyDiscount)
    );
    assert_eq!(order, before);
    for _ in 1..MAX_LINES {
        order.add_line(line("a", 1, 1, None)).unwrap();
    }
    assert_eq!(
        order.add_line(line("a", 1, 1, None)),
        Err(OrderError::TooManyLines)
    );
}

#[test]
fn catalog_toml_and_csv() {
    let toml = r#"
[[item]]
code = "1001"
name = "Coffee"
price = "3.50"
tax_rate = "8.875"

[[item]]
code = "1002"
name = "Bagel"
price = "2"
"#;
    let c = Catalog::from_toml(toml, "catalog.toml").unwrap();
    assert_eq!(c.len(), 2);
    let coffee = c.get(" 1001 ").unwrap();
    assert_eq!(coffee.price, Cents(350));
    assert_eq!(coffee.tax_rate, Some(pct("8.875")));
    assert_eq!(c.get("1002").unwrap().tax_rate, None);
    let csv = "code,name,price,tax_rate\n1001,Coffee,3.50,8.875\n1002,Bagel,2.00,\n";
    let c2 = Catalog::from_csv(csv, "catalog.csv").unwrap();
    assert_eq!(
        c2.items(),
        c.items()
            .iter()
            .cloned()
            .map(|mut i| {
                if i.code == "1002" {
                    i.price = Cents(200);
                }
                i
            })
            .collect::<Vec<_>>()
            .as_slice()
    );
}

#[test]
fn catalog_errors_name_the_entry() {
    let cases = [
        (
            "[[item]]\ncode='A'\nname='x'\nprice='-1'\n",
            "item 1 (code 'A'): price",
        ),
        (
            "[[item]]\ncode='A B'\nname='x'\nprice='1'\n",
            "printable ASCII",
        ),
        (
            "[[item]]\ncode='A'\nname='x'\nprice='1'\n[[item]]\ncode='A'\nname='y'\nprice='2'\n",
            "item 2 (code 'A'): this code is already used",
        ),
        (
            "[[item]]\ncode='A'\nname='x'\nprice='1'\ntax_rate='200'\n",
            "tax_rate",
        ),
        ("[[item]]\ncode='A'\nname='x'\n", "not valid TOML"),
        (
            "[[item]]\ncode='A'\nname='x'\nprice='1'\ncolour='red'\n",
            "not valid TOML",
        ),
    ];
    for (text, want) in cases {
        let err = Catalog::from_toml(text, "catalog.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err:?} lacks {want:?}");
    }
    let err = Catalog::from_csv("sku,title\n1,2\n", "c.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("code,name,price"), "{err}");
}

#[test]
fn the_shipped_example_catalog_loads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/catalog.toml");
    let c = Catalog::load(&path).unwrap();
    assert!(c.len() >= 5);
}

proptest! {
    #[test]
    fn totals_hold_their_invariants(
        lines in prop::collection::vec((1u32..50, 1i64..100_000, prop::option::of(0u32..=25_000)), 0..12),
        order_rate in 0u32..=25_000,
        discounts in prop::collection::vec(prop_oneof![
            (1i64..50_000).prop_map(|c| DiscountKind::Amount(Cents(c))),
            (1u32..=100_000).prop_map(|p| DiscountKind::Percent(Percent::from_milli(p).unwrap())),
        ], 0..3),
    ) {
        let mut order = Order::new(Percent::from_milli(order_rate).unwrap());
        for (q, p, r) in &lines {
            order.add_line(NewLine {
                name: None,
                quantity: *q,
                unit_price: Cents(*p),
                tax_rate: r.map(|r| Percent::from_milli(r).unwrap()),
                code: None,
            }).unwrap();
        }
        for d in &discounts {
            order.add_discount("d", *d).unwrap();
        }
        let t = order.totals();
        let subtotal: i64 = lines.iter().map(|(q, p, _)| i64::from(*q) * p).sum();
        prop_assert_eq!(t.subtotal.0, subtotal);
        prop_assert!(t.discount.0 >= 0 && t.discount <= t.subtotal);
        prop_assert!(t.tax.0 >= 0);
        prop_assert_eq!(t.total.0, t.subtotal.0 - t.discount.0 + t.tax.0);
        // Tax never exceeds the highest rate applied to the net, plus half a cent per rate group.
        let max_rate = lines.iter().map(|(_, _, r)| r.unwrap_or(order_rate)).max().unwrap_or(0);
        let net = i128::from(t.subtotal.0 - t.discount.0);
        prop_assert!(i128::from(t.tax.0) * 100_000 <= net * i128::from(max_rate) + 100_000 * 13);
    }

    #[test]
    fn removing_every_line_empties_the_order(n in 1usize..20) {
        let mut order = Order::new(Percent::ZERO);
        let ids: Vec<String> = (0..n).map(|_| match order.add_line(NewLine {
            name: None, quantity: 1, unit_price: Cents(100), tax_rate: None, code: None,
        }).unwrap() {
            Change::LinesAdded(ids) => ids[0].clone(),
            other => panic!("{other:?}"),
        }).collect();
        for id in ids.iter().rev() {
            order.remove_line(id).unwrap();
        }
        prop_assert!(order.is_empty());
        prop_assert_eq!(order.totals(), Totals::default());
    }

    #[test]
    fn percent_parse_never_panics(s in ".{0,12}") {
        let _ = Percent::parse(&s);
    }
}

#[test]
fn a_catalog_that_is_not_a_regular_file_is_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("catalog.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Reading a FIFO with no writer would block forever; it is refused instead.
    let err = super::Catalog::load(&fifo).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    let err = super::Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
}
