//! At TRACE level, secrets and cardholder names never reach the log files, `--json` output or
//! `till decode` output: the OAuth access token (cloud), the pairing token (direct) and the
//! cardholder name the simulator puts in its payments.

mod cli_support;

use cli_support::{Env, Sim, read_tree};

const ACCESS_TOKEN: &str = "CANARY-ACCESS-TOKEN-4b9e1f07c2d8";
const CARDHOLDER: &str = "SIM/CUSTOMER";

#[test]
fn secrets_and_names_stay_out_of_logs_json_and_decode() {
    let dir = tempfile::tempdir().unwrap();
    let frames = dir.path().join("frames.jsonl");
    let frames_arg = frames.to_str().unwrap().to_owned();
    let sim = Sim::start(&[
        "--cloud",
        "--access-token",
        ACCESS_TOKEN,
        "--frames",
        &frames_arg,
    ]);
    let base = sim
        .url
        .replace("ws://", "http://")
        .replace("/remote_pay", "/");

    // Cloud mode: the access token comes from the environment.
    let cloud = Env::new(&format!(
        "[log]\nlevel = \"trace\"\n[device]\nmode = \"cloud\"\n[device.cloud]\nserver = \"{base}\"\nmerchant_id = \"MRCHNT0000001\"\ndevice_id = \"default\"\n"
    ));
    let out = cloud
        .cmd()
        .args(["-v", "sale", "12.05", "--on-signature", "accept", "--json"])
        .env("TILL_ACCESS_TOKEN", ACCESS_TOKEN)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");

    // Direct mode on another device of the same simulator: a pairing token is issued.
    let direct = Env::new("[log]\nlevel = \"trace\"\n");
    let url = format!("{}/lane2", sim.url);
    let (code, json_out, err) = direct.run(&[
        "-v",
        "--device",
        &url,
        "sale",
        "13.05",
        "--on-signature",
        "accept",
        "--json",
    ]);
    assert_eq!(code, 0, "{json_out}{err}");

    // The pairing token the device issued is in the direct POS's ledger (its token store).
    let pairing_token: String = rusqlite::Connection::open(direct.data().join("ledger.sqlite3"))
        .unwrap()
        .query_row("SELECT token FROM pairings", [], |r| r.get(0))
        .expect("a pairing token was issued and saved");
    // The simulator's frame log is redacted too (issue #14): the sale with the cardholder name
    // is in it, the name is not.
    let raw = std::fs::read_to_string(&frames).unwrap();
    assert!(
        raw.contains("cardholderName"),
        "the sale is in the frame log"
    );

    let decoded = cloud.cmd().args(["decode", &frames_arg]).output().unwrap();
    let decoded_json = cloud
        .cmd()
        .args(["decode", "--json", &frames_arg])
        .output()
        .unwrap();
    let logs = format!(
        "{}{}",
        read_tree(&cloud.data().join("logs")),
        read_tree(&direct.data().join("logs"))
    );
    assert!(!logs.is_empty(), "trace logs were written");
    let places = [
        ("sim frame log", raw.clone()),
        ("log files", logs),
        ("sale --json (cloud)", stdout.to_string()),
        ("stderr (cloud)", stderr.to_string()),
        ("sale --json (direct)", json_out),
        ("stderr (direct)", err),
        (
            "till decode",
            String::from_utf8_lossy(&decoded.stdout).into_owned(),
        ),
        (
            "till decode --json",
            String::from_utf8_lossy(&decoded_json.stdout).into_owned(),
        ),
        (
            "ledger",
            read_tree(&cloud.data()).replace(&read_tree(&cloud.data().join("logs")), ""),
        ),
    ];
    for (place, text) in &places {
        for secret in [ACCESS_TOKEN, pairing_token.as_str(), CARDHOLDER] {
            assert!(!text.contains(secret), "{secret:?} leaked into {place}");
        }
    }
}
