//! The connector when things go wrong, against the real simulator on loopback: a connection
//! dropped mid-sale, a half-open device, a device that never becomes ready, refused pairing,
//! and TLS (`wss://` with the simulator's CA, and a wrong CA refused with a clear message).

mod connector_support;

use connector_support::{Till, auto_sim, fast, sale, sim, token_file};
use till::connector::{
    CommandError, ConnectorSettings, DeviceErrorCode, DeviceInput, DisconnectReason,
};
use till::device::DeviceCommand;
use till::protocol::ExternalDeviceState;
use till::sim::CustomerAction;
use till::sim::device::CustomerMode;

#[tokio::test]
async fn connection_dropped_mid_sale_reconnects_and_the_result_is_recovered() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    let request = sale(1006);
    till.handle
        .send(DeviceCommand::Sale(request.clone()))
        .await
        .unwrap();
    let reason = till
        .wait("Disconnected", |e| match e {
            DeviceInput::FinishOk { payment, .. } => {
                panic!("the device dropped before FINISH_OK, got {payment:?}")
            }
            DeviceInput::Disconnected(till::device::Disconnect {
                reason,
                retry_in: Some(_),
            }) => Some(reason.clone()),
            DeviceInput::Disconnected(till::device::Disconnect { retry_in: None, .. }) => {
                panic!("the connector must reconnect")
            }
            _ => None,
        })
        .await;
    assert!(
        matches!(reason, DisconnectReason::Closed { .. }),
        "{reason:?}"
    );
    till.wait("Connecting again", |e| {
        matches!(e, DeviceInput::Connecting { .. }).then_some(())
    })
    .await;
    till.ready().await;

    // Recovery: the device re-sends the sale's FINISH_OK on request.
    till.handle
        .send(DeviceCommand::DeviceStatus {
            send_last_message: true,
        })
        .await
        .expect("connected again");
    let result = till.finished().await;
    assert!(result.succeeded(), "{result:?}");
    assert_eq!(
        result
            .payment()
            .and_then(|p| p.external_payment_id.as_deref()),
        Some(request.external_id())
    );
    till.dispose().await;
}

#[tokio::test]
async fn half_open_device_is_detected_and_the_connector_reconnects() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    till.handle
        .send(DeviceCommand::Sale(sale(1010)))
        .await
        .unwrap();
    till.wait("TxStartResponse", |e| {
        matches!(e, DeviceInput::TxStartResponse { .. }).then_some(())
    })
    .await;
    let reason = till
        .wait("Disconnected", |e| match e {
            DeviceInput::Disconnected(till::device::Disconnect {
                reason,
                retry_in: Some(_),
            }) => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(
        matches!(reason, DisconnectReason::HeartbeatTimeout { .. }),
        "{reason:?}"
    );
    assert!(reason.to_string().contains("stopped answering"), "{reason}");
    till.ready().await;
    till.handle
        .send(DeviceCommand::DeviceStatus {
            send_last_message: false,
        })
        .await
        .expect("usable again");
    till.dispose().await;
}

#[tokio::test]
async fn a_device_that_never_gets_ready_is_reported() {
    let mut config = auto_sim();
    config.device.faults.never_ready = true;
    let sim = sim(config).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);

    till.wait("NotReady", |e| {
        // The device answered discovery, saying it is not ready.
        matches!(e, DeviceInput::NotReady(why) if why.contains("says it is not ready"))
            .then_some(())
    })
    .await;
    let e = till
        .handle
        .send(DeviceCommand::Sale(sale(1000)))
        .await
        .unwrap_err();
    assert!(matches!(e, CommandError::NotConnected(_)), "{e}");
    let message = till
        .wait("DeviceError NotReady", |e| match e {
            DeviceInput::DeviceError {
                code: DeviceErrorCode::NotReady,
                message,
            } => Some(message.clone()),
            DeviceInput::Ready(_) => panic!("the device never says ready"),
            _ => None,
        })
        .await;
    assert!(message.contains("has not been ready for 2 s"), "{message}");
    assert!(
        till.position(|e| matches!(e, DeviceInput::TxStartResponse { .. }))
            .is_none()
    );
    till.dispose().await;
}

