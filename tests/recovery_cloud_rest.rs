//! Cloud mode: when the idle device has no payment with our external id, recovery also asks
//! Clover's REST payments endpoint (the simulator emulates it) before recording `not_found`.

use std::process::Command;

use till::ledger::{Ledger, NewPayment, PaymentUpdate};

use till::payment::PaymentState;
use till::protocol::Cents;
use till::sim::device::{CustomerMode, DeviceConfig};
use till::sim::{CloudConfig, DEV_ACCESS_TOKEN, SimConfig, Simulator};

const MERCHANT: &str = "MRCHNT0000001";

#[tokio::test(flavor = "multi_thread")]
async fn recovery_asks_clover_rest_before_not_found() {
    let device = DeviceConfig {
        customer: CustomerMode::Auto {
            card_delay_ms: 0,
            sign_delay_ms: 0,
            pairing_delay_ms: 0,
        },
        ..DeviceConfig::default()
    };
    let sim = Simulator::start(SimConfig {
        device,
        cloud: Some(CloudConfig::dev(MERCHANT)),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("till.toml");
    std::fs::write(
        &config,
        format!(
            "[device]\nmode = \"cloud\"\n\n[device.cloud]\nserver = \"{}\"\nmerchant_id = \"{MERCHANT}\"\ndevice_id = \"default\"\n",
            sim.cloud_base_url().expect("cloud emulation")
        ),
    )
    .unwrap();

    // A sale recorded as sent that the device never heard of (the POS died right after writing it).
    {
        let ledger = Ledger::open(&data).unwrap();
        let device = format!("cloud:{MERCHANT}/default");
        ledger
            .create_payment(NewPayment::sale("EXTREST1", device, Cents(1000)))
            .unwrap();
        ledger
            .transition(
                "EXTREST1",
                PaymentState::Sent,
                "TX_START",
                "sent",
                PaymentUpdate::default(),
            )
            .unwrap();
    }

    let bin = env!("CARGO_BIN_EXE_till");
    let (cfg, data2, home) = (config.clone(), data.clone(), dir.path().to_owned());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(bin)
            .arg("--config")
            .arg(&cfg)
            .arg("--data-dir")
            .arg(&data2)
            .args(["recover", "--json"])
            .env("TILL_ACCESS_TOKEN", DEV_ACCESS_TOKEN)
            .env("HOME", &home)
            .env_remove("TILL_CONFIG")
            .env_remove("TILL_DATA_DIR")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // not_found is a resolved outcome: `till recover` did its job (exit 0).
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(json["recovered"][0]["state"], "not_found", "{json}");
    assert!(!stdout.contains(DEV_ACCESS_TOKEN) && !stderr.contains(DEV_ACCESS_TOKEN));

    let ledger = Ledger::open(&data).unwrap();
    let events = ledger.events("EXTREST1").unwrap();
    assert!(
        events.iter().any(|e| e.cause == "REST payments"),
        "{events:#?}"
    );
    assert_eq!(
        ledger.get("EXTREST1").unwrap().unwrap().state,
        PaymentState::NotFound
    );
    sim.shutdown().await;
}

/// `till` with this config and data directory in cloud mode; (exit code, stdout JSON, stderr).
async fn till(
    config: &std::path::Path,
    data: &std::path::Path,
    args: &[&str],
) -> (i32, serde_json::Value, String) {
    let bin = env!("CARGO_BIN_EXE_till");
    let (cfg, data, home) = (
        config.to_owned(),
        data.to_owned(),
        config.parent().unwrap().to_owned(),
    );
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(bin)
            .arg("--config")
            .arg(&cfg)
            .arg("--data-dir")
            .arg(&data)
            .args(&args)
            .arg("--json")
            .env("TILL_ACCESS_TOKEN", DEV_ACCESS_TOKEN)
            .env("HOME", &home)
            .env_remove("TILL_CONFIG")
            .env_remove("TILL_DATA_DIR")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: stdout {stdout}\nstderr {stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn cloud_config(path: &std::path::Path, server: &str, device_id: &str) {
    std::fs::write(
        path,
        format!(
            "[device]\nmode = \"cloud\"\n\n[device.cloud]\nserver = \"{server}\"\nmerchant_id = \"{MERCHANT}\"\ndevice_id = \"{device_id}\"\n"
        ),
    )
    .unwrap();
}

/// Records an approved sale as the device made it (its payment id) in `ledger`.
fn approved_sale(ledger: &Ledger, device: &str, ext: &str, payment_id: &str, cents: i64) {
    ledger
        .create_payment(NewPayment::sale(ext, device, Cents(cents)))
        .unwrap();
    ledger
        .transition(
            ext,
            PaymentState::Sent,
            "TX_START",
            "sent",
            PaymentUpdate::default(),
        )
        .unwrap();
    ledger
        .transition(
            ext,
            PaymentState::Approved,
            "FINISH_OK",
            "approved",
            PaymentUpdate {
                device_payment_id: Some(payment_id.to_owned()),
                charged_amount: Some(Cents(cents)),
                result: Some("SUCCESS".into()),
                ..PaymentUpdate::default()
            },
        )
        .unwrap();
}

/// Cloud mode (issue #15 item 2): a refund or void whose device no longer knows the sale (here:
/// the sale was made on another device of the merchant) is decided by Clover's REST payments
/// with `expand=refunds,voids` — a refund id not known before with our amount, the sale voided —
/// and a refund Clover does not show is `not_found`. Nothing is sent again.
#[tokio::test(flavor = "multi_thread")]
async fn cloud_rest_decides_refunds_and_voids_the_device_cannot() {
    let device = DeviceConfig {
        customer: CustomerMode::Auto {
            card_delay_ms: 0,
            sign_delay_ms: 0,
            pairing_delay_ms: 0,
        },
        ..DeviceConfig::default()
    };
    let sim = Simulator::start(SimConfig {
        device,
        cloud: Some(CloudConfig::dev(MERCHANT)),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let server = sim.cloud_base_url().expect("cloud emulation");
    let dir = tempfile::tempdir().unwrap();

    // Another till rings and refunds / voids on the merchant's "default" device.
    let other_cfg = dir.path().join("other.toml");
    let other_data = dir.path().join("other-data");
    cloud_config(&other_cfg, &server, "default");
    for args in [
        vec!["sale", "10.00", "--external-id", "S-REST-R"],
        vec!["refund", "S-REST-R", "--amount", "4.00"],
        vec!["sale", "20.00", "--external-id", "S-REST-V"],
        vec!["void", "S-REST-V"],
    ] {
        let (code, j, err) = till(&other_cfg, &other_data, &args).await;
        assert_eq!(code, 0, "{args:?}: {j} {err}");
    }
    let on_device = |ext: &'static str| {
        let sim = &sim;
        async move { sim.payments("default", ext).await.unwrap().remove(0) }
    };
    let sold = on_device("S-REST-R").await;
    let refund = sold.refunds().remove(0);
    let voided = on_device("S-REST-V").await;

    // Our till runs on device "kitchen", which never saw these sales; its ledger has them
    // approved and a refund and a void whose answers were lost.
    let cfg = dir.path().join("till.toml");
    let data = dir.path().join("data");
    cloud_config(&cfg, &server, "kitchen");
    let key = format!("cloud:{MERCHANT}/kitchen");
    let sent = |ledger: &Ledger, new: NewPayment| {
        let ext = new.external_id.clone();
        ledger.create_payment(new).unwrap();
        ledger
            .transition(
                &ext,
                PaymentState::Sent,
                "REFUND_REQUEST",
                "sent",
                PaymentUpdate::default(),
            )
            .unwrap();
    };
    {
        let ledger = Ledger::open(&data).unwrap();
        approved_sale(&ledger, &key, "S-REST-R", sold.id.as_deref().unwrap(), 1000);
        approved_sale(
            &ledger,
            &key,
            "S-REST-V",
            voided.id.as_deref().unwrap(),
            2000,
        );
        sent(
            &ledger,
            NewPayment::refund("R-REST-1", key.as_str(), "S-REST-R", Cents(400)),
        );
    }
    let (code, j, err) = till(&cfg, &data, &["recover"]).await;
    assert_eq!(code, 0, "{j} {err}");
    assert_eq!(j["recovered"][0]["state"], "approved", "{j}");
    {
        let ledger = Ledger::open(&data).unwrap();
        let r = ledger.get("R-REST-1").unwrap().unwrap();
        assert_eq!(r.state, PaymentState::Approved);
        assert_eq!(r.device_payment_id, refund.id, "the refund Clover shows");
        assert!(
            ledger
                .events("R-REST-1")
                .unwrap()
                .iter()
                .any(|e| e.cause == "REST payments"),
            "decided by REST"
        );
        // A second refund whose request never reached the device: Clover shows no new refund.
        sent(
            &ledger,
            NewPayment::refund("R-REST-2", key.as_str(), "S-REST-R", Cents(300)),
        );
    }
    let (code, j, err) = till(&cfg, &data, &["recover"]).await;
    assert_eq!(code, 0, "{j} {err}");
    assert_eq!(j["recovered"][0]["state"], "not_found", "{j}");
    {
        let ledger = Ledger::open(&data).unwrap();
        sent(
            &ledger,
            NewPayment::void("V-REST-1", key.as_str(), "S-REST-V", Cents(2000)),
        );
    }
    let (code, j, err) = till(&cfg, &data, &["recover"]).await;
    assert_eq!(code, 0, "{j} {err}");
    assert_eq!(j["recovered"][0]["state"], "approved", "{j}");
    let ledger = Ledger::open(&data).unwrap();
    assert_eq!(
        ledger.get("S-REST-V").unwrap().unwrap().state,
        PaymentState::Voided,
        "the sale is voided in the ledger"
    );
    assert!(!err.contains(DEV_ACCESS_TOKEN));
    // Exactly the one refund and one void the device made: nothing was sent again.
    let after = on_device("S-REST-R").await;
    assert_eq!(after.refunds().len(), 1);
    drop(ledger);
    sim.shutdown().await;
}
