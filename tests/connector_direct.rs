//! The connector against the real simulator over a loopback `ws://` socket: pairing and token
//! rotation, every sale flow the simulator offers, recovery queries, reset, validation, and
//! commands while disconnected.

mod connector_support;

use connector_support::{Till, auto_sim, fast, sale, sim, token_file};
use till::connector::{
    CommandError, ConnectorSettings, DeviceErrorCode, DeviceEvent, FrameDirection,
};
use till::protocol::{
    CardType, ChallengeType, ExternalDeviceState, Payment, PaymentResult, QueryStatus, RequestInfo,
    ResponseCode, TxState,
};

#[tokio::test]
async fn first_pairing_shows_a_code_then_the_token_is_reused_and_rotated() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();

    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens.clone());
    let code = till
        .wait("PairingCode", |e| match e {
            DeviceEvent::PairingCode(c) => Some(c.clone()),
            _ => None,
        })
        .await;
    assert_eq!(code.len(), 6, "{code}");
    till.wait("Paired", |e| matches!(e, DeviceEvent::Paired).then_some(()))
        .await;
    // The token is on disk by the time Paired is reported.
    let first = till.saved_token().expect("token saved at Paired");
    let merchant = till.ready().await;
    assert_eq!(merchant.merchant_id.as_deref(), Some("MRCHNT0000001"));
    assert!(merchant.supports_acks);
    assert!(merchant.device_serial.is_some());
    // No event ever carries the token.
    let text = format!("{:?}", till.log);
    assert!(!text.contains(&first), "token leaked into events");
    till.dispose().await;

    let mut again = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens.clone());
    again.ready().await;
    assert!(
        again
            .position(|e| matches!(e, DeviceEvent::PairingCode(_)))
            .is_none(),
        "no code on the second connect:\n{}",
        again.story()
    );
    assert!(
        again
            .position(|e| matches!(e, DeviceEvent::Paired))
            .is_some()
    );
    let second = again.saved_token().expect("token saved");
    assert_ne!(
        first, second,
        "the device rotates tokens and the new one is persisted"
    );
    again.dispose().await;
}

#[tokio::test]
async fn approved_sale_with_acks_and_frames() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    let request = sale(1000);
    let id = till.handle.sale(&request).await.expect("sale sent");
    let result = till.finished().await;
    assert!(result.success, "{result:?}");
    assert_eq!(result.result, ResponseCode::Success);
    assert!(result.is_sale);
    assert_eq!(result.request_info, Some(RequestInfo::Sale));
    assert_eq!(result.external_id.as_deref(), Some(request.external_id()));
    let payment = result.payment.expect("payment");
    assert_eq!(payment.amount, Some(1000));
    assert_eq!(payment.card_brand(), Some(&CardType::Visa));
    assert_eq!(payment.last4(), Some("4242"));
    let ct = payment.card_transaction.expect("card transaction");
    assert_eq!(
        (ct.first6, ct.cardholder_name),
        (None, None),
        "card data beyond brand/last4 removed"
    );

    let acked =
        till.position(|e| matches!(e, DeviceEvent::Ack { message_id, .. } if *message_id == id));
    assert!(acked.is_some(), "TX_START acknowledged:\n{}", till.story());
    let sent = till.position(|e| {
        matches!(e, DeviceEvent::Frame(t) if t.direction == FrameDirection::Sent && t.method.as_deref() == Some("TX_START"))
    });
    assert!(sent.is_some());
    assert!(
        till.position(|e| matches!(e, DeviceEvent::TxStartResponse(r) if r.success))
            .is_some()
    );
    assert!(
        till.position(|e| matches!(e, DeviceEvent::UiState(_)))
            .is_some()
    );
    // The app owns the device's screens: the connector sends none by itself.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let log = till.dispose().await;
    assert!(
        !log.iter().any(
            |e| matches!(e, DeviceEvent::Frame(t) if t.direction == FrameDirection::Sent
            && t.method.as_deref().is_some_and(|m| m.starts_with("SHOW_")))
        ),
        "no automatic screen command"
    );
}

