//! Auths, pre-auths, captures, increments, tip adjusts and closeout (issue #17), in both
//! profiles: what the device answers, what RETRIEVE_PAYMENT shows, what it refuses and why.

use super::*;
use crate::protocol::{
    BatchState, CapturePreAuth, CardTransactionState, CloseoutRequest, IncrementPreAuth,
    PaymentFlavor, PaymentResult, QueryStatus, RequestInfo, TipAdjust, TipMode,
    TxStartResponseResult, VoidPayment, VoidReason,
};

const PROFILES: [Profile; 2] = [Profile::Default, Profile::Real];

fn sim_with(profile: Profile, set: impl FnOnce(&mut DeviceConfig)) -> Sim {
    let mut config = auto_config().with_profile(profile);
    set(&mut config);
    let mut sim = Sim::new(config);
    sim.ready(1);
    sim
}

fn sim(profile: Profile) -> Sim {
    sim_with(profile, |_| {})
}

fn request(amount: i64, external_id: &str) -> SaleRequest {
    SaleRequest::builder()
        .amount(Cents(amount))
        .external_id(external_id)
        .build()
        .expect("a valid request")
}

fn auth(sim: &mut Sim, amount: i64, external_id: &str) -> Vec<Output> {
    sim.send(1, &request(amount, external_id).to_auth_message())
}

fn preauth(sim: &mut Sim, amount: i64, external_id: &str) -> Vec<Output> {
    sim.send(1, &request(amount, external_id).to_preauth_message())
}

/// The payment of an approved auth / pre-auth / sale.
fn paid(out: &[Output]) -> Payment {
    one!(out, FinishOk).payment.expect("a payment")
}

fn retrieve(sim: &mut Sim, external_id: &str) -> Payment {
    let response = one!(
        sim.retrieve_payment(1, external_id),
        RetrievePaymentResponse
    );
    assert_eq!(response.query_status, Some(QueryStatus::Found));
    response.payment.expect("a payment")
}

fn capture(sim: &mut Sim, payment: &Payment, amount: i64, tip: i64) -> Vec<Output> {
    let m = CapturePreAuth {
        amount: Some(amount),
        tip_amount: Some(tip),
        payment_id: payment.id.clone(),
    };
    sim.send(1, &Message::CapturePreAuth(m))
}

fn increment(sim: &mut Sim, payment: &Payment, amount: i64) -> Vec<Output> {
    let m = IncrementPreAuth {
        amount: Some(amount),
        payment_id: payment.id.clone(),
    };
    sim.send(1, &Message::IncrementPreAuth(m))
}

fn tip(sim: &mut Sim, payment: &Payment, tip: i64) -> Vec<Output> {
    let m = TipAdjust {
        tip_amount: Some(tip),
        order_id: payment.order.as_ref().and_then(|o| o.id.clone()),
        payment_id: payment.id.clone(),
    };
    sim.send(1, &Message::TipAdjust(m))
}

fn closeout(sim: &mut Sim, allow_open_tabs: bool) -> Vec<Output> {
    let m = CloseoutRequest {
        allow_open_tabs: Some(allow_open_tabs),
        batch_id: None,
    };
    sim.send(1, &Message::CloseoutRequest(m))
}

#[test]
fn an_auth_is_a_tip_adjustable_payment_and_a_pre_auth_a_hold() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let out = auth(&mut sim, 2000, "EXT-AUTH");
        let finish = one!(out, FinishOk);
        let expected_info = (!profile.is_real()).then_some(RequestInfo::Auth);
        assert_eq!(finish.request_info, expected_info, "{profile}");
        let payment = finish.payment.expect("a payment");
        assert_eq!(
            PaymentFlavor::of(&payment),
            PaymentFlavor::Auth,
            "{profile}"
        );
        assert_eq!(payment.amount, Some(2000));
        assert_eq!(
            PaymentFlavor::of(&retrieve(&mut sim, "EXT-AUTH")),
            PaymentFlavor::Auth
        );

        let hold = paid(&preauth(&mut sim, 5000, "EXT-HOLD"));
        assert_eq!(
            PaymentFlavor::of(&hold),
            PaymentFlavor::PreAuth,
            "{profile}"
        );
        let found = retrieve(&mut sim, "EXT-HOLD");
        assert_eq!(found.result, Some(PaymentResult::Auth));
        assert_eq!(found.amount, Some(5000));
        // The hold's external id is used: a second pre-auth with it is a duplicate.
        let again = one!(preauth(&mut sim, 5000, "EXT-HOLD"), TxStartResponse);
        if !profile.is_real() {
            assert_eq!(again.result, Some(TxStartResponseResult::Duplicate));
        }
        assert_eq!(again.success, Some(false), "{profile}");
    }
}

