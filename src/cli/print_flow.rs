//! Printing lines on the device's printer from a headless command (`till receipt
//! --print-on-device`): wait until ready, PRINT_TEXT with a fresh job id, then ask the job's
//! status until the device says DONE or ERROR (`app::printing`).

use std::time::Duration;

use serde_json::json;

use super::exit;
use super::flows::{Finish, Timeouts, wait_ready};
use crate::app::printing::PrintState;
use crate::app::{Action, Event};
use crate::runtime::{DevicePort, LedgerPort, Runtime};

/// How often the job's status is asked again while the device reports it queued or printing.
const POLL: Duration = Duration::from_millis(250);

/// A fresh print job id: `TILL` and 28 hex characters (32 in all, the protocol's limit).
pub fn fresh_job_id() -> String {
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    format!("TILL{}", &uuid[..28])
}

/// Prints `lines` as job `job_id` and waits (at most `t.recovery`) for the device to say how it
/// went. Exit 0 printed (DONE); 1 refused or failed (REMOTE_ERROR, ERROR, or no DONE in time);
/// 2 lines the device cannot take (nothing sent); 3 unreachable. `what` names what was printed
/// (for the messages) and `extra` goes into the JSON object.
pub async fn print<D: DevicePort, L: LedgerPort>(
    rt: &mut Runtime<D, L>,
    command: &str,
    what: &str,
    lines: Vec<String>,
    job_id: String,
    extra: serde_json::Value,
    t: Timeouts,
) -> Finish {
    if let Err(f) = wait_ready(rt, command, t).await {
        return f;
    }
    let count = lines.len();
    rt.state.notice = None;
    rt.dispatch(Event::Action(Action::Print {
        lines,
        job_id: job_id.clone(),
    }))
    .await;
    if rt.state.print_job.is_none() {
        let why = rt
            .state
            .notice
            .as_ref()
            .map_or_else(|| "the device is not ready".to_owned(), |n| n.text.clone());
        let code = match rt.state.notice.as_ref().map(|n| n.kind) {
            Some(crate::app::NoticeKind::Validation) => exit::USAGE,
            _ => exit::UNREACHABLE,
        };
        return Finish::error(command, code, format!("{what} not printed: {why}"));
    }
    let deadline = tokio::time::Instant::now() + t.recovery;
    // Ok: printed; Err: why not.
    let outcome: Result<(), String> = loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let wait = left.min(POLL);
        let final_now = |s: &crate::app::State| {
            s.print_job.as_ref().is_some_and(|j| j.state.is_final()) || !s.is_ready()
        };
        rt.run_until(wait, final_now).await;
        let job = rt.state.print_job.clone().expect("a job was started");
        match job.state {
            PrintState::Done => break Ok(()),
            PrintState::Failed(why) => break Err(why),
            PrintState::Sent | PrintState::Reported(_) => {}
        }
        if !rt.state.is_ready() {
            let why = format!(
                "{what}: the connection to the device was lost before it said whether job \
                 {job_id} printed; check the printer"
            );
            return Finish::error(command, exit::UNREACHABLE, why);
        }
        if left.is_zero() {
            let last = match &job.state {
                PrintState::Reported(s) => format!("it last said {s}"),
                _ => "it never answered".to_owned(),
            };
            break Err(format!(
                "the device did not report job {job_id} DONE within {} s ({last})",
                t.recovery.as_secs()
            ));
        }
        rt.dispatch(Event::Action(Action::CheckPrintJob)).await;
    };
    let mut json = json!({
        "command": command,
        "printed": outcome.is_ok(),
        "job_id": job_id,
        "lines": count,
    });
    if let (Some(obj), serde_json::Value::Object(more)) = (json.as_object_mut(), extra) {
        obj.extend(more);
    }
    match outcome {
        Ok(()) => {
            json["status"] = json!("DONE");
            Finish {
                code: exit::OK,
                json,
                human: vec![format!(
                    "{what} printed on the device ({count} lines, job {job_id})."
                )],
            }
        }
        Err(why) => {
            json["error"] = json!(why.clone());
            Finish {
                code: exit::NEGATIVE,
                json,
                human: vec![format!("{what} not printed: {why}.")],
            }
        }
    }
}
