//! The connector in cloud mode against the simulator's emulated Clover cloud on loopback:
//! alert, OPTIONS probe, the proxy WebSocket with the access token as sub-protocol, "already
//! connected", force connect, refused credentials. The access token never shows in events.

mod connector_support;

use connector_support::{Till, auto_sim, fast, sale, sim};
use till::connector::{
    CloudSettings, CommandError, ConnectorSettings, DeviceErrorCode, DeviceInput, DisconnectReason,
    Secret,
};
use till::device::DeviceCommand;
use till::protocol::CLOUD_PACKAGE;
use till::protocol::Sender;
use till::sim::{CloudConfig, DEV_ACCESS_TOKEN, Simulator};

const MERCHANT: &str = "MRCHNT0000001";

async fn cloud_sim() -> Simulator {
    let mut config = auto_sim();
    config.cloud = Some(CloudConfig::dev(MERCHANT));
    sim(config).await
}

fn cloud(sim: &Simulator, friendly: &str, token: &str) -> ConnectorSettings {
    let mut c = CloudSettings::new(MERCHANT, "default", Secret::new(token), friendly);
    c.server = sim.cloud_base_url().expect("cloud emulation on");
    fast(ConnectorSettings::cloud(c))
}

fn start(settings: ConnectorSettings) -> Till {
    Till::start_fresh(settings)
}

async fn device_error(till: &mut Till, code: DeviceErrorCode) -> String {
    till.wait("DeviceError", |e| match e {
        DeviceInput::DeviceError { code: c, message } if *c == code => Some(message.clone()),
        DeviceInput::Ready(_) => panic!("must not get ready"),
        _ => None,
    })
    .await
}

async fn stopped(till: &mut Till) -> DisconnectReason {
    till.wait("stopped", |e| match e {
        DeviceInput::Disconnected(till::device::Disconnect {
            reason,
            retry_in: None,
        }) => Some(reason.clone()),
        DeviceInput::Disconnected(till::device::Disconnect {
            retry_in: Some(_),
            reason,
        }) => panic!("no reconnect expected: {reason}"),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn cloud_sale_without_pairing_and_without_leaking_the_token() {
    let sim = cloud_sim().await;
    let mut till = start(cloud(&sim, "lane-1", DEV_ACCESS_TOKEN));
    let merchant = till.ready().await;
    assert_eq!(merchant.merchant_id, MERCHANT);
    assert!(
        till.position(|e| matches!(e, DeviceInput::PairingCode(_) | DeviceInput::Paired))
            .is_none()
    );

    till.handle
        .send(DeviceCommand::Sale(sale(1003)))
        .await
        .unwrap();
    let (payment, _) = till
        .wait("ConfirmPayment", |e| match e {
            DeviceInput::ConfirmPayment {
                payment,
                challenges,
            } => Some((payment.clone(), challenges.clone())),
            _ => None,
        })
        .await;
    till.handle
        .send(DeviceCommand::AcceptPayment(payment.clone()))
        .await
        .unwrap();
    let r = till.finished().await;
    assert!(r.succeeded(), "{r:?}");

    let sent = till
        .log
        .iter()
        .find_map(|e| match e {
            DeviceInput::Frame {
                direction,
                method,
                text,
                ..
            } if *direction == Sender::Pos && method.as_deref() == Some("TX_START") => {
                Some(text.clone())
            }
            _ => None,
        })
        .expect("TX_START frame");
    assert!(sent.contains(CLOUD_PACKAGE), "{sent}");
    let everything =
        format!("{:?}", till.log) + &till.log.iter().map(|e| e.to_string()).collect::<String>();
    assert!(
        !everything.contains(DEV_ACCESS_TOKEN),
        "the access token leaked into events"
    );
    till.dispose().await;
}

#[tokio::test]
async fn already_connected_is_refused_then_force_connect_takes_over() {
    let sim = cloud_sim().await;
    let mut first = start(cloud(&sim, "lane-1", DEV_ACCESS_TOKEN));
    first.ready().await;

    let mut second = start(cloud(&sim, "lane-2", DEV_ACCESS_TOKEN));
    let message = device_error(&mut second, DeviceErrorCode::AccessDenied).await;
    assert!(
        message.contains("already connected to 'lane-1'"),
        "{message}"
    );
    assert!(message.contains("force_connect = true"), "{message}");
    stopped(&mut second).await;
    assert!(matches!(
        second.handle.send(DeviceCommand::ShowWelcome).await,
        Err(CommandError::NotConnected(_))
    ));
    // The first terminal is untouched.
    first
        .handle
        .send(DeviceCommand::ShowWelcome)
        .await
        .expect("lane-1 still connected");

    let mut settings = cloud(&sim, "lane-3", DEV_ACCESS_TOKEN);
    if let till::connector::TransportSettings::Cloud(c) = &mut settings.transport {
        c.force_connect = true;
    }
    let mut third = start(settings);
    third.ready().await;
    let message = device_error(&mut first, DeviceErrorCode::Interrupted).await;
    assert!(message.contains("'lane-3'"), "{message}");
    let reason = stopped(&mut first).await;
    assert_eq!(
        reason,
        DisconnectReason::ForceConnected {
            by: Some("lane-3".into())
        }
    );
    assert!(matches!(
        first.handle.send(DeviceCommand::ShowWelcome).await,
        Err(CommandError::NotConnected(_))
    ));
    third
        .handle
        .send(DeviceCommand::ShowWelcome)
        .await
        .expect("lane-3 holds the device");

    first.dispose().await;
    second.dispose().await;
    third.dispose().await;
}

#[tokio::test]
async fn refused_credentials_stop_with_advice() {
    let sim = cloud_sim().await;
    let mut bad_token = start(cloud(&sim, "lane-1", "not-the-right-access-token"));
    let message = device_error(&mut bad_token, DeviceErrorCode::AccessDenied).await;
    assert!(message.contains("cloud.access_token"), "{message}");
    assert!(!message.contains("not-the-right-access-token"), "{message}");
    stopped(&mut bad_token).await;

    let mut c = CloudSettings::new(
        "NOSUCHMERCHANT",
        "default",
        Secret::new(DEV_ACCESS_TOKEN),
        "lane-1",
    );
    c.server = sim.cloud_base_url().unwrap();
    let mut bad_merchant = start(fast(ConnectorSettings::cloud(c)));
    let message = device_error(&mut bad_merchant, DeviceErrorCode::Cloud).await;
    assert!(
        message.contains("404") && message.contains("cloud.merchant_id"),
        "{message}"
    );
    stopped(&mut bad_merchant).await;

    bad_token.dispose().await;
    bad_merchant.dispose().await;
}

#[tokio::test]
async fn cloud_over_https_and_wss_with_the_simulators_ca() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = auto_sim();
    config.cloud = Some(CloudConfig::dev(MERCHANT));
    config.tls = true;
    config.ca_out = Some(dir.path().join("ca.pem"));
    let sim = sim(config).await;
    assert!(sim.cloud_base_url().unwrap().starts_with("https://"));
    let mut settings = cloud(&sim, "lane-1", DEV_ACCESS_TOKEN);
    settings.ca_file = sim.ca_pem_path().map(|p| p.to_owned());
    let mut till = start(settings);
    till.ready().await;
    till.handle
        .send(DeviceCommand::Sale(sale(1000)))
        .await
        .unwrap();
    assert!(till.finished().await.succeeded());
    till.dispose().await;
}
