//! `till sim --profile real` over real loopback sockets: the shapes recorded on real Clover
//! devices on the wire (EVIDENCE.md), and `till` itself selling against it.

mod cli_support;
mod sim_support;

use serde_json::Value;
use sim_support::{Pos, spawn_till_sim};
use till::protocol::{Message, MessageType, PaymentResult, TxState, UiState};

/// Starts `till sim --profile real` (auto customer, no delays); the child and its URL.
async fn real_sim() -> (tokio::process::Child, String) {
    let sim = spawn_till_sim(&["--seed", "3", "--profile", "real"]).await;
    (sim.child, sim.url)
}

#[tokio::test]
async fn till_sim_profile_real_serves_a_sale_in_real_shapes() {
    let (_child, url) = real_sim().await;
    let mut pos = Pos::connect(&url).await;
    pos.pair(None).await;
    let discovery = pos.discover().await;
    let Some(Message::DiscoveryResponse(info)) = discovery.message else {
        panic!("typed DISCOVERY_RESPONSE")
    };
    assert_eq!(info.ready, Some(true));
    assert_eq!(info.supports_remote_confirmation, None, "five flags only");

    pos.start_sale(1234, "EXTREAL00001").await;
    let finish = pos.expect("FINISH_OK").await;
    let Some(Message::FinishOk(ok)) = finish.message else {
        panic!("typed FINISH_OK")
    };
    assert_eq!(ok.request_info, None, "no requestInfo on real devices");
    let payment = ok.payment.expect("FINISH_OK carries the payment");
    assert_eq!(payment.amount, Some(1234));
    assert_eq!(payment.result, Some(PaymentResult::Success));
    assert_eq!(payment.external_payment_id.as_deref(), Some("EXTREAL00001"));
    assert_eq!(payment.tip_amount, None, "tipAmount is null");
    let raw: Value =
        serde_json::from_str(finish.envelope.payload.as_ref().unwrap().as_str().unwrap()).unwrap();
    let payment: Value = serde_json::from_str(raw["payment"].as_str().unwrap()).unwrap();
    assert_eq!(payment["taxRates"], Value::Null);
    assert!(payment.get("cashTendered").is_some_and(Value::is_null));

    // Every envelope is bare: no version, no remoteSourceSDK; payloads are version 1.
    for frame in &pos.seen {
        assert_eq!(frame.envelope.version, None, "{:?}", frame.envelope);
        assert_eq!(
            frame.envelope.remote_source_sdk, None,
            "{:?}",
            frame.envelope
        );
        assert_eq!(frame.payload_version, Some(1), "{:?}", frame.envelope);
    }
    // CONFIGURING and TX_STATE START come before the card prompt.
    let position = |want: &dyn Fn(&Message) -> bool| {
        pos.seen
            .iter()
            .position(|f| f.message.as_ref().is_some_and(want))
            .unwrap_or_else(|| panic!("not seen: {:?}", pos.methods()))
    };
    let configuring =
        position(&|m| matches!(m, Message::UiState(u) if u.ui_state == Some(UiState::Configuring)));
    let tx_start =
        position(&|m| matches!(m, Message::TxState(t) if t.tx_state == Some(TxState::Start)));
    let prompt =
        position(&|m| matches!(m, Message::UiState(u) if u.ui_state == Some(UiState::Start)));
    assert!(
        configuring < tx_start && tx_start < prompt,
        "{:?}",
        pos.methods()
    );

    // The device PINGs about once a second, with a bare envelope.
    let ping = loop {
        let frame = pos.next_frame().await.expect("the connection stays open");
        if frame.kind() == MessageType::Ping {
            break frame;
        }
    };
    assert_eq!(ping.envelope.id, None);
    assert_eq!(ping.envelope.version, None);
    assert!(ping.envelope.package_name.is_some());
}

#[test]
fn till_sells_against_till_sim_profile_real() {
    use cli_support::{Env, Sim};
    let sim = Sim::start(&["--profile", "real"]);
    let env = Env::new("[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n");
    let sale = |amount: &str, extra: &[&str]| {
        let mut args = vec!["--device", sim.url.as_str(), "sale", amount];
        args.extend_from_slice(extra);
        env.json(&args)
    };
    // (amount, flags, exit code, ledger state)
    let cases: [(&str, &[&str], i32, &str); 9] = [
        ("12.34", &[], 0, "approved"),
        ("12.01", &[], 1, "declined"),
        ("12.07", &[], 1, "canceled"),
        ("12.03", &["--on-challenge", "accept"], 0, "approved"),
        ("12.04", &["--on-challenge", "reject"], 1, "voided"),
        ("12.05", &["--on-signature", "accept"], 0, "approved"),
        // The connection drops before FINISH_OK: recovery finds the payment.
        ("12.06", &[], 0, "approved"),
        // A partial approval is a PARTIAL_AUTH_CHALLENGE: accepted, exit 6; rejected, voided.
        ("10.02", &["--on-partial", "accept"], 6, "approved"),
        ("12.02", &["--on-partial", "reject"], 1, "voided"),
    ];
    for (amount, extra, code, state) in cases {
        let (got, j) = sale(amount, extra);
        assert_eq!(
            (got, j["state"].as_str()),
            (code, Some(state)),
            "{amount}: {j}"
        );
        if code == 6 {
            assert_eq!(
                (j["partial"].as_bool(), j["charged"].as_str()),
                (Some(true), Some("5.01")),
                "{j}"
            );
        } else if state == "approved" {
            assert_eq!(j["charged"], amount, "{j}");
            assert_eq!(j["last4"], "4242", "{j}");
        }
    }
    let (code, history) = env.json(&["history"]);
    assert_eq!(code, 0, "{history}");
    let payments = history["payments"].as_array().expect("payments");
    assert_eq!(payments.len(), cases.len(), "{history}");
    for p in payments {
        let state = p["state"].as_str().unwrap_or_default();
        assert!(
            ["approved", "declined", "canceled", "voided"].contains(&state),
            "every payment is final: {p}"
        );
    }
}

#[test]
fn the_embedded_simulator_takes_the_real_profile_from_the_config_and_bad_names_are_refused() {
    use cli_support::Env;
    // On the real profile a partial approval is a PARTIAL_AUTH_CHALLENGE; rejected, the
    // payment is voided (on the default profile it is an informational PARTIAL_AUTH).
    let env = Env::new("[simulator]\nprofile = \"real\"\n");
    let (code, j) = env.json(&["--device", "sim", "sale", "10.02", "--on-partial", "reject"]);
    assert_eq!((code, j["state"].as_str()), (1, Some("voided")), "{j}");
    let (code, out, _) = env.run(&["config"]);
    assert_eq!(code, 0);
    assert!(out.contains("simulator.profile = \"real\""), "{out}");

    let env = Env::new("[simulator]\nprofile = \"lab\"\n");
    let (code, out, err) = env.run(&["--device", "sim", "status"]);
    let text = format!("{out}{err}");
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("simulator.profile") && text.contains("\"default\" or \"real\""),
        "{text}"
    );

    for args in [
        vec!["--sim-profile", "lab"],
        vec!["sim", "--profile", "lab"],
    ] {
        let (code, out, err) = Env::new("").run(&args);
        let text = format!("{out}{err}");
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(
            text.contains("use one of: default, real"),
            "{args:?}: {text}"
        );
    }
}
