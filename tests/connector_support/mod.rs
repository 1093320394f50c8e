//! Shared helpers for the connector integration tests: the real simulator on 127.0.0.1, the
//! real connector with a real token file, and waiting for events with a generous limit (to
//! avoid hangs, never to assert timing).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use till::connector::{self, ConnectorHandle, ConnectorSettings, FileTokenStore, TokenStore};
use till::device::{DeviceInfo, DeviceInput};
use till::protocol::{
    Cents, Payment, PaymentResult, SaleOptions, SaleRequest, TxStartResponseResult,
};
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
    events: mpsc::Receiver<DeviceInput>,
    /// Every event so far, in order.
    pub log: Vec<DeviceInput>,
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
            .filter(|e| !matches!(e, DeviceInput::Frame { .. }))
            .map(|e| format!("  {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The next event; `None` when the connector task ended.
    pub async fn next(&mut self) -> Option<DeviceInput> {
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
    pub async fn wait<T>(&mut self, what: &str, mut f: impl FnMut(&DeviceInput) -> Option<T>) -> T {
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
    pub async fn ready(&mut self) -> DeviceInfo {
        self.wait("Ready", |e| match e {
            DeviceInput::Ready(m) => Some(m.clone()),
            _ => None,
        })
        .await
    }

    /// Waits for the end of a transaction: FINISH_OK, FINISH_CANCEL or a refused TX_START.
    pub async fn finished(&mut self) -> Finish {
        self.wait("the transaction's end", Finish::of).await
    }

    /// Index of the first logged event matching `f`.
    pub fn position(&self, f: impl Fn(&DeviceInput) -> bool) -> Option<usize> {
        self.log.iter().position(f)
    }

    /// Disposes and drains the events until the task ends.
    pub async fn dispose(mut self) -> Vec<DeviceInput> {
        self.handle.dispose().await;
        while self.next().await.is_some() {}
        self.log
    }
}

/// How a transaction ended on the device, as the connector handed it over (the verdict on it
/// is the app's; these tests only check what the device said).
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    /// FINISH_OK with this payment.
    Ok(Box<Payment>),
    /// FINISH_CANCEL.
    Cancel,
    /// TX_START_RESPONSE refused the transaction (the device sends no FINISH after it).
    Refused(TxStartResponseResult),
}

impl Finish {
    /// The end of a transaction that `input` reports, if it reports one.
    pub fn of(input: &DeviceInput) -> Option<Finish> {
        match input {
            DeviceInput::FinishOk {
                payment: Some(p), ..
            } => Some(Finish::Ok(Box::new(p.clone()))),
            DeviceInput::FinishCancel { .. } => Some(Finish::Cancel),
            DeviceInput::TxStartResponse { result, .. }
                if *result != TxStartResponseResult::Success =>
            {
                Some(Finish::Refused(result.clone()))
            }
            _ => None,
        }
    }

    /// FINISH_OK with a payment whose own result is SUCCESS.
    pub fn succeeded(&self) -> bool {
        matches!(self, Finish::Ok(p) if p.result == Some(PaymentResult::Success))
    }

    /// FINISH_CANCEL.
    pub fn canceled(&self) -> bool {
        *self == Finish::Cancel
    }

    /// The payment of a FINISH_OK.
    pub fn payment(&self) -> Option<&Payment> {
        match self {
            Finish::Ok(p) => Some(p),
            _ => None,
        }
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
