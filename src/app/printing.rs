//! Printing on the device's printer (PROTOCOL.md §7.2, issue #18 item 4): the lines go as
//! PRINT_TEXT with the caller's job id, then PRINT_JOB_STATUS_REQUEST until the device says
//! `DONE` or `ERROR`: asked again every [`POLL_MS`] while the device reports the job queued or
//! printing, at most [`MAX_POLLS`] times, then the job has failed ("never said DONE"). One job
//! at a time. A REMOTE_ERROR while the job is open is the device refusing it.

pub use super::print_job::{PrintJob, PrintState};

use super::state::{NoticeKind, State};
use super::steps::{cancel_timer, require_ready, start_timer};
use super::timers::TimerPurpose;
use super::{DeviceCommand, Effect};

/// How often the job's status is asked again, ms.
pub const POLL_MS: u64 = 500;
/// Status requests after the first before the job counts as failed (20 s).
pub const MAX_POLLS: u32 = 40;

/// Most lines one print job may have (the PRINT_TEXT encoder's limit).
pub const MAX_PRINT_LINES: usize = 500;
/// Most characters of one printed line (the PRINT_TEXT encoder's limit).
pub const MAX_PRINT_LINE_CHARS: usize = 200;
/// Longest job id (the PRINT_TEXT encoder's limit).
pub const MAX_PRINT_JOB_ID: usize = 32;

/// `Action::Print`: sends the lines and asks for the job's status.
pub(super) fn start(state: &mut State, lines: Vec<String>, job_id: String, fx: &mut Vec<Effect>) {
    if lines.is_empty() || lines.len() > MAX_PRINT_LINES {
        state.refuse(
            super::Refusal::InvalidInput,
            format!("print: 1 to {MAX_PRINT_LINES} lines can be printed; nothing was sent"),
        );
        return;
    }
    if let Some(bad) = lines
        .iter()
        .position(|l| l.chars().count() > MAX_PRINT_LINE_CHARS || l.chars().any(char::is_control))
    {
        state.refuse(super::Refusal::InvalidInput,
            format!(
                "print: line {} is longer than {MAX_PRINT_LINE_CHARS} characters or holds control                  characters; nothing was sent",
                bad + 1
            ),
        );
        return;
    }
    if job_id.is_empty()
        || job_id.len() > MAX_PRINT_JOB_ID
        || !job_id.bytes().all(|b| b.is_ascii_graphic())
    {
        state.refuse(
            super::Refusal::InvalidInput,
            format!("print: the job id must be 1 to {MAX_PRINT_JOB_ID} printable ASCII characters"),
        );
        return;
    }
    if !require_ready(state) {
        return;
    }
    state.print_job = Some(PrintJob {
        job_id: job_id.clone(),
        lines: lines.len(),
        state: PrintState::Sent,
        polls: 0,
    });
    start_timer(state, TimerPurpose::PrintPoll, POLL_MS, fx);
    state.progress(format!("Printing {} lines on the device…", lines.len()));
    fx.push(Effect::Send(DeviceCommand::PrintText {
        lines,
        job_id: job_id.clone(),
    }));
    fx.push(Effect::Send(DeviceCommand::PrintJobStatus(job_id)));
}

/// `Action::CheckPrintJob`: asks again about an open job.
pub(super) fn check(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(job) = state.print_job.as_ref().filter(|j| !j.state.is_final()) else {
        return;
    };
    let id = job.job_id.clone();
    if require_ready(state) {
        fx.push(Effect::Send(DeviceCommand::PrintJobStatus(id)));
    }
}

/// The poll timer: ask again, or give up after [`MAX_POLLS`].
pub(super) fn on_poll(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(job) = state.print_job.as_mut().filter(|j| !j.state.is_final()) else {
        return;
    };
    if job.polls >= MAX_POLLS {
        let last = match &job.state {
            PrintState::Reported(s) => format!("it last said {s}"),
            _ => "it never answered".to_owned(),
        };
        let why = format!(
            "the device did not report job {} DONE within {} s ({last})",
            job.job_id,
            u64::from(MAX_POLLS) * POLL_MS / 1_000
        );
        job.state = PrintState::Failed(why.clone());
        state.error(NoticeKind::General, format!("Not printed: {why}."));
        return;
    }
    job.polls += 1;
    let id = job.job_id.clone();
    if state.is_ready() {
        fx.push(Effect::Send(DeviceCommand::PrintJobStatus(id)));
    }
    start_timer(state, TimerPurpose::PrintPoll, POLL_MS, fx);
}

/// PRINT_JOB_STATUS_RESPONSE.
pub(super) fn on_status(state: &mut State, job_id: Option<String>, status: String) {
    let Some(job) = state.print_job.as_mut() else {
        return;
    };
    if job.state.is_final() || job_id.as_deref() != Some(job.job_id.as_str()) {
        return;
    }
    job.state = match status.as_str() {
        "DONE" => PrintState::Done,
        "ERROR" => PrintState::Failed("the device's printer reported ERROR".into()),
        _ => PrintState::Reported(status),
    };
    let notice = match &job.state {
        PrintState::Done => Some(Ok(format!("Printed on the device ({} lines).", job.lines))),
        PrintState::Failed(why) => Some(Err(format!("Not printed: {why}."))),
        _ => None,
    };
    match notice {
        Some(Ok(text)) => state.info(text),
        Some(Err(text)) => state.error(NoticeKind::General, text),
        None => return,
    }
    cancel_timer(state, TimerPurpose::PrintPoll);
}

/// A device error (REMOTE_ERROR) while a job is open: the device refused it.
pub(super) fn on_error(state: &mut State, text: &str) {
    if let Some(job) = state.print_job.as_mut().filter(|j| !j.state.is_final()) {
        job.state = PrintState::Failed(text.to_owned());
    }
}

/// A print command that could not be sent: the job failed. `false` for other commands.
pub(super) fn on_command_failed(
    state: &mut State,
    command: crate::device::CommandKind,
    error: &str,
) -> bool {
    use crate::device::CommandKind;
    if !matches!(
        command,
        CommandKind::PrintText | CommandKind::PrintJobStatus
    ) {
        return false;
    }
    if let Some(job) = state.print_job.as_mut().filter(|j| !j.state.is_final()) {
        job.state = PrintState::Failed(format!("the {command} request could not be sent: {error}"));
    }
    state.error(
        NoticeKind::General,
        format!("Not printed: the {command} request could not be sent ({error})."),
    );
    true
}
