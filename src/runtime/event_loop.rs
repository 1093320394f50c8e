//! The loop itself: [`Runtime`] applies events to the state machine and executes the effects
//! it returns, in order.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::{self, Effect, Event, State};
use crate::device::DeviceInput;

use super::clock::now_ms;
use super::ports::{DevicePort, LedgerPort};

/// The loop's state: the app state, the two ports, and the queues feeding events back in.
pub struct Runtime<D, L> {
    pub(super) state: State,
    device: D,
    ledger: L,
    pub(super) device_rx: mpsc::Receiver<DeviceInput>,
    timer_tx: mpsc::UnboundedSender<app::TimerId>,
    pub(super) timer_rx: mpsc::UnboundedReceiver<app::TimerId>,
    queue: VecDeque<Event>,
    /// Set once the state changed since the last draw.
    pub dirty: bool,
    journal: Option<Journal>,
    answer: Option<app::Answer>,
}

/// Told of every ledger write that succeeded (e.g. `till recover`'s progress lines).
pub type Journal = Box<dyn FnMut(&app::LedgerOp) + Send>;

impl<D: DevicePort, L: LedgerPort> Runtime<D, L> {
    /// A runtime over `state`, sending through `device`, persisting through `ledger`, hearing
    /// the device on `device_rx`. Non-final payments in the ledger are loaded at once.
    pub fn new(state: State, device: D, ledger: L, device_rx: mpsc::Receiver<DeviceInput>) -> Self {
        let (timer_tx, timer_rx) = mpsc::unbounded_channel();
        let mut rt = Runtime {
            state,
            device,
            ledger,
            device_rx,
            timer_tx,
            timer_rx,
            queue: VecDeque::new(),
            dirty: true,
            journal: None,
            answer: None,
        };
        match rt.ledger.pending() {
            Ok(list) if !list.is_empty() => rt.queue.push_back(Event::Pending(list)),
            Ok(_) => {}
            Err(error) => rt.queue.push_back(Event::LedgerReadFailed {
                read: app::LedgerRead::OpenPayments,
                error,
            }),
        }
        match rt.ledger.pending_txn() {
            Ok(Some((payment, txn))) => rt.queue.push_back(Event::PendingTxn { payment, txn }),
            Ok(None) => {}
            Err(error) => rt.queue.push_back(Event::LedgerReadFailed {
                read: app::LedgerRead::OpenTransaction,
                error,
            }),
        }
        rt.queue
            .push_back(Event::FreshExternalId(crate::protocol::new_external_id()));
        rt
    }

    /// Tells `journal` of every ledger write from now on (each recovery step, answer and
    /// state change is one).
    pub fn set_journal(&mut self, journal: Journal) {
        self.journal = Some(journal);
    }

    /// The app state (read it to render or to decide when a headless command is done; only
    /// the app changes it, through the events dispatched).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The app's answer to the last request dispatched (`app::Answer`), or to what followed
    /// from it since, taken once: a headless command decides its exit code from it.
    pub fn take_answer(&mut self) -> Option<app::Answer> {
        self.answer.take()
    }

    /// The device port.
    pub fn device(&mut self) -> &mut D {
        &mut self.device
    }

    /// The ledger port (for reads the app does not model, e.g. `till payment`).
    pub fn ledger(&mut self) -> &mut L {
        &mut self.ledger
    }

    /// Applies `event` and everything it leads to.
    pub async fn dispatch(&mut self, event: Event) {
        self.queue.push_back(event);
        self.drain().await;
    }

    pub(super) async fn drain(&mut self) {
        while let Some(event) = self.queue.pop_front() {
            // A stale timer changes nothing: no update, no redraw.
            if let Event::Timer(id) = &event
                && !self.state.timers().contains_key(id)
            {
                continue;
            }
            let effects = app::update_at(&mut self.state, now_ms(), event);
            self.dirty = true;
            self.execute(effects).await;
        }
    }

