//! HTTP routing: WebSocket upgrades for devices and the emulated cloud's HTTP endpoints.

use std::convert::Infallible;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::json;

use super::cloud;
use super::config::{DEFAULT_DEVICE_ID, valid_device_id};
use super::http_parts::{Body, json_response, upgrade};
use super::shared::Shared;

/// Routes one request.
pub(crate) async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_owned();
    if path == "/remote_pay" || path == "/remote_pay/" {
        return Ok(upgrade_direct(req, shared, DEFAULT_DEVICE_ID));
    }
    if let Some(id) = path.strip_prefix("/remote_pay/") {
        let id = id.trim_end_matches('/').to_owned();
        if !valid_device_id(&id) {
            let message =
                format!("'{id}' is not a device id: use 1-64 letters, digits, '.', '_' or '-'");
            return Ok(json_response(
                StatusCode::NOT_FOUND,
                &json!({"message": message}),
            ));
        }
        return Ok(upgrade_direct(req, shared, &id));
    }
    if shared.config.cloud.is_some() {
        if let Some(response) = cloud::handle(req, &shared).await {
            return Ok(response);
        }
        return Ok(json_response(
            StatusCode::NOT_FOUND,
            &json!({"message": format!("no such endpoint: {path}")}),
        ));
    }
    let message = format!(
        "no such endpoint: {path}; devices are at /remote_pay and /remote_pay/<device-id> (start with --cloud for the cloud endpoints)"
    );
    Ok(json_response(
        StatusCode::NOT_FOUND,
        &json!({"message": message}),
    ))
}

fn upgrade_direct(req: Request<Incoming>, shared: Arc<Shared>, device_id: &str) -> Response<Body> {
    upgrade(req, shared, device_id.to_owned(), None, None)
}
