//! Clover's REST payments endpoint (cloud mode): a second opinion for recovery when the device
//! is idle and has no payment with our external id (PROTOCOL.md §6, DESIGN.md "Ledger and recovery").

use std::time::Duration;

use hyper::{Method, StatusCode};
use serde::Deserialize;

use super::cloud::encode_component;
use super::endpoint::Endpoint;
use super::settings::{ConnectorSettings, TransportSettings};
use super::transport::{TlsContext, http_request};
use crate::protocol::Payment;

/// `{server}/v3/merchants/{mId}/payments?filter=externalPaymentId=<id>&expand=refunds,voids`.
pub fn payments_url(server: &str, merchant_id: &str, external_id: &str) -> String {
    let base = server.trim_end_matches('/');
    format!(
        "{base}/v3/merchants/{}/payments?filter={}&expand=refunds,voids",
        encode_component(merchant_id),
        encode_component(&format!("externalPaymentId={external_id}"))
    )
}

#[derive(Deserialize)]
struct Elements {
    #[serde(default)]
    elements: Vec<Payment>,
}

/// True when `settings` allow a REST lookup (cloud mode, which has a merchant id and a token).
pub fn available(settings: &ConnectorSettings) -> bool {
    matches!(settings.transport, TransportSettings::Cloud(_))
}

/// The merchant's payments with this external id, from Clover's REST API. `Err` says why the
/// lookup failed (the caller then relies on the device's answer alone).
pub async fn payments_by_external_id(
    settings: &ConnectorSettings,
    external_id: &str,
) -> Result<Vec<Payment>, String> {
    let TransportSettings::Cloud(cloud) = &settings.transport else {
        return Err("the REST lookup needs cloud mode".to_owned());
    };
    let url = payments_url(&cloud.server, &cloud.merchant_id, external_id);
    let ep = Endpoint::parse(&url).map_err(|e| format!("device.cloud.server: {e}"))?;
    let tls = TlsContext {
        config: super::tls::client_config(settings.ca_file.as_deref())
            .map_err(|e| e.to_string())?,
        ca_file: settings.ca_file.clone(),
        server_name: settings.tls_server_name.clone(),
    };
    let headers = [(
        "Authorization",
        format!("Bearer {}", cloud.access_token.expose()),
    )];
    let response = http_request(
        Method::GET,
        &ep,
        &headers,
        None,
        &tls,
        "the Clover REST API",
        Duration::from_secs(10),
    )
    .await
    .map_err(|e| e.message)?;
    if response.status != StatusCode::OK {
        return Err(format!("the Clover REST API answered {}", response.status));
    }
    serde_json::from_slice::<Elements>(&response.body)
        .map(|e| e.elements)
        .map_err(|e| {
            format!("the Clover REST API answered something that is not a payment list: {e}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_has_the_filter_refunds_and_voids() {
        assert_eq!(
            payments_url("https://www.clover.com/", "M1", "EXT 1"),
            "https://www.clover.com/v3/merchants/M1/payments?filter=externalPaymentId%3DEXT%201&expand=refunds,voids"
        );
    }
}
