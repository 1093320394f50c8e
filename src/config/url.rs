//! Just enough URL parsing to validate device and server addresses (no URL crate needed).

use std::net::IpAddr;

/// The parts of an absolute URL `till` connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    /// Lower-case scheme: `ws`, `wss`, `http` or `https`.
    pub scheme: String,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Explicit port, if any.
    pub port: Option<u16>,
    /// Path and query, `/` when absent.
    pub path: String,
}

/// Parses `scheme://host[:port][/path]` with one of `schemes`. The error says what is wrong.
pub fn parse_url(text: &str, schemes: &[&str]) -> Result<ParsedUrl, String> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!("'{text}' is not a URL (no scheme://)"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !schemes.contains(&scheme.as_str()) {
        return Err(format!("'{text}' uses the scheme '{scheme}'"));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if authority.contains('@') {
        return Err(format!("'{text}' carries user information before '@'"));
    }
    let (host, port) = if let Some(after) = authority.strip_prefix('[') {
        let Some((v6, tail)) = after.split_once(']') else {
            return Err(format!("'{text}' has an unclosed '[' in its host"));
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("'{text}' has an invalid IPv6 address"));
        }
        let port = match tail {
            "" => None,
            t => Some(
                t.strip_prefix(':')
                    .ok_or_else(|| format!("'{text}' has text after ']'"))?,
            ),
        };
        (v6.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    if host.is_empty() {
        return Err(format!("'{text}' has no host"));
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
    {
        return Err(format!("'{text}' has an invalid host '{host}'"));
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => return Err(format!("'{text}' has an invalid port '{p}' (1 to 65535)")),
        },
    };
    let path = if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    };
    Ok(ParsedUrl {
        scheme,
        host,
        port,
        path,
    })
}

/// True for `localhost`, `127.0.0.0/8` and `::1`: traffic that never leaves this machine.
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_device_urls() {
        let u = parse_url("wss://10.0.0.5:12345/remote_pay", &["ws", "wss"]).unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host.as_str(), u.port, u.path.as_str()),
            ("wss", "10.0.0.5", Some(12345), "/remote_pay")
        );
        let u = parse_url("ws://[::1]:80/remote_pay/dev-2", &["ws", "wss"]).unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", Some(80)));
        assert!(is_loopback_host(&u.host));
        let u = parse_url("https://www.clover.com", &["https"]).unwrap();
        assert_eq!((u.port, u.path.as_str()), (None, "/"));
    }

    #[test]
    fn refuses_bad_urls() {
        for bad in [
            "10.0.0.5:12345",
            "http://x/",
            "ws://",
            "ws://:80/",
            "ws://h:0/",
            "ws://h:99999/",
            "ws://a@b/",
            "ws://[::1/",
            "ws://h h/",
        ] {
            assert!(parse_url(bad, &["ws", "wss"]).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for yes in ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "10.0.0.5",
            "example.com",
            "::2",
            "0.0.0.0",
            "localhost.example.com",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }
}