#[tokio::test]
async fn declined_partial_cancelled_and_walked_away() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    // .01 declined.
    till.handle.sale(&sale(1001)).await.unwrap();
    let r = till.finished().await;
    assert_eq!(r.result, ResponseCode::Cancel, "{r:?}");
    assert!(!r.success);
    assert!(
        till.position(|e| matches!(e, DeviceEvent::TxState(TxState::Fail)))
            .is_some(),
        "{}",
        till.story()
    );

    // .02 partial auth: half the amount.
    till.handle.sale(&sale(2002)).await.unwrap();
    let partial = till
        .wait("PartialAuth", |e| match e {
            DeviceEvent::PartialAuth(a) => Some(*a),
            _ => None,
        })
        .await;
    assert_eq!(partial, 1001);
    let r = till.finished().await;
    assert!(r.success, "{r:?}");
    assert_eq!(r.payment.unwrap().amount, Some(1001));

    // .07 the customer cancels.
    till.handle.sale(&sale(1007)).await.unwrap();
    assert_eq!(till.finished().await.result, ResponseCode::Cancel);

    // .08 the customer walks away; the cashier cancels from the POS (KEY_PRESS ESC).
    till.handle.sale(&sale(1008)).await.unwrap();
    till.wait("card prompt", |e| match e {
        DeviceEvent::UiState(ui) => (!ui.input_options.is_empty()).then_some(()),
        _ => None,
    })
    .await;
    // A second sale while the device is busy is refused by the device, typed.
    let second = sale(1000);
    till.handle
        .sale(&second)
        .await
        .expect("sent: only the device knows it is busy");
    let message = till
        .wait("InvalidStateTransition", |e| match e {
            DeviceEvent::DeviceError {
                code: DeviceErrorCode::InvalidStateTransition,
                message,
            } => Some(message.clone()),
            DeviceEvent::SaleFinished(r) => panic!("the first sale must still run: {r:?}"),
            _ => None,
        })
        .await;
    assert!(message.contains("TX_START"), "{message}");
    till.handle.cancel().await.expect("cancel sent");
    assert_eq!(till.finished().await.result, ResponseCode::Cancel);
    till.dispose().await;
}

async fn challenge(till: &mut Till, kind: ChallengeType) -> (Payment, till::protocol::Challenge) {
    till.wait("ConfirmPayment", |e| match e {
        DeviceEvent::ConfirmPayment {
            payment,
            challenges,
        } => {
            let c = challenges.iter().find(|c| c.kind.as_ref() == Some(&kind))?;
            Some((payment.clone(), c.clone()))
        }
        _ => None,
    })
    .await
}

async fn signature(till: &mut Till) -> Payment {
    till.wait("VerifySignature", |e| match e {
        DeviceEvent::VerifySignature { payment, signature } => {
            assert!(
                signature.as_ref().is_some_and(|s| s.point_count() > 0),
                "strokes"
            );
            Some(payment.clone())
        }
        _ => None,
    })
    .await
}

#[tokio::test]
async fn challenges_accepted_and_rejected() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    for (cents, kind) in [
        (1003, ChallengeType::DuplicateChallenge),
        (1004, ChallengeType::OfflineChallenge),
    ] {
        till.handle.sale(&sale(cents)).await.unwrap();
        let (payment, _) = challenge(&mut till, kind.clone()).await;
        till.handle
            .accept_payment(&payment)
            .await
            .expect("accept sent");
        let r = till.finished().await;
        assert!(r.success, "{kind} accepted: {r:?}");

        till.handle.sale(&sale(cents)).await.unwrap();
        let (payment, ch) = challenge(&mut till, kind.clone()).await;
        till.handle
            .reject_payment(&payment, &ch)
            .await
            .expect("reject sent");
        let r = till.finished().await;
        assert_eq!(r.result, ResponseCode::Cancel, "{kind} rejected: {r:?}");
    }
    till.dispose().await;
}

