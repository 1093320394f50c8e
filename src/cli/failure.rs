//! Why a command stopped before it could do its work: the exit code and what to do.

/// A command that cannot even start: exit code and what to do.
pub struct Failure {
    /// Exit code.
    pub code: u8,
    /// The message.
    pub message: String,
}

impl Failure {
    pub(super) fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}
