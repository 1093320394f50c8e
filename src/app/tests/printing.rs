//! Printing on the device (issue #18 item 4): PRINT_TEXT then the job's status until DONE or
//! ERROR; refusals before anything is sent; a device error or a failed send fails the job.

use super::*;
use crate::app::printing::{PrintJob, PrintState};

fn print(s: &mut State, lines: &[&str], job: &str) -> Vec<Effect> {
    update(
        s,
        Event::Action(Action::Print {
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            job_id: job.into(),
        }),
    )
}

fn job(s: &State) -> &PrintJob {
    s.print_job.as_ref().expect("a print job")
}

fn status(s: &mut State, job: &str, status: &str) -> Vec<Effect> {
    dev(
        s,
        DeviceInput::PrintJobStatus {
            job_id: Some(job.into()),
            status: status.into(),
        },
    )
}

#[test]
fn a_job_is_sent_then_followed_until_done() {
    let mut s = ready_state();
    let fx = print(&mut s, &["Till Cafe", "TOTAL 2.48"], "J1");
    assert_eq!(sends(&fx), ["print", "print job status"]);
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Send(DeviceCommand::PrintText { lines, job_id }) if lines.len() == 2 && job_id == "J1"
    )));
    assert_eq!(job(&s).state, PrintState::Sent);
    // Queued: still open; asking again sends another status request.
    status(&mut s, "J1", "IN_QUEUE");
    assert_eq!(job(&s).state, PrintState::Reported("IN_QUEUE".into()));
    let fx = update(&mut s, Event::Action(Action::CheckPrintJob));
    assert_eq!(sends(&fx), ["print job status"]);
    // Another job's status changes nothing.
    status(&mut s, "OTHER", "DONE");
    assert_eq!(job(&s).state, PrintState::Reported("IN_QUEUE".into()));
    status(&mut s, "J1", "DONE");
    assert_eq!(job(&s).state, PrintState::Done);
    assert!(s.notice.as_ref().unwrap().text.contains("Printed"));
    // A done job is not asked about again, and a late ERROR does not undo it.
    assert_eq!(
        update(&mut s, Event::Action(Action::CheckPrintJob)),
        [Effect::Answer(Answer::Accepted)]
    );
    status(&mut s, "J1", "ERROR");
    assert_eq!(job(&s).state, PrintState::Done);
}

#[test]
fn the_printer_error_a_refusal_or_a_failed_send_fails_the_job() {
    let mut s = ready_state();
    print(&mut s, &["x"], "J2");
    status(&mut s, "J2", "ERROR");
    assert!(matches!(job(&s).state, PrintState::Failed(_)));

    print(&mut s, &["x"], "J3");
    dev(
        &mut s,
        DeviceInput::Error("the device reported an error: Invalid request (code 422)".into()),
    );
    assert!(matches!(&job(&s).state, PrintState::Failed(why) if why.contains("422")));

    print(&mut s, &["x"], "J4");
    dev(
        &mut s,
        DeviceInput::CommandFailed {
            command: crate::device::CommandKind::PrintText,
            error: "not connected".into(),
            not_sent: true,
        },
    );
    assert!(matches!(&job(&s).state, PrintState::Failed(why) if why.contains("not connected")));
    assert!(s.payment.is_none(), "no payment is touched");
}

#[test]
fn bad_jobs_are_refused_before_anything_is_sent() {
    let mut s = ready_state();
    let long = "x".repeat(201);
    let many: Vec<&str> = vec!["x"; 501];
    for (lines, job_id) in [
        (vec![], "J"),
        (many, "J"),
        (vec![long.as_str()], "J"),
        (vec!["a\u{1b}[2J"], "J"),
        (vec!["ok"], ""),
        (vec!["ok"], "has space"),
    ] {
        let fx = print(&mut s, &lines, job_id);
        assert_eq!(
            only_refused(&fx),
            Some(Refusal::InvalidInput),
            "{lines:?} {job_id:?}"
        );
        assert!(s.print_job.is_none());
        assert_eq!(s.notice.as_ref().unwrap().kind, NoticeKind::Validation);
    }
    // Not connected: refused too.
    let mut s = State::new(AppSettings::default());
    assert_eq!(
        only_refused(&print(&mut s, &["ok"], "J")),
        Some(Refusal::NotConnected)
    );
    assert!(s.print_job.is_none());
}

