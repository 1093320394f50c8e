//! FSM table tests of the simulated device: scripted events in, decoded frames out. No I/O, no
//! clock: the harness owns `now` and fires the timers the device asked for.

mod auths;
mod faults;
mod notes;
mod order_screen;
mod pairing;
mod printer;
mod real_profile;
mod recovery;
mod refunds;
mod robustness;
mod sale;

use serde_json::Value;

use super::*;
use crate::protocol::{
    Cents, Encoder, Message, PairingRequest, ResultStatus, RetrieveDeviceStatusRequest,
    RetrievePaymentRequest, SNPD_PACKAGE, SaleOptions, SaleRequest,
};

/// `remoteSourceSDK` of the scripted POS.
const POS_SDK: &str = "com.clover.cloverconnector.cloud:4.1.2";
/// `remoteApplicationID` of the scripted POS.
const APP_ID: &str = "com.example.tuipos:0.1.0";
/// Start of every script (2024-06-11).
const T0: i64 = 1_718_100_000_000;

/// A device plus a scripted POS and a fake clock.
struct Sim {
    dev: Device,
    now: i64,
    pos: Encoder,
    next_id: u64,
    /// Timers asked for and not fired yet: (due, id).
    pending: Vec<(i64, TimerId)>,
}

impl Sim {
    fn new(config: DeviceConfig) -> Sim {
        Sim {
            dev: Device::new(config),
            now: T0,
            pos: Encoder::pos(SNPD_PACKAGE, POS_SDK, APP_ID),
            next_id: 0,
            pending: Vec::new(),
        }
    }

    /// A device with the auto customer acting at once.
    fn auto() -> Sim {
        Sim::new(auto_config())
    }

    /// A device with a manual customer.
    fn manual() -> Sim {
        Sim::new(DeviceConfig::default())
    }

    fn track(&mut self, out: &[Output]) {
        for o in out {
            if let Output::StartTimer { id, after_ms } = o {
                self.pending.push((self.now + *after_ms as i64, *id));
            }
        }
    }

    fn handle(&mut self, input: Input) -> Vec<Output> {
        let out = self.dev.handle(self.now, input);
        self.track(&out);
        out
    }

    fn act(&mut self, action: CustomerAction) -> Result<Vec<Output>, String> {
        let out = self.dev.act(self.now, action)?;
        self.track(&out);
        Ok(out)
    }

    fn connect(&mut self, conn: ConnId) -> Vec<Output> {
        self.handle(Input::Connected {
            conn,
            transport: Transport::Direct,
        })
    }

    fn disconnect(&mut self, conn: ConnId) -> Vec<Output> {
        self.handle(Input::Disconnected { conn })
    }

    fn text(&mut self, conn: ConnId, text: &str) -> Vec<Output> {
        self.handle(Input::Frame {
            conn,
            text: text.to_owned(),
        })
    }

    /// Sends a message the way the JS SDK does (envelope id = counter, payload messageId).
    fn send(&mut self, conn: ConnId, message: &Message) -> Vec<Output> {
        self.next_id += 1;
        let text = self.pos.command(&self.next_id.to_string(), message);
        self.text(conn, &text)
    }

    /// The envelope id of the last frame sent by [`Sim::send`].
    fn last_id(&self) -> String {
        self.next_id.to_string()
    }

    fn pairing_request(&mut self, conn: ConnId, token: Option<&str>) -> Vec<Output> {
        let request = PairingRequest {
            name: Some("TUI POS".into()),
            serial_number: Some("LANE-1".into()),
            application_name: Some("TUI POS".into()),
            authentication_token: token.map(str::to_owned),
        };
        self.send(conn, &Message::PairingRequest(request))
    }

    /// Connects and pairs (approving the code by hand when the customer is manual); the token.
    fn paired(&mut self, conn: ConnId) -> String {
        self.connect(conn);
        let mut out = self.pairing_request(conn, None);
        if !out
            .iter()
            .any(|o| method_of(o).as_deref() == Some("PAIRING_RESPONSE"))
        {
            out = self
                .act(CustomerAction::ApprovePairing)
                .expect("a code to approve");
        }
        token_of(&out)
    }

    /// Connects, pairs and runs discovery; the token.
    fn ready(&mut self, conn: ConnId) -> String {
        let token = self.paired(conn);
        self.send(conn, &Message::DiscoveryRequest(Default::default()));
        token
    }

    /// Reconnects on `conn` with a token (no code needed) and runs discovery.
    fn reconnect(&mut self, conn: ConnId, token: &str) -> String {
        self.connect(conn);
        let out = self.pairing_request(conn, Some(token));
        self.send(conn, &Message::DiscoveryRequest(Default::default()));
        token_of(&out)
    }

    fn sale(&mut self, conn: ConnId, amount: i64, external_id: &str) -> Vec<Output> {
        self.send(conn, &sale(amount, external_id, SaleOptions::default()))
    }

    fn retrieve_payment(&mut self, conn: ConnId, external_id: &str) -> Vec<Output> {
        let request = RetrievePaymentRequest {
            external_payment_id: Some(external_id.into()),
        };
        self.send(conn, &Message::RetrievePaymentRequest(request))
    }

