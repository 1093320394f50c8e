//! Issue #12's seven failures, each against a scripted hostile device (a real WebSocket server
//! on loopback playing frames in recorded real-device shapes) with `till` as a real process:
//! none ends `approved` wrongly, none exits 0 wrongly.

mod cli_support;
mod hostile_support;

use cli_support::Env;
use hostile_support::*;
use serde_json::{Value, json};

const FAST: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 2000\n";

fn sale(env: &Env, url: &str, amount: &str, ext: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--device", url, "sale", amount, "--external-id", ext];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn stored(env: &Env, ext: &str) -> Value {
    let (code, j) = env.json(&["payment", ext]);
    assert_eq!(code, 0, "{j}");
    j
}

fn then(steps: Vec<Step>, more: Vec<Step>) -> Vec<Step> {
    steps.into_iter().chain(more).collect()
}

// 1. A voided payment is never recorded as approved.

#[test]
fn voided_with_success_inside_ends_voided_not_approved() {
    let dev = Hostile::start(vec![then(
        accept_sale(),
        vec![
            Step::Send(frame(
                "VERIFY_SIGNATURE",
                json!({"payment": payment(Some("VOID-1"), 1234, 0, "SUCCESS"), "signature": {"strokes": [], "width": 10, "height": 10}}),
            )),
            Step::Expect("SIGNATURE_VERIFIED"),
            // As recorded (frame "474"): the voided payment still says SUCCESS and has no id.
            Step::Send(frame(
                "PAYMENT_VOIDED",
                json!({"payment": payment(None, 1234, 0, "SUCCESS"), "voidReason": "REJECT_SIGNATURE"}),
            )),
            Step::Close,
        ],
    )]);
    let env = Env::new(FAST);
    let (code, j) = sale(
        &env,
        &dev.url(),
        "12.34",
        "VOID-1",
        &["--on-signature", "reject"],
    );
    assert_eq!((code, j["state"].as_str()), (1, Some("voided")), "{j}");
    assert!(j["charged"].is_null(), "no money taken: {j}");
    assert_eq!(stored(&env, "VOID-1")["state"], "voided");
}

#[test]
fn success_found_after_a_rejected_signature_is_unknown_not_approved() {
    // The device drops after our rejection without PAYMENT_VOIDED; on reconnect it claims the
    // payment succeeded.
    let dev = Hostile::start(vec![
        then(
            accept_sale(),
            vec![
                Step::Send(frame(
                    "VERIFY_SIGNATURE",
                    json!({"payment": payment(Some("VOID-2"), 1234, 0, "SUCCESS"), "signature": null}),
                )),
                Step::Expect("SIGNATURE_VERIFIED"),
                Step::Close,
            ],
        ),
        vec![
            Step::Expect("RETRIEVE_DEVICE_STATUS_REQUEST"),
            status("IDLE"),
            Step::Expect("RETRIEVE_PAYMENT_REQUEST"),
            retrieved(
                "FOUND",
                "VOID-2",
                payment(Some("VOID-2"), 1234, 0, "SUCCESS"),
            ),
        ],
    ]);
    let env = Env::new(FAST);
    let (code, j) = sale(
        &env,
        &dev.url(),
        "12.34",
        "VOID-2",
        &["--on-signature", "reject"],
    );
    assert_eq!(code, 4, "{j}");
    assert!(
        j["error"].as_str().unwrap().contains("Clover dashboard"),
        "{j}"
    );
    let p = stored(&env, "VOID-2");
    assert_eq!(p["state"], "unknown", "{p}");
    assert!(
        p.to_string().contains("check it on the Clover dashboard"),
        "{p}"
    );
}

// 2. A partial approval is its own outcome.