    async fn execute(&mut self, effects: Vec<Effect>) {
        // After a failed write, the later writes and sends of the batch must not run (nothing
        // goes to the device that the ledger does not know of); timers and reads still do, so
        // that a response timeout set in the same batch still fires.
        let mut failed = false;
        for effect in effects {
            match effect {
                Effect::Persist(_) | Effect::Send(_) if failed => {}
                Effect::Persist(op) => {
                    if let Err(error) = self.ledger.apply(&op) {
                        tracing::error!(%error, "ledger write failed; the batch's later writes and sends are dropped");
                        self.queue.push_back(Event::PersistFailed { op, error });
                        failed = true;
                    } else if let Some(journal) = self.journal.as_mut() {
                        journal(&op);
                    }
                }
                Effect::Send(command) => {
                    let kind = command.kind();
                    if let Err(e) = self.device.send(command).await {
                        self.queue
                            .push_back(Event::Device(DeviceInput::CommandFailed {
                                command: kind,
                                error: e.message,
                                not_sent: e.not_sent,
                            }));
                    }
                }
                Effect::StartTimer { id, after_ms } => {
                    let tx = self.timer_tx.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(after_ms)).await;
                        let _ = tx.send(id);
                    });
                }
                Effect::LoadHistory => {
                    let selected = self.state.ui().history_selected;
                    let query = self.state.ui().history_query.clone();
                    match self.ledger.history_window(selected, &query) {
                        Ok((rows, offset, total)) => self.queue.push_back(Event::History {
                            rows,
                            offset,
                            total,
                        }),
                        Err(error) => self.queue.push_back(Event::LedgerReadFailed {
                            read: app::LedgerRead::History,
                            error,
                        }),
                    }
                }
                Effect::LoadTabs => {
                    let tabs = self.ledger.tabs();
                    self.queue.push_back(Event::Tabs(tabs));
                }
                Effect::LoadRefundOffer(external_id) => {
                    let offer = self.ledger.refund_offer(&external_id);
                    self.queue.push_back(Event::RefundOffer(offer));
                }
                Effect::LoadPaymentEvents(index) => match self.ledger.events_at(index) {
                    Ok(history) => self.queue.push_back(Event::PaymentEvents(history)),
                    Err(error) => self.queue.push_back(Event::LedgerReadFailed {
                        read: app::LedgerRead::PaymentEvents,
                        error,
                    }),
                },
                Effect::LoadReport { since_ms, until_ms } => {
                    let report = self.ledger.report(since_ms, until_ms).map(Box::new);
                    self.queue.push_back(Event::Report(report));
                }
                Effect::LoadReceipt(external_id) => {
                    let receipt = self.ledger.receipt(&external_id).map(Box::new);
                    self.queue.push_back(Event::Receipt(receipt));
                }
                Effect::RestLookup(external_id) => {
                    let result = self.device.rest_payments(&external_id).await;
                    self.queue.push_back(Event::RestPayments {
                        external_id,
                        result,
                    });
                }
                Effect::FreshExternalId => self
                    .queue
                    .push_back(Event::FreshExternalId(crate::protocol::new_external_id())),
                Effect::Answer(answer) => self.answer = Some(answer),
                // The app marked itself quitting (`State::quit`); the loops stop on that.
                Effect::Quit => {}
            }
        }
    }

    /// Waits for the next device event or timer and applies it. Returns false when the device
    /// side has gone away for good.
    pub async fn step(&mut self) -> bool {
        tokio::select! {
            input = self.device_rx.recv() => match input {
                Some(input) => { self.dispatch(Event::Device(input)).await; true }
                None => false,
            },
            Some(id) = self.timer_rx.recv() => { self.dispatch(Event::Timer(id)).await; true }
        }
    }

    /// True while commands can still reach a device (the connector is alive).
    pub fn device_alive(&self) -> bool {
        !self.device_rx.is_closed()
    }

    /// Runs until `done(state)` holds or `timeout` passes; returns whether `done` held.
    pub async fn run_until(&mut self, timeout: Duration, done: impl Fn(&State) -> bool) -> bool {
        self.drain().await;
        let deadline = tokio::time::Instant::now() + timeout;
        while !done(&self.state) {
            match tokio::time::timeout_at(deadline, self.step()).await {
                Ok(true) => {}
                Ok(false) | Err(_) => return done(&self.state),
            }
        }
        true
    }
}
