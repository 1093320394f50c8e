//! Two POS on one direct device (#13 items 7, 8): the POS that was taken over says so and waits
//! the longest backoff instead of grabbing the device back every second, and the operator can
//! make it connect now.

mod connector_support;

use std::time::Duration;

use connector_support::*;
use till::connector::{ConnectorSettings, DeviceInput, DisconnectReason};
use till::device::DeviceCommand;

fn disconnected(e: &DeviceInput) -> Option<(DisconnectReason, Option<Duration>)> {
    match e {
        DeviceInput::Disconnected(till::device::Disconnect { reason, retry_in }) => {
            Some((reason.clone(), *retry_in))
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_taken_over_backs_off_to_the_cap_and_reconnects_when_asked() {
    let sim = sim(auto_sim()).await;
    let mut first = fast(ConnectorSettings::direct(sim.url()));
    first.reconnect_cap = Duration::from_secs(60);
    let mut a = Till::start_fresh(first);
    a.ready().await;

    let mut second = fast(ConnectorSettings::direct(sim.url()));
    second.serial_number = "LANE-2".into();
    let mut b = Till::start_fresh(second);
    b.ready().await;

    let (reason, retry_in) = a.wait("Disconnected", disconnected).await;
    assert!(
        matches!(reason, DisconnectReason::TakenOver { .. }),
        "{reason:?}\n{}",
        a.story()
    );
    assert!(
        reason
            .to_string()
            .starts_with("another POS took the device"),
        "{reason}"
    );
    let retry_in = retry_in.expect("it will retry, later");
    assert!(retry_in >= Duration::from_secs(30), "{retry_in:?}");

    // The second POS keeps the device: nobody grabs it back meanwhile.
    let quiet = tokio::time::timeout(
        Duration::from_millis(1500),
        b.wait("Disconnected", disconnected),
    )
    .await;
    assert!(quiet.is_err(), "taken back at once:\n{}", b.story());

    // The operator asks (`c` on the status screen): it connects now, not in a minute.
    a.handle
        .send(DeviceCommand::Reconnect)
        .await
        .expect("reconnect asked");
    tokio::time::timeout(Duration::from_secs(5), a.ready())
        .await
        .unwrap_or_else(|_| panic!("no reconnect on request:\n{}", a.story()));

    a.dispose().await;
    b.dispose().await;
    sim.shutdown().await;
}
