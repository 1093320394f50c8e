//! The one place a running `till` is put together: the device (an embedded simulator, or the one
//! the connector settings name), the connector to it, the ledger and the runtime over the state
//! machine. `cli/composition.rs` (the composition root) builds the parts from the configuration
//! and calls [`wire`]; the tests and benchmarks that drive the real loop call it too, through
//! `tests/wired_support`.

use std::sync::Arc;

use crate::app::order_desk::OrderDesk;
use crate::app::{AppSettings, State};
use crate::connector::{self, ConnectorSettings, StartError, TokenStore, TransportSettings};
use crate::runtime::{ConnectorPort, LedgerStore, Runtime};
use crate::sim::{SimConfig, SimError, Simulator};

/// Everything [`wire`] puts together.
pub struct Parts {
    /// The state machine's settings ([`AppSettings::rest_lookup`] is turned on here when the
    /// connector can look payments up over Clover's REST API).
    pub app: AppSettings,
    /// The order desk the state machine starts with (catalog, tax rate, display texts).
    pub desk: OrderDesk,
    /// The ledger, and the device key payments are recorded under.
    pub ledger: LedgerStore,
    /// Where pairing tokens are kept.
    pub tokens: Arc<dyn TokenStore>,
    /// How the connector reaches the device. With an embedded simulator, its transport is
    /// replaced by the simulator's direct URL once it listens.
    pub connector: ConnectorSettings,
    /// An embedded simulator to start on the loopback interface; `None` for the device the
    /// connector settings name.
    pub simulator: Option<SimConfig>,
}

/// A running `till`: the runtime over the state machine, and the embedded simulator if any.
pub struct Wired {
    /// The loop over the state machine, its connector and its ledger.
    pub rt: Runtime<ConnectorPort, LedgerStore>,
    /// The embedded simulator, when [`Parts::simulator`] asked for one.
    pub sim: Option<Simulator>,
}

/// Why [`wire`] could not put `till` together.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The embedded simulator did not start.
    #[error(transparent)]
    Simulator(SimError),
    /// The connector refused its settings (or its TLS set-up failed).
    #[error(transparent)]
    Connector(StartError),
}

/// Starts the embedded simulator (if asked for), then the connector to the device, and builds
/// the runtime over a fresh state machine, the connector and the ledger.
pub async fn wire(parts: Parts) -> Result<Wired, WireError> {
    let Parts {
        mut app,
        desk,
        ledger,
        tokens,
        mut connector,
        simulator,
    } = parts;
    let sim = match simulator {
        Some(config) => Some(
            Simulator::start(config)
                .await
                .map_err(WireError::Simulator)?,
        ),
        None => None,
    };
    if let Some(sim) = &sim {
        connector.transport = TransportSettings::Direct { url: sim.url() };
    }
    let rest = connector::rest::available(&connector).then(|| connector.clone());
    let (handle, inputs) = connector::start(connector, tokens).map_err(WireError::Connector)?;
    let mut port = ConnectorPort::new(handle);
    if let Some(rest) = rest {
        port = port.with_rest(rest);
        app.rest_lookup = true;
    }
    let state = State::with_desk(app, desk);
    Ok(Wired {
        rt: Runtime::new(state, port, ledger, inputs),
        sim,
    })
}