    fn status(&mut self, conn: ConnId, send_last_message: bool) -> Vec<Output> {
        let request = RetrieveDeviceStatusRequest {
            send_last_message: Some(send_last_message),
        };
        self.send(conn, &Message::RetrieveDeviceStatusRequest(request))
    }

    /// Moves the clock forward by `ms`, firing due timers in order.
    fn advance(&mut self, ms: i64) -> Vec<Output> {
        let target = self.now + ms;
        let mut out = Vec::new();
        loop {
            self.pending.sort();
            let Some(&(due, id)) = self.pending.first() else {
                break;
            };
            if due > target {
                break;
            }
            self.pending.remove(0);
            self.now = due;
            out.extend(self.handle(Input::Timer(id)));
        }
        self.now = target;
        out
    }
}

/// Auto customer with no delays.
fn auto_config() -> DeviceConfig {
    DeviceConfig {
        customer: CustomerMode::Auto {
            card_delay_ms: 0,
            sign_delay_ms: 0,
            pairing_delay_ms: 0,
        },
        ..DeviceConfig::default()
    }
}

/// The TX_START of a sale, exactly as the JS SDK builds it.
fn sale(amount: i64, external_id: &str, options: SaleOptions) -> Message {
    SaleRequest::builder()
        .amount(Cents(amount))
        .external_id(external_id)
        .options(options)
        .build()
        .expect("a valid sale")
        .to_message()
}

/// Every frame the device sent, decoded.
fn frames(out: &[Output]) -> Vec<Frame> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send { text, .. } => Some(Frame::decode(text).expect("device frames decode")),
            _ => None,
        })
        .collect()
}

/// Every message the device sent.
fn messages(out: &[Output]) -> Vec<Message> {
    frames(out).into_iter().filter_map(|f| f.message).collect()
}

fn method_of(o: &Output) -> Option<String> {
    match o {
        Output::Send { text, .. } => Frame::decode(text).ok()?.method().map(str::to_owned),
        _ => None,
    }
}

/// A readable trace: methods, UI_STATE/TX_STATE with their state, PING/PONG, closes, stalls.
fn trace(out: &[Output]) -> Vec<String> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send { text, .. } => {
                let frame = Frame::decode(text).expect("device frames decode");
                Some(match &frame.message {
                    Some(Message::UiState(m)) => format!(
                        "UI {} {}",
                        m.ui_state
                            .as_ref()
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                        m.ui_direction
                            .as_ref()
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    ),
                    Some(Message::TxState(m)) => {
                        format!(
                            "TX_STATE {}",
                            m.tx_state
                                .as_ref()
                                .map(|s| s.to_string())
                                .unwrap_or_default()
                        )
                    }
                    Some(m) => m.method().to_owned(),
                    None => frame.kind().to_string(),
                })
            }
            Output::Close { code, .. } => Some(format!("CLOSE {code:?}")),
            Output::Stall { .. } => Some("STALL".into()),
            _ => None,
        })
        .collect()
}

/// The one message of a variant in the outputs (panics on zero or several).
macro_rules! one {
    ($out:expr, $variant:ident) => {{
        let out: &[Output] = &$out;
        let found: Vec<_> = messages(out)
            .into_iter()
            .filter_map(|m| match m {
                Message::$variant(x) => Some(x),
                _ => None,
            })
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one {} in {:?}",
            stringify!($variant),
            trace(out)
        );
        found.into_iter().next().expect("one")
    }};
}
use one;

/// Every message of a variant in the outputs.
macro_rules! all {
    ($out:expr, $variant:ident) => {{
        messages(&$out)
            .into_iter()
            .filter_map(|m| match m {
                Message::$variant(x) => Some(x),
                _ => None,
            })
            .collect::<Vec<_>>()
    }};
}
use all;

/// The token of the PAIRING_RESPONSE in the outputs.
fn token_of(out: &[Output]) -> String {
    let responses = all!(out, PairingResponse);
    responses
        .into_iter()
        .next()
        .and_then(|r| r.authentication_token)
        .expect("a token")
}

/// The decoded payload object of the first frame with `method` (raw JSON, to check wire shapes).
fn raw_payload(out: &[Output], method: &str) -> Value {
    for o in out {
        if let Output::Send { text, .. } = o {
            let envelope: Value = serde_json::from_str(text).expect("JSON");
            if envelope["method"] == method {
                let payload = envelope["payload"].as_str().expect("payload is a string");
                return serde_json::from_str(payload).expect("payload JSON");
            }
        }
    }
    panic!("no {method} in {:?}", trace(out));
}

/// Closes in the outputs: (conn, code).
fn closes(out: &[Output]) -> Vec<(ConnId, Option<u16>)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Close { conn, code, .. } => Some((*conn, *code)),
            _ => None,
        })
        .collect()
}

/// Connections that received frames.
fn receivers(out: &[Output]) -> Vec<ConnId> {
    let mut conns: Vec<ConnId> = out
        .iter()
        .filter_map(|o| match o {
            Output::Send { conn, .. } => Some(*conn),
            _ => None,
        })
        .collect();
    conns.dedup();
    conns
}
