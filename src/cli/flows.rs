//! The headless flows, driven through the same runtime and state machine as the TUI.

use std::time::Duration;

use serde_json::{Value, json};

use super::exit;
use super::out;
use super::policy::{Policies, decide};
use super::report::{
    elsewhere_json, elsewhere_lines, exit_for, outcome_json, outcome_line, pending_json,
};
use crate::app::{Action, Answer, Connection, Event, Refusal, State};
use crate::protocol::Cents;
use crate::runtime::{DevicePort, LedgerPort, Runtime};

/// How long headless commands wait.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// For the device to become ready.
    pub ready: Duration,
    /// For a sale to finish (the customer acts in this time).
    pub sale: Duration,
    /// For recovery to reach a final state.
    pub recovery: Duration,
}

/// How long `till sale` still listens after the outcome, for a device that contradicts itself.
pub(super) const LATE_FRAMES: Duration = Duration::from_millis(300);

/// What a flow ends with: exit code, the JSON object, the human lines.
pub struct Finish {
    /// Exit code.
    pub code: u8,
    /// The `--json` object.
    pub json: Value,
    /// Human output.
    pub human: Vec<String>,
}

impl Finish {
    pub(super) fn error(command: &str, code: u8, message: String) -> Finish {
        Finish {
            code,
            json: json!({"command": command, "error": message}),
            human: vec![message],
        }
    }
}

/// Waits for the device to be ready. On failure: exit 3 and why.
pub async fn wait_ready<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    command: &str,
    t: Timeouts,
) -> Result<(), Finish> {
    let ready = rt.run_until(t.ready, |s| s.is_ready()).await;
    if ready && rt.state().is_ready() {
        return Ok(());
    }
    let why = match rt.state().connection() {
        Connection::Pairing { code } => format!(
            "Pairing required: the device shows a pairing request. Run `till pair` and enter the code on the device (code {code})."
        ),
        Connection::NotReady(w) => format!("The device is connected but not ready: {w}."),
        // The connector's "retrying in N s" is not true once the command exits.
        Connection::Disconnected(w) => format!(
            "The device is unreachable: {}.",
            w.split("; retrying in").next().unwrap_or(w)
        ),
        _ => "The device did not answer in time; check the address and that it is on.".to_owned(),
    };
    // The device error often repeats the reason with its code appended ("… (Tls)"): add it only
    // when it says something new.
    let why = match rt.state().notice().as_ref() {
        Some(n) if n.level == crate::app::Level::Error && !why.contains(error_core(&n.text)) => {
            format!("{why} ({})", n.text)
        }
        _ => why,
    };
    Err(Finish::error(command, exit::UNREACHABLE, why))
}

/// A device error's text without the `(Code)` the connector appends to it.
fn error_core(text: &str) -> &str {
    match text.rsplit_once(" (") {
        Some((core, code))
            if code.ends_with(')') && code[..code.len() - 1].chars().all(char::is_alphanumeric) =>
        {
            core
        }
        _ => text,
    }
}

/// Runs until the pending payment is final, answering prompts by policy. Returns `false` when
/// a prompt was left open or time ran out.
pub(super) async fn settle<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    policies: Policies,
    timeout: Duration,
) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        rt.run_until(left, |s| {
            s.pending().is_none() || s.prompt().is_some() || stuck(s)
        })
        .await;
        if rt.state().pending().is_none() {
            return true;
        }
        let Some(prompt) = rt.state().prompt().clone() else {
            return false;
        };
        let action = match (&prompt, decide(&prompt, policies)) {
            (_, None) => return false,
            (crate::app::Prompt::Challenge { .. }, Some(accept)) => {
                Action::AnswerChallenge { accept }
            }
            (crate::app::Prompt::Signature { .. }, Some(accept)) => {
                Action::AnswerSignature { accept }
            }
        };
        rt.dispatch(Event::Action(action)).await;
        if tokio::time::Instant::now() >= deadline {
            return rt.state().pending().is_none();
        }
    }
}

