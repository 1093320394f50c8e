//! The connector against the real simulator over a loopback `ws://` socket: pairing and token
//! rotation, every sale flow the simulator offers, recovery queries, reset, validation, and
//! commands while disconnected.

mod connector_support;

use connector_support::{Finish, Till, auto_sim, fast, sale, sim, token_file};
use till::connector::{CommandError, ConnectorSettings, DeviceInput};
use till::device::DeviceCommand;
use till::protocol::Sender;
use till::protocol::{
    CardType, Cents, ChallengeType, ExternalDeviceState, Payment, PaymentResult, QueryStatus,
    RequestInfo, TxStartResponseResult, TxState,
};

#[tokio::test]
async fn first_pairing_shows_a_code_then_the_token_is_reused_and_rotated() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();

    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens.clone());
    let code = till
        .wait("PairingCode", |e| match e {
            DeviceInput::PairingCode(c) => Some(c.clone()),
            _ => None,
        })
        .await;
    assert_eq!(code.len(), 6, "{code}");
    till.wait("Paired", |e| matches!(e, DeviceInput::Paired).then_some(()))
        .await;
    // The token is on disk by the time Paired is reported.
    let first = till.saved_token().expect("token saved at Paired");
    let merchant = till.ready().await;
    assert_eq!(merchant.merchant_id, "MRCHNT0000001");
    assert!(merchant.supports_acks);
    assert!(!merchant.serial.is_empty());
    // No event ever carries the token.
    let text = format!("{:?}", till.log);
    assert!(!text.contains(&first), "token leaked into events");
    till.dispose().await;

    let mut again = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens.clone());
    again.ready().await;
    assert!(
        again
            .position(|e| matches!(e, DeviceInput::PairingCode(_)))
            .is_none(),
        "no code on the second connect:\n{}",
        again.story()
    );
    assert!(
        again
            .position(|e| matches!(e, DeviceInput::Paired))
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
    let id = till
        .handle
        .send(DeviceCommand::Sale(request.clone()))
        .await
        .expect("sale sent");
    let result = till.finished().await;
    assert!(result.succeeded(), "{result:?}");
    assert!(
        till.position(|e| matches!(
            e,
            DeviceInput::FinishOk {
                request_info: Some(RequestInfo::Sale),
                ..
            }
        ))
        .is_some()
    );
    assert_eq!(
        result
            .payment()
            .and_then(|p| p.external_payment_id.as_deref()),
        Some(request.external_id())
    );
    let payment = result.payment().expect("payment").clone();
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
        till.position(|e| matches!(e, DeviceInput::Ack { message_id, .. } if *message_id == id));
    assert!(acked.is_some(), "TX_START acknowledged:\n{}", till.story());
    let sent = till.position(|e| {
        matches!(e, DeviceInput::Frame { direction, method, .. } if *direction == Sender::Pos && method.as_deref() == Some("TX_START"))
    });
    assert!(sent.is_some());
    assert!(
        till.position(|e| matches!(e, DeviceInput::TxStartResponse { result, .. } if *result == TxStartResponseResult::Success))
            .is_some()
    );
    assert!(
        till.position(|e| matches!(e, DeviceInput::UiState { .. }))
            .is_some()
    );
    // The app owns the device's screens: the connector sends none by itself.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let log = till.dispose().await;
    assert!(
        !log.iter().any(
            |e| matches!(e, DeviceInput::Frame { direction, method, .. } if *direction == Sender::Pos
            && method.as_deref().is_some_and(|m| m.starts_with("SHOW_")))
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
    till.handle
        .send(DeviceCommand::Sale(sale(1001)))
        .await
        .unwrap();
    let r = till.finished().await;
    assert!(r.canceled(), "{r:?}");
    assert!(!r.succeeded());
    assert!(
        till.position(|e| matches!(e, DeviceInput::TxState(TxState::Fail)))
            .is_some(),
        "{}",
        till.story()
    );

    // .02 partial auth: half the amount.
    till.handle
        .send(DeviceCommand::Sale(sale(2002)))
        .await
        .unwrap();
    let partial = till
        .wait("PartialAuth", |e| match e {
            DeviceInput::PartialAuth(a) => Some(*a),
            _ => None,
        })
        .await;
    assert_eq!(partial, Cents(1001));
    let r = till.finished().await;
    assert!(r.succeeded(), "{r:?}");
    assert_eq!(r.payment().unwrap().amount, Some(1001));

    // .07 the customer cancels.
    till.handle
        .send(DeviceCommand::Sale(sale(1007)))
        .await
        .unwrap();
    assert!(till.finished().await.canceled());

    // .08 the customer walks away; the cashier cancels from the POS (KEY_PRESS ESC).
    till.handle
        .send(DeviceCommand::Sale(sale(1008)))
        .await
        .unwrap();
    till.wait("card prompt", |e| match e {
        // The card prompt (START, ENTER), which offers Cancel.
        DeviceInput::Frame {
            method, summary, ..
        } if method.as_deref() == Some("UI_STATE")
            && summary.contains("state=START ")
            && summary.contains("direction=ENTER") =>
        {
            Some(())
        }
        _ => None,
    })
    .await;
    // A second sale while the device is busy is refused by the device, typed.
    let second = sale(1000);
    till.handle
        .send(DeviceCommand::Sale(second.clone()))
        .await
        .expect("sent: only the device knows it is busy");
    let message = till
        .wait("InvalidStateTransition", |e| match e {
            DeviceInput::Busy(message) => Some(message.clone()),
            e if Finish::of(e).is_some() => panic!("the first sale must still run: {e:?}"),
            _ => None,
        })
        .await;
    assert!(message.contains("TX_START"), "{message}");
    till.handle
        .send(DeviceCommand::Cancel)
        .await
        .expect("cancel sent");
    assert!(till.finished().await.canceled());
    till.dispose().await;
}

async fn challenge(till: &mut Till, kind: ChallengeType) -> (Payment, till::protocol::Challenge) {
    till.wait("ConfirmPayment", |e| match e {
        DeviceInput::ConfirmPayment {
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
        DeviceInput::VerifySignature { payment, signature } => {
            assert!(signature.point_count() > 0, "strokes");
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
        till.handle
            .send(DeviceCommand::Sale(sale(cents)))
            .await
            .unwrap();
        let (payment, _) = challenge(&mut till, kind.clone()).await;
        till.handle
            .send(DeviceCommand::AcceptPayment(payment.clone()))
            .await
            .expect("accept sent");
        let r = till.finished().await;
        assert!(r.succeeded(), "{kind} accepted: {r:?}");

        till.handle
            .send(DeviceCommand::Sale(sale(cents)))
            .await
            .unwrap();
        let (payment, ch) = challenge(&mut till, kind.clone()).await;
        till.handle
            .send(DeviceCommand::RejectPayment(payment, ch))
            .await
            .expect("reject sent");
        let r = till.finished().await;
        assert!(r.canceled(), "{kind} rejected: {r:?}");
    }
    till.dispose().await;
}

#[tokio::test]
async fn signatures_accepted_and_rejected_and_challenge_then_signature() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    till.handle
        .send(DeviceCommand::Sale(sale(1005)))
        .await
        .unwrap();
    let payment = signature(&mut till).await;
    till.handle
        .send(DeviceCommand::AcceptSignature(payment.clone()))
        .await
        .unwrap();
    let r = till.finished().await;
    assert!(r.succeeded(), "{r:?}");

    till.handle
        .send(DeviceCommand::Sale(sale(1005)))
        .await
        .unwrap();
    let payment = signature(&mut till).await;
    till.handle
        .send(DeviceCommand::RejectSignature(payment.clone()))
        .await
        .unwrap();
    assert!(till.finished().await.canceled());

    // .09: duplicate challenge, then signature.
    till.handle
        .send(DeviceCommand::Sale(sale(1009)))
        .await
        .unwrap();
    let (payment, _) = challenge(&mut till, ChallengeType::DuplicateChallenge).await;
    till.handle
        .send(DeviceCommand::AcceptPayment(payment.clone()))
        .await
        .unwrap();
    let payment = signature(&mut till).await;
    till.handle
        .send(DeviceCommand::AcceptSignature(payment.clone()))
        .await
        .unwrap();
    assert!(till.finished().await.succeeded());
    till.dispose().await;
}

#[tokio::test]
async fn retrieve_payment_and_device_status_with_last_message() {
    let sim = sim(auto_sim()).await;
    let (_dir, tokens) = token_file();
    let mut till = Till::start(fast(ConnectorSettings::direct(sim.url())), tokens);
    till.ready().await;

    let request = sale(1500);
    till.handle
        .send(DeviceCommand::Sale(request.clone()))
        .await
        .unwrap();
    let done = till.finished().await;
    assert!(done.succeeded());

    till.handle
        .send(DeviceCommand::RetrievePayment(
            request.external_id().to_owned(),
        ))
        .await
        .unwrap();
    let found = till
        .wait("RetrievePaymentResponse", |e| match e {
            DeviceInput::RetrievePayment { query, payment, .. } => {
                Some((query.clone(), payment.clone()))
            }
            _ => None,
        })
        .await;
    assert_eq!(found.0, QueryStatus::Found);
    assert_eq!(
        found.1.as_ref().and_then(|p| p.result.clone()),
        Some(PaymentResult::Success)
    );
    assert_eq!(
        found
            .1
            .as_ref()
            .and_then(|p| p.external_payment_id.as_deref()),
        Some(request.external_id())
    );

    till.handle
        .send(DeviceCommand::RetrievePayment("NOSUCHPAYMENT0001".into()))
        .await
        .unwrap();
    let missing = till
        .wait("RetrievePaymentResponse", |e| match e {
            DeviceInput::RetrievePayment { query, payment, .. } => {
                Some((query.clone(), payment.clone()))
            }
            _ => None,
        })
        .await;
    assert_eq!(missing.0, QueryStatus::NotFound);

    // sendLastMessage: the device answers its status and re-sends the last sale result.
    let before = till.log.len();
    till.handle
        .send(DeviceCommand::DeviceStatus {
            send_last_message: true,
        })
        .await
        .unwrap();
    let status = till
        .wait("DeviceStatusResponse", |e| match e {
            DeviceInput::DeviceStatus { state, .. } => Some(state.clone()),
            _ => None,
        })
        .await;
    assert_eq!(status, ExternalDeviceState::Idle);
    let again = till.finished().await;
    assert!(till.log.len() > before);
    assert_eq!(
        again.payment().and_then(|p| p.external_payment_id.clone()),
        done.payment().and_then(|p| p.external_payment_id.clone()),
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
    till.handle
        .send(DeviceCommand::Sale(request.clone()))
        .await
        .unwrap();
    let (payment, _) = challenge(&mut till, ChallengeType::DuplicateChallenge).await;
    till.handle
        .send(DeviceCommand::Reset)
        .await
        .expect("BREAK sent");
    let reset = till
        .wait("ResetResponse", |e| match e {
            DeviceInput::ResetDone { state } => Some(state.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reset, Some(ExternalDeviceState::Idle), "{reset:?}");
    let cancelled = match till.log.iter().find_map(Finish::of) {
        Some(finish) => finish,
        None => till.finished().await,
    };
    assert!(cancelled.canceled());

    till.handle
        .send(DeviceCommand::RetrievePayment(
            request.external_id().to_owned(),
        ))
        .await
        .unwrap();
    let found = till
        .wait("RetrievePaymentResponse", |e| match e {
            DeviceInput::RetrievePayment { query, payment, .. } => {
                Some((query.clone(), payment.clone()))
            }
            _ => None,
        })
        .await;
    assert_eq!(found.0, QueryStatus::Found);
    let voided = found.1.expect("payment");
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
        .filter(|e| matches!(e, DeviceInput::Frame { direction, method, .. } if *direction == Sender::Pos))
        .count();

    let e = till
        .handle
        .send(DeviceCommand::AcceptPayment(Payment::default()))
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
        .send(DeviceCommand::RejectSignature(Payment::default()))
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
        .send(DeviceCommand::ShowMessage("   ".into()))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "not sent: text: must not be empty");
    let e = till
        .handle
        .send(DeviceCommand::RetrievePayment("has space".into()))
        .await
        .unwrap_err();
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
        .send(DeviceCommand::ShowMessage("Hello from till".into()))
        .await
        .expect("sent");
    till.wait("frame", |e| {
        matches!(e, DeviceInput::Frame { direction, method, .. } if *direction == Sender::Pos)
            .then_some(())
    })
    .await;
    let sent: Vec<_> = till
        .log
        .iter()
        .filter_map(|e| match e {
            DeviceInput::Frame {
                direction, method, ..
            } if *direction == Sender::Pos => method.clone(),
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
        DeviceInput::Disconnected(till::device::Disconnect {
            retry_in: Some(_), ..
        }) => Some(()),
        _ => None,
    })
    .await;

    let request = sale(1000);
    let e = till
        .handle
        .send(DeviceCommand::Sale(request.clone()))
        .await
        .unwrap_err();
    assert!(matches!(e, CommandError::NotConnected(_)), "{e}");
    assert!(e.to_string().contains("not ready"), "{e}");
    assert!(matches!(
        till.handle.send(DeviceCommand::ShowWelcome).await,
        Err(CommandError::NotConnected(_))
    ));

    // Now the device appears on that port: the connector pairs and gets ready, and the refused
    // sale is not sent.
    let mut config = auto_sim();
    config.listen = format!("127.0.0.1:{port}").parse().unwrap();
    let sim = sim(config).await;
    till.ready().await;
    till.handle
        .send(DeviceCommand::ShowWelcome)
        .await
        .expect("sent once ready");
    till.wait("welcome frame", |e| {
        matches!(e, DeviceInput::Frame { direction, method, .. } if method.as_deref() == Some("SHOW_WELCOME_SCREEN"))
            .then_some(())
    })
    .await;
    assert!(
        till.position(
            |e| matches!(e, DeviceInput::Frame { direction, method, .. } if method.as_deref() == Some("TX_START"))
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
        Some(DeviceInput::Disconnected(till::device::Disconnect {
            reason: till::connector::DisconnectReason::Disposed,
            retry_in: None
        }))
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
    assert_eq!(
        handle.send(DeviceCommand::ShowWelcome).await,
        Err(CommandError::Disposed)
    );
}
