//! One running `till` for the tests and benchmarks that drive the real loop: an embedded
//! simulator on 127.0.0.1, a real SQLite ledger in a fresh temporary directory, and the connector
//! and runtime over them, put together by `till::wiring::wire`, the function the `till` binary
//! uses (`cli/composition.rs`).
#![allow(dead_code)]

use std::sync::Arc;

use till::app::AppSettings;
use till::app::order_desk::OrderDesk;
use till::connector::ConnectorSettings;
use till::ledger::Ledger;
use till::runtime::{ConnectorPort, LedgerStore, Runtime};
use till::sim::device::{CustomerMode, DeviceConfig};
use till::sim::{SimConfig, Simulator};
use till::wiring::{Parts, Wired, wire};

/// The runtime the way `till` runs it: over the real connector and the real ledger.
pub type Rt = Runtime<ConnectorPort, LedgerStore>;

/// The device key payments are recorded under (the one `till` uses for its embedded simulator).
pub const DEVICE_KEY: &str = "sim";

/// A simulated device whose customer acts at once (card, signature, pairing).
pub fn auto_device() -> DeviceConfig {
    DeviceConfig {
        customer: CustomerMode::Auto {
            card_delay_ms: 0,
            sign_delay_ms: 0,
            pairing_delay_ms: 0,
        },
        ..DeviceConfig::default()
    }
}

/// Connector settings with the defaults; the URL is the embedded simulator's, filled in by
/// `wire`.
pub fn connector() -> ConnectorSettings {
    ConnectorSettings::direct(String::new())
}

/// A running `till` over an embedded simulator and a ledger in a temporary directory.
pub struct Till {
    /// The runtime over the state machine, the connector and the ledger.
    pub rt: Rt,
    /// The embedded simulator.
    pub sim: Simulator,
    /// The ledger the runtime writes (another handle on the same file).
    pub ledger: Ledger,
    /// The ledger's directory, removed when the `Till` goes.
    dir: tempfile::TempDir,
}

impl Till {
    /// Starts the simulated `device`, opens a ledger in a fresh temporary directory (pairing
    /// tokens kept in it) and wires the connector (`connector`'s timings; its URL becomes the
    /// simulator's) and the runtime over a state machine with `app`.
    pub async fn start(
        device: DeviceConfig,
        app: AppSettings,
        connector: ConnectorSettings,
    ) -> Till {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let ledger = Ledger::open(dir.path()).expect("the ledger opens");
        let Wired { rt, sim } = wire(Parts {
            app,
            desk: OrderDesk::default(),
            ledger: LedgerStore::new(ledger.clone(), DEVICE_KEY),
            tokens: Arc::new(ledger.token_store()),
            connector,
            simulator: Some(SimConfig {
                device,
                ..SimConfig::default()
            }),
        })
        .await
        .expect("the simulator, the connector and the runtime start");
        Till {
            rt,
            sim: sim.expect("the embedded simulator"),
            ledger,
            dir,
        }
    }

    /// Disconnects, stops the simulator, closes the ledger and removes its directory.
    pub async fn close(self) {
        let Till {
            mut rt,
            sim,
            ledger,
            dir,
        } = self;
        rt.device().handle().dispose().await;
        sim.shutdown().await;
        drop(rt);
        drop(ledger);
        drop(dir);
    }
}
