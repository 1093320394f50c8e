//! Refunds and voids on the simulator over real loopback sockets, in both device profiles: a
//! payment's refunds and its void are what RETRIEVE_PAYMENT and the cloud REST endpoint show.

mod sim_support;

use serde_json::{Value, json};
use sim_support::{Pos, auto_config};
use till::protocol::{Message, PaymentResult, QueryStatus, TxState};
use till::sim::device::Profile;
use till::sim::{CloudConfig, DEV_ACCESS_TOKEN, Simulator};

const MERCHANT: &str = "MRCHNT0000001";

/// The REST payments of an external id (`expand=refunds,voids`).
async fn rest(sim: &Simulator, external_id: &str) -> Value {
    rest_expanding(sim, external_id, "refunds,voids").await
}

/// The REST payments of an external id with this `expand`.
async fn rest_expanding(sim: &Simulator, external_id: &str, expand: &str) -> Value {
    let path = format!(
        "/v3/merchants/{MERCHANT}/payments?filter=externalPaymentId%3D{external_id}&expand={expand}"
    );
    let auth = format!("Bearer {DEV_ACCESS_TOKEN}");
    let (status, _, body) = sim_support::http(
        sim.local_addr(),
        "GET",
        &path,
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    let elements = answer["elements"].as_array().expect("elements");
    assert_eq!(elements.len(), 1, "{body}");
    elements[0].clone()
}

#[tokio::test]
async fn refunds_and_voids_are_visible_to_retrieve_payment_and_rest() {
    for profile in [Profile::Default, Profile::Real] {
        let mut config = auto_config();
        config.device = config.device.with_profile(profile);
        config.cloud = Some(CloudConfig::dev(MERCHANT));
        let sim = Simulator::start(config).await.expect("simulator starts");
        let mut pos = Pos::connect(&sim.url()).await;
        pos.pair(None).await;
        pos.discover().await;

        pos.start_sale(3000, "EXTREFUND001").await;
        let Some(Message::FinishOk(ok)) = pos.expect("FINISH_OK").await.message else {
            panic!("typed FINISH_OK")
        };
        let payment = ok.payment.expect("payment");
        let (payment_id, order_id) = (
            payment.id.clone().unwrap(),
            payment.order.as_ref().and_then(|o| o.id.clone()).unwrap(),
        );
        pos.send(
            "REFUND_REQUEST",
            json!({"orderId": order_id, "paymentId": payment_id, "amount": 1200, "fullRefund": false}),
        )
        .await;
        let Some(Message::RefundResponse(response)) = pos.expect("REFUND_RESPONSE").await.message
        else {
            panic!("typed REFUND_RESPONSE")
        };
        assert_eq!(response.code, Some(TxState::Success), "{profile}");
        let refund_id = response.refund.and_then(|r| r.id).expect("refund id");
        let Some(Message::FinishOk(finish)) = pos.expect("FINISH_OK").await.message else {
            panic!("typed FINISH_OK")
        };
        assert_eq!(
            finish.refund.and_then(|r| r.id).as_deref(),
            Some(refund_id.as_str())
        );

        pos.send(
            "RETRIEVE_PAYMENT_REQUEST",
            json!({"externalPaymentId": "EXTREFUND001"}),
        )
        .await;
        let Some(Message::RetrievePaymentResponse(found)) =
            pos.expect("RETRIEVE_PAYMENT_RESPONSE").await.message
        else {
            panic!("typed RETRIEVE_PAYMENT_RESPONSE")
        };
        assert_eq!(found.query_status, Some(QueryStatus::Found));
        let refunds = &found.payment.expect("payment").extra["refunds"]["elements"];
        assert_eq!(refunds[0]["id"], refund_id.as_str(), "{profile}: {refunds}");
        assert_eq!(refunds[0]["amount"], 1200);

        let shown = rest(&sim, "EXTREFUND001").await;
        assert_eq!(shown["result"], "SUCCESS");
        assert_eq!(
            shown["refunds"]["elements"][0]["id"],
            refund_id.as_str(),
            "{shown}"
        );
        assert_eq!(shown["refunds"]["elements"][0]["amount"], 1200);
        // Refunds are an expansion: not asked for, not shown.
        let bare = rest_expanding(&sim, "EXTREFUND001", "voids").await;
        assert!(bare.get("refunds").is_none(), "{bare}");
        assert!(bare.get("voids").is_some(), "{bare}");

        // A void of another payment: VOIDED on the device and in REST (the real profile
        // answers with the ACK only).
        pos.start_sale(4000, "EXTVOID00001").await;
        let Some(Message::FinishOk(ok)) = pos.expect("FINISH_OK").await.message else {
            panic!("typed FINISH_OK")
        };
        let voided = ok.payment.expect("payment");
        pos.send(
            "VOID_PAYMENT",
            json!({"payment": {"id": voided.id, "order": voided.order}, "voidReason": "USER_CANCEL"}),
        )
        .await;
        if profile.is_real() {
            pos.expect("ACK").await;
        } else {
            let Some(Message::VoidPaymentResponse(answer)) =
                pos.expect("VOID_PAYMENT_RESPONSE").await.message
            else {
                panic!("typed VOID_PAYMENT_RESPONSE")
            };
            assert_eq!(answer.success, Some(true));
        }
        let remembered = sim
            .payments("default", "EXTVOID00001")
            .await
            .expect("device answers");
        assert_eq!(
            remembered[0].result,
            Some(PaymentResult::Voided),
            "{profile}"
        );
        assert_eq!(rest(&sim, "EXTVOID00001").await["result"], "VOIDED");
        sim.shutdown().await;
    }
}
