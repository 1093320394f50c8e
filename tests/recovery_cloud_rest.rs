//! Cloud mode: when the idle device has no payment with our external id, recovery also asks
//! Clover's REST payments endpoint (the simulator emulates it) before recording `not_found`.

use std::process::Command;

use till::ledger::{Ledger, NewPayment, PaymentState, PaymentUpdate};
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
