//! Why a simulator could not start.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listen address could not be bound.
    #[error(
        "cannot listen on {addr}: {message} (is another simulator running there? use port 0 for any free port)"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The system's reason.
        message: String,
    },
    /// Generating the certificate or the TLS configuration failed.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// The CA file could not be written.
    #[error("cannot write the CA certificate to {path}: {message}")]
    CaOut {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
    /// `ca_out` was given without `tls`.
    #[error("--ca-out needs --tls (there is no certificate without TLS)")]
    CaOutWithoutTls,
    /// The saved device memory ([`SimConfig::memory_file`]) cannot be used; the message says
    /// what to do.
    #[error("{0}")]
    Memory(String),
    /// The frame log could not be opened.
    #[error("cannot open the frame log {path}: {message}")]
    FrameLog {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
}
