//! The emulated Clover cloud (PROTOCOL.md §1.2): the "alert" endpoint that hands out the
//! WebSocket host and a connection token, the OPTIONS probe reporting the attached POS
//! (`X-CLOVER-CONNECTED-ID`), the proxy WebSocket (`/support/remote_pay/cs`, access token as
//! sub-protocol, friendlyId/forceConnect rules) and the REST payments query.
//!
//! Refusals: a wrong bearer or sub-protocol is 401; an unknown merchant 404; an unknown
//! connection token 401; a second POS with another friendlyId and `forceConnect=false` gets
//! **409** on the upgrade (or, if it raced past that check, close code **4009**).

use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, HeaderValue, SEC_WEBSOCKET_PROTOCOL};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::actor::{ActorMsg, CloudPos};
use super::config::{CloudConfig, valid_device_id};
use super::http_parts::{Body, json_response, query_params, upgrade};
use super::shared::Shared;
use crate::protocol::Payment;

/// The header carrying the friendlyId of the POS attached to a device.
pub const CONNECTED_ID_HEADER: &str = "X-CLOVER-CONNECTED-ID";

/// Handles a cloud route, or `None` when the path is not one.
pub(crate) async fn handle(req: Request<Incoming>, shared: &Arc<Shared>) -> Option<Response<Body>> {
    let cloud = shared.config.cloud.clone()?;
    let path = req.uri().path().trim_end_matches('/').to_owned();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let response = match (req.method().clone(), segments.as_slice()) {
        (Method::POST, ["v2", "merchant", merchant, "remote_pay"]) => {
            let merchant = (*merchant).to_owned();
            alert(req, shared, &cloud, &merchant).await
        }
        (Method::OPTIONS, ["support", "remote_pay", "cs"]) => probe(&req, shared, &cloud).await,
        (Method::GET, ["support", "remote_pay", "cs"]) => proxy_upgrade(req, shared, &cloud).await,
        (Method::GET, ["v3", "merchants", merchant, "payments"]) => {
            let merchant = (*merchant).to_owned();
            payments(&req, shared, &cloud, &merchant).await
        }
        (Method::GET, ["v3", "merchants", merchant]) => {
            if let Err(refusal) =
                check_bearer(&req, &cloud).and_then(|()| check_merchant(&cloud, merchant))
            {
                refusal.response()
            } else {
                let name = shared.config.device.merchant_name.clone();
                json_response(
                    StatusCode::OK,
                    &json!({"id": cloud.merchant_id, "name": name}),
                )
            }
        }
        _ => return None,
    };
    Some(response)
}

fn message(status: StatusCode, text: &str) -> Response<Body> {
    json_response(status, &json!({"message": text}))
}

/// A refused request: status and the message that says why.
struct Refusal(StatusCode, String);

impl Refusal {
    fn new(status: StatusCode, text: &str) -> Refusal {
        Refusal(status, text.to_owned())
    }

    fn response(self) -> Response<Body> {
        message(self.0, &self.1)
    }
}

fn check_bearer(req: &Request<Incoming>, cloud: &CloudConfig) -> Result<(), Refusal> {
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(token) if token.trim() == cloud.access_token => Ok(()),
        Some(_) => Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "the access token is not valid for this merchant",
        )),
        None => Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "missing Authorization: Bearer <access token>",
        )),
    }
}

fn check_merchant(cloud: &CloudConfig, merchant: &str) -> Result<(), Refusal> {
    if merchant == cloud.merchant_id {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::NOT_FOUND,
            &format!("unknown merchant '{merchant}'"),
        ))
    }
}

/// `POST /v2/merchant/{mId}/remote_pay` `{"deviceId","isSilent"}` → `{"sent","host","token"}`.
async fn alert(
    req: Request<Incoming>,
    shared: &Arc<Shared>,
    cloud: &CloudConfig,
    merchant: &str,
) -> Response<Body> {
    if let Err(refusal) = check_bearer(&req, cloud).and_then(|()| check_merchant(cloud, merchant)) {
        return refusal.response();
    }
    let body = match Limited::new(req.into_body(), 64 * 1024).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            return message(
                StatusCode::BAD_REQUEST,
                &format!("cannot read the request body: {e}"),
            );
        }
    };
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => {
            return message(
                StatusCode::BAD_REQUEST,
                &format!("the body is not JSON: {e}"),
            );
        }
    };
    let Some(device_id) = parsed
        .get("deviceId")
        .and_then(Value::as_str)
        .map(|d| d.replace('-', ""))
    else {
        return message(
            StatusCode::BAD_REQUEST,
            "the body needs a \"deviceId\" string",
        );
    };
    if !valid_device_id(&device_id) {
        return message(
            StatusCode::NOT_FOUND,
            &format!("unknown device '{device_id}'"),
        );
    }
    shared.device(&device_id);
    let token = uuid::Uuid::new_v4().simple().to_string();
    shared
        .cloud_tokens
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(token.clone(), device_id.clone());
    shared
        .notes
        .note(&device_id, "cloud alert: Cloud Pay Display notified");
    json_response(
        StatusCode::OK,
        &json!({"sent": true, "host": shared.ws_base, "token": token}),
    )
}

