//! A hostile device (issue #14, items 1 and 4): a scripted WebSocket device on 127.0.0.1 sends
//! frames a real one never would — maximum-size screens, an over-size frame, a huge pairing
//! token, escape sequences in every text a POS shows — and `till` keeps its memory bounded,
//! refuses what is over its caps with a reason, recovers the connection, and never lets an
//! escape sequence reach the terminal.

mod cli_support;
mod connector_support;
mod hostile_frames_support;

use std::sync::Arc;
use std::time::Duration;

use connector_support::{Till, fast, token_file};
use hostile_frames_support::{
    HostileDevice, Incoming, frame, has_terminal_controls, payment, standard,
};
use serde_json::{Value, json};
use till::app::{AppSettings, Event, State};
use till::connector::transport::MAX_FRAME_BYTES;
use till::connector::{ConnectorSettings, DeviceErrorCode, DeviceInput, DisconnectReason};
use till::protocol::redact::MAX_KEPT_FRAME_BYTES;
use till::protocol::summary::MAX_SUMMARY_BYTES;

/// Maximum-size screens the device sends after the first discovery.
const BIG_FRAMES: usize = 24;

/// A UI_STATE frame whose screen text makes the whole frame just under the cap.
fn max_size_ui_state(i: usize) -> String {
    let empty = frame(
        "UI_STATE",
        json!({"uiState": "START", "uiDirection": "ENTER", "uiText": ""}),
    );
    let room = MAX_FRAME_BYTES - empty.len() - 16;
    frame(
        "UI_STATE",
        json!({"uiState": "START", "uiDirection": "ENTER", "uiText": format!("{i:08}{}", "W".repeat(room))}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_frames_are_refused_the_connection_recovers_and_kept_bytes_are_bounded() {
    let huge_token = "T".repeat(100_000);
    let token_for_script = huge_token.clone();
    let script = Arc::new(
        move |inc: &Incoming<'_>| match (inc.method, inc.connection) {
            ("DISCOVERY_REQUEST", 1) => {
                let mut out = standard("DISCOVERY_REQUEST", 1);
                out.extend((0..BIG_FRAMES).map(max_size_ui_state));
                // One byte-for-byte over the cap: refused, the connection is dropped.
                let over = frame(
                    "UI_STATE",
                    json!({"uiState": "START", "uiText": "O".repeat(MAX_FRAME_BYTES)}),
                );
                out.push(over);
                Some(out)
            }
            // On the next connection, pairing hands out a token far over the token cap.
            ("PAIRING_REQUEST", 2) => Some(vec![frame(
                "PAIRING_RESPONSE",
                json!({"pairingState": "PAIRED", "authenticationToken": token_for_script}),
            )]),
            _ => None,
        },
    );
    let device = hostile_frames_support::start(script).await;
    let (_dir, tokens) = token_file();
    let mut settings = fast(ConnectorSettings::direct(&device.url));
    // Megabytes of JSON take a debug build a while: no heartbeat may end the connection first.
    settings.heartbeat_interval = Duration::from_secs(5);
    settings.heartbeat_timeout = Duration::from_secs(120);
    let mut till = Till::start(settings, tokens);
    till.ready().await;
    let first_token = till.saved_token().expect("first token saved");

    // The over-size frame ends the connection (the first end of it) with a reason naming the cap…
    let reason = till
        .wait("the over-size frame refused", |e| match e {
            DeviceInput::Disconnected(till::device::Disconnect { reason, .. }) => {
                Some(reason.clone())
            }
            _ => None,
        })
        .await;
    let DisconnectReason::Closed { reason, .. } = reason else {
        panic!("the connection ended otherwise: {reason:?}");
    };
    assert!(
        reason.contains(&format!("over the {MAX_FRAME_BYTES}-byte limit")),
        "{reason}"
    );
    // … and the connector comes back: paired again, ready again.
    till.ready().await;
    let token_problem = till
        .log
        .iter()
        .find_map(|e| match e {
            DeviceInput::DeviceError {
                code: DeviceErrorCode::TokenStore,
                message,
            } => Some(message.clone()),
            _ => None,
        })
        .expect("the huge token was reported");
    assert!(
        token_problem.contains("at most 1024 are kept"),
        "{token_problem}"
    );
    assert_eq!(
        till.saved_token().as_deref(),
        Some(first_token.as_str()),
        "the huge token was neither saved nor kept"
    );
    let log = till.dispose().await;

    // What the frames inspector keeps: every tap capped, every summary capped.
    let taps: Vec<(&String, &String)> = log
        .iter()
        .filter_map(|e| match e {
            DeviceInput::Frame { text, summary, .. } => Some((text, summary)),
            _ => None,
        })
        .collect();
    assert!(taps.len() > BIG_FRAMES, "{} taps", taps.len());
    for (text, summary) in &taps {
        assert!(text.len() <= MAX_KEPT_FRAME_BYTES, "{}", text.len());
        assert!(!text.contains(&huge_token[..2000]), "huge token in a tap");
        assert!(
            !summary.contains(&huge_token[..2000]),
            "huge token in a summary"
        );
    }
    let mut state = State::new(AppSettings::default());
    let mut frames_seen = 0;
    for input in log {
        if matches!(input, DeviceInput::Frame { .. }) {
            frames_seen += 1;
        }
        let _ = till::app::update(&mut state, Event::Device(input));
    }
    let kept_frames: usize = state.frames().iter().map(|(_, s)| s.len()).sum();
    let kept_text = state.device_text().as_ref().map_or(0, String::len);
    let per_frame_bound = MAX_SUMMARY_BYTES + 64;
    assert!(
        kept_frames <= frames_seen * per_frame_bound,
        "{kept_frames} bytes kept for {frames_seen} frames"
    );
    assert!(kept_text <= MAX_FRAME_BYTES, "{kept_text}");
    // 60 maximum-size frames (60 MiB on the wire) leave well under a MiB of summaries.
    assert!(kept_frames < 1 << 20, "{kept_frames}");
}

/// Screen-painting text: clear, home, red, a fake approval, a title change, an 8-bit CSI.
const PAINT: &str =
    "\u{1b}[2J\u{1b}[H\u{1b}[1;31mAPPROVED $1,000,000\u{1b}[0m\u{1b}]0;pwned\u{7}\u{9b}5m";

/// The external id the POS put in its TX_START.
fn external_id(payload: &Value) -> String {
    payload["payIntent"]["externalPaymentId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn tx_start_ok(ext: &str) -> String {
    frame(
        "TX_START_RESPONSE",
        json!({"success": true, "result": "SUCCESS", "externalPaymentId": ext, "requestInfo": "SALE"}),
    )
}

/// The three ways a device's text reaches the operator in a sale.
fn painting_script(kind: &'static str) -> hostile_frames_support::Script {
    Arc::new(move |inc: &Incoming<'_>| {
        if inc.method != "TX_START" {
            return None;
        }
        let ext = external_id(inc.payload);
        Some(match kind {
            "tx_start_response" => vec![frame(
                "TX_START_RESPONSE",
                json!({"success": false, "result": "FAIL", "reason": PAINT, "message": PAINT,
                       "externalPaymentId": ext, "requestInfo": "SALE"}),
            )],
            "challenge" => vec![
                tx_start_ok(&ext),
                frame(
                    "CONFIRM_PAYMENT_MESSAGE",
                    json!({"payment": payment(&ext, 1000, "VISA", "123456"),
                           "challenges": [{"type": "DUPLICATE_CHALLENGE", "message": PAINT}]}),
                ),
            ],
            _ => vec![
                tx_start_ok(&ext),
                frame(
                    "FINISH_OK",
                    json!({"payment": payment(&ext, 1000, PAINT, PAINT), "requestInfo": "SALE"}),
                ),
            ],
        })
    })
}

/// Runs `till` with `args` against `device`; (exit code, stdout, stderr).
async fn run_till(
    env: &cli_support::Env,
    device: &HostileDevice,
    args: &[&str],
) -> (i32, String, String) {
    let mut cmd = env.cmd();
    cmd.arg("--device").arg(&device.url).args(args);
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || cmd.output().unwrap()),
    )
    .await
    .expect("till finished")
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_from_the_device_never_reach_the_terminal() {
    for kind in ["tx_start_response", "challenge", "finish_ok"] {
        for json_mode in [false, true] {
            let device = hostile_frames_support::start(painting_script(kind)).await;
            let env = cli_support::Env::new("");
            let mut args = vec!["sale", "10.00", "--on-challenge", "ask"];
            if json_mode {
                args.push("--json");
            }
            let (code, stdout, stderr) = run_till(&env, &device, &args).await;
            let story = format!(
                "{kind} json={json_mode} exit {code}\nstdout: {stdout:?}\nstderr: {stderr:?}"
            );
            assert!(
                device
                    .received
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|m| m == "TX_START"),
                "the sale never reached the device: {story}"
            );
            assert!(!has_terminal_controls(&stdout), "stdout: {story}");
            assert!(!has_terminal_controls(&stderr), "stderr: {story}");
            assert!(!stdout.is_empty() || !stderr.is_empty(), "{story}");
            // No approval was made up from the painted text of a failed start.
            if kind == "tx_start_response" {
                assert_ne!(code, 0, "{story}");
            }
            if kind == "challenge" && !json_mode {
                assert!(
                    stderr.contains("DUPLICATE_CHALLENGE"),
                    "the question is asked: {story}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decode_escapes_and_redacts_what_the_device_sent() {
    let device = hostile_frames_support::start(painting_script("finish_ok")).await;
    let env = cli_support::Env::new("");
    let _ = run_till(&env, &device, &["sale", "10.00", "--json"]).await;
    let mut sent = device.sent.lock().unwrap().clone();
    // A frame with secrets by pattern too.
    sent.push(frame(
        "VENDOR_DIAGNOSTICS",
        json!({"uiText": PAINT, "authToken": "abcd-secret-auth-token-42", "token_value": "zyxw-987654321",
               "clientSecret": "very-secret-1", "merchantPassword": "hunter2hunter2",
               "note": "card 4111 1111 1111 1111"}),
    ));
    let file = env.dir.path().join("frames.jsonl");
    std::fs::write(&file, sent.join("\n")).unwrap();
    let file = file.to_str().unwrap().to_owned();
    for json_mode in [false, true] {
        let mut cmd = env.cmd();
        cmd.arg("decode").arg(&file);
        if json_mode {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!has_terminal_controls(&stdout), "{stdout:?}");
        assert!(!has_terminal_controls(&stderr), "{stderr:?}");
        assert!(stdout.contains("FINISH_OK"), "{stdout}");
        assert!(
            stdout.contains("APPROVED $1,000,000"),
            "text kept, escapes gone: {stdout}"
        );
        for secret in [
            "hostile-token-1-0123456789",
            "secret-auth-token-42",
            "987654321",
            "very-secret-1",
            "hunter2hunter2",
            "1111 1111 1111",
        ] {
            assert!(
                !stdout.contains(secret),
                "{secret} in decode (json={json_mode}): {stdout}"
            );
        }
        if json_mode {
            assert!(stdout.contains("\"authToken\":\"abcd…\""), "{stdout}");
            assert!(
                stdout.contains("\"clientSecret\":\"[redacted]\""),
                "{stdout}"
            );
            assert!(stdout.contains("card [redacted]"), "{stdout}");
            for line in stdout.lines() {
                serde_json::from_str::<Value>(line).expect("one JSON object a line");
            }
        }
    }
}