#[test]
fn partial_auth_challenge_has_its_own_policy_and_exits_6() {
    let partial_challenge = || {
        Step::Send(frame(
            "CONFIRM_PAYMENT_MESSAGE",
            json!({
                "payment": payment(Some("PART-1"), 4520, 0, "SUCCESS"),
                "challenges": [{"type": "PARTIAL_AUTH_CHALLENGE", "message": "Only 45.20 approved", "reason": "REJECT_PARTIAL_AUTH"}],
            }),
        ))
    };
    let dev = Hostile::start(vec![
        // --on-challenge accept does not answer a partial approval; without a terminal `ask`
        // rejects it.
        then(
            accept_sale(),
            vec![
                partial_challenge(),
                Step::Expect("PAYMENT_REJECTED"),
                Step::Send(frame(
                    "PAYMENT_VOIDED",
                    json!({"payment": payment(Some("PART-1"), 4520, 0, "SUCCESS"), "voidReason": "REJECT_PARTIAL_AUTH"}),
                )),
                finish_cancel(),
            ],
        ),
        then(
            accept_sale(),
            vec![
                Step::Send(frame(
                    "CONFIRM_PAYMENT_MESSAGE",
                    json!({
                        "payment": payment(Some("PART-2"), 4520, 0, "SUCCESS"),
                        "challenges": [{"type": "PARTIAL_AUTH_CHALLENGE", "message": "Only 45.20 approved", "reason": null}],
                    }),
                )),
                Step::Expect("PAYMENT_CONFIRMED"),
                finish_ok(payment(Some("PART-2"), 4520, 0, "SUCCESS")),
            ],
        ),
    ]);
    let env = Env::new(FAST);
    let (code, j) = sale(
        &env,
        &dev.url(),
        "90.41",
        "PART-1",
        &["--on-challenge", "accept"],
    );
    assert_eq!((code, j["state"].as_str()), (1, Some("voided")), "{j}");
    assert!(dev.methods().contains(&"PAYMENT_REJECTED".to_owned()));

    let (code, j) = sale(
        &env,
        &dev.url(),
        "90.41",
        "PART-2",
        &["--on-partial", "accept"],
    );
    assert_eq!(code, 6, "{j}");
    assert_eq!(j["state"], "approved");
    assert_eq!(j["partial"], true);
    assert_eq!(j["remaining"], "45.21");
    assert_eq!(j["charged"], "45.20");
    let p = stored(&env, "PART-2");
    assert_eq!(p["state"], "approved");
}

#[test]
fn informational_partial_flow_exits_6_not_0() {
    let dev = Hostile::start(vec![then(
        accept_sale(),
        vec![
            Step::Send(frame("PARTIAL_AUTH", json!({"partialAuthAmount": 400}))),
            finish_ok(payment(Some("PART-3"), 400, 0, "SUCCESS")),
        ],
    )]);
    let env = Env::new(FAST);
    let (code, out, err) = env.run(&[
        "--device",
        &dev.url(),
        "sale",
        "8.00",
        "--external-id",
        "PART-3",
    ]);
    assert_eq!(code, 6, "{out}{err}");
    assert!(
        out.contains("partially approved") && out.contains("4.00 still due"),
        "{out}"
    );
}

// 3. Another sale's payment is never adopted.

#[test]
fn a_reused_external_id_is_refused_and_never_adopted() {
    let dev = Hostile::start(vec![
        then(
            accept_sale(),
            vec![finish_ok(payment(Some("USED-1"), 500, 0, "SUCCESS"))],
        ),
        // A fresh ledger, but the device knows the id: DUPLICATE.
        vec![
            Step::Expect("TX_START"),
            Step::Send(frame(
                "TX_START_RESPONSE",
                json!({"success": false, "result": "DUPLICATE", "externalPaymentId": "USED-1"}),
            )),
            Step::Expect("RETRIEVE_PAYMENT_REQUEST"),
            retrieved(
                "FOUND",
                "USED-1",
                payment(Some("USED-1"), 500, 0, "SUCCESS"),
            ),
        ],
    ]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "5.00", "USED-1", &[]);
    assert_eq!(code, 0, "{j}");
    // The same id again from this ledger: refused before anything is sent.
    let quiet = Hostile::start(vec![]);
    let (code, j) = sale(&env, &quiet.url(), "99.99", "USED-1", &[]);
    assert_eq!(code, 2, "{j}");
    assert!(j["error"].as_str().unwrap().contains("already used"), "{j}");
    assert_eq!(stored(&env, "USED-1")["amount"], "5.00");
    assert!(!quiet.methods().contains(&"TX_START".to_owned()));

    // From another ledger: the device refuses it as a duplicate; the new sale ends refused.
    let other = Env::new(FAST);
    let (code, j) = sale(&other, &dev.url(), "99.99", "USED-1", &[]);
    assert_eq!((code, j["state"].as_str()), (1, Some("canceled")), "{j}");
    assert!(
        j["message"]
            .as_str()
            .unwrap()
            .contains("external id already used on the device"),
        "{j}"
    );
    assert!(j["charged"].is_null());
    assert!(
        !dev.methods()
            .contains(&"RETRIEVE_PAYMENT_REQUEST".to_owned())
    );
}