/// True when the open payment waits for a person, not for the device: its facts conflict (or its
/// outcome could not be recorded) and no recovery round is running.
fn stuck(s: &State) -> bool {
    s.recovery().is_none()
        && s.prompt().is_none()
        && s.pending().is_some_and(|p| p.evidence.conflict.is_some())
}

pub(super) fn unresolved(command: &str, state: &State) -> Finish {
    if let Some(f) = not_recorded(command, state) {
        return f;
    }
    let p = state.pending();
    let conflict = p.and_then(|p| p.evidence.conflict.clone());
    let message = match (p, &state.prompt()) {
        (Some(p), None) if conflict.is_some() => format!(
            "Outcome unknown: payment {} of {} — {}. It stays open; run `till recover` once it is checked.",
            p.external_id,
            p.amount,
            conflict.unwrap_or_default()
        ),
        (Some(p), Some(_)) => format!(
            "Payment {} of {} is waiting for your answer on the device; it stays pending. Run `till recover --on-challenge accept|reject --on-signature accept|reject`.",
            p.external_id, p.amount
        ),
        (Some(p), None) => format!(
            "Outcome unknown: payment {} of {} is {} and recorded for recovery. Run `till recover` when the device is reachable.",
            p.external_id, p.amount, p.state
        ),
        (None, _) => "Outcome unknown.".to_owned(),
    };
    Finish {
        code: exit::UNKNOWN,
        json: json!({"command": command, "pending": pending_json(state), "error": message}),
        human: vec![message],
    }
}

/// The device's outcome could not be written: exit 4, said on stderr too.
fn not_recorded(command: &str, state: &State) -> Option<Finish> {
    let ext = state.unrecorded().as_ref()?;
    let o = state
        .last_outcome()
        .as_ref()
        .filter(|o| &o.external_id == ext)?;
    // On stderr in every output mode (the JSON object carries it too).
    eprintln!("{}", crate::protocol::text::terminal_safe(&o.message));
    let mut json = outcome_json(o);
    json["command"] = json!(command);
    json["error"] = json!(o.message);
    Some(Finish {
        code: exit::UNKNOWN,
        json,
        human: Vec::new(),
    })
}

pub(super) fn finished(command: &str, state: &State) -> Finish {
    if let Some(f) = not_recorded(command, state) {
        return f;
    }
    match &state.last_outcome() {
        Some(o) => {
            let mut json = outcome_json(o);
            json["command"] = json!(command);
            Finish {
                code: exit_for(o),
                json,
                human: vec![outcome_line(o)],
            }
        }
        None => unresolved(command, state),
    }
}

/// The exit code of a request the app refused (`app::Answer::Refused`): nothing was charged.
pub(super) fn not_started_code(why: Refusal) -> u8 {
    match why {
        // Not recorded (a reused external id, a full disk): nothing was sent.
        Refusal::InvalidInput | Refusal::PersistFailed => exit::USAGE,
        Refusal::PendingPayment => exit::REFUSED,
        Refusal::NotConnected | Refusal::NotSent => exit::UNREACHABLE,
        Refusal::ResetNeedsConfirmation | Refusal::ResetUnconfirmed => exit::UNKNOWN,
    }
}

/// The sale arguments.
pub struct SaleInput {
    /// Amount; `None` when the order's total is charged.
    pub amount: Option<Cents>,
    /// Order lines (`--item`), in the item-field grammar of `app::order_desk`.
    pub items: Vec<String>,
    /// Tip.
    pub tip: Option<Cents>,
    /// Tax.
    pub tax: Option<Cents>,
    /// External id.
    pub external_id: Option<String>,
}

