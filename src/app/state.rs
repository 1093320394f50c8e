//! The state the POS state machine keeps between events.

use std::collections::BTreeMap;

use super::answer::Refusal;
use super::ledger_ops::PaymentFacts;
use super::linked_txn::TxnInfo;
use super::recovery_state::Recovery;
use super::reset_state::ResetFlow;
use super::timers::{TimerId, TimerPurpose};
use crate::device::DeviceInfo;
use crate::payment::{PaymentKind, PaymentState};
use crate::protocol::{
    Cents, Challenge, ExternalDeviceState, ExternalDeviceSubState, Payment, SaleOptions, Signature,
};

/// The connection to the device, as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Connection {
    /// Not started yet.
    #[default]
    Idle,
    /// Trying to connect.
    Connecting {
        /// Attempt number.
        attempt: u32,
    },
    /// The device shows a pairing request; the code must be typed on the device.
    Pairing {
        /// The code.
        code: String,
    },
    /// Connected but the device cannot take payments yet.
    NotReady(String),
    /// Ready.
    Ready,
    /// Connection lost; reconnecting.
    Disconnected(String),
}

/// The payment `till` is working on (at most one per device).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentPayment {
    /// External id.
    pub external_id: String,
    /// Amount.
    pub amount: Cents,
    /// Tip.
    pub tip: Option<Cents>,
    /// Tax.
    pub tax: Option<Cents>,
    /// Ledger state.
    pub state: PaymentState,
    /// When the sale started (ms since the epoch), for the elapsed time.
    pub started_ms: i64,
    /// The device showed DECLINED during this flow.
    pub decline_seen: bool,
    /// The device asked about the payment after authorising it (a challenge or signature):
    /// what it said. A FINISH_CANCEL after that means the authorisation was voided.
    pub authorised: Option<PaymentFacts>,
    /// What the device proved about this payment so far (see `app::verdict`).
    pub evidence: Evidence,
}

impl CurrentPayment {
    /// A payment of `amount` (+ `tip`, `tax` included) in `state`, with no evidence yet.
    pub fn new(
        external_id: String,
        amount: Cents,
        tip: Option<Cents>,
        tax: Option<Cents>,
        state: PaymentState,
        started_ms: i64,
    ) -> CurrentPayment {
        CurrentPayment {
            external_id,
            amount,
            tip,
            tax,
            state,
            started_ms,
            decline_seen: false,
            authorised: None,
            evidence: Evidence::default(),
        }
    }

    /// Its amount, tip and tax as asked.
    pub fn amounts(&self) -> crate::payment::Amounts {
        crate::payment::Amounts::new(self.amount, self.tip, self.tax)
    }

    /// What the customer owes for this sale: amount (tax included) + tip.
    pub fn total(&self) -> Cents {
        self.amounts().total()
    }
}

/// Facts the device gave about the current payment during its flow, used by the verdict rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The device's payment id, once a payment naming our external id was seen.
    pub device_payment_id: Option<String>,
    /// Tip the customer chose on the device (TIP_ADDED).
    pub tip_added: Option<Cents>,
    /// Set when a void is proven (PAYMENT_VOIDED for our payment, or our rejection of a
    /// challenge or signature): why.
    pub void_proven: Option<String>,
    /// Set when the device's facts conflict (a payment we cannot tie to this sale, an amount above
    /// the request, success after a proven void…): what conflicts. The payment stays `unknown`
    /// until someone checks it.
    pub conflict: Option<String>,
}

impl Evidence {
    /// True when the device showed an authorisation for this payment.
    pub fn authorisation_seen(&self) -> bool {
        self.device_payment_id.is_some()
    }
}

/// A question from the device waiting for the operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// CONFIRM_PAYMENT_MESSAGE.
    Challenge {
        /// The authorised payment.
        payment: Payment,
        /// Its challenges (the operator sees each message).
        challenges: Vec<Challenge>,
    },
    /// VERIFY_SIGNATURE.
    Signature {
        /// The authorised payment.
        payment: Payment,
        /// The strokes.
        signature: Signature,
    },
}

