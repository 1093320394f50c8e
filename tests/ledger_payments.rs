//! Payments in a real ledger file: one unfinished payment per device, the lifecycle and its
//! events, immutable final outcomes (except recorded corrections), history paging.

use till::ledger::{CREATE_CAUSE, Ledger, LedgerError, NewPayment, PaymentUpdate};

use till::payment::{PaymentKind, PaymentState};
use till::protocol::Cents;

use PaymentState::*;

fn open() -> (tempfile::TempDir, Ledger) {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(tmp.path()).unwrap();
    (tmp, ledger)
}

fn none() -> PaymentUpdate {
    PaymentUpdate::default()
}

#[test]
fn one_unfinished_payment_per_device() {
    let (_tmp, ledger) = open();
    let first = ledger
        .create_payment(NewPayment::sale("A1", "dev-a", Cents(1234)))
        .unwrap();
    assert_eq!(first.state, Created);
    assert_eq!(first.kind, PaymentKind::Sale);

    let err = ledger
        .create_payment(NewPayment::sale("A2", "dev-a", Cents(500)))
        .unwrap_err();
    match &err {
        LedgerError::PendingPayment {
            device,
            external_id,
            amount,
            state,
        } => {
            assert_eq!((device.as_str(), external_id.as_str()), ("dev-a", "A1"));
            assert_eq!((*amount, *state), (Cents(1234), Created));
        }
        other => panic!("expected PendingPayment, got {other:?}"),
    }
    let msg = err.to_string();
    for needle in [
        "A1",
        "12.34",
        "created",
        "till recover",
        "Check Payment Status",
        "`s`",
    ] {
        assert!(msg.contains(needle), "{needle:?} missing from {msg}");
    }
    assert!(
        ledger.get("A2").unwrap().is_none(),
        "the refused payment was recorded"
    );

    // Another device is independent.
    ledger
        .create_payment(NewPayment::sale("B1", "dev-b", Cents(100)))
        .unwrap();

    // Still refused while sent, in progress or unknown; allowed once final.
    for (to, cause) in [
        (Sent, "TX_START"),
        (InProgress, "TX_START_RESPONSE"),
        (Unknown, "connection lost"),
    ] {
        ledger.transition("A1", to, cause, "", none()).unwrap();
        assert!(matches!(
            ledger.create_payment(NewPayment::sale("A2", "dev-a", Cents(500))),
            Err(LedgerError::PendingPayment { state, .. }) if state == to
        ));
    }
    assert_eq!(
        ledger.non_final("dev-a").unwrap().unwrap().external_id,
        "A1"
    );
    let open: Vec<_> = ledger
        .non_final_all()
        .unwrap()
        .into_iter()
        .map(|p| p.external_id)
        .collect();
    assert_eq!(open, ["A1", "B1"]);

    ledger
        .transition(
            "A1",
            NotFound,
            "RETRIEVE_PAYMENT_RESPONSE",
            "NOT_FOUND while IDLE",
            none(),
        )
        .unwrap();
    assert!(ledger.non_final("dev-a").unwrap().is_none());
    ledger
        .create_payment(NewPayment::sale("A2", "dev-a", Cents(500)))
        .unwrap();
    ledger.check().unwrap();
}

#[test]
fn external_ids_are_never_reused() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("X", "dev-a", Cents(100)))
        .unwrap();
    ledger
        .transition("X", Canceled, "FINISH_CANCEL", "", none())
        .unwrap();
    let err = ledger
        .create_payment(NewPayment::sale("X", "dev-b", Cents(200)))
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::DuplicateExternalId { ref external_id } if external_id == "X")
    );
    assert!(err.to_string().contains("new external id"), "{err}");
    assert_eq!(ledger.count().unwrap(), 1);
    assert_eq!(ledger.get("X").unwrap().unwrap().amount, Cents(100));
}