/// `till sale`.
pub async fn sale<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    input: SaleInput,
    policies: Policies,
    t: Timeouts,
) -> Finish {
    if let Some(ext) = &input.external_id {
        match rt.ledger().external_id_used(ext) {
            Ok(false) => {}
            Ok(true) => {
                return Finish::error(
                    "sale",
                    exit::USAGE,
                    format!(
                        "external id {ext} is already used in the ledger: give a new one (or none for a fresh one); nothing was sent"
                    ),
                );
            }
            Err(e) => {
                return Finish::error(
                    "sale",
                    exit::USAGE,
                    format!(
                        "the ledger could not be read ({e}); nothing was sent. Check the disk and the data directory."
                    ),
                );
            }
        }
    }
    if let Err(f) = wait_ready(rt, "sale", t).await {
        return f;
    }
    // Anything left open is recovered first (it started on ready).
    if rt.state().pending().is_some() {
        settle(rt, Policies::ASK, t.recovery).await;
        if let Some(p) = rt.state().pending() {
            let message = format!(
                "Refused: payment {} of {} is still {}. Resolve it first with `till recover`.",
                p.external_id, p.amount, p.state
            );
            return Finish {
                code: exit::REFUSED,
                json: json!({"command": "sale", "pending": pending_json(rt.state()), "error": message}),
                human: vec![message],
            };
        }
    }
    let (amount, tax) = match ring_items(rt, &input).await {
        Ok(charge) => charge,
        Err(message) => return Finish::error("sale", exit::USAGE, message),
    };
    let action = Action::StartSale {
        amount,
        tip: input.tip,
        tax,
        external_id: input.external_id,
    };
    rt.dispatch(Event::Action(action)).await;
    match rt.take_answer() {
        Some(Answer::Refused { why, text }) => {
            return Finish::error("sale", not_started_code(why), text);
        }
        Some(Answer::Accepted) => {}
        None => {
            return Finish::error("sale", exit::UNKNOWN, "The sale was not started.".into());
        }
    }
    let started = tokio::time::Instant::now();
    if !settle(rt, policies, t.sale).await {
        if started.elapsed() >= t.sale && rt.state().prompt().is_none() {
            return timed_out(rt, t).await;
        }
        return unresolved("sale", rt.state());
    }
    // A device may say more about the sale right after it ended (a second FINISH_OK with
    // another result): hear it out briefly, so that what is printed is what the ledger holds.
    rt.run_until(LATE_FRAMES, |s| s.pending().is_some()).await;
    if !rt.state().desk().order.is_empty() && rt.state().pending().is_none() {
        // Not paid (declined, canceled…): the order leaves the customer display.
        rt.dispatch(Event::Action(Action::AbandonOrder)).await;
    }
    if rt.state().pending().is_some() {
        unresolved("sale", rt.state())
    } else {
        finished("sale", rt.state())
    }
}

/// The sale's time limit passed: one recovery round asks the device what became of the
/// payment. Final → that outcome; still in progress → exit 4 with the command to run next.
async fn timed_out<D: DevicePort, L: LedgerPort>(rt: &mut Runtime<D, L>, t: Timeouts) -> Finish {
    let limit = t.sale.as_secs_f64();
    eprintln!("till sale: the time limit of {limit} s passed; asking the device what happened");
    rt.dispatch(Event::Action(Action::Recover)).await;
    rt.run_until(t.recovery, |s| {
        s.pending().is_none()
            || s.prompt().is_some()
            || s.recovery()
                .as_ref()
                .is_none_or(|r| r.step == crate::app::RecoveryStep::Polling)
    })
    .await;
    if rt.state().pending().is_none() {
        return finished("sale", rt.state());
    }
    let Some(p) = rt.state().pending() else {
        return unresolved("sale", rt.state());
    };
    if rt.state().prompt().is_some() {
        return unresolved("sale", rt.state());
    }
    let message = format!(
        "Time limit of {limit} s passed: payment {} of {} is still {} on the device and stays \
         pending. Next: run `till recover` (it waits for the outcome and records it).",
        p.external_id, p.amount, p.state
    );
    Finish {
        code: exit::UNKNOWN,
        json: json!({
            "command": "sale",
            "timed_out": true,
            "pending": pending_json(rt.state()),
            "error": message,
            "next": "till recover",
        }),
        human: vec![message],
    }
}

