//! Shared helpers for the connector integration tests: the real simulator on 127.0.0.1, the
//! real connector with a real token file, and waiting for events with a generous limit (to
//! avoid hangs, never to assert timing).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use till::connector::{
    self, ConnectorHandle, ConnectorSettings, DeviceEvent, FileTokenStore, MerchantInfo,
    SaleResponse, TokenStore,
};
use till::protocol::{Cents, SaleOptions, SaleRequest};
use till::sim::device::CustomerMode;
use till::sim::{SimConfig, Simulator};
use tokio::sync::mpsc;

/// Limit for anything to happen; a broken test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A simulator config with an auto customer acting at once.
pub fn auto_sim() -> SimConfig {
    let mut config = SimConfig::default();
    config.device.customer = CustomerMode::Auto {
        card_delay_ms: 0,
        sign_delay_ms: 0,
        pairing_delay_ms: 0,
    };
    config.device.seed = 11;
    config
}

/// Starts a simulator.
pub async fn sim(config: SimConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator starts")
}

/// Connector timings small enough for tests (reconnects, heartbeats, discovery).
pub fn fast(mut s: ConnectorSettings) -> ConnectorSettings {
    s.heartbeat_interval = Duration::from_millis(200);
    s.heartbeat_timeout = Duration::from_millis(1000);
    s.reconnect_floor = Duration::from_millis(20);
    s.reconnect_cap = Duration::from_millis(200);
    s.connect_timeout = Duration::from_secs(3);
    s.discovery_retry = Duration::from_millis(500);
    s.ready_timeout = Duration::from_secs(2);
    s.pos_name = "till tests".into();
    s.serial_number = "LANE-1".into();
    s.remote_application_id = "com.till.tests:1".into();
    s
}

/// A running connector and everything it reported.
pub struct Till {
    pub handle: ConnectorHandle,
    events: mpsc::Receiver<DeviceEvent>,
    /// Every event so far, in order.
    pub log: Vec<DeviceEvent>,
    pub tokens: Arc<FileTokenStore>,
    pub token_key: String,
    dir: Option<tempfile::TempDir>,
}

/// A token file in a fresh temporary directory (kept alive by the returned guard).
pub fn token_file() -> (tempfile::TempDir, Arc<FileTokenStore>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(FileTokenStore::new(dir.path().join("tokens.json")));
    (dir, store)
}

impl Till {
    /// Starts a connector with `settings` and `tokens`.
    pub fn start(settings: ConnectorSettings, tokens: Arc<FileTokenStore>) -> Till {
        let token_key = settings.token_key().unwrap_or_default().to_owned();
        let (handle, events) =
            connector::start(settings, tokens.clone()).expect("connector starts");
        Till {
            handle,
            events,
            log: Vec::new(),
            tokens,
            token_key,
            dir: None,
        }
    }

    /// Starts a connector with a token file in its own temporary directory.
    pub fn start_fresh(settings: ConnectorSettings) -> Till {
        let (dir, tokens) = token_file();
        let mut till = Till::start(settings, tokens);
        till.dir = Some(dir);
        till
    }

    /// The saved token for this connector's endpoint.
    pub fn saved_token(&self) -> Option<String> {
        self.tokens
            .load(&self.token_key)
            .expect("token file readable")
    }

    /// The events so far, one line each, without frames (for failure messages).
    pub fn story(&self) -> String {
        self.log
            .iter()
            .filter(|e| !matches!(e, DeviceEvent::Frame(_)))
            .map(|e| format!("  {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The next event; `None` when the connector task ended.
    pub async fn next(&mut self) -> Option<DeviceEvent> {
        match tokio::time::timeout(PATIENCE, self.events.recv()).await {
            Ok(Some(e)) => {
                self.log.push(e.clone());
                Some(e)
            }
            Ok(None) => None,
            Err(_) => panic!("no event within {PATIENCE:?}; so far:\n{}", self.story()),
        }
    }

    /// Waits for the first event for which `f` gives a value.
    pub async fn wait<T>(&mut self, what: &str, mut f: impl FnMut(&DeviceEvent) -> Option<T>) -> T {
        loop {
            match self.next().await {
                Some(e) => {
                    if let Some(v) = f(&e) {
                        return v;
                    }
                }
                None => panic!(
                    "connector ended while waiting for {what}; so far:\n{}",
                    self.story()
                ),
            }
        }
    }

    /// Waits for `Ready`.
    pub async fn ready(&mut self) -> MerchantInfo {
        self.wait("Ready", |e| match e {
            DeviceEvent::Ready(m) => Some(m.clone()),
            _ => None,
        })
        .await
    }

    /// Waits for `SaleFinished`.
    pub async fn finished(&mut self) -> SaleResponse {
        self.wait("SaleFinished", |e| match e {
            DeviceEvent::SaleFinished(r) => Some(r.clone()),
            _ => None,
        })
        .await
    }

    /// Index of the first logged event matching `f`.
    pub fn position(&self, f: impl Fn(&DeviceEvent) -> bool) -> Option<usize> {
        self.log.iter().position(f)
    }

    /// Disposes and drains the events until the task ends.
    pub async fn dispose(mut self) -> Vec<DeviceEvent> {
        self.handle.dispose().await;
        while self.next().await.is_some() {}
        self.log
    }
}

/// A sale of `cents` with a fresh external id; the simulator's outcome follows the cents part.
/// Restarting after a decline is off so that a decline ends the sale.
pub fn sale(cents: i64) -> SaleRequest {
    SaleRequest::builder()
        .amount(Cents(cents))
        .options(SaleOptions {
            disable_restart_on_failure: true,
            ..SaleOptions::default()
        })
        .build()
        .expect("valid sale")
}