#[test]
fn sale_lifecycle_records_fields_and_events() {
    let (_tmp, ledger) = open();
    let mut new = NewPayment::sale("S1", "ws://127.0.0.1:9/remote_pay", Cents(2500));
    new.tip = Cents(300);
    new.tax = Cents(120);
    ledger.create_payment(new).unwrap();
    ledger
        .transition("S1", Sent, "TX_START", "sent to device", none())
        .unwrap();
    ledger
        .transition("S1", InProgress, "TX_START_RESPONSE", "SUCCESS", none())
        .unwrap();
    ledger
        .transition("S1", InProgress, "UI_STATE", "still in progress", none())
        .unwrap();
    let approved = ledger
        .transition(
            "S1",
            Approved,
            "FINISH_OK",
            "partial auth",
            PaymentUpdate {
                device_payment_id: Some("DP1".into()),
                order_id: Some("O1".into()),
                card_brand: Some("VISA".into()),
                last4: Some("4242".into()),
                auth_code: Some("AUTH99".into()),
                charged_amount: Some(Cents(1250)),
                charged_tip: Some(Cents(300)),
                result: Some("SUCCESS".into()),
                reason: Some("PARTIAL_AUTH".into()),
                message: Some("Approved for a partial amount".into()),
                partial: Some(true),
            },
        )
        .unwrap();
    assert_eq!(approved.state, Approved);
    assert_eq!(approved, ledger.get("S1").unwrap().unwrap());
    assert_eq!(
        (approved.amount, approved.tip, approved.tax),
        (Cents(2500), Cents(300), Cents(120))
    );
    assert_eq!(approved.charged_amount, Some(Cents(1250)));
    assert_eq!(approved.card_brand.as_deref(), Some("VISA"));
    assert_eq!(approved.last4.as_deref(), Some("4242"));
    assert_eq!(approved.auth_code.as_deref(), Some("AUTH99"));
    assert_eq!(approved.device_payment_id.as_deref(), Some("DP1"));
    assert_eq!(approved.reason.as_deref(), Some("PARTIAL_AUTH"));
    assert!(approved.updated_ms >= approved.created_ms);

    let events = ledger.events("S1").unwrap();
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.seq, e.from, e.to, e.cause.as_str(), e.correction))
        .collect();
    assert_eq!(
        summary,
        [
            (1, None, Created, CREATE_CAUSE, false),
            (2, Some(Created), Sent, "TX_START", false),
            (3, Some(Sent), InProgress, "TX_START_RESPONSE", false),
            (4, Some(InProgress), InProgress, "UI_STATE", false),
            (5, Some(InProgress), Approved, "FINISH_OK", false),
        ]
    );
    assert!(events[0].detail.contains("25.00"), "{}", events[0].detail);
    assert_eq!(events[4].detail, "partial auth");
    assert!(events.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    ledger.check().unwrap();
}

#[test]
fn fields_not_given_are_kept() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("K", "dev", Cents(100)))
        .unwrap();
    let first = PaymentUpdate {
        device_payment_id: Some("DP".into()),
        ..none()
    };
    ledger
        .transition("K", InProgress, "TX_START_RESPONSE", "", first)
        .unwrap();
    let second = PaymentUpdate {
        message: Some("waiting".into()),
        ..none()
    };
    let p = ledger
        .transition("K", Unknown, "timeout", "", second)
        .unwrap();
    assert_eq!(p.device_payment_id.as_deref(), Some("DP"));
    assert_eq!(p.message.as_deref(), Some("waiting"));
}

#[test]
fn unknown_is_reachable_from_every_unfinished_state_and_recovery_settles_it() {
    let (_tmp, ledger) = open();
    let paths: [&[PaymentState]; 4] = [&[], &[Sent], &[Sent, InProgress], &[Unknown]];
    for (i, path) in paths.iter().enumerate() {
        let id = format!("U{i}");
        let device = format!("dev-{i}");
        ledger
            .create_payment(NewPayment::sale(&id, &device, Cents(100)))
            .unwrap();
        for &st in *path {
            ledger.transition(&id, st, "step", "", none()).unwrap();
        }
        ledger
            .transition(&id, Unknown, "connection lost", "", none())
            .unwrap();
        ledger
            .transition(
                &id,
                InProgress,
                "RETRIEVE_PAYMENT_RESPONSE",
                "IN_PROGRESS",
                none(),
            )
            .unwrap();
        ledger
            .transition(&id, Unknown, "timeout", "", none())
            .unwrap();
        ledger
            .transition(
                &id,
                Voided,
                "RETRIEVE_PAYMENT_RESPONSE",
                "FOUND, VOIDED",
                none(),
            )
            .unwrap();
        assert_eq!(ledger.get(&id).unwrap().unwrap().state, Voided);
    }
    ledger.check().unwrap();
}

#[test]
fn lifecycle_never_goes_back() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("B", "dev", Cents(100)))
        .unwrap();
    ledger
        .transition("B", InProgress, "TX_START_RESPONSE", "", none())
        .unwrap();
    for to in [Sent, Created] {
        let err = ledger.transition("B", to, "x", "", none()).unwrap_err();
        assert!(
            matches!(err, LedgerError::InvalidTransition { from: InProgress, to: t, .. } if t == to),
            "{err:?}"
        );
    }
    assert_eq!(
        ledger.events("B").unwrap().len(),
        2,
        "a refused change left an event"
    );
    assert!(matches!(
        ledger.transition("nope", Sent, "x", "", none()),
        Err(LedgerError::NoSuchPayment { .. })
    ));
    assert!(matches!(
        ledger.transition("B", Approved, " ", "", none()),
        Err(LedgerError::InvalidField { field: "cause", .. })
    ));
}

