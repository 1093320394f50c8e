//! Standard output for every command, quiet when the reader goes away.
//!
//! `println!` panics when stdout is a closed pipe (`till history | head -1`). These helpers
//! write through a locked handle instead; once a write fails (broken pipe or any other error),
//! further output is dropped, so the command finishes its work and exits with its own code and
//! without a panic or an error message.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// `println!` on stdout, quiet once stdout has gone away.
macro_rules! line {
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use line;

/// `print!` on stdout, quiet once stdout has gone away.
macro_rules! text {
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!($($arg)*))
    };
}
pub(crate) use text;

/// Whether stdout has gone away (a reader closed the pipe): long listings can stop early.
pub(crate) fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// Writes `args` on stdout, unless stdout has gone away (then marks it closed).
pub(crate) fn write(args: std::fmt::Arguments<'_>) {
    if closed() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).and_then(|()| out.flush()).is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
}