#[tokio::test]
async fn refused_pairing_is_retried_then_a_new_code_is_shown() {
    let mut config = auto_sim();
    config.device.customer = CustomerMode::Manual;
    let sim = sim(config).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);

    let code = |e: &DeviceInput| match e {
        DeviceInput::PairingCode(c) => Some(c.clone()),
        _ => None,
    };
    till.wait("first code", code).await;
    sim.act("default", CustomerAction::RejectPairing)
        .await
        .expect("code on screen");
    // FAILED → the connector asks again once → a new code.
    till.wait("second code", code).await;
    sim.act("default", CustomerAction::RejectPairing)
        .await
        .expect("code on screen");
    let message = till
        .wait("PairingFailed", |e| match e {
            DeviceInput::DeviceError {
                code: DeviceErrorCode::PairingFailed,
                message,
            } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(message.contains("refused"), "{message}");
    // A new connection, a new code; this time the merchant types it right.
    till.wait("third code", code).await;
    sim.act("default", CustomerAction::ApprovePairing)
        .await
        .expect("code on screen");
    till.wait("Paired", |e| matches!(e, DeviceInput::Paired).then_some(()))
        .await;
    till.ready().await;
    assert!(till.saved_token().is_some());
    till.dispose().await;
}

fn tls_sim(dir: &std::path::Path) -> till::sim::SimConfig {
    let mut config = auto_sim();
    config.tls = true;
    config.ca_out = Some(dir.join("sim-ca.pem"));
    config
}

#[tokio::test]
async fn wss_with_the_simulators_ca_pairs_and_sells() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(tls_sim(dir.path())).await;
    assert!(sim.url().starts_with("wss://"));
    let (_tdir, tokens) = token_file();
    let mut settings = fast(ConnectorSettings::direct(sim.url()));
    settings.ca_file = Some(sim.ca_pem_path().expect("CA written").to_owned());
    let mut till = Till::start(settings, tokens);
    till.ready().await;
    till.handle
        .send(DeviceCommand::Sale(sale(1005)))
        .await
        .unwrap();
    let payment = till
        .wait("VerifySignature", |e| match e {
            DeviceInput::VerifySignature { payment, .. } => Some(payment.clone()),
            _ => None,
        })
        .await;
    till.handle
        .send(DeviceCommand::AcceptSignature(payment.clone()))
        .await
        .unwrap();
    assert!(till.finished().await.succeeded());
    till.handle
        .send(DeviceCommand::DeviceStatus {
            send_last_message: false,
        })
        .await
        .unwrap();
    let status = till
        .wait("status", |e| match e {
            DeviceInput::DeviceStatus { state, .. } => Some(state.clone()),
            _ => None,
        })
        .await;
    assert_eq!(status, ExternalDeviceState::Idle);
    till.dispose().await;
}

#[tokio::test]
async fn a_wrong_ca_is_refused_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(tls_sim(dir.path())).await;

    // Some other CA, not the one that signed the simulator's certificate.
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let other = params.self_signed(&key).unwrap();
    let wrong = dir.path().join("other-ca.pem");
    std::fs::write(&wrong, other.pem()).unwrap();

    let (_tdir, tokens) = token_file();
    let mut settings = fast(ConnectorSettings::direct(sim.url()));
    settings.ca_file = Some(wrong.clone());
    let mut till = Till::start(settings, tokens);
    let message = till
        .wait("Tls error", |e| match e {
            DeviceInput::DeviceError {
                code: DeviceErrorCode::Tls,
                message,
            } => Some(message.clone()),
            DeviceInput::Ready(_) => panic!("must not connect with the wrong CA"),
            _ => None,
        })
        .await;
    assert_eq!(
        message,
        format!(
            "the device's certificate is not signed by any CA in {}: set ca_file to the CA that signed it",
            wrong.display()
        )
    );
    // No reconnect storm: the connector stops and says so.
    till.wait("stopped", |e| match e {
        DeviceInput::Disconnected(till::device::Disconnect {
            reason: DisconnectReason::Fatal(_),
            retry_in: None,
        }) => Some(()),
        DeviceInput::Disconnected(till::device::Disconnect {
            retry_in: Some(_), ..
        }) => panic!("a TLS trust problem is not retried"),
        _ => None,
    })
    .await;
    let e = till
        .handle
        .send(DeviceCommand::ShowWelcome)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not signed by any CA"), "{e}");

    // Without a CA file only public roots are trusted: refused too, with advice.
    let (_t2, tokens) = token_file();
    let mut till2 = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    let message = till2
        .wait("Tls error", |e| match e {
            DeviceInput::DeviceError {
                code: DeviceErrorCode::Tls,
                message,
            } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(message.contains("set ca_file"), "{message}");
    till.dispose().await;
    till2.dispose().await;
}

#[tokio::test]
async fn device_pings_are_answered_so_the_device_keeps_the_connection() {
    let mut config = auto_sim();
    config.device.ping_interval_ms = 30;
    config.device.ping_max_missed = 2;
    let sim = sim(config).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;
    let mut pings = 0;
    till.wait("device PINGs", |e| match e {
        DeviceInput::Frame {
            direction, method, ..
        } if *direction == till::protocol::Sender::Device && method.as_deref() == Some("PING") => {
            pings += 1;
            (pings == 6).then_some(())
        }
        DeviceInput::Disconnected(till::device::Disconnect { reason, .. }) => {
            panic!("dropped: {reason}")
        }
        _ => None,
    })
    .await;
    till.handle
        .send(DeviceCommand::Sale(sale(1000)))
        .await
        .expect("still connected");
    assert!(till.finished().await.succeeded());
    assert!(
        till.position(|e| matches!(
            e,
            DeviceInput::Disconnected(till::device::Disconnect { .. })
        ))
        .is_none(),
        "{}",
        till.story()
    );
    till.dispose().await;
}

#[tokio::test]
async fn a_legacy_initial_pairing_state_counts_as_paired() {
    let mut config = auto_sim();
    config.device.legacy_initial = true;
    let sim = sim(config).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.wait("Paired", |e| matches!(e, DeviceInput::Paired).then_some(()))
        .await;
    assert!(till.saved_token().is_some());
    till.ready().await;
    till.dispose().await;
}
