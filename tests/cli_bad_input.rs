//! Bad input never sends anything and never touches the ledger: every case exits 2 with a
//! message naming the problem.

mod cli_support;

use cli_support::Env;

/// (config, args, words the message must contain)
type Case = (&'static str, Vec<&'static str>, Vec<&'static str>);

#[test]
fn bad_input_exits_2_naming_the_problem_and_writes_nothing() {
    let cases: Vec<Case> = vec![
        ("", vec!["sale", "0"], vec!["amount", "greater than 0"]),
        ("", vec!["sale", "--", "-1"], vec!["negative"]),
        ("", vec!["sale", "1.005"], vec!["two decimal"]),
        ("", vec!["sale", "abc"], vec!["not an amount"]),
        ("", vec!["sale", "99999999999999999999"], vec!["too large"]),
        (
            "[sale]\nmax_amount = \"100.00\"\n",
            vec!["sale", "100.01"],
            vec!["maximum", "100.00"],
        ),
        ("", vec!["sale", "1.00", "--tip", "x"], vec!["tip"]),
        (
            "",
            vec!["sale", "1.00", "--external-id", ""],
            vec!["external id"],
        ),
        (
            "",
            vec![
                "sale",
                "1.00",
                "--external-id",
                "123456789012345678901234567890123",
            ],
            vec!["32"],
        ),
        (
            "",
            vec!["sale", "1.00", "--external-id", "a\u{7}b"],
            vec!["printable"],
        ),
        (
            "",
            vec!["sale", "1.00", "--external-id", "a b"],
            vec!["printable"],
        ),
        ("", vec!["sale", "1.00", "--bogus"], vec!["--bogus"]),
        ("", vec!["history", "--limit", "0"], vec!["limit"]),
        (
            "[sale\nmax_amount = 1\n",
            vec!["sale", "1.00"],
            vec!["till.toml:1:", "not valid TOML"],
        ),
        (
            "[sale]\nmax_amount = 12\n",
            vec!["sale", "1.00"],
            vec!["till.toml:2:", "sale.max_amount"],
        ),
        (
            "[sale]\nmax_amount = \"abc\"\n",
            vec!["sale", "1.00"],
            vec!["sale.max_amount", "abc"],
        ),
        (
            "[sale]\nmax_ammount = \"10.00\"\n",
            vec!["sale", "1.00"],
            vec!["max_ammount", "max_amount"],
        ),
        (
            "[device]\nmode = \"bluetooth\"\n",
            vec!["sale", "1.00"],
            vec!["device.mode", "bluetooth"],
        ),
        (
            "[device]\nmode = \"direct\"\n[device.direct]\nurl = \"wss://127.0.0.1:9/remote_pay\"\nca_file = \"/nonexistent/ca.pem\"\n",
            vec!["sale", "1.00"],
            vec!["ca_file", "/nonexistent/ca.pem"],
        ),
        (
            "[device]\nmode = \"direct\"\n[device.direct]\nurl = \"ws://10.1.2.3:12345/remote_pay\"\n",
            vec!["status"],
            vec!["allow_insecure_ws"],
        ),
    ];
    for (config, args, words) in cases {
        let env = Env::new(config);
        let (code, out, err) = env.run(&args);
        let text = format!("{out}{err}");
        assert_eq!(code, 2, "{args:?} with config {config:?}: {text}");
        for w in words {
            assert!(
                text.contains(w),
                "{args:?}: message should name {w:?}: {text}"
            );
        }
        assert!(
            !env.has_ledger(),
            "{args:?}: the ledger must not be created"
        );
    }
}

#[test]
fn bad_input_leaves_an_existing_ledger_unchanged() {
    let env = Env::new("[sale]\nmax_amount = \"100.00\"\n");
    let (code, _, err) = env.run(&["--device", "sim", "sale", "1.00"]);
    assert_eq!(code, 0, "{err}");
    let before = env.json(&["history"]).1["total"].clone();
    for args in [
        vec!["--device", "sim", "sale", "100.01"],
        vec!["--device", "sim", "sale", "0.001"],
    ] {
        let (code, _, _) = env.run(&args);
        assert_eq!(code, 2);
    }
    assert_eq!(env.json(&["history"]).1["total"], before);
}
