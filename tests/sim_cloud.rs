//! The emulated Clover cloud over real loopback sockets: alert, OPTIONS probe, the proxy
//! WebSocket with the access token as sub-protocol, "already connected", force connect, and
//! the REST payments query.

mod sim_support;

use serde_json::Value;
use sim_support::{Pos, auto_config};
use till::protocol::{CLOUD_PACKAGE, Message, MessageType};
use till::sim::{CloudConfig, DEV_ACCESS_TOKEN, Simulator};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const MERCHANT: &str = "MRCHNT0000001";

async fn cloud_sim() -> Simulator {
    let mut config = auto_config();
    config.cloud = Some(CloudConfig::dev(MERCHANT));
    Simulator::start(config).await.expect("simulator starts")
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// POST …/remote_pay → (host, connection token).
async fn alert(sim: &Simulator, device_id: &str) -> (String, String) {
    let auth = bearer(DEV_ACCESS_TOKEN);
    let body = format!("{{\"deviceId\":\"{device_id}\",\"isSilent\":true}}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json;charset=UTF-8"),
    ];
    let path = format!("/v2/merchant/{MERCHANT}/remote_pay");
    let (status, _, text) =
        sim_support::http(sim.local_addr(), "POST", &path, &headers, &body).await;
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).expect("JSON answer");
    assert_eq!(answer["sent"], true);
    (
        answer["host"].as_str().expect("host").to_owned(),
        answer["token"].as_str().expect("token").to_owned(),
    )
}

fn cs_path(token: &str, friendly: &str, force: bool) -> String {
    format!("/support/remote_pay/cs?token={token}&friendlyId={friendly}&forceConnect={force}")
}

async fn options(sim: &Simulator, token: &str, friendly: &str) -> Option<String> {
    let auth = bearer(DEV_ACCESS_TOKEN);
    let (status, headers, body) = sim_support::http(
        sim.local_addr(),
        "OPTIONS",
        &cs_path(token, friendly, false),
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    headers
        .get(till::sim::CONNECTED_ID_HEADER)
        .map(|v| v.to_str().expect("ASCII").to_owned())
}

async fn cloud_connect(
    host: &str,
    token: &str,
    friendly: &str,
    force: bool,
    access: &str,
) -> Result<Pos, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("{host}{}", cs_path(token, friendly, force)).into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_str(access).expect("header"),
    );
    Pos::connect_request(request, None, CLOUD_PACKAGE).await
}

fn http_status(result: Result<Pos, tokio_tungstenite::tungstenite::Error>) -> u16 {
    match result {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected an HTTP refusal, got a connection"),
    }
}