#[tokio::test]
async fn signatures_accepted_and_rejected_and_challenge_then_signature() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    till.handle.sale(&sale(1005)).await.unwrap();
    let payment = signature(&mut till).await;
    till.handle.accept_signature(&payment).await.unwrap();
    let r = till.finished().await;
    assert!(r.success, "{r:?}");
    assert!(r.signature.is_some_and(|s| s.point_count() > 0));

    till.handle.sale(&sale(1005)).await.unwrap();
    let payment = signature(&mut till).await;
    till.handle.reject_signature(&payment).await.unwrap();
    assert_eq!(till.finished().await.result, ResponseCode::Cancel);

    // .09: duplicate challenge, then signature.
    till.handle.sale(&sale(1009)).await.unwrap();
    let (payment, _) = challenge(&mut till, ChallengeType::DuplicateChallenge).await;
    till.handle.accept_payment(&payment).await.unwrap();
    let payment = signature(&mut till).await;
    till.handle.accept_signature(&payment).await.unwrap();
    assert!(till.finished().await.success);
    till.dispose().await;
}

#[tokio::test]
async fn retrieve_payment_and_device_status_with_last_message() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    let request = sale(1500);
    till.handle.sale(&request).await.unwrap();
    let done = till.finished().await;
    assert!(done.success);

    till.handle
        .retrieve_payment(request.external_id())
        .await
        .unwrap();
    let found = till
        .wait("RetrievePaymentResponse", |e| match e {
            DeviceEvent::RetrievePaymentResponse(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert_eq!(found.query_status, Some(QueryStatus::Found));
    assert_eq!(
        found.payment.as_ref().and_then(|p| p.result.clone()),
        Some(PaymentResult::Success)
    );
    assert_eq!(found.external_id.as_deref(), Some(request.external_id()));

    till.handle
        .retrieve_payment("NOSUCHPAYMENT0001")
        .await
        .unwrap();
    let missing = till
        .wait("RetrievePaymentResponse", |e| match e {
            DeviceEvent::RetrievePaymentResponse(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert_eq!(missing.query_status, Some(QueryStatus::NotFound));

    // sendLastMessage: the device answers its status and re-sends the last sale result.
    let before = till.log.len();
    till.handle.retrieve_device_status(true).await.unwrap();
    let status = till
        .wait("DeviceStatusResponse", |e| match e {
            DeviceEvent::DeviceStatusResponse(s) => Some(s.clone()),
            _ => None,
        })
        .await;
    assert_eq!(status.state, Some(ExternalDeviceState::Idle));
    let again = till.finished().await;
    assert!(till.log.len() > before);
    assert_eq!(
        again.external_id, done.external_id,
        "the last FINISH_OK re-sent"
    );
    till.dispose().await;
}

#[tokio::test]
async fn reset_in_the_middle_of_a_payment_voids_it() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    let request = sale(1203);
    till.handle.sale(&request).await.unwrap();
    let (payment, _) = challenge(&mut till, ChallengeType::DuplicateChallenge).await;
    till.handle.reset_device().await.expect("BREAK sent");
    let reset = till
        .wait("ResetResponse", |e| match e {
            DeviceEvent::ResetResponse(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reset.state, Some(ExternalDeviceState::Idle), "{reset:?}");
    let cancelled = match till.position(|e| matches!(e, DeviceEvent::SaleFinished(_))) {
        Some(i) => match &till.log[i] {
            DeviceEvent::SaleFinished(r) => r.clone(),
            _ => unreachable!(),
        },
        None => till.finished().await,
    };
    assert_eq!(cancelled.result, ResponseCode::Cancel);

    till.handle
        .retrieve_payment(request.external_id())
        .await
        .unwrap();
    let found = till
        .wait("RetrievePaymentResponse", |e| match e {
            DeviceEvent::RetrievePaymentResponse(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert_eq!(found.query_status, Some(QueryStatus::Found));
    let voided = found.payment.expect("payment");
    assert_eq!(voided.id, payment.id);
    assert_eq!(voided.result, Some(PaymentResult::Voided));
    till.dispose().await;
}

#[tokio::test]
async fn invalid_commands_are_refused_before_the_wire() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;
    let sent_before = till
        .log
        .iter()
        .filter(|e| matches!(e, DeviceEvent::Frame(t) if t.direction == FrameDirection::Sent))
        .count();

    let e = till
        .handle
        .accept_payment(&Payment::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            CommandError::Invalid {
                field: "payment.id",
                ..
            }
        ),
        "{e}"
    );
    let e = till
        .handle
        .reject_signature(&Payment::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            CommandError::Invalid {
                field: "payment.id",
                ..
            }
        ),
        "{e}"
    );
    let e = till.handle.show_message("   ").await.unwrap_err();
    assert_eq!(e.to_string(), "not sent: text: must not be empty");
    let e = till.handle.retrieve_payment("has space").await.unwrap_err();
    assert!(
        matches!(
            e,
            CommandError::Invalid {
                field: "external_id",
                ..
            }
        ),
        "{e}"
    );

    // A valid one goes out, and is the only frame sent since.
    till.handle
        .show_message("Hello from till")
        .await
        .expect("sent");
    till.wait("frame", |e| {
        matches!(e, DeviceEvent::Frame(t) if t.direction == FrameDirection::Sent).then_some(())
    })
    .await;
    let sent: Vec<_> = till
        .log
        .iter()
        .filter_map(|e| match e {
            DeviceEvent::Frame(t) if t.direction == FrameDirection::Sent => t.method.clone(),
            _ => None,
        })
        .skip(sent_before)
        .filter(|m| m != "PING")
        .collect();
    assert_eq!(sent, ["TERMINAL_MESSAGE"]);
    till.dispose().await;
}

#[tokio::test]
async fn commands_while_disconnected_fail_fast_and_are_never_replayed() {
    // A free loopback port with nothing listening yet.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("ws://127.0.0.1:{port}/remote_pay");
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(url)), tokens);
    till.wait("connect failure", |e| match e {
        DeviceEvent::Disconnected {
            retry_in: Some(_), ..
        } => Some(()),
        _ => None,
    })
    .await;

    let request = sale(1000);
    let e = till.handle.sale(&request).await.unwrap_err();
    assert!(matches!(e, CommandError::NotConnected(_)), "{e}");
    assert!(e.to_string().contains("not ready"), "{e}");
    assert!(matches!(
        till.handle.show_welcome().await,
        Err(CommandError::NotConnected(_))
    ));

    // Now the device appears on that port: the connector pairs and gets ready, and the refused
    // sale is not sent.
    let mut config = auto_sim();
    config.listen = format!("127.0.0.1:{port}").parse().unwrap();
    let sim = sim(config).await;
    till.ready().await;
    till.handle.show_welcome().await.expect("sent once ready");
    till.wait("welcome frame", |e| {
        matches!(e, DeviceEvent::Frame(t) if t.method.as_deref() == Some("SHOW_WELCOME_SCREEN"))
            .then_some(())
    })
    .await;
    assert!(
        till.position(
            |e| matches!(e, DeviceEvent::Frame(t) if t.method.as_deref() == Some("TX_START"))
        )
        .is_none(),
        "a refused sale is never replayed"
    );
    assert!(
        sim.payments("default", request.external_id())
            .await
            .unwrap()
            .is_empty()
    );

    let log = till.dispose().await;
    assert!(matches!(
        log.last(),
        Some(DeviceEvent::Disconnected {
            reason: till::connector::DisconnectReason::Disposed,
            retry_in: None
        })
    ));
}

#[tokio::test]
async fn dispose_stops_everything() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;
    let handle = till.handle.clone();
    till.dispose().await;
    assert_eq!(handle.show_welcome().await, Err(CommandError::Disposed));
}
