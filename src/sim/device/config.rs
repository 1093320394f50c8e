//! How a simulated device behaves: identity, protocol switches marked [INFERRED] in
//! PROTOCOL.md, the customer, and faults.

use super::profile::{Profile, REAL_PING_INTERVAL_MS};

/// Who acts as the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerMode {
    /// Only explicit [`super::CustomerAction`]s (stdin of `till sim`, the TUI device panel).
    Manual,
    /// Acts by itself, following the amount-driven outcome table, after these delays.
    Auto {
        /// Delay before presenting a card, ms.
        card_delay_ms: u64,
        /// Delay before signing, ms.
        sign_delay_ms: u64,
        /// Delay before approving a pairing request, ms.
        pairing_delay_ms: u64,
    },
}

/// What a second POS connecting to an already attached direct device gets (§1.1, [INFERRED]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondPos {
    /// Accept the newcomer and close the old socket (1000).
    TakeOver,
    /// Keep the old one and close the newcomer (1008).
    Refuse,
}

/// How a second TX_START is refused while a transaction runs (§8.3, [INFERRED]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusyAnswer {
    /// INVALID_STATE_TRANSITION (default).
    InvalidStateTransition,
    /// TX_START_RESPONSE with result FAIL.
    TxStartFail,
}

/// Faults switched on for a whole run (amount-driven scenarios add per-sale ones).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Drop the connection just before sending FINISH_OK (the payment completes on the device).
    pub drop_before_finish_ok: bool,
    /// Stop answering (half-open) right after accepting a TX_START.
    pub half_open_after_tx_start: bool,
    /// Answer DISCOVERY_REQUEST with `ready:false`, forever.
    pub never_ready: bool,
    /// Never send ACKs even when advertising support.
    pub drop_acks: bool,
    /// Send every device frame twice.
    pub duplicate_frames: bool,
    /// Delay every device frame by this many ms (a slow device).
    pub slow_ms: u64,
    /// After a sale ends, send a stale copy of its FINISH frame again later ("late frame").
    pub late_frames: bool,
    /// Probability (0.0–1.0) of a random fault per sale, for soak runs.
    pub random_rate: f64,
    /// Break the connection at one chosen frame, once per device (network-drop tests).
    pub cut: Option<super::cut::Cut>,
    /// RETRIEVE_PAYMENT shows a voided payment the way PAYMENT_VOIDED does on real devices:
    /// `result:"SUCCESS"`, card transaction CLOSED, no void reason (EVIDENCE.md row 1). Whether
    /// real devices do this on a lookup is not recorded: a hostile reading for POS tests.
    pub voided_reads_success: bool,
    /// Drop the connection instead of sending the answer to CAPTURE_PREAUTH,
    /// INCREMENT_PREAUTH_REQUEST, TIP_ADJUST or CLOSEOUT_REQUEST: the change is made on the
    /// device, and `sendLastMessage` re-sends the answer.
    pub drop_before_response: bool,
}

/// Everything that shapes a simulated device.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceConfig {
    /// Which device the simulator imitates (wire shapes and habits); see [`Profile`].
    /// Set it with [`DeviceConfig::with_profile`] to get the profile's habits too.
    pub profile: Profile,
    /// DISCOVERY_RESPONSE `name`.
    pub name: String,
    /// DISCOVERY_RESPONSE `serial`.
    pub serial: String,
    /// DISCOVERY_RESPONSE `model`.
    pub model: String,
    /// Clover merchant id.
    pub merchant_id: String,
    /// Merchant name.
    pub merchant_name: String,
    /// Processor MID.
    pub merchant_mid: String,
    /// Advertise and send ACKs.
    pub supports_ack: bool,
    /// Advertise `supportsVoidPaymentResponse` and answer VOID_PAYMENT with
    /// VOID_PAYMENT_RESPONSE; without it a void is answered by the ACK only (§7.2).
    pub supports_void_payment_response: bool,
    /// Advertise `supportsAuth` and take auths (TX_START `requestInfo:"AUTH"`).
    pub supports_auth: bool,
    /// Advertise `supportsPreAuth` and take pre-auths, captures and increments.
    pub supports_pre_auth: bool,
    /// Advertise `supportsTipAdjust` and take TIP_ADJUST.
    pub supports_tip_adjust: bool,
    /// Envelope version the device writes (2 = fragmentation supported).
    pub envelope_version: i64,
    /// Pairing tokens expire after this long (30 days on real devices).
    pub token_ttl_ms: i64,
    /// Answer INITIAL instead of PAIRED (old devices).
    pub legacy_initial: bool,
    /// Device PING interval after pairing, ms; 0 = never ping.
    pub ping_interval_ms: u64,
    /// Drop the POS after this many unanswered PINGs; 0 = never.
    pub ping_max_missed: u32,
    /// A second POS on a direct device.
    pub second_pos: SecondPos,
    /// A second TX_START while busy.
    pub busy_answer: BusyAnswer,
    /// On BREAK, send RESET_DEVICE_RESPONSE before FINISH_CANCEL (default after).
    pub reset_response_first: bool,
    /// Ask for the signature before the challenge (default: challenge first).
    pub signature_before_challenge: bool,
    /// Time out waiting for a card after this long, ms; 0 = wait forever.
    pub card_timeout_ms: u64,
    /// Who the customer is.
    pub customer: CustomerMode,
    /// Run-wide faults.
    pub faults: Faults,
    /// Seed for every random choice (ids, auth codes, strokes, random faults).
    pub seed: u64,
    /// Pairing tokens the device already knows from an earlier run (the embedded simulator
    /// remembers its pairing this way); each pairs once, like any token.
    pub known_tokens: Vec<String>,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        DeviceConfig {
            profile: Profile::Default,
            name: "Till Simulator".into(),
            serial: "SIM0000000001".into(),
            model: "Clover_C300".into(),
            merchant_id: "MRCHNT0000001".into(),
            merchant_name: "Test Merchant".into(),
            merchant_mid: "000000001234567".into(),
            supports_ack: true,
            supports_void_payment_response: true,
            supports_auth: true,
            supports_pre_auth: true,
            supports_tip_adjust: true,
            envelope_version: 2,
            token_ttl_ms: 30 * 24 * 3600 * 1000,
            legacy_initial: false,
            ping_interval_ms: 0,
            ping_max_missed: 0,
            second_pos: SecondPos::TakeOver,
            busy_answer: BusyAnswer::InvalidStateTransition,
            reset_response_first: false,
            signature_before_challenge: false,
            card_timeout_ms: 60_000,
            customer: CustomerMode::Manual,
            faults: Faults::default(),
            seed: 0,
            known_tokens: Vec::new(),
        }
    }
}

impl DeviceConfig {
    /// This configuration switched to `profile`, with the profile's habits: the real profile
    /// writes envelope version 1, answers VOID_PAYMENT with the ACK only (its discovery does not
    /// advertise `supportsVoidPaymentResponse`) and PINGs about once a second (a PING interval
    /// set explicitly beforehand is kept). Switching to the default profile changes nothing else.
    pub fn with_profile(mut self, profile: Profile) -> DeviceConfig {
        self.profile = profile;
        if profile.is_real() {
            self.envelope_version = 1;
            // Real devices' discovery has no supportsVoidPaymentResponse: a void is ACKed only.
            self.supports_void_payment_response = false;
            if self.ping_interval_ms == 0 {
                self.ping_interval_ms = REAL_PING_INTERVAL_MS;
            }
        }
        self
    }
}