// 4. Device facts are checked.

#[test]
fn foreign_absent_or_too_large_payments_are_never_approved() {
    let dev = Hostile::start(vec![
        // FINISH_OK with our id and 12 340.01 on a 12.34 sale.
        then(
            accept_sale(),
            vec![finish_ok(payment(Some("FACT-1"), 1_234_001, 0, "SUCCESS"))],
        ),
        // FINISH_OK whose payment has no external id; recovery finds nothing with our id either.
        then(
            accept_sale(),
            vec![
                finish_ok(payment(None, 1234, 0, "SUCCESS")),
                Step::Expect("RETRIEVE_DEVICE_STATUS_REQUEST"),
                status("IDLE"),
                Step::Expect("RETRIEVE_PAYMENT_REQUEST"),
                // FOUND with no id and 777 777.77.
                retrieved("FOUND", "FACT-2", payment(None, 77_777_777, 0, "SUCCESS")),
            ],
        ),
    ]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "FACT-1", &[]);
    assert_eq!(code, 4, "{j}");
    assert!(
        j["error"]
            .as_str()
            .unwrap()
            .contains("more than the 12.34 asked for"),
        "{j}"
    );
    assert_eq!(stored(&env, "FACT-1")["state"], "unknown");

    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "FACT-2", &[]);
    assert_eq!(code, 4, "{j}");
    let p = stored(&env, "FACT-2");
    assert_eq!(p["state"], "unknown", "{p}");
    assert!(p.to_string().contains("no external id"), "{p}");
}

#[test]
fn a_stale_finish_ok_before_tx_start_response_is_not_adopted() {
    let dev = Hostile::start(vec![vec![
        Step::Expect("TX_START"),
        // An old sale's FINISH_OK (no ids) arrives before our TX_START_RESPONSE.
        finish_ok(payment(None, 1234, 0, "SUCCESS")),
        tx_ok(),
        finish_cancel(),
    ]]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "STALE-1", &[]);
    assert_eq!((code, j["state"].as_str()), (1, Some("canceled")), "{j}");
}

// 5. Only what was saved is reported.