/// How the last payment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// External id.
    pub external_id: String,
    /// Final (or unknown) state.
    pub state: PaymentState,
    /// Amount asked for.
    pub amount: Cents,
    /// Tip.
    pub tip: Option<Cents>,
    /// Tax.
    pub tax: Option<Cents>,
    /// What the device said about the payment.
    pub facts: PaymentFacts,
    /// Human explanation.
    pub message: String,
}

impl Outcome {
    /// Its amount, tip and tax as asked.
    pub fn amounts(&self) -> crate::payment::Amounts {
        crate::payment::Amounts::new(self.amount, self.tip, self.tax)
    }
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Information.
    Info,
    /// Something the operator must act on.
    Error,
}

/// A line for the operator (status bar / stderr).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Severity.
    pub level: Level,
    /// Text that says what happened and what to do.
    pub text: String,
    /// Why a request was refused, for exit codes.
    pub kind: NoticeKind,
}

/// What a notice is about (headless commands map these to exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Nothing special.
    General,
    /// Invalid input; nothing sent.
    Validation,
    /// The device is not connected / not ready.
    NotConnected,
    /// Another payment is pending.
    PendingPayment,
    /// A reset needs the operator's confirmation.
    ResetNeedsConfirmation,
    /// The connection dropped after BREAK was sent: the device never confirmed the reset.
    ResetUnconfirmed,
    /// A ledger write failed; nothing was sent.
    PersistFailed,
    /// The device refused the sale (busy with another payment, external id already used).
    DeviceRefused,
    /// The device's outcome could not be written to the ledger.
    NotRecorded,
    /// Describes something still going on (recovery polling the device, the pairing just done):
    /// it goes away when that ends.
    Progress,
}

/// The last device status answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceStatusView {
    /// State.
    pub state: ExternalDeviceState,
    /// Substate.
    pub substate: Option<ExternalDeviceSubState>,
    /// External id it works on.
    pub external_id: Option<String>,
}

/// Settings the state machine needs (from the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSettings {
    /// Largest sale amount.
    pub max_amount: Option<Cents>,
    /// Transaction settings for every sale.
    pub sale_options: SaleOptions,
    /// How long to wait for TX_START_RESPONSE or a recovery answer before recovering, ms.
    pub response_timeout_ms: u64,
    /// First poll interval while the device still works on a payment, ms (doubles, capped).
    pub poll_initial_ms: u64,
    /// Poll interval cap, ms.
    pub poll_max_ms: u64,
    /// Cloud mode with a REST token: when the idle device has no such payment, ask Clover's REST
    /// payments endpoint too before deciding `not_found`.
    pub rest_lookup: bool,
    /// The name a receipt is headed with (`sale.order_title`, else `terminal.name`).
    pub receipt_merchant: String,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            max_amount: None,
            sale_options: SaleOptions {
                disable_restart_on_failure: true,
                ..SaleOptions::default()
            },
            response_timeout_ms: 10_000,
            poll_initial_ms: 1_000,
            poll_max_ms: 10_000,
            rest_lookup: false,
            receipt_merchant: "till".to_owned(),
        }
    }
}

/// The closeout `till` is waiting on (its payments are all final: it runs alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseoutFlow {
    /// Our id for the request.
    pub request_id: String,
    /// Asked with `allowOpenTabs`.
    pub allow_open_tabs: bool,
}

/// How the last closeout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseoutOutcome {
    /// Our id for the request.
    pub request_id: String,
    /// Closed, refused or unknown.
    pub state: crate::payment::CloseoutState,
    /// The batch the device reported.
    pub batch: crate::payment::Batch,
    /// What the device said, or why the outcome is not known.
    pub message: String,
}

