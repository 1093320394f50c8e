//! TLS for `wss://` and `https://`: rustls with the ring provider, trusting exactly the
//! configured CA file (or public web roots when none is configured). Never "accept anything".
//! Handshake failures become messages that say which setting to change.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, ClientConfig, RootCertStore};

/// A TLS setup problem (before any connection).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsSetupError {
    /// The CA file cannot be read.
    #[error(
        "ca_file {path}: cannot read it ({reason}): set ca_file to the PEM file of the CA that signed the device's certificate (the simulator writes it with --ca-out)"
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// The CA file has no usable certificate.
    #[error(
        "ca_file {path}: {reason}: it must hold PEM certificates (-----BEGIN CERTIFICATE-----)"
    )]
    NoCertificate {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The name to verify is not a DNS name or IP address.
    #[error(
        "'{0}' is not a valid TLS server name (set tls_server_name to the name in the device's certificate)"
    )]
    BadServerName(String),
    /// rustls refused the configuration.
    #[error("TLS setup failed: {0}")]
    Config(String),
}

/// A client configuration trusting the certificates in `ca_file`, or the public web roots.
pub fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| TlsSetupError::Unreadable {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
            let mut found = 0usize;
            for cert in CertificateDer::pem_slice_iter(&bytes) {
                let cert = cert.map_err(|e| TlsSetupError::NoCertificate {
                    path: path.to_owned(),
                    reason: format!("bad PEM ({e})"),
                })?;
                roots.add(cert).map_err(|e| TlsSetupError::NoCertificate {
                    path: path.to_owned(),
                    reason: format!("not a usable CA certificate ({e})"),
                })?;
                found += 1;
            }
            if found == 0 {
                return Err(TlsSetupError::NoCertificate {
                    path: path.to_owned(),
                    reason: "no certificate found".to_owned(),
                });
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsSetupError::Config(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The name the certificate is checked against: `override_name`, else the URL host.
pub fn server_name(
    host: &str,
    override_name: Option<&str>,
) -> Result<ServerName<'static>, TlsSetupError> {
    let name = override_name.unwrap_or(host);
    ServerName::try_from(name.to_owned()).map_err(|_| TlsSetupError::BadServerName(name.to_owned()))
}

/// Explains a failed TLS handshake with `peer` ("the device", "the Clover server"): what is wrong
/// and which setting fixes it.
pub fn explain_handshake_error(
    err: &io::Error,
    peer: &str,
    name: &str,
    ca_file: Option<&Path>,
) -> String {
    let Some(tls) = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    else {
        return format!("TLS handshake with {peer} failed: {err}");
    };
    let trust = || match ca_file {
        Some(path) => format!(
            "{peer}'s certificate is not signed by any CA in {}: set ca_file to the CA that signed it",
            path.display()
        ),
        None => format!(
            "{peer}'s certificate is not signed by a publicly trusted CA: set ca_file to the CA that signed it (the simulator's --ca-out file, or Clover's device CA)"
        ),
    };
    match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => trust(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!(
                    "{peer}'s certificate is not valid for '{name}': connect using a name in the certificate, or set tls_server_name to it"
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                format!(
                    "{peer}'s certificate has expired (check its certificate and this computer's clock)"
                )
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                format!("{peer}'s certificate is not valid yet (check this computer's clock)")
            }
            other => format!("{peer}'s certificate was refused ({other:?}): {}", trust()),
        },
        other => format!("TLS handshake with {peer} failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let e = client_config(Some(&missing)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("ca_file {}", missing.display())),
            "{e}"
        );
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "hello").unwrap();
        let e = client_config(Some(&empty)).unwrap_err();
        assert!(e.to_string().contains("no certificate found"), "{e}");
    }

    #[test]
    fn accepts_a_generated_ca_and_web_roots() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca.pem()).unwrap();
        assert!(client_config(Some(&path)).is_ok());
        assert!(client_config(None).is_ok());
    }

    #[test]
    fn server_names() {
        assert!(server_name("127.0.0.1", None).is_ok());
        assert!(server_name("::1", None).is_ok());
        assert!(server_name("10.0.0.5", Some("C0300000001")).is_ok());
        assert!(server_name("x", Some("bad name")).is_err());
    }

    #[test]
    fn explains_unknown_issuer_with_the_file() {
        let err = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        let msg = explain_handshake_error(
            &err,
            "the device",
            "127.0.0.1",
            Some(Path::new("/tmp/ca.pem")),
        );
        assert_eq!(
            msg,
            "the device's certificate is not signed by any CA in /tmp/ca.pem: set ca_file to the CA that signed it"
        );
    }
}