#[test]
fn capture_increment_and_their_refusals() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let hold = paid(&preauth(&mut sim, 5000, "EXT-CAP"));
        // Above the hold: refused, nothing changes.
        let over = one!(capture(&mut sim, &hold, 5001, 0), CapturePreAuthResponse);
        assert_eq!(over.status, Some(ResultStatus::Fail), "{profile}");
        assert!(over.message.unwrap().contains("increment"), "{profile}");
        assert_eq!(
            retrieve(&mut sim, "EXT-CAP").result,
            Some(PaymentResult::Auth)
        );
        // Increment: the hold grows.
        let out = increment(&mut sim, &hold, 1000);
        assert_eq!(
            trace(&out),
            ["ACK", "INCREMENT_PREAUTH_RESPONSE"],
            "{profile}"
        );
        let inc = one!(out, IncrementPreAuthResponse);
        assert_eq!(inc.status, Some(ResultStatus::Success));
        let authz = inc.authorization.expect("the authorization");
        assert_eq!(authz.amount, Some(6000));
        assert_eq!(authz.payment.and_then(|p| p.id), hold.id);
        assert!(raw_payload(&out, "INCREMENT_PREAUTH_RESPONSE")["authorization"].is_string());
        assert_eq!(retrieve(&mut sim, "EXT-CAP").amount, Some(6000));
        let zero = one!(increment(&mut sim, &hold, 0), IncrementPreAuthResponse);
        assert_eq!(zero.status, Some(ResultStatus::Fail));
        // Capture within the hold, with a tip.
        let out = capture(&mut sim, &hold, 5500, 800);
        assert_eq!(
            trace(&out),
            ["ACK", "CAPTURE_PREAUTH_RESPONSE"],
            "{profile}"
        );
        let done = one!(out, CapturePreAuthResponse);
        assert_eq!(done.status, Some(ResultStatus::Success));
        assert_eq!(
            (done.payment_id.clone(), done.amount, done.tip_amount),
            (hold.id.clone(), Some(5500), Some(800))
        );
        let captured = retrieve(&mut sim, "EXT-CAP");
        assert_eq!(
            (captured.result, captured.amount, captured.tip_amount),
            (Some(PaymentResult::Success), Some(5500), Some(800))
        );
        // sendLastMessage re-sends the capture's answer.
        let again = one!(sim.status(1, true), CapturePreAuthResponse);
        assert_eq!(again, done);
        // A second capture, an increment after the capture: refused.
        let twice = one!(capture(&mut sim, &hold, 5500, 800), CapturePreAuthResponse);
        assert_eq!(twice.status, Some(ResultStatus::Fail));
        assert!(twice.message.unwrap().contains("already captured"));
        let late = one!(increment(&mut sim, &hold, 100), IncrementPreAuthResponse);
        assert_eq!(late.status, Some(ResultStatus::Fail));
        // A capture of a sale or of an unknown payment.
        let sale = paid(&sim.sale(1, 1200, "EXT-SALE"));
        let not_hold = one!(capture(&mut sim, &sale, 1200, 0), CapturePreAuthResponse);
        assert!(not_hold.message.unwrap().contains("a sale"));
        let ghost = Payment {
            id: Some("NOPE".into()),
            ..Payment::default()
        };
        let unknown = one!(capture(&mut sim, &ghost, 100, 0), CapturePreAuthResponse);
        assert_eq!(unknown.reason.as_deref(), Some("PAYMENT_NOT_FOUND"));
    }
}

#[test]
fn a_voided_hold_is_released_and_cannot_be_captured() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let hold = paid(&preauth(&mut sim, 3000, "EXT-VOIDHOLD"));
        let void = VoidPayment {
            payment: Some(hold.clone()),
            void_reason: Some(VoidReason::UserCancel),
            ..VoidPayment::default()
        };
        sim.send(1, &Message::VoidPayment(void));
        assert_eq!(
            retrieve(&mut sim, "EXT-VOIDHOLD").result,
            Some(PaymentResult::Voided),
            "{profile}"
        );
        let refused = one!(capture(&mut sim, &hold, 3000, 0), CapturePreAuthResponse);
        assert_eq!(refused.status, Some(ResultStatus::Fail));
        assert!(refused.message.unwrap().contains("VOIDED"), "{profile}");
    }
}