#[tokio::test]
async fn alert_checks_the_bearer_and_the_merchant() {
    let sim = cloud_sim().await;
    assert_eq!(
        sim.cloud_base_url(),
        Some(format!("http://{}/", sim.local_addr()))
    );
    let body = "{\"deviceId\":\"default\",\"isSilent\":true}";
    let path = format!("/v2/merchant/{MERCHANT}/remote_pay");
    let (status, _, _) = sim_support::http(
        sim.local_addr(),
        "POST",
        &path,
        &[("authorization", "Bearer wrong")],
        body,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, _) = sim_support::http(sim.local_addr(), "POST", &path, &[], body).await;
    assert_eq!(status, 401);
    let auth = bearer(DEV_ACCESS_TOKEN);
    let (status, _, _) = sim_support::http(
        sim.local_addr(),
        "POST",
        "/v2/merchant/NOPE/remote_pay",
        &[("authorization", &auth)],
        body,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = sim_support::http(
        sim.local_addr(),
        "POST",
        &path,
        &[("authorization", &auth)],
        "{nope",
    )
    .await;
    assert_eq!(status, 400);
    let (host, token) = alert(&sim, "default").await;
    assert_eq!(host, format!("ws://{}", sim.local_addr()));
    assert_eq!(token.len(), 32);
    sim.shutdown().await;
}

#[tokio::test]
async fn cloud_pos_connects_with_the_access_token_as_subprotocol_and_sells() {
    let sim = cloud_sim().await;
    let (host, token) = alert(&sim, "default").await;
    assert_eq!(
        options(&sim, &token, "register-1").await,
        None,
        "nobody attached yet"
    );

    assert_eq!(
        http_status(cloud_connect(&host, &token, "register-1", false, "wrong-token").await),
        401
    );
    assert_eq!(
        http_status(
            cloud_connect(
                &host,
                "unknown-connection-token",
                "register-1",
                false,
                DEV_ACCESS_TOKEN
            )
            .await
        ),
        401
    );

    let mut pos = cloud_connect(&host, &token, "register-1", false, DEV_ACCESS_TOKEN)
        .await
        .expect("cloud upgrade");
    let discovery = pos.discover().await;
    assert_eq!(
        discovery.envelope.package_name.as_deref(),
        Some(CLOUD_PACKAGE)
    );
    assert_eq!(
        options(&sim, &token, "register-2").await.as_deref(),
        Some("register-1")
    );

    pos.start_sale(2000, "EXTCLOUD0001").await;
    pos.expect("FINISH_OK").await;

    let auth = bearer(DEV_ACCESS_TOKEN);
    let rest = format!(
        "/v3/merchants/{MERCHANT}/payments?filter=externalPaymentId%3DEXTCLOUD0001&expand=voids"
    );
    let (status, _, _) = sim_support::http(
        sim.local_addr(),
        "GET",
        &rest,
        &[("authorization", "Bearer nope")],
        "",
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, body) = sim_support::http(
        sim.local_addr(),
        "GET",
        &rest,
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    let elements = answer["elements"].as_array().expect("elements");
    assert_eq!(elements.len(), 1, "{body}");
    assert_eq!(elements[0]["externalPaymentId"], "EXTCLOUD0001");
    assert_eq!(elements[0]["amount"], 2000);
    assert!(
        elements[0]["cardTransaction"].is_object(),
        "REST nests objects as objects: {body}"
    );

    let unknown =
        format!("/v3/merchants/{MERCHANT}/payments?filter=externalPaymentId=NOSUCH&expand=voids");
    let (status, _, body) = sim_support::http(
        sim.local_addr(),
        "GET",
        &unknown,
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON")["elements"],
        serde_json::json!([])
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_second_pos_is_refused_unless_it_forces_the_connection() {
    let sim = cloud_sim().await;
    let (host, token) = alert(&sim, "default").await;
    let mut first = cloud_connect(&host, &token, "register-1", false, DEV_ACCESS_TOKEN)
        .await
        .expect("first POS");
    first.discover().await;

    // Another friendlyId without forceConnect: the SDK learns it from OPTIONS; the upgrade is 409.
    assert_eq!(
        options(&sim, &token, "register-2").await.as_deref(),
        Some("register-1")
    );
    assert_eq!(
        http_status(cloud_connect(&host, &token, "register-2", false, DEV_ACCESS_TOKEN).await),
        409
    );

    // forceConnect=true displaces the first POS: FORCECONNECT event naming the newcomer, then a close.
    let mut second = cloud_connect(&host, &token, "register-2", true, DEV_ACCESS_TOKEN)
        .await
        .expect("forced");
    let event = first.expect("FORCECONNECT").await;
    assert_eq!(event.envelope.kind, Some(MessageType::Event));
    let Some(Message::ForceConnect(fc)) = event.message else {
        panic!("typed FORCECONNECT")
    };
    assert_eq!(fc.friendly_id.as_deref(), Some("register-2"));
    assert!(
        first.next_frame().await.is_none(),
        "the displaced POS is closed"
    );
    second.discover().await;
    assert_eq!(
        options(&sim, &token, "register-1").await.as_deref(),
        Some("register-2")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn cloud_endpoints_need_the_cloud_switch() {
    let sim = Simulator::start(auto_config())
        .await
        .expect("simulator starts");
    assert_eq!(sim.cloud_base_url(), None);
    let auth = bearer(DEV_ACCESS_TOKEN);
    let (status, _, body) = sim_support::http(
        sim.local_addr(),
        "POST",
        &format!("/v2/merchant/{MERCHANT}/remote_pay"),
        &[("authorization", &auth)],
        "{}",
    )
    .await;
    assert_eq!(status, 404);
    assert!(body.contains("--cloud"), "{body}");
    sim.shutdown().await;
}