/// Everything the POS state machine knows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The current time, stamped by the runtime before each event (the app reads no clock).
    pub(super) now_ms: i64,
    /// Settings.
    pub(super) settings: AppSettings,
    /// Connection.
    pub(super) connection: Connection,
    /// The device's names once ready.
    pub(super) device: Option<DeviceInfo>,
    /// The device's current screen text.
    pub(super) device_text: Option<String>,
    /// The device waits for the customer's signature (and ignores cancel meanwhile).
    pub(super) device_wants_signature: bool,
    /// The device showed its card time-out screen during the running sale.
    pub(super) card_timed_out: bool,
    /// The external id of the payment found open at start-up, until its outcome is known.
    pub(super) from_restart: Option<String>,
    /// Outcomes of payments from before the restart that recovery settled, newest last; shown
    /// on the sale and status screens until the operator dismisses them.
    pub(super) recovered: Vec<Outcome>,
    /// The last device status answer.
    pub(super) device_status: Option<DeviceStatusView>,
    /// The payment in flight or pending recovery.
    pub(super) payment: Option<CurrentPayment>,
    /// A device question waiting for the operator.
    pub(super) prompt: Option<Prompt>,
    /// The recovery procedure, while it runs.
    pub(super) recovery: Option<Recovery>,
    /// The guarded reset, while it runs.
    pub(super) reset: Option<ResetFlow>,
    /// How the last payment ended.
    pub(super) last_outcome: Option<Outcome>,
    /// The latest notice.
    pub(super) notice: Option<Notice>,
    /// Recent frames (redacted summaries), newest last.
    pub(super) frames: Vec<(crate::protocol::Sender, String)>,
    /// Running timers.
    pub(super) timers: BTreeMap<TimerId, TimerPurpose>,
    /// Next timer id.
    pub(super) next_timer: TimerId,
    /// Set when the operator quit.
    pub(super) quit: bool,
    /// The TUI's screen state.
    pub(super) ui: super::ui_state::Ui,
    /// The external id of a payment whose final outcome could not be written to the ledger.
    pub(super) unrecorded: Option<String>,
    /// Open payments in the ledger not (yet) tied to the connected device: those of other
    /// devices, or of this one until discovery names it.
    pub(super) open_elsewhere: Vec<super::ledger_ops::PendingPayment>,
    /// A prompt whose answer was handed to the runtime, with the void proof before the answer:
    /// if the answer cannot be sent the prompt comes back.
    pub(super) answering: Option<(Prompt, Option<String>)>,
    /// The external id of a payment that ended before its FINISH_* arrived (PAYMENT_VOIDED):
    /// that FINISH_* still gets its one screen command.
    pub(super) screen_owed: Option<String>,
    /// The order on the sale screen and its customer display.
    pub(super) desk: super::order_desk::OrderDesk,
    /// The current transaction's kind and sale when it is a refund, void or credit (`None`
    /// for a sale).
    pub(super) txn: Option<TxnInfo>,
    /// The same for the transaction of `last_outcome`.
    pub(super) last_txn: Option<TxnInfo>,
    /// An open refund, void or credit found at start-up under a device identity not known yet:
    /// adopted when the device that has it becomes ready.
    pub(super) txn_elsewhere: Option<(super::ledger_ops::PendingPayment, TxnInfo)>,
    /// The closeout waiting for its answer.
    pub(super) closeout: Option<CloseoutFlow>,
    /// How the last closeout ended.
    pub(super) last_closeout: Option<CloseoutOutcome>,
    /// The print job on the device's printer, if one was started (`app::printing`).
    pub(super) print_job: Option<super::print_job::PrintJob>,
    /// A refusal given while handling the current event, until `update` turns it into
    /// `Effect::Answer`.
    pub(super) refusal: Option<(Refusal, String)>,
}

/// Frames kept for the inspector.
pub const FRAME_HISTORY: usize = 2_000;

impl State {
    /// Forgets what the previous transaction left behind (its prompt, answer, outcome, device
    /// text, notice and flow flags) as a new one starts: one place for sales, refunds, voids
    /// and credits.
    pub(super) fn clear_for_new_transaction(&mut self) {
        self.prompt = None;
        self.answering = None;
        self.unrecorded = None;
        self.screen_owed = None;
        self.last_outcome = None;
        self.device_text = None;
        self.device_wants_signature = false;
        self.card_timed_out = false;
        self.notice = None;
    }