/// `till recover`.
pub async fn recover<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    policies: Policies,
    t: Timeouts,
) -> Finish {
    rt.set_journal(Box::new(|op| eprintln!("{}", progress_line(op))));
    eprintln!("till recover: waiting for the device…");
    if let Err(f) = wait_ready(rt, "recover", t).await {
        return f;
    }
    // The payment left open is loaded from the ledger by the first events the runtime handles
    // (inside `wait_ready`), so only now does the state know about it.
    if rt.state().pending().is_none() && rt.state().last_outcome().is_none() {
        let elsewhere = elsewhere_lines(rt.state());
        if !elsewhere.is_empty() {
            return Finish {
                code: exit::UNKNOWN,
                json: json!({"command": "recover", "recovered": [], "open_elsewhere": elsewhere_json(rt.state())}),
                human: elsewhere,
            };
        }
        return Finish {
            code: exit::OK,
            json: json!({"command": "recover", "recovered": []}),
            human: vec!["Nothing to recover: no payment is pending.".into()],
        };
    }
    if rt.state().recovery().is_none() && rt.state().pending().is_some() {
        rt.dispatch(Event::Action(Action::Recover)).await;
    }
    if !settle(rt, policies, t.recovery).await {
        return unresolved("recover", rt.state());
    }
    let mut f = finished("recover", rt.state());
    f.json = json!({"command": "recover", "recovered": [f.json]});
    // Every final outcome, also declined, voided or not found, is resolved: `recover` did its
    // job.
    if rt
        .state()
        .last_outcome()
        .as_ref()
        .is_some_and(|o| o.state.is_final())
    {
        f.code = exit::OK;
    }
    if !rt.state().open_elsewhere().is_empty() {
        f.json["open_elsewhere"] = elsewhere_json(rt.state());
        f.human.extend(elsewhere_lines(rt.state()));
    }
    f
}

/// One progress line of `till recover` (stderr) for a ledger write: a recovery step and its
/// answer, or the payment's new state. Control characters from the device are not passed on.
fn progress_line(op: &crate::app::LedgerOp) -> String {
    use crate::app::LedgerOp;
    let line = match op {
        LedgerOp::Create { external_id, .. } => format!("{external_id}: created"),
        LedgerOp::CreateLinked {
            external_id, kind, ..
        } => format!("{external_id}: {kind} created"),
        LedgerOp::CreateAdjustment {
            external_id, kind, ..
        } => format!("{external_id}: {} created", kind.label()),
        LedgerOp::CreateCloseout { request_id, .. } => format!("{request_id}: closeout created"),
        LedgerOp::UpdateCloseout {
            request_id, state, ..
        } => format!("{request_id}: closeout {state}"),
        LedgerOp::Transition {
            external_id,
            to,
            cause,
            detail,
            ..
        } => format!("{external_id}: now {to} ({cause}: {detail})"),
        LedgerOp::Note {
            external_id,
            cause,
            detail,
        }
        | LedgerOp::Reopen {
            external_id,
            cause,
            detail,
        } => format!("{external_id}: {cause}: {detail}"),
        LedgerOp::Resolve {
            external_id,
            to,
            note,
        } => format!("{external_id}: resolved by hand as {to}: {note}"),
    };
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("till recover: {clean}")
}

