//! The simulated device's printer (PROTOCOL.md §7.2): PRINT_TEXT into the printed log (shown in
//! the device notes, `till sim` `status` and the TUI device panel), PRINT_JOB_STATUS_REQUEST and
//! GET_PRINTERS_REQUEST.
//!
//! Refused with REMOTE_ERROR 422, nothing printed, the way the device's message classes could not
//! act on them: a PRINT_TEXT without text lines or with more than [`MAX_PRINT_JOB_LINES`], one for
//! a printer the device does not have, and a PRINT_JOB_STATUS_REQUEST without a job id. A job the
//! printer does not know is `NOT_FOUND`; a printed job is `DONE` (the simulated paper never runs
//! out).

use std::collections::{BTreeMap, VecDeque};

use crate::protocol::Message;
use crate::protocol::display::{
    GetPrintersRequest, GetPrintersResponse, PrintJobStatusRequest, PrintJobStatusResponse,
    Printer, TextPrint,
};

use super::io::ConnId;
use super::outbox::ERROR_BAD_REQUEST;
use super::text::clean;
use super::{Device, Fx};

/// Print jobs remembered (oldest dropped first).
pub const MAX_PRINT_JOBS: usize = 100;
/// Lines one print job may hold.
pub const MAX_PRINT_JOB_LINES: usize = 1_000;
/// Characters kept of one printed line (a receipt printer is about 32–48 columns wide).
pub const MAX_PRINT_LINE_CHARS: usize = 200;
/// Lines of the last job the device screen (panel, `till sim status`) carries.
pub const SCREEN_PRINT_LINES: usize = 40;
/// The simulated device's one printer.
pub const SIM_PRINTER_ID: &str = "SIMPRINTER01";

/// One PRINT_TEXT the simulated printer printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedJob {
    /// The POS's external print job id (empty when none was given).
    pub job_id: String,
    /// The lines, control characters removed.
    pub lines: Vec<String>,
}

/// What the simulated printer printed.
#[derive(Debug, Default)]
pub(super) struct PrintLog {
    /// Printed jobs, oldest first.
    pub printed: VecDeque<PrintedJob>,
    /// Job id → status, for PRINT_JOB_STATUS_REQUEST (bounded with `printed`).
    pub statuses: BTreeMap<String, &'static str>,
}

/// A printed line as the paper shows it: no control characters, at most
/// [`MAX_PRINT_LINE_CHARS`] characters.
fn paper(line: &str) -> String {
    clean(line).chars().take(MAX_PRINT_LINE_CHARS).collect()
}

impl Device {
    /// The jobs the simulated printer printed, oldest first (at most [`MAX_PRINT_JOBS`]).
    pub fn printed_jobs(&self) -> impl Iterator<Item = &PrintedJob> {
        self.printer.printed.iter()
    }

    /// The last printed job as the screen shows it: a heading, then its first
    /// [`SCREEN_PRINT_LINES`] lines. Empty when nothing was printed.
    pub(super) fn printer_lines(&self) -> Vec<String> {
        let Some(job) = self.printer.printed.back() else {
            return Vec::new();
        };
        let id = if job.job_id.is_empty() {
            "without id".to_owned()
        } else {
            format!("'{}'", job.job_id)
        };
        let mut out = vec![format!(
            "printed job {id}, {} line{} ({} job{} so far)",
            job.lines.len(),
            if job.lines.len() == 1 { "" } else { "s" },
            self.printer.printed.len(),
            if self.printer.printed.len() == 1 {
                ""
            } else {
                "s"
            },
        )];
        out.extend(job.lines.iter().take(SCREEN_PRINT_LINES).cloned());
        if job.lines.len() > SCREEN_PRINT_LINES {
            out.push(format!(
                "… {} more lines",
                job.lines.len() - SCREEN_PRINT_LINES
            ));
        }
        out
    }

    /// PRINT_TEXT: print into the log; the job is DONE at once.
    pub(super) fn on_print_text(&mut self, fx: &mut Fx, conn: ConnId, m: TextPrint) {
        let lines = m.text_lines.unwrap_or_default();
        if lines.is_empty() || lines.len() > MAX_PRINT_JOB_LINES {
            let why = format!("PRINT_TEXT needs 1 to {MAX_PRINT_JOB_LINES} textLines");
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, &why);
        }
        if let Some(id) = m.printer.as_ref().and_then(|p| p.id.as_deref())
            && id != SIM_PRINTER_ID
        {
            let why = format!("no printer '{}'", paper(id));
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, &why);
        }
        let job_id = paper(m.external_print_job_id.as_deref().unwrap_or(""));
        let lines: Vec<String> = lines.iter().map(|l| paper(l)).collect();
        fx.note(format!("printed job '{job_id}': {} lines", lines.len()));
        for line in &lines {
            fx.note(format!("  | {line}"));
        }
        if self.printer.printed.len() >= MAX_PRINT_JOBS
            && let Some(old) = self.printer.printed.pop_front()
        {
            self.printer.statuses.remove(&old.job_id);
        }
        if !job_id.is_empty() {
            self.printer.statuses.insert(job_id.clone(), "DONE");
        }
        self.printer.printed.push_back(PrintedJob { job_id, lines });
    }

    /// PRINT_JOB_STATUS_REQUEST → PRINT_JOB_STATUS_RESPONSE (DONE or NOT_FOUND); a request
    /// without a job id is refused.
    pub(super) fn on_print_job_status(
        &mut self,
        fx: &mut Fx,
        conn: ConnId,
        m: PrintJobStatusRequest,
    ) {
        let Some(id) = m.external_print_job_id.filter(|id| !id.is_empty()) else {
            let why = "PRINT_JOB_STATUS_REQUEST without externalPrintJobId";
            return self.remote_error(fx, conn, ERROR_BAD_REQUEST, why);
        };
        let status = self
            .printer
            .statuses
            .get(&id)
            .copied()
            .unwrap_or("NOT_FOUND");
        let response = PrintJobStatusResponse {
            external_print_job_id: Some(id),
            status: Some(status.into()),
        };
        self.send(fx, conn, &Message::PrintJobStatusResponse(response));
    }

    /// GET_PRINTERS_REQUEST → GET_PRINTERS_RESPONSE: the one built-in printer prints receipts and
    /// orders; there is no fiscal or label printer.
    pub(super) fn on_get_printers(&mut self, fx: &mut Fx, conn: ConnId, m: GetPrintersRequest) {
        let printers = match m.category.as_deref() {
            None | Some("RECEIPT") | Some("ORDER") => vec![Printer {
                id: Some(SIM_PRINTER_ID.into()),
                name: Some("Built-in printer".into()),
                kind: Some("MY_LOCAL".into()),
                ..Printer::default()
            }],
            _ => Vec::new(),
        };
        self.send(
            fx,
            conn,
            &Message::GetPrintersResponse(GetPrintersResponse { printers }),
        );
    }
}
