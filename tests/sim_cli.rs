//! The `till sim` binary: exactly one `listening on <url>` line on stdout, a working server
//! behind it, stdin commands answered on stderr, and usage errors.

mod sim_support;

use sim_support::{PATIENCE, Pos, SimProcess, spawn_till_sim};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn till_sim_prints_exactly_the_listening_line_and_serves() {
    let SimProcess {
        mut child,
        url,
        mut stdout,
    } = spawn_till_sim(&["--seed", "1"]).await;
    let port = url
        .strip_prefix("ws://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/remote_pay"))
        .unwrap_or_else(|| panic!("unexpected URL: {url}"));
    assert!(port.parse::<u16>().is_ok_and(|p| p > 0), "{url}");

    let mut pos = Pos::connect(&url).await;
    pos.pair(None).await;
    pos.discover().await;

    // A command that does not apply is explained on stderr; stdout stays silent.
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"sign\nfrobnicate\n")
        .await
        .expect("write stdin");
    drop(stdin); // EOF keeps the server running
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut saw_unknown = false;
    while let Ok(Ok(Some(line))) = tokio::time::timeout(PATIENCE, stderr.next_line()).await {
        if line.contains("unknown command 'frobnicate'") {
            saw_unknown = true;
        }
        if line.contains("stdin closed") {
            break;
        }
    }
    assert!(saw_unknown, "stderr explains an unknown command");
    pos.start_sale(1200, "EXTCLI000001").await;
    pos.expect("FINISH_OK").await;

    // Ctrl-C (SIGINT) stops it cleanly.
    let pid = child.id().expect("running").to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(sent.success());
    let status = tokio::time::timeout(PATIENCE, child.wait())
        .await
        .expect("stops in time")
        .expect("wait");
    assert_eq!(status.code(), Some(0), "clean exit on Ctrl-C");
    let rest = tokio::time::timeout(PATIENCE, stdout.next_line())
        .await
        .expect("stdout closes")
        .expect("read");
    assert_eq!(rest, None, "nothing else on stdout");
}

#[tokio::test]
async fn till_sim_rejects_bad_flags_with_usage_errors() {
    for args in [
        vec!["sim", "--fault", "gremlins"],
        vec!["sim", "--ca-out", "x.pem"],
        vec!["sim", "--listen", "not-an-address"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_till"))
            .args(&args)
            .output()
            .await
            .expect("till runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}