#[test]
fn final_outcomes_change_only_by_recorded_correction() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("F", "dev", Cents(100)))
        .unwrap();
    ledger
        .transition(
            "F",
            Approved,
            "FINISH_OK",
            "",
            PaymentUpdate {
                last4: Some("4242".into()),
                ..none()
            },
        )
        .unwrap();
    for to in PaymentState::ALL {
        let err = ledger
            .transition("F", to, "late frame", "", none())
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::AlreadyFinal { state: Approved, to: t, .. } if t == to),
            "{to}: {err:?}"
        );
    }
    assert_eq!(ledger.get("F").unwrap().unwrap().state, Approved);

    // A correction needs a reason, a final target and a different outcome.
    assert!(matches!(
        ledger.correct("F", Voided, "recovery", "", none()),
        Err(LedgerError::InvalidField { .. })
    ));
    for to in [Unknown, InProgress, Approved] {
        assert!(matches!(
            ledger.correct("F", to, "recovery", "why", none()),
            Err(LedgerError::InvalidTransition { .. })
        ));
    }
    let fixed = ledger
        .correct(
            "F",
            Voided,
            "RETRIEVE_PAYMENT_RESPONSE",
            "device reports the payment VOIDED (reset while a challenge was open)",
            PaymentUpdate {
                result: Some("VOIDED".into()),
                ..none()
            },
        )
        .unwrap();
    assert_eq!(fixed.state, Voided);
    assert_eq!(fixed.last4.as_deref(), Some("4242"));
    let last = ledger.events("F").unwrap().pop().unwrap();
    assert_eq!(
        (last.from, last.to, last.correction),
        (Some(Approved), Voided, true)
    );
    assert!(last.detail.contains("VOIDED"));
    // Corrections are for final outcomes only.
    ledger
        .create_payment(NewPayment::sale("G", "dev", Cents(100)))
        .unwrap();
    assert!(matches!(
        ledger.correct("G", Approved, "recovery", "why", none()),
        Err(LedgerError::InvalidTransition { from: Created, .. })
    ));
    ledger.check().unwrap();
}

#[test]
fn notes_add_history_without_changing_state() {
    let (_tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("N", "dev", Cents(100)))
        .unwrap();
    ledger
        .transition("N", Declined, "FINISH_CANCEL", "", none())
        .unwrap();
    let note = ledger
        .note(
            "N",
            "RETRIEVE_DEVICE_STATUS",
            "device IDLE, nothing re-sent",
        )
        .unwrap();
    assert_eq!(
        (note.seq, note.from, note.to),
        (3, Some(Declined), Declined)
    );
    assert_eq!(ledger.events("N").unwrap().last().unwrap(), &note);
    assert_eq!(ledger.get("N").unwrap().unwrap().state, Declined);
    assert!(matches!(
        ledger.note("missing", "x", ""),
        Err(LedgerError::NoSuchPayment { .. })
    ));
    ledger.check().unwrap();
}

#[test]
fn no_card_number_reaches_the_file() {
    let (tmp, ledger) = open();
    ledger
        .create_payment(NewPayment::sale("C", "dev", Cents(100)))
        .unwrap();
    let pan = PaymentUpdate {
        last4: Some("4242424242424242".into()),
        ..none()
    };
    assert!(matches!(
        ledger.transition("C", Approved, "FINISH_OK", "", pan),
        Err(LedgerError::InvalidField { field: "last4", .. })
    ));
    assert_eq!(ledger.get("C").unwrap().unwrap().state, Created);
    drop(ledger);
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(16).any(|w| w == b"4242424242424242"));
    }
}

#[test]
fn history_pages_newest_first() {
    let (_tmp, ledger) = open();
    let n = 57;
    for i in 0..n {
        let id = format!("H{i:03}");
        ledger
            .create_payment(NewPayment::sale(&id, "dev", Cents(100 + i)))
            .unwrap();
        ledger
            .transition(&id, Approved, "FINISH_OK", "", none())
            .unwrap();
    }
    assert_eq!(ledger.count().unwrap(), n as u64);
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = ledger.history(10, cursor).unwrap();
        assert!(page.payments.len() <= 10);
        seen.extend(page.payments.iter().map(|p| p.external_id.clone()));
        match page.next {
            Some(next) => {
                assert_eq!(Some(next), page.payments.last().map(|p| p.cursor));
                cursor = Some(next);
            }
            None => break,
        }
    }
    let expected: Vec<String> = (0..n).rev().map(|i| format!("H{i:03}")).collect();
    assert_eq!(seen, expected);
    // Random access by position, as a virtualised list asks for it.
    let window: Vec<_> = ledger
        .history_at(20, 5)
        .unwrap()
        .into_iter()
        .map(|p| p.external_id)
        .collect();
    assert_eq!(window, expected[20..25]);
    assert!(ledger.history_at(n as u64, 5).unwrap().is_empty());
    // Starting from a record's own cursor gives the rows older than it.
    let mid = ledger.get("H030").unwrap().unwrap();
    let older = ledger.history(3, Some(mid.cursor)).unwrap();
    let ids: Vec<_> = older
        .payments
        .iter()
        .map(|p| p.external_id.as_str())
        .collect();
    assert_eq!(ids, ["H029", "H028", "H027"]);
    assert_eq!(ledger.history(0, None).unwrap().payments.len(), 0);
    // An exact last page has no next.
    assert_eq!(ledger.history(n as usize, None).unwrap().next, None);
    assert!(ledger.history(n as usize - 1, None).unwrap().next.is_some());
}
