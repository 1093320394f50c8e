//! `device.remote_application_id` (issue #12 item 9): a real device needs the app's RAID and
//! `till` says so at start (exit 2, before the ledger is touched); simulators work without it
//! and get the placeholder; a configured RAID is what every POS frame carries.

mod cli_support;

use cli_support::{Env, Sim};

const FAST: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n";

fn assert_missing_raid(env: &Env, args: &[&str]) {
    let (code, out, err) = env.run(args);
    let text = format!("{out}{err}");
    assert_eq!(code, 2, "{args:?}: {text}");
    for word in [
        "device.remote_application_id",
        "RAID",
        "Clover Developer Dashboard",
        "App Settings",
    ] {
        assert!(
            text.contains(word),
            "{args:?}: should name {word:?}: {text}"
        );
    }
    assert!(
        !env.has_ledger(),
        "{args:?}: the ledger must not be created"
    );
}

#[test]
fn a_real_device_without_a_raid_is_refused_at_start() {
    // Direct, to a device on the network (flag and config).
    let env = Env::new(FAST);
    assert_missing_raid(
        &env,
        &[
            "--device",
            "wss://10.0.0.5:12345/remote_pay",
            "sale",
            "1.00",
        ],
    );
    assert_missing_raid(
        &env,
        &[
            "--device",
            "wss://terminal.example:12345/remote_pay",
            "status",
        ],
    );
    let env = Env::new(
        "[device]\nmode = \"direct\"\n[device.direct]\nurl = \"wss://192.168.1.20:12345/remote_pay\"\n",
    );
    assert_missing_raid(&env, &["recover"]);
    // Cloud, through Clover's servers.
    let env = Env::new(
        "[device]\nmode = \"cloud\"\n[device.cloud]\nmerchant_id = \"MRCHNT1\"\ndevice_id = \"DEVICE1\"\naccess_token = \"tok\"\n",
    );
    assert_missing_raid(&env, &["sale", "1.00"]);
}

#[test]
fn the_raid_is_sent_and_simulators_get_the_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("frames.jsonl");
    let sim = Sim::start(&["--frames", log.to_str().unwrap()]);
    let pos_app_ids = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|l| l["dir"] == "pos->device")
            .map(|l| {
                let frame: serde_json::Value =
                    serde_json::from_str(l["frame"].as_str().unwrap()).unwrap();
                frame["remoteApplicationID"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };

    // A simulator on this machine works without a RAID: the placeholder is sent.
    let env = Env::new(FAST);
    let (code, _, err) = env.run(&["--device", &sim.url, "sale", "1.00"]);
    assert_eq!(code, 0, "{err}");
    let ids = pos_app_ids();
    assert!(!ids.is_empty());
    assert!(
        ids.iter().all(|id| id.starts_with("com.till.pos:")),
        "{ids:?}"
    );

    // A configured RAID is sent in every POS frame.
    std::fs::write(&log, "").unwrap();
    let env = Env::new(&format!(
        "{FAST}[device]\nremote_application_id = \"DEVID12345678.APPID1234567\"\n"
    ));
    let (code, _, err) = env.run(&["--device", &sim.url, "sale", "1.00"]);
    assert_eq!(code, 0, "{err}");
    let ids = pos_app_ids();
    assert!(!ids.is_empty());
    assert!(
        ids.iter().all(|id| id == "DEVID12345678.APPID1234567"),
        "{ids:?}"
    );
    let (code, out, _) = env.run(&["config"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("device.remote_application_id = \"DEVID12345678.APPID1234567\""),
        "{out}"
    );

    // The embedded simulator too.
    let env = Env::new(FAST);
    let (code, _, err) = env.run(&["--device", "sim", "sale", "1.00"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_bad_raid_is_a_located_config_error() {
    let env = Env::new("[device]\nremote_application_id = \"has spaces in it\"\n");
    let (code, out, err) = env.run(&["--device", "sim", "sale", "1.00"]);
    let text = format!("{out}{err}");
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("device.remote_application_id"), "{text}");
    assert!(text.contains("till.toml:2"), "{text}");
}
