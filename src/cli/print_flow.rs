//! Printing lines on the device's printer from a headless command (`till receipt
//! --print-on-device`): wait until ready, PRINT_TEXT with a fresh job id, then ask the job's
//! status until the device says DONE or ERROR (`app::printing`).

use serde_json::json;

use super::exit;
use super::flows::{Finish, Timeouts, wait_ready};
use crate::app::printing::PrintState;
use crate::app::{Action, Answer, Event, Refusal};
use crate::runtime::{DevicePort, LedgerPort, Runtime};

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
    rt.dispatch(Event::Action(Action::Print {
        lines,
        job_id: job_id.clone(),
    }))
    .await;
    match rt.take_answer() {
        Some(Answer::Accepted) => {}
        Some(Answer::Refused { why, text }) => {
            let code = match why {
                Refusal::InvalidInput => exit::USAGE,
                _ => exit::UNREACHABLE,
            };
            return Finish::error(command, code, format!("{what} not printed: {text}"));
        }
        None => {
            return Finish::error(
                command,
                exit::UNREACHABLE,
                format!("{what} not printed: the device is not ready"),
            );
        }
    }
    // The app asks for the job's status until DONE or ERROR (and gives up itself after
    // `app::printing::MAX_POLLS`); this waits for that, or for the connection to go.
    let final_now = |s: &crate::app::State| {
        s.print_job().as_ref().is_some_and(|j| j.state.is_final()) || !s.is_ready()
    };
    rt.run_until(t.recovery, final_now).await;
    let job = rt.state().print_job().clone().expect("a job was started");
    // Ok: printed; Err: why not.
    let outcome: Result<(), String> = match job.state {
        PrintState::Done => Ok(()),
        PrintState::Failed(why) => Err(why),
        PrintState::Sent | PrintState::Reported(_) if !rt.state().is_ready() => {
            let why = format!(
                "{what}: the connection to the device was lost before it said whether job \
                 {job_id} printed; check the printer"
            );
            return Finish::error(command, exit::UNREACHABLE, why);
        }
        PrintState::Sent => Err(format!(
            "the device did not answer about job {job_id} within {} s",
            t.recovery.as_secs()
        )),
        PrintState::Reported(last) => Err(format!(
            "the device did not report job {job_id} DONE within {} s (it last said {last})",
            t.recovery.as_secs()
        )),
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