    /// A fresh state with these settings.
    pub fn new(settings: AppSettings) -> State {
        State {
            now_ms: 0,
            settings,
            connection: Connection::Idle,
            device: None,
            device_text: None,
            device_wants_signature: false,
            card_timed_out: false,
            from_restart: None,
            recovered: Vec::new(),
            device_status: None,
            payment: None,
            prompt: None,
            recovery: None,
            reset: None,
            last_outcome: None,
            notice: None,
            frames: Vec::new(),
            timers: BTreeMap::new(),
            next_timer: 1,
            quit: false,
            ui: super::ui_state::Ui::default(),
            desk: super::order_desk::OrderDesk::default(),
            unrecorded: None,
            open_elsewhere: Vec::new(),
            answering: None,
            screen_owed: None,
            txn: None,
            last_txn: None,
            txn_elsewhere: None,
            closeout: None,
            last_closeout: None,
            print_job: None,
            refusal: None,
        }
    }

    /// A fresh state with these settings and this order desk (its catalog and tax rate).
    pub fn with_desk(settings: AppSettings, desk: super::order_desk::OrderDesk) -> State {
        State {
            desk,
            ..State::new(settings)
        }
    }

    /// A fresh state for the read-only TUI (another till holds the ledger, or `--read-only`):
    /// the history up, and `why` on its banner.
    pub fn read_only(settings: AppSettings, why: String) -> State {
        let mut state = State::new(settings);
        state.ui.read_only = Some(why);
        state.ui.screen = super::ui_state::Screen::History;
        state
    }

    /// What kind of transaction the current one is (a sale when none is running).
    pub fn kind(&self) -> PaymentKind {
        self.txn.as_ref().map_or(PaymentKind::Sale, |t| t.kind)
    }

    /// True when the device can take requests.
    pub fn is_ready(&self) -> bool {
        self.connection == Connection::Ready
    }

    /// The payment still needing an outcome, if any.
    pub fn pending(&self) -> Option<&CurrentPayment> {
        self.payment.as_ref().filter(|p| !p.state.is_final())
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            level: Level::Info,
            text: text.into(),
            kind: NoticeKind::General,
        });
    }

    /// A notice about something still going on; it is cleared when that ends.
    pub(super) fn progress(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            level: Level::Info,
            text: text.into(),
            kind: NoticeKind::Progress,
        });
    }

    /// Clears the notice when it is of `kind` (the state it described has ended).
    pub(super) fn expire(&mut self, kind: NoticeKind) {
        if self.notice.as_ref().is_some_and(|n| n.kind == kind) {
            self.notice = None;
        }
    }

    /// Refuses the request being handled: the notice tells people, and `update` gives the
    /// typed answer (`Effect::Answer`).
    pub(super) fn refuse(&mut self, why: Refusal, text: impl Into<String>) {
        let text = text.into();
        let kind = match why {
            Refusal::InvalidInput => NoticeKind::Validation,
            Refusal::NotConnected | Refusal::NotSent => NoticeKind::NotConnected,
            Refusal::PendingPayment => NoticeKind::PendingPayment,
            Refusal::PersistFailed => NoticeKind::PersistFailed,
            Refusal::ResetNeedsConfirmation => NoticeKind::ResetNeedsConfirmation,
            Refusal::ResetUnconfirmed => NoticeKind::ResetUnconfirmed,
        };
        self.notice = Some(Notice {
            level: Level::Error,
            text: text.clone(),
            kind,
        });
        self.refusal = Some((why, text));
    }

    pub(super) fn error(&mut self, kind: NoticeKind, text: impl Into<String>) {
        self.notice = Some(Notice {
            level: Level::Error,
            text: text.into(),
            kind,
        });
    }
}