#[test]
fn tip_adjust_sets_an_auths_tip_and_refuses_everything_else() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let open = paid(&auth(&mut sim, 2000, "EXT-TAB"));
        let out = tip(&mut sim, &open, 300);
        assert_eq!(trace(&out), ["ACK", "TIP_ADJUST_RESPONSE"], "{profile}");
        let ok = one!(out, TipAdjustResponse);
        assert_eq!((ok.success, ok.amount), (Some(true), Some(300)));
        assert_eq!(ok.payment_id, open.id);
        // A second adjust replaces the tip (never adds to it).
        assert_eq!(
            one!(tip(&mut sim, &open, 400), TipAdjustResponse).amount,
            Some(400)
        );
        let found = retrieve(&mut sim, "EXT-TAB");
        assert_eq!((found.amount, found.tip_amount), (Some(2000), Some(400)));
        assert_eq!(
            one!(sim.status(1, true), TipAdjustResponse).amount,
            Some(400)
        );

        let sale = paid(&sim.sale(1, 1500, "EXT-TIPSALE"));
        let hold = paid(&preauth(&mut sim, 4000, "EXT-TIPHOLD"));
        let voided = paid(&auth(&mut sim, 2200, "EXT-TIPVOID"));
        sim.send(
            1,
            &Message::VoidPayment(VoidPayment {
                payment: Some(voided.clone()),
                void_reason: Some(VoidReason::UserCancel),
                ..VoidPayment::default()
            }),
        );
        let captured = paid(&preauth(&mut sim, 4100, "EXT-TIPCAP"));
        capture(&mut sim, &captured, 4100, 0);
        let mut wrong_order = open.clone();
        wrong_order.order = Some(crate::protocol::Reference::to("OTHER"));
        let cases: [(&Payment, i64, &str); 6] = [
            (&sale, 100, "a sale"),
            (&hold, 100, "a pre-auth"),
            (&voided, 100, "VOIDED"),
            (&captured, 100, "captured pre-auth"),
            (&wrong_order, 100, "not the order"),
            (&open, -1, "0.00 or more"),
        ];
        for (payment, amount, why) in cases {
            let refused = one!(tip(&mut sim, payment, amount), TipAdjustResponse);
            assert_eq!(refused.success, Some(false), "{profile} {why}");
            let message = refused.message.unwrap_or_default();
            assert!(message.contains(why), "{profile}: {message}");
        }
        assert_eq!(retrieve(&mut sim, "EXT-TAB").tip_amount, Some(400));
        assert_eq!(
            retrieve(&mut sim, "EXT-TIPSALE").tip_amount,
            sale.tip_amount
        );
    }
}

#[test]
fn closeout_refuses_open_tabs_then_reports_the_batch() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let sale = paid(&sim.sale(1, 1000, "EXT-B1"));
        let open = paid(&auth(&mut sim, 2000, "EXT-B2"));
        let hold = paid(&preauth(&mut sim, 3000, "EXT-B3"));
        let refused = one!(closeout(&mut sim, false), CloseoutResponse);
        assert_eq!(refused.status, Some(ResultStatus::Fail), "{profile}");
        let why = refused.reason.unwrap();
        assert!(
            why.contains("1 auth(s)") && why.contains("1 pre-auth(s)"),
            "{why}"
        );
        assert_eq!(refused.batch, None);

        tip(&mut sim, &open, 300);
        let still = one!(closeout(&mut sim, false), CloseoutResponse);
        assert_eq!(
            still.status,
            Some(ResultStatus::Fail),
            "the hold is still open"
        );
        let out = closeout(&mut sim, true);
        assert_eq!(trace(&out), ["ACK", "CLOSEOUT_RESPONSE"], "{profile}");
        assert!(raw_payload(&out, "CLOSEOUT_RESPONSE")["batch"].is_string());
        let closed = one!(out, CloseoutResponse);
        assert_eq!(closed.status, Some(ResultStatus::Success));
        let batch = closed.batch.expect("the batch");
        assert_eq!(
            batch.tx_count,
            Some(2),
            "the sale and the auth, not the hold"
        );
        assert_eq!(
            batch.total_batch_amount,
            Some(1000 + sale.tip_amount.unwrap_or(0) + 2300)
        );
        assert_eq!(batch.state, Some(BatchState::Closed));
        assert_eq!(batch.id.as_deref().map(str::len), Some(13));
        let details = batch.batch_details.clone().unwrap();
        assert_eq!(details.open_tabs, Some(1));
        let tips = details.batch_totals.unwrap().tips.unwrap();
        assert_eq!(tips.total, Some(300 + sale.tip_amount.unwrap_or(0)));
        assert_eq!(
            one!(sim.status(1, true), CloseoutResponse).batch,
            Some(batch.clone())
        );

        // Closed: the auth's tip no longer changes; the hold stays open for the next batch.
        let late = one!(tip(&mut sim, &open, 500), TipAdjustResponse);
        assert_eq!(late.success, Some(false));
        assert!(late.message.unwrap().contains("closed batch"));
        let state = retrieve(&mut sim, "EXT-B2")
            .card_transaction
            .and_then(|c| c.state);
        assert_eq!(state, Some(CardTransactionState::Closed));
        capture(&mut sim, &hold, 3000, 0);
        let next = one!(closeout(&mut sim, false), CloseoutResponse);
        let next = next.batch.expect("the next batch");
        assert_eq!(
            (next.tx_count, next.total_batch_amount),
            (Some(1), Some(3000))
        );
        assert_ne!(next.id, batch.id);
        // The id of a closed batch is refused.
        let again = CloseoutRequest {
            allow_open_tabs: Some(true),
            batch_id: batch.id.clone(),
        };
        let out = sim.send(1, &Message::CloseoutRequest(again));
        let answer = one!(out, CloseoutResponse);
        assert_eq!(answer.status, Some(ResultStatus::Fail));
        assert!(answer.reason.unwrap().contains("already closed"));
    }
}

