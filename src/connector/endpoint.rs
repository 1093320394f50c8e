//! Parsing the URLs the connector dials (`ws`, `wss`, `http`, `https`) and the loopback rule.

use std::net::IpAddr;

use tokio_tungstenite::tungstenite::http::Uri;

/// URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `ws://`
    Ws,
    /// `wss://`
    Wss,
    /// `http://`
    Http,
    /// `https://`
    Https,
}

impl Scheme {
    /// True for `wss` and `https`.
    pub fn is_secure(self) -> bool {
        matches!(self, Scheme::Wss | Scheme::Https)
    }

    /// The scheme text.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    fn default_port(self) -> u16 {
        if self.is_secure() { 443 } else { 80 }
    }
}

/// A parsed URL: scheme, host (without IPv6 brackets), port, and path with query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The scheme.
    pub scheme: Scheme,
    /// Host name or IP address text.
    pub host: String,
    /// Port (the scheme default when absent).
    pub port: u16,
    /// Path and query, at least `/`.
    pub path_and_query: String,
}

/// Why a URL is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Does not parse.
    #[error("'{0}' is not a URL (expected e.g. wss://10.0.0.5:12345/remote_pay)")]
    Invalid(String),
    /// Unsupported scheme.
    #[error(
        "'{0}': unsupported scheme (use ws:// or wss:// for a device, http(s):// for a server)"
    )]
    Scheme(String),
    /// No host.
    #[error("'{0}' has no host")]
    NoHost(String),
}

impl Endpoint {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Endpoint, EndpointError> {
        let uri: Uri = text
            .trim()
            .parse()
            .map_err(|_| EndpointError::Invalid(text.to_owned()))?;
        let scheme = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("ws") => Scheme::Ws,
            Some("wss") => Scheme::Wss,
            Some("http") => Scheme::Http,
            Some("https") => Scheme::Https,
            _ => return Err(EndpointError::Scheme(text.to_owned())),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| EndpointError::NoHost(text.to_owned()))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = uri.port_u16().unwrap_or(scheme.default_port());
        let path_and_query = uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".to_owned());
        Ok(Endpoint {
            scheme,
            host,
            port,
            path_and_query,
        })
    }

    /// True when the host is a loopback address or `localhost`.
    pub fn is_loopback(&self) -> bool {
        match self.host.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback(),
            Err(_) => self.host.eq_ignore_ascii_case("localhost"),
        }
    }

    /// `host:port` as used in a `Host` header and for dialing (IPv6 in brackets).
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The URL text again, normalised.
    pub fn url(&self) -> String {
        format!(
            "{}://{}{}",
            self.scheme.as_str(),
            self.authority(),
            self.path_and_query
        )
    }

    /// The URL without its query (which may carry a connection token), for messages.
    pub fn url_without_query(&self) -> String {
        let path = self.path_and_query.split('?').next().unwrap_or("/");
        format!("{}://{}{}", self.scheme.as_str(), self.authority(), path)
    }

    /// The same endpoint with another scheme (e.g. `wss` → `https` for the cloud OPTIONS probe).
    pub fn with_scheme(&self, scheme: Scheme) -> Endpoint {
        Endpoint {
            scheme,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_device_urls() {
        let e = Endpoint::parse("wss://10.0.0.5:12345/remote_pay").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str(), e.port),
            (Scheme::Wss, "10.0.0.5", 12345)
        );
        assert_eq!(e.path_and_query, "/remote_pay");
        assert!(!e.is_loopback());
        let e = Endpoint::parse("ws://[::1]:80/remote_pay/dev2?x=1").unwrap();
        assert_eq!(e.host, "::1");
        assert!(e.is_loopback());
        assert_eq!(e.url(), "ws://[::1]:80/remote_pay/dev2?x=1");
        let e = Endpoint::parse("https://www.clover.com").unwrap();
        assert_eq!((e.port, e.path_and_query.as_str()), (443, "/"));
    }

    #[test]
    fn refuses_bad_urls() {
        assert!(matches!(
            Endpoint::parse("not a url"),
            Err(EndpointError::Invalid(_))
        ));
        assert!(matches!(
            Endpoint::parse("ftp://x/"),
            Err(EndpointError::Scheme(_))
        ));
        assert!(matches!(
            Endpoint::parse("/remote_pay"),
            Err(EndpointError::Scheme(_))
        ));
    }
}