/// `till status`.
pub async fn status<D: DevicePort, L: LedgerPort>(rt: &mut Runtime<D, L>, t: Timeouts) -> Finish {
    let ready = wait_ready(rt, "status", t).await;
    let pending = pending_json(rt.state());
    if let Err(mut f) = ready {
        f.json["pending"] = pending;
        f.json["open_elsewhere"] = elsewhere_json(rt.state());
        f.human.extend(elsewhere_lines(rt.state()));
        if let Some(p) = rt.state().pending() {
            f.human.push(format!(
                "Pending payment: {} of {} ({}).",
                p.external_id, p.amount, p.state
            ));
        }
        return f;
    }
    // The app forgets the last status answer as it asks again.
    rt.dispatch(Event::Action(Action::QueryStatus)).await;
    rt.run_until(t.ready, |s| s.device_status().is_some()).await;
    let device = rt.state().device().clone().unwrap_or_default();
    let status = rt.state().device_status().clone();
    let mut human = vec![format!(
        "connected: ready, device {} ({}), merchant {}",
        device.device_name, device.serial, device.merchant_name
    )];
    match &status {
        Some(s) => human.push(format!(
            "device state: {}{}{}",
            s.state,
            s.substate
                .as_ref()
                .map(|x| format!(" / {x}"))
                .unwrap_or_default(),
            s.external_id
                .as_ref()
                .map(|e| format!(", working on {e}"))
                .unwrap_or_default()
        )),
        None => human.push("device state: no answer".into()),
    }
    match rt.state().pending() {
        Some(p) => human.push(format!(
            "pending payment: {} of {} ({})",
            p.external_id, p.amount, p.state
        )),
        None => human.push("pending payment: none".into()),
    }
    human.extend(elsewhere_lines(rt.state()));
    Finish {
        code: exit::OK,
        json: json!({
            "command": "status",
            "connection": "ready",
            "device": {"name": device.device_name, "serial": device.serial, "merchant": device.merchant_name},
            "device_state": status.as_ref().map(|s| s.state.to_string()),
            "device_substate": status.as_ref().and_then(|s| s.substate.as_ref().map(|x| x.to_string())),
            "device_external_id": status.as_ref().and_then(|s| s.external_id.clone()),
            "pending": pending,
            "open_elsewhere": elsewhere_json(rt.state()),
        }),
        human,
    }
}

/// `till reset`.
pub async fn reset<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    confirm: Option<String>,
    t: Timeouts,
) -> Finish {
    if let Err(f) = wait_ready(rt, "reset", t).await {
        return f;
    }
    // Let recovery of an open payment (started on ready) finish its round first.
    rt.run_until(t.recovery.min(Duration::from_secs(5)), |s| {
        s.pending().is_none()
            || s.recovery()
                .as_ref()
                .is_some_and(|r| r.step == crate::app::RecoveryStep::Polling)
    })
    .await;
    rt.dispatch(Event::Action(Action::Reset { confirm })).await;
    if let Some(Answer::Refused {
        why: Refusal::NotConnected,
        text,
    }) = rt.take_answer()
    {
        return Finish::error("reset", exit::UNREACHABLE, text);
    }
    // First the reset itself: refused for want of confirmation, answered, or lost with the
    // connection (then the device never confirmed it).
    let decided = rt
        .run_until(t.recovery, |s| {
            s.reset()
                .as_ref()
                .is_none_or(|r| r.phase == crate::app::ResetPhase::NeedsConfirmation)
        })
        .await;
    let mut unconfirmed = None;
    match rt.take_answer() {
        Some(Answer::Refused {
            why: Refusal::ResetNeedsConfirmation,
            text,
        }) => {
            return Finish {
                code: exit::REFUSED,
                json: json!({"command": "reset", "pending": pending_json(rt.state()), "error": text}),
                human: vec![text],
            };
        }
        Some(Answer::Refused {
            why: Refusal::ResetUnconfirmed,
            text,
        }) => unconfirmed = Some(text),
        _ => {}
    }
    // Then the payment's re-check (after the answer, or after the reconnect), unless it waits
    // for the operator's answer to a re-delivered question.
    let done = decided
        && rt
            .run_until(t.recovery, |s| {
                s.recovery().is_none() || s.prompt().is_some()
            })
            .await;
    if !done && unconfirmed.is_none() {
        return unresolved("reset", rt.state());
    }
    let mut human = Vec::new();
    let mut json = json!({"command": "reset", "reset": unconfirmed.is_none()});
    match &unconfirmed {
        Some(text) => {
            human.push(text.clone());
            json["error"] = json!(text);
        }
        None => human.push("The device was reset.".to_owned()),
    }
    if let Some(o) = rt.state().last_outcome() {
        human.push(format!("Checked afterwards: {}", outcome_line(o)));
        json["payment"] = outcome_json(o);
    }
    if rt.state().pending().is_some() {
        let f = unresolved("reset", rt.state());
        human.extend(f.human);
        json["pending"] = pending_json(rt.state());
    }
    let code = if unconfirmed.is_some() || rt.state().pending().is_some() {
        exit::UNKNOWN
    } else {
        exit::OK
    };
    Finish { code, json, human }
}