/// The device a connection token was issued for.
fn device_for_token(shared: &Shared, token: &str) -> Option<String> {
    shared
        .cloud_tokens
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(token)
        .cloned()
}

/// The friendlyId of the POS attached to `device_id`, if any.
async fn attached(shared: &Shared, device_id: &str) -> Option<String> {
    let handle = shared.existing_device(device_id)?;
    let (reply, answer) = oneshot::channel();
    handle.tx.send(ActorMsg::CloudAttached { reply }).ok()?;
    answer.await.ok().flatten()
}

struct ProxyParams {
    device_id: String,
    friendly_id: String,
    force: bool,
}

fn proxy_params(req: &Request<Incoming>, shared: &Shared) -> Result<ProxyParams, Refusal> {
    let params = query_params(req.uri().query());
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(token) = get("token") else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "missing the token query parameter (from the alert response)",
        ));
    };
    let Some(device_id) = device_for_token(shared, &token) else {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "unknown connection token: call the alert endpoint again",
        ));
    };
    let friendly_id = get("friendlyId")
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    let force = get("forceConnect").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    Ok(ProxyParams {
        device_id,
        friendly_id,
        force,
    })
}

/// `OPTIONS /support/remote_pay/cs?token=…` → 200, with `X-CLOVER-CONNECTED-ID` when a POS is attached.
async fn probe(
    req: &Request<Incoming>,
    shared: &Arc<Shared>,
    cloud: &CloudConfig,
) -> Response<Body> {
    if let Err(refusal) = check_bearer(req, cloud) {
        return refusal.response();
    }
    let params = match proxy_params(req, shared) {
        Ok(params) => params,
        Err(refusal) => return refusal.response(),
    };
    let mut response = Response::new(Body::default());
    if let Some(friendly) = attached(shared, &params.device_id).await
        && let Ok(value) = HeaderValue::from_str(&friendly)
    {
        response.headers_mut().insert(CONNECTED_ID_HEADER, value);
    }
    response
}

/// The proxy WebSocket: the access token must be the sub-protocol; it is echoed.
async fn proxy_upgrade(
    req: Request<Incoming>,
    shared: &Arc<Shared>,
    cloud: &CloudConfig,
) -> Response<Body> {
    let offered: Vec<String> = req
        .headers()
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_owned())
        .collect();
    if !offered.contains(&cloud.access_token) {
        return message(
            StatusCode::UNAUTHORIZED,
            "the access token must be sent as the WebSocket sub-protocol",
        );
    }
    let params = match proxy_params(&req, shared) {
        Ok(params) => params,
        Err(refusal) => return refusal.response(),
    };
    if !params.force
        && let Some(other) = attached(shared, &params.device_id).await
        && other != params.friendly_id
    {
        return message(
            StatusCode::CONFLICT,
            &format!("Device is already connected to '{other}'."),
        );
    }
    let pos = CloudPos {
        friendly_id: params.friendly_id,
        force: params.force,
    };
    upgrade(
        req,
        shared.clone(),
        params.device_id,
        Some(pos),
        Some(cloud.access_token.clone()),
    )
}

/// `GET /v3/merchants/{mId}/payments?filter=externalPaymentId=<id>&expand=refunds,voids` →
/// `{"elements":[…]}`: the payments of every device of the merchant (Clover's records are
/// merchant-wide), with their void state (`result`, `voidReason`) and, when `expand` names
/// `refunds`, their refunds.
async fn payments(
    req: &Request<Incoming>,
    shared: &Arc<Shared>,
    cloud: &CloudConfig,
    merchant: &str,
) -> Response<Body> {
    if let Err(refusal) = check_bearer(req, cloud).and_then(|()| check_merchant(cloud, merchant)) {
        return refusal.response();
    }
    let params = query_params(req.uri().query());
    let external_id = params
        .iter()
        .filter(|(k, _)| k == "filter")
        .find_map(|(_, v)| v.strip_prefix("externalPaymentId=").map(str::to_owned));
    let Some(external_id) = external_id else {
        return message(StatusCode::BAD_REQUEST, "use filter=externalPaymentId=<id>");
    };
    let mut found: Vec<Payment> = Vec::new();
    for handle in shared.all_devices() {
        let (reply, answer) = oneshot::channel();
        if handle
            .tx
            .send(ActorMsg::Payments {
                external_id: external_id.clone(),
                reply,
            })
            .is_ok()
            && let Ok(payments) = answer.await
        {
            found.extend(payments);
        }
    }
    let refunds = params
        .iter()
        .filter(|(k, _)| k == "expand")
        .any(|(_, v)| v.split(',').any(|e| e.trim() == "refunds"));
    let elements: Vec<Value> = found.iter().map(|p| rest_payment(p, refunds)).collect();
    json_response(StatusCode::OK, &json!({"elements": elements}))
}

/// A payment as Clover's REST API shows it: nested objects as objects, voids expanded, refunds
/// only when asked for.
fn rest_payment(payment: &Payment, refunds: bool) -> Value {
    let mut value = serde_json::to_value(payment).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.retain(|_, v| !v.is_null());
        if !refunds {
            map.remove("refunds");
        }
        map.entry("voids")
            .or_insert_with(|| json!({"elements": []}));
    }
    value
}
