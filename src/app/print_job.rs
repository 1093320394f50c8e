//! The print job on the device's printer as data. The flow is `app::printing`.

/// Where a print job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintState {
    /// Sent; no status yet.
    Sent,
    /// The device reported this status (`IN_QUEUE`, `PRINTING`, `NOT_FOUND`, `UNKNOWN`, …).
    Reported(String),
    /// The device printed it (`DONE`).
    Done,
    /// The device refused it or the printer failed; why.
    Failed(String),
}

impl PrintState {
    /// True once the job is done or failed.
    pub fn is_final(&self) -> bool {
        matches!(self, PrintState::Done | PrintState::Failed(_))
    }
}

/// The print job on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    /// Our id for it (`externalPrintJobId`).
    pub job_id: String,
    /// Lines sent.
    pub lines: usize,
    /// Where it is.
    pub state: PrintState,
    /// Status requests sent after the first.
    pub polls: u32,
}