/// `till message`.
pub async fn message<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    text: String,
    t: Timeouts,
) -> Finish {
    if let Err(f) = wait_ready(rt, "message", t).await {
        return f;
    }
    rt.dispatch(Event::Action(Action::ShowMessage(text.clone())))
        .await;
    if let Some(Answer::Refused { why, text }) = rt.take_answer() {
        let code = if why == Refusal::InvalidInput {
            exit::USAGE
        } else {
            exit::UNREACHABLE
        };
        return Finish::error("message", code, text);
    }
    Finish {
        code: exit::OK,
        json: json!({"command": "message", "shown": text}),
        human: vec![format!("Shown on the device: {text}")],
    }
}

/// `till pair`: prints the code when the device asks for one, waits until paired and ready.
pub async fn pair<D: DevicePort, L: LedgerPort>(rt: &mut Runtime<D, L>, t: Timeouts) -> Finish {
    let mut shown = None;
    let deadline = tokio::time::Instant::now() + t.sale;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let got = rt
            .run_until(left, |s| {
                s.is_ready() || matches!(&s.connection(), Connection::Pairing { code } if Some(code) != shown.as_ref())
            })
            .await;
        if rt.state().is_ready() {
            let d = rt.state().device().clone().unwrap_or_default();
            let line = format!(
                "Paired with {} ({}); the token is saved.",
                d.device_name, d.serial
            );
            return Finish {
                code: exit::OK,
                json: json!({"command": "pair", "paired": true, "device": d.device_name, "serial": d.serial}),
                human: vec![line],
            };
        }
        if !got {
            return Finish::error("pair", exit::UNREACHABLE, "Pairing did not complete in time: enter the code on the device, then run `till pair` again.".into());
        }
        if let Connection::Pairing { code } = rt.state().connection() {
            out::line!("pairing code: {}", crate::protocol::text::device_line(code));
            out::line!("Enter this code on the device.");
            shown = Some(code.clone());
        }
    }
}

/// Rings `--item` lines (each one SHOW_ORDER_SCREEN, like the TUI) and returns what to charge:
/// the order's total and tax, or the typed amount and tax when there are no items. Every item is
/// checked before the first reaches the device; an AMOUNT that differs from the total is refused.
async fn ring_items<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    input: &SaleInput,
) -> Result<(Cents, Option<Cents>), String> {
    if input.items.is_empty() {
        return input
            .amount
            .map(|a| (a, input.tax))
            .ok_or_else(|| "give an AMOUNT or at least one --item; nothing was sent".to_owned());
    }
    let mut trial = rt.state().desk().clone();
    for item in &input.items {
        trial
            .add(item)
            .map_err(|e| format!("--item {item}: {e}; nothing was sent"))?;
    }
    let totals = trial.order.totals();
    if let Some(a) = input.amount.filter(|a| *a != totals.total) {
        return Err(format!(
            "AMOUNT {a} differs from the order's total {} (tax included); leave AMOUNT out to charge the total; nothing was sent",
            totals.total
        ));
    }
    if input.tax.is_some() {
        return Err("--tax is computed from the items (sale.tax_rate, the catalog); leave it out; nothing was sent".into());
    }
    for item in &input.items {
        rt.dispatch(Event::Action(Action::AddItem(item.clone())))
            .await;
    }
    Ok((totals.total, Some(totals.tax)))
}