#[test]
fn a_final_write_that_fails_exits_4_and_says_not_recorded() {
    let env = Env::new(FAST);
    // Create the ledger, then make every write of `approved` fail, as a full disk would.
    till::ledger::Ledger::open(&env.data()).unwrap();
    let db = env.data().join("ledger.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER test_disk_full BEFORE UPDATE ON payments WHEN NEW.state = 'approved' \
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    drop(conn);
    let dev = Hostile::start(vec![then(
        accept_sale(),
        vec![finish_ok(payment(Some("DISK-1"), 1234, 0, "SUCCESS"))],
    )]);
    let (code, out, err) = env.run(&[
        "--device",
        &dev.url(),
        "sale",
        "12.34",
        "--external-id",
        "DISK-1",
    ]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(
        err.contains("approved on the device — NOT recorded: run `till recover`"),
        "{err}"
    );
    assert!(!out.starts_with("approved"), "{out}");
    assert_ne!(stored(&env, "DISK-1")["state"], "approved");
}

#[test]
fn an_odd_card_brand_is_sanitised_not_fatal() {
    let mut p: Value = serde_json::from_str(
        payment(Some("BRAND-1"), 1234, 0, "SUCCESS")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    p["cardTransaction"]["cardType"] = json!("VISA2");
    p["cardTransaction"]["last4"] = json!("42\u{1b}[31m");
    let dev = Hostile::start(vec![
        then(accept_sale(), vec![finish_ok(json!(p.to_string()))]),
        then(
            accept_sale(),
            vec![finish_ok(payment(Some("BRAND-2"), 100, 0, "SUCCESS"))],
        ),
    ]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "BRAND-1", &[]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    assert_eq!(j["card_brand"], "VISA");
    assert!(j["last4"].is_null());
    // The next sale is not blocked by it.
    let (code, j) = sale(&env, &dev.url(), "1.00", "BRAND-2", &[]);
    assert_eq!(code, 0, "{j}");
}

// 6. One device, one identity.

#[test]
fn the_same_device_by_another_address_keeps_its_open_payment() {
    let dev = Hostile::start(vec![
        // The sale is left open (the device's answer takes more than was asked).
        then(
            accept_sale(),
            vec![finish_ok(payment(Some("OPEN-1"), 999_999, 0, "SUCCESS"))],
        ),
    ]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "OPEN-1", &[]);
    assert_eq!(code, 4, "{j}");
    // Reached as localhost: still the same device, so a new sale is refused.
    let (code, j) = env.json(&[
        "--device",
        &dev.url_by_name(),
        "sale",
        "1.00",
        "--external-id",
        "OPEN-2",
    ]);
    assert_eq!(code, 5, "{j}");
    assert!(j.to_string().contains("OPEN-1"), "{j}");
    let (code, j) = env.json(&["--device", &dev.url_by_name(), "status"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["pending"]["external_id"], "OPEN-1", "{j}");
}

// 7. Later frames are heard.

#[test]
fn a_second_finish_ok_that_charges_reopens_the_sale_as_unknown() {
    let dev = Hostile::start(vec![then(
        accept_sale(),
        vec![
            finish_ok(payment(Some("TWICE-1"), 1234, 0, "FAIL")),
            finish_ok(payment(Some("TWICE-1"), 1234, 0, "SUCCESS")),
        ],
    )]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "TWICE-1", &[]);
    assert_eq!(code, 4, "{j}");
    let p = stored(&env, "TWICE-1");
    assert_eq!(p["state"], "unknown", "{p}");
    assert!(p.to_string().contains("reopened"), "{p}");
}

#[test]
fn an_empty_challenge_list_is_answered_with_a_default_reason() {
    let dev = Hostile::start(vec![then(
        accept_sale(),
        vec![
            Step::Send(frame(
                "CONFIRM_PAYMENT_MESSAGE",
                json!({"payment": payment(Some("CHAL-1"), 1234, 0, "SUCCESS"), "challenges": []}),
            )),
            Step::Expect("PAYMENT_REJECTED"),
            finish_cancel(),
        ],
    )]);
    let env = Env::new(FAST);
    let (code, j) = sale(
        &env,
        &dev.url(),
        "12.34",
        "CHAL-1",
        &["--on-challenge", "reject"],
    );
    assert_eq!((code, j["state"].as_str()), (1, Some("voided")), "{j}");
    let rejected = dev.payloads("PAYMENT_REJECTED");
    assert_eq!(rejected[0]["reason"], "USER_CANCEL", "{rejected:?}");
}

#[test]
fn a_tip_chosen_on_the_device_is_recorded_and_charged() {
    let dev = Hostile::start(vec![then(
        accept_sale(),
        vec![
            Step::Send(frame("TIP_ADDED", json!({"tipAmount": 300}))),
            finish_ok(payment(Some("TIP-1"), 1234, 300, "SUCCESS")),
        ],
    )]);
    let env = Env::new(FAST);
    let (code, j) = sale(&env, &dev.url(), "12.34", "TIP-1", &[]);
    assert_eq!((code, j["state"].as_str()), (0, Some("approved")), "{j}");
    assert_eq!(j["charged"], "15.34", "{j}");
    let p = stored(&env, "TIP-1");
    assert!(
        p.to_string().contains("tip 3.00 chosen on the device"),
        "{p}"
    );
    // Exactly one screen command after FINISH_OK.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let screens = dev
        .methods()
        .iter()
        .filter(|m| m.starts_with("SHOW_"))
        .count();
    assert_eq!(screens, 1, "{:?}", dev.methods());
}

#[test]
fn a_device_busy_with_another_payment_refuses_at_once() {
    let dev = Hostile::start(vec![vec![
        Step::Expect("TX_START"),
        Step::Send(frame(
            "INVALID_STATE_TRANSITION",
            json!({"result": "FAIL", "reason": "busy", "requestedTransition": "TX_START", "state": "BUSY", "substate": null, "data": null}),
        )),
    ]]);
    let env = Env::new(FAST);
    let started = std::time::Instant::now();
    let (code, j) = sale(&env, &dev.url(), "12.34", "BUSY-1", &[]);
    assert_eq!((code, j["state"].as_str()), (1, Some("canceled")), "{j}");
    assert!(
        j["message"]
            .as_str()
            .unwrap()
            .contains("device busy with another payment — nothing charged"),
        "{j}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        !dev.methods()
            .contains(&"RETRIEVE_PAYMENT_REQUEST".to_owned())
    );
}