#[test]
fn switched_off_flows_are_not_advertised_and_refused() {
    for profile in PROFILES {
        let mut sim = sim_with(profile, |c| {
            c.supports_auth = false;
            c.supports_pre_auth = false;
            c.supports_tip_adjust = false;
        });
        let out = sim.send(1, &Message::DiscoveryRequest(Default::default()));
        let flags = raw_payload(&out, "DISCOVERY_RESPONSE");
        assert_eq!(flags["supportsTipAdjust"], false, "{profile}");
        if profile.is_real() {
            // Clover's library has no auth / pre-auth flags: the device refuses all the same.
            assert!(flags.get("supportsAuth").is_none());
        } else {
            assert_eq!(flags["supportsAuth"], false);
            assert_eq!(flags["supportsPreAuth"], false);
        }
        let refused = one!(auth(&mut sim, 2000, "EXT-NOAUTH"), TxStartResponse);
        assert_eq!(refused.success, Some(false), "{profile}");
        if !profile.is_real() {
            assert!(refused.message.unwrap().contains("supportsAuth"));
        }
        let refused = one!(preauth(&mut sim, 2000, "EXT-NOPRE"), TxStartResponse);
        assert_eq!(refused.success, Some(false), "{profile}");
        assert!(sim.dev.tx.is_none());
        let sale = paid(&sim.sale(1, 1000, "EXT-STILL"));
        let no_tip = one!(tip(&mut sim, &sale, 100), TipAdjustResponse);
        assert_eq!(no_tip.reason.as_deref(), Some("UNSUPPORTED"));
        assert!(no_tip.message.unwrap().contains("supportsTipAdjust"));
        let no_capture = one!(capture(&mut sim, &sale, 1000, 0), CapturePreAuthResponse);
        assert_eq!(no_capture.reason.as_deref(), Some("UNSUPPORTED"));
        let no_inc = one!(increment(&mut sim, &sale, 100), IncrementPreAuthResponse);
        assert!(no_inc.reason.unwrap().contains("supportsPreAuth"));
    }
}

#[test]
fn the_drop_faults_lose_the_answer_but_not_the_change() {
    for profile in PROFILES {
        // Run-wide: every answer to these requests is lost; sendLastMessage recovers it.
        let mut sim = Sim::new(auto_config().with_profile(profile));
        let token = sim.ready(1);
        let hold = paid(&preauth(&mut sim, 5000, "EXT-DROPCAP"));
        sim.dev.config.faults.drop_before_response = true;
        let out = capture(&mut sim, &hold, 4000, 100);
        assert_eq!(trace(&out), ["ACK", "CLOSE None"], "{profile}");
        sim.disconnect(1);
        sim.reconnect(2, &token);
        let resent = one!(sim.status(2, true), CapturePreAuthResponse);
        assert_eq!(resent.status, Some(ResultStatus::Success), "{profile}");
        let found = one!(
            sim.retrieve_payment(2, "EXT-DROPCAP"),
            RetrievePaymentResponse
        );
        assert_eq!(found.payment.unwrap().amount, Some(4000));

        // By the cents: .10 of the tip drops before TIP_ADJUST_RESPONSE; .06 of an auth before
        // its FINISH_OK.
        let mut sim = sim_with(profile, |_| {});
        let open = paid(&auth(&mut sim, 2000, "EXT-DROPTIP"));
        assert_eq!(trace(&tip(&mut sim, &open, 110)), ["ACK", "CLOSE None"]);
        let mut sim = sim_with(profile, |_| {});
        let out = auth(&mut sim, 2006, "EXT-DROPAUTH");
        assert_eq!(trace(&out).last().map(String::as_str), Some("CLOSE None"));
        assert!(all!(out, FinishOk).is_empty());
    }
}