fn timer_of(fx: &[Effect]) -> Option<TimerId> {
    fx.iter().find_map(|e| match e {
        Effect::StartTimer { id, .. } => Some(*id),
        _ => None,
    })
}

#[test]
fn the_app_polls_the_job_and_gives_up_after_max_polls() {
    use crate::app::printing::MAX_POLLS;
    let mut s = ready_state();
    let fx = print(&mut s, &["x"], "J5");
    let mut timer = timer_of(&fx).expect("a poll timer");
    status(&mut s, "J5", "PRINTING");
    for _ in 0..MAX_POLLS {
        let fx = update(&mut s, Event::Timer(timer));
        assert_eq!(sends(&fx), ["print job status"]);
        timer = timer_of(&fx).expect("polled again");
    }
    let fx = update(&mut s, Event::Timer(timer));
    assert!(sends(&fx).is_empty() && timer_of(&fx).is_none());
    assert!(
        matches!(&job(&s).state, PrintState::Failed(why) if why.contains("last said PRINTING")),
        "{:?}",
        job(&s).state
    );
    // DONE stops the polling.
    let fx = print(&mut s, &["x"], "J6");
    let timer = timer_of(&fx).unwrap();
    status(&mut s, "J6", "DONE");
    assert!(
        update(&mut s, Event::Timer(timer)).is_empty(),
        "stale timer"
    );
}

#[test]
fn the_receipt_box_prints_its_receipt_on_the_device() {
    use crate::app::receipt_box::ReceiptView;
    let mut s = ready_state();
    s.now_ms = 1_764_600_000_000;
    s.ui.modal = Some(crate::app::Modal::Receipt(ReceiptView {
        external_id: "EXT1".into(),
        text: None,
        scroll: 0,
    }));
    // Not read yet: nothing is sent.
    assert!(update(&mut s, Event::Key(Key::Char('P'))).is_empty());
    s.ui.receipt_mut().unwrap().text = Some(Ok("Corner Bakery\nTOTAL 12.86\n".into()));
    let fx = update(&mut s, Event::Key(Key::Char('P')));
    assert_eq!(sends(&fx), ["print", "print job status"]);
    let printed = |fx: &[Effect]| {
        fx.iter().find_map(|e| match e {
            Effect::Send(DeviceCommand::PrintText { lines, job_id }) => {
                Some((lines.clone(), job_id.clone()))
            }
            _ => None,
        })
    };
    let (lines, job_id) = printed(&fx).expect("a PRINT_TEXT");
    assert_eq!(lines, &["Corner Bakery", "TOTAL 12.86"]);
    assert!(
        job_id.starts_with("EXT1-") && job_id.len() <= 32,
        "{job_id}"
    );
    // `P` again while the job is still open asks about it instead of printing twice.
    let fx = update(&mut s, Event::Key(Key::Char('P')));
    assert!(printed(&fx).is_none(), "{fx:?}");
    assert_eq!(sends(&fx), ["print job status"]);
}

#[test]
fn a_failed_ledger_read_does_not_fail_the_open_print_job() {
    let mut s = ready_state();
    print(&mut s, &["Till Cafe", "TOTAL 2.48"], "J1");
    update(
        &mut s,
        Event::LedgerReadFailed {
            read: LedgerRead::History,
            error: crate::ledger::LedgerReadError::Busy {
                detail: "database is locked".into(),
            },
        },
    );
    assert_eq!(job(&s).state, PrintState::Sent, "the printer said nothing");
    let notice = &s.notice.as_ref().expect("a notice").text;
    assert!(
        notice.starts_with("The ledger could not be read (the history)"),
        "{notice}"
    );
    // The device's own error still fails it.
    dev(&mut s, DeviceInput::Error("printer jammed".into()));
    assert_eq!(job(&s).state, PrintState::Failed("printer jammed".into()));
}
