//! `till receipt EXTERNAL_ID --print-on-device` (issue #18 item 4): a real `till` process rings
//! an order and prints its receipt on a real `till sim` process's printer, in both device
//! profiles: the sim's printed log holds exactly the receipt's lines, the job is reported DONE
//! (exit 0, `--json`), and an unknown id (exit 2) or an unreachable device (exit 3) says so.

mod cli_support;

use std::time::{Duration, Instant};

use cli_support::{Env, Sim};

const CONFIG: &str = "[connection]\nready_timeout_ms = 5000\nresponse_timeout_ms = 3000\n\
[sale]\ntax_rate = \"10\"\norder_title = \"Corner Bakery\"\n";

/// The lines the simulated printer printed, from its notes (`[device]   | line`).
fn printed(notes: &std::path::Path, want: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read_to_string(notes).unwrap_or_default();
        let lines: Vec<String> = text
            .lines()
            .filter_map(|l| l.split_once("]   | ").map(|(_, rest)| rest.to_owned()))
            .collect();
        if lines.len() >= want || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_receipt_prints_on_the_devices_printer_in_both_profiles() {
    for profile in ["default", "real"] {
        let env = Env::new(CONFIG);
        let notes = env.dir.path().join("sim-notes.txt");
        let sim = Sim::start_with_notes(&["--profile", profile], &notes);
        let (code, j) = env.json(&[
            "--device",
            &sim.url,
            "sale",
            "--item",
            "Coffee=3.50",
            "--item",
            "Tea=2.00x3",
            "--external-id",
            "PRINTME1",
        ]);
        assert_eq!(
            (code, j["state"].as_str()),
            (0, Some("approved")),
            "{profile}: {j}"
        );

        let (code, receipt, err) = env.run(&["receipt", "PRINTME1"]);
        assert_eq!(code, 0, "{err}");
        let want: Vec<String> = receipt
            .lines()
            .map(|l| l.chars().filter(|c| !c.is_control()).collect())
            .collect();

        let (code, j) = env.json(&[
            "--device",
            &sim.url,
            "receipt",
            "PRINTME1",
            "--print-on-device",
        ]);
        assert_eq!(code, 0, "{profile}: {j}");
        assert_eq!(j["printed"], true, "{j}");
        assert_eq!(j["status"], "DONE", "{j}");
        assert_eq!(j["external_id"], "PRINTME1", "{j}");
        assert_eq!(j["lines"], want.len(), "{j}");
        let job = j["job_id"].as_str().unwrap();
        assert!(job.starts_with("TILL") && job.len() == 32, "{j}");

        let got = printed(&notes, want.len());
        assert_eq!(got, want, "{profile}: the printed log is the receipt");
        let all = std::fs::read_to_string(&notes).unwrap();
        assert!(all.contains(&format!("printed job '{job}'")), "{all}");

        // Human output says the same.
        let (code, out, err) = env.run(&[
            "--device",
            &sim.url,
            "receipt",
            "PRINTME1",
            "--print-on-device",
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("The receipt of PRINTME1 printed on the device"),
            "{out}"
        );
    }
}

#[test]
fn an_unknown_payment_or_an_unreachable_device_is_said_with_its_exit_code() {
    let env = Env::new(CONFIG);
    let sim = Sim::start(&[]);
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "receipt",
        "NOSUCHPAYMENT",
        "--print-on-device",
    ]);
    assert_eq!(code, 2, "{j}");
    assert!(j["error"].as_str().unwrap().contains("till history"), "{j}");
    let (code, j) = env.json(&[
        "--device",
        &sim.url,
        "sale",
        "5.00",
        "--external-id",
        "PRINTME2",
    ]);
    assert_eq!(code, 0, "{j}");
    drop(sim);
    // Nothing listens there any more.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("ws://{}/remote_pay", l.local_addr().unwrap())
    };
    let fast = CONFIG.replace("ready_timeout_ms = 5000", "ready_timeout_ms = 1500");
    env.write_config(&fast);
    let (code, j) = env.json(&[
        "--device",
        &dead,
        "receipt",
        "PRINTME2",
        "--print-on-device",
    ]);
    assert_eq!(code, 3, "{j}");
    assert_eq!(j["command"], "receipt", "{j}");
    // Without the flag the receipt still prints to stdout, and --json carries its text.
    let (code, j) = env.json(&["receipt", "PRINTME2"]);
    assert_eq!(code, 0, "{j}");
    assert!(j["text"].as_str().unwrap().contains("PRINTME2"), "{j}");
}