#[test]
fn requests_on_payments_wait_for_the_running_transaction() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        let open = paid(&auth(&mut sim, 2000, "EXT-WAIT"));
        one!(sim.sale(1, 2503, "EXT-BUSY"), ConfirmPayment);
        for out in [
            tip(&mut sim, &open, 100),
            capture(&mut sim, &open, 100, 0),
            increment(&mut sim, &open, 100),
            closeout(&mut sim, true),
        ] {
            assert_eq!(
                trace(&out),
                ["ACK", "INVALID_STATE_TRANSITION"],
                "{profile}"
            );
        }
        assert_eq!(retrieve(&mut sim, "EXT-WAIT").tip_amount, open.tip_amount);
    }
}

#[test]
fn the_customer_tips_on_screen_by_the_amounts_cents() {
    for profile in PROFILES {
        let mut sim = sim(profile);
        for (amount, expected) in [(2000, 300), (2030, 406), (2050, 0)] {
            let Message::TxStart(mut start) =
                request(amount, &format!("EXT-ST{amount}")).to_message()
            else {
                panic!("a TX_START")
            };
            let intent = start.pay_intent.as_mut().unwrap();
            intent.tip_amount = None;
            intent.transaction_settings.as_mut().unwrap().tip_mode =
                Some(TipMode::OnScreenBeforePayment);
            let out = sim.send(1, &Message::TxStart(start));
            assert_eq!(
                one!(out, TipAdded).tip_amount,
                Some(expected),
                "{profile} {amount}"
            );
            assert_eq!(paid(&out).tip_amount.unwrap_or(0), expected);
        }
    }
}

#[test]
fn the_screen_names_auths_and_shows_captures_tips_and_the_batch() {
    let mut sim = Sim::new(DeviceConfig::default());
    sim.ready(1);
    preauth(&mut sim, 5000, "EXT-SCREEN");
    let screen = sim.dev.screen();
    assert_eq!(screen.detail, "$50.00 pre-auth — EXT-SCREEN");
    assert!(screen.actions.contains(&"card".to_owned()));
    let hold = paid(
        &sim.act(CustomerAction::TapCard("4242424242424242".into()))
            .unwrap(),
    );
    capture(&mut sim, &hold, 4500, 500);
    let screen = sim.dev.screen();
    assert_eq!(
        (screen.title.as_str(), screen.detail.as_str()),
        ("Pre-auth captured", "$45.00 + $5.00 tip")
    );
    auth(&mut sim, 2000, "EXT-SCREEN2");
    assert_eq!(sim.dev.screen().detail, "$20.00 auth — EXT-SCREEN2");
    let open = paid(
        &sim.act(CustomerAction::TapCard("4242424242424242".into()))
            .unwrap(),
    );
    tip(&mut sim, &open, 300);
    assert_eq!(sim.dev.screen().title, "Tip adjusted");
    closeout(&mut sim, false);
    let screen = sim.dev.screen();
    assert_eq!(
        (screen.title.as_str(), screen.detail.as_str()),
        ("Batch closed", "2 payments, $73.00")
    );
}

#[test]
fn every_answer_marks_the_memory_changed_so_the_embedded_simulator_keeps_it() {
    let mut sim = sim(Profile::Default);
    let hold = paid(&preauth(&mut sim, 5000, "EXT-MEM"));
    let open = paid(&auth(&mut sim, 2000, "EXT-MEM2"));
    for step in 0..4 {
        let before = sim.dev.memory_version();
        match step {
            0 => increment(&mut sim, &hold, 100),
            1 => capture(&mut sim, &hold, 5000, 0),
            2 => tip(&mut sim, &open, 200),
            _ => closeout(&mut sim, false),
        };
        assert_ne!(sim.dev.memory_version(), before, "step {step}");
    }
    let memory = sim.dev.memory();
    assert_eq!(memory.tip_adjusted, vec![open.id.clone().unwrap()]);
    assert_eq!(memory.batches.len(), 1);
    assert!(matches!(
        memory.last_message.map(|m| m.method),
        Some(m) if m == "CLOSEOUT_RESPONSE"
    ));
}
