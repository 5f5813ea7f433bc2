//! Base URLs from the options: absolute `https:` URLs (`http:` only for a loopback host, where a
//! local sandbox runs), with no query, fragment or user info, and without trailing slashes.

use super::error::{invalid_config, Result};

/// Whether `host` (with its port, if any) names this machine: `localhost`, `127.0.0.0/8` or
/// `[::1]`.
pub fn is_loopback(host_and_port: &str) -> bool {
    let host = if host_and_port.starts_with('[') {
        host_and_port
            .split_inclusive(']')
            .next()
            .unwrap_or(host_and_port)
    } else {
        host_and_port.split(':').next().unwrap_or(host_and_port)
    };
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u8>().is_ok()
        })
}

/// Whether `url` is `https:` (`true`) or `http:` (`false`), and what follows `//`.
fn split_scheme(url: &str) -> Option<(bool, &str)> {
    url.strip_prefix("https://")
        .map(|rest| (true, rest))
        .or_else(|| url.strip_prefix("http://").map(|rest| (false, rest)))
}

/// Checks a base URL option named `name` and drops trailing slashes.
///
/// # Errors
/// `invalid_config`, with a message naming `name`, when `url`:
/// - does not start with `https://` or `http://`;
/// - is not an origin with an optional path: no host, or a `?`, `#`, `@`, space or backslash in
///   it;
/// - uses `http:` on a host that is not a loopback one ([`is_loopback`]).
///
/// # Examples
/// ```
/// use fitconnect::core::url::normalize_base_url;
/// use fitconnect::core::ErrorCode;
///
/// let base = normalize_base_url("baseUrl", "https://club.example/api/").unwrap();
/// assert_eq!(base, "https://club.example/api");
/// // A local sandbox may use plain http.
/// assert!(normalize_base_url("baseUrl", "http://127.0.0.1:8081").is_ok());
///
/// let e = normalize_base_url("baseUrl", "http://club.example").unwrap_err();
/// assert_eq!(e.code, ErrorCode::InvalidConfig);
/// assert_eq!(e.code.as_str(), "invalid_config");
/// assert!(e.message.starts_with("baseUrl must use https:"));
/// ```
pub fn normalize_base_url(name: &str, url: &str) -> Result<String> {
    let Some((https, rest)) = split_scheme(url) else {
        return Err(invalid_config(format!(
            "{name} must be an absolute http(s) URL"
        )));
    };
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#', '@', ' ', '\\']) {
        return Err(invalid_config(format!(
            "{name} must be an origin with an optional path"
        )));
    }
    let host = rest.split('/').next().unwrap_or(rest);
    if !https && !is_loopback(host) {
        return Err(invalid_config(format!(
            "{name} must use https: (http: only for localhost, 127.0.0.1 or [::1])"
        )));
    }
    Ok(url.trim_end_matches('/').into())
}

/// Checks an absolute endpoint URL named `name` (a token endpoint, resolved against the page when
/// it was relative) by the base-URL rule: `https:`, or `http:` only on a loopback host, with no
/// user info or fragment. A query is allowed: an app's server may route on one.
///
/// # Errors
/// `invalid_config`, with a message naming `name`, when `url`:
/// - does not start with `https://` or `http://`;
/// - has no host, or an `@`, a backslash or a space before its path or query;
/// - has a fragment (`#`);
/// - uses `http:` on a host that is not a loopback one ([`is_loopback`]).
pub fn check_endpoint(name: &str, url: &str) -> Result<()> {
    let Some((https, rest)) = split_scheme(url) else {
        return Err(invalid_config(format!(
            "{name} must be an https: URL (http: only for localhost, 127.0.0.1 or [::1])"
        )));
    };
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    if authority.is_empty() || authority.contains(['@', '\\', ' ']) || url.contains('#') {
        return Err(invalid_config(format!(
            "{name} is not a valid endpoint URL"
        )));
    }
    if !https && !is_loopback(authority) {
        return Err(invalid_config(format!(
            "{name} must use https: (http: only for localhost, 127.0.0.1 or [::1])"
        )));
    }
    Ok(())
}

/// The origin of a URL that passed [`normalize_base_url`]: scheme and host, lowercased.
pub fn origin(base_url: &str) -> String {
    // Searched and split without panicking paths: a substring search and a string slice would
    // bring core's searcher and its formatted panics into the wasm.
    let scheme_end = base_url
        .as_bytes()
        .windows(3)
        .position(|w| w == b"://")
        .map_or(0, |i| i + 3);
    let (scheme, rest) = base_url
        .split_at_checked(scheme_end)
        .unwrap_or(("", base_url));
    let host = rest.split_once('/').map_or(rest, |(host, _)| host);
    [scheme, host].concat().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ErrorCode;

    #[test]
    fn base_url_rules() {
        let ok = |u: &str| normalize_base_url("baseUrl", u).unwrap();
        assert_eq!(
            ok("https://api.fitrankings.com/"),
            "https://api.fitrankings.com"
        );
        assert_eq!(ok("https://club.example/api//"), "https://club.example/api");
        for local in [
            "http://127.0.0.1:8081",
            "http://localhost:3000/x",
            "http://127.255.0.9",
            "http://[::1]:8080",
            "http://LOCALHOST",
        ] {
            assert_eq!(ok(local), local.trim_end_matches('/'));
        }
        for bad in [
            "",
            "api.fitrankings.com",
            "ftp://x",
            "https://",
            "https:///x",
            "https://a/?q",
            "https://a#f",
            "https://user@evil",
            "javascript:alert(1)",
            "http://api.fitrankings.com",
            "http://127.0.0.1.evil.example",
            "http://128.0.0.1",
            "http://localhost.evil.example",
            "http://[::2]",
            "http://127.0.0.256",
        ] {
            assert_eq!(
                normalize_base_url("baseUrl", bad).unwrap_err().code,
                ErrorCode::InvalidConfig,
                "{bad}"
            );
        }
        assert_eq!(
            normalize_base_url("baseUrl", "http://fitbark.example")
                .unwrap_err()
                .message,
            "baseUrl must use https: (http: only for localhost, 127.0.0.1 or [::1])"
        );
    }

    #[test]
    fn endpoint_rules() {
        for ok in [
            "https://app.example/broker/fitbark/token",
            "https://app.example:8443/token?provider=fisikal",
            "http://127.0.0.1:18080/broker/fisikal/token",
            "http://localhost/token",
            "http://[::1]:8080/token",
        ] {
            assert_eq!(check_endpoint("tokenEndpoint", ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://elsewhere.example/token",
            "http://127.0.0.1.evil.example/token",
            "ftp://app.example/token",
            "javascript:alert(1)",
            "data:,x",
            "https://user:pw@app.example/token",
            "https:///token",
            "https://app.example/token#x",
            "/broker/token",
            "",
        ] {
            assert_eq!(
                check_endpoint("tokenEndpoint", bad).unwrap_err().code,
                ErrorCode::InvalidConfig,
                "{bad}"
            );
        }
        assert_eq!(
            check_endpoint("tokenEndpoint", "http://elsewhere.example/")
                .unwrap_err()
                .message,
            "tokenEndpoint must use https: (http: only for localhost, 127.0.0.1 or [::1])"
        );
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://App.FitBark.com/api"),
            "https://app.fitbark.com"
        );
        assert_eq!(origin("http://127.0.0.1:8082"), "http://127.0.0.1:8082");
    }
}
