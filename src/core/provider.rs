//! What differs between providers, as data: ids, default hosts, authorise endpoints, which flow
//! each uses and what it supports. The flows themselves live in [`super::flow`].

use alloc::string::String;

use super::error::{invalid_config, Result};
use super::query;

/// How a provider's users sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// A popup on the provider's page that redirects to the app's callback with the token in the
    /// query (FitRankings): no code, no `state` echo, no refresh.
    PopupToken {
        /// Path of the sign-in page on the base URL.
        authorize_path: &'static str,
        /// Query parameter that names the callback page.
        callback_param: &'static str,
        /// Query parameter that carries the user token back.
        token_param: &'static str,
        /// Query parameter that carries the user id back.
        user_id_param: &'static str,
    },
    /// The OAuth 2.0 authorisation-code redirect (RFC 6749 §4.1), the code exchanged by the app's
    /// server (FitBark).
    AuthorizationCode {
        /// Path of the authorise endpoint on the base URL.
        authorize_path: &'static str,
    },
    /// The resource-owner password grant (RFC 6749 §4.3), a legacy flow that RFC 9700 §2.4 says
    /// must not be used; supported only for providers that offer nothing else.
    Password {
        /// Path of the token endpoint on the identity base URL, when the browser calls it itself.
        token_path: &'static str,
        /// `scope` to request, if the provider wants one.
        scope: Option<&'static str>,
    },
}

/// A provider's description.
#[derive(Debug, PartialEq, Eq)]
pub struct Provider {
    /// Stable id, used in sessions, storage keys and errors.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// API origin used when the options give no `baseUrl` (`None`: one host per customer).
    pub default_base_url: Option<&'static str>,
    /// The sign-in flow.
    pub flow: Flow,
    /// A token this close to expiry is treated as expired (ms), unless the options say otherwise.
    pub refresh_skew_ms: u64,
}

/// FitRankings: popup to `/iq/oauth2/`, token and user id in the callback query.
pub const FITRANKINGS: Provider = Provider {
    id: "fitrankings",
    name: "FitRankings",
    default_base_url: Some("https://api.fitrankings.com"),
    flow: Flow::PopupToken {
        authorize_path: "/iq/oauth2/",
        callback_param: "callback_uri",
        token_param: "token",
        user_id_param: "user_id",
    },
    refresh_skew_ms: 0,
};

/// FitBark: Doorkeeper authorisation-code flow; code exchange and refresh through the app's server.
pub const FITBARK: Provider = Provider {
    id: "fitbark",
    name: "FitBark",
    default_base_url: Some("https://app.fitbark.com"),
    flow: Flow::AuthorizationCode {
        authorize_path: "/oauth/authorize",
    },
    // Tokens live a year; a token that the server already considers expired gets a 401, which
    // leads to a refresh anyway. A margin would only make short-lived tokens refresh on every call.
    refresh_skew_ms: 0,
};

/// PerfectGym API v1: password (or Facebook token) grant on the club's own host; no refresh token.
pub const PERFECTGYM: Provider = Provider {
    id: "perfectgym",
    name: "PerfectGym",
    default_base_url: None,
    flow: Flow::Password {
        token_path: "/Api/oauth/authorize",
        scope: None,
    },
    refresh_skew_ms: 0,
};

/// OpenFIT: password grant on its identity server, rotating refresh tokens; the provider advises
/// refreshing when about five minutes of life remain.
pub const OPENFIT: Provider = Provider {
    id: "openfit",
    name: "OpenFIT",
    default_base_url: Some("https://api.openfit.care"),
    flow: Flow::Password {
        token_path: "/connect/token",
        scope: Some("OpenFitApi offline_access"),
    },
    refresh_skew_ms: 300_000,
};

/// Fisikal: password grant that needs the client secret, so it goes through the app's server.
pub const FISIKAL: Provider = Provider {
    id: "fisikal",
    name: "Fisikal",
    default_base_url: None,
    flow: Flow::Password {
        token_path: "/oauth/token",
        scope: None,
    },
    refresh_skew_ms: 30_000,
};

/// Every provider, for lookups by id.
pub const ALL: [&Provider; 5] = [&FITRANKINGS, &FITBARK, &PERFECTGYM, &OPENFIT, &FISIKAL];

/// OpenFIT's hosts: identity server and API.
pub struct OpenFitHosts {
    /// Identity server (token endpoint).
    pub identity_url: &'static str,
    /// API base.
    pub api_url: &'static str,
}

/// OpenFIT production hosts.
pub const OPENFIT_PRODUCTION: OpenFitHosts = OpenFitHosts {
    identity_url: "https://ids.openfit.care",
    api_url: "https://api.openfit.care",
};

/// OpenFIT's test hosts (same client id as production).
pub const OPENFIT_TEST: OpenFitHosts = OpenFitHosts {
    identity_url: "https://of-identity-internal.azurewebsites.net",
    api_url: "https://of-api-internal.azurewebsites.net",
};

/// Checks a base URL option and drops trailing slashes: it must be an absolute `https:` URL
/// (or `http:` for a local sandbox) without query or fragment.
pub fn normalize_base_url(url: &str) -> Result<String> {
    let bytes = url.as_bytes();
    let rest = if bytes.starts_with(b"https://") {
        bytes.get(8..)
    } else if bytes.starts_with(b"http://") {
        bytes.get(7..)
    } else {
        None
    }
    .ok_or_else(|| invalid_config("baseUrl must be an absolute http(s) URL"))?;
    if rest.first().is_none_or(|&b| b == b'/')
        || rest
            .iter()
            .any(|b| matches!(b, b'?' | b'#' | b'@' | b' ' | b'\\'))
    {
        return Err(invalid_config(
            "baseUrl must be an origin with an optional path",
        ));
    }
    let mut end = bytes.len();
    while end > 0 && bytes.get(end - 1) == Some(&b'/') {
        end -= 1;
    }
    Ok(url.get(..end).unwrap_or(url).into())
}

impl Provider {
    fn endpoint(base_url: &str, path: &str) -> String {
        let mut url = String::from(base_url);
        url.push_str(path);
        url
    }

    /// The popup page URL: `{base}{path}?client_id=…&callback_uri=…`; `None` for other flows.
    pub fn popup_url(&self, base_url: &str, client_id: &str, callback_uri: &str) -> Option<String> {
        let Flow::PopupToken {
            authorize_path,
            callback_param,
            ..
        } = self.flow
        else {
            return None;
        };
        Some(query::append_to_url(
            &Self::endpoint(base_url, authorize_path),
            &[
                ("client_id", Some(client_id)),
                (callback_param, Some(callback_uri)),
            ],
        ))
    }

    /// The token endpoint of a password-grant provider on its (identity) base URL.
    pub fn token_url(&self, base_url: &str) -> Option<String> {
        match self.flow {
            Flow::Password { token_path, .. } => Some(Self::endpoint(base_url, token_path)),
            _ => None,
        }
    }

    /// The authorisation request URL (RFC 6749 §4.1.1, RFC 7636 §4.3): `response_type=code`,
    /// `client_id`, `redirect_uri`, `state`, the S256 challenge when given, and `scope` when given;
    /// `None` for other flows.
    pub fn authorization_code_url(
        &self,
        base_url: &str,
        client_id: &str,
        redirect_uri: &str,
        state: &str,
        challenge: Option<&str>,
        scope: Option<&str>,
    ) -> Option<String> {
        let Flow::AuthorizationCode { authorize_path } = self.flow else {
            return None;
        };
        Some(query::append_to_url(
            &Self::endpoint(base_url, authorize_path),
            &[
                ("response_type", Some("code")),
                ("client_id", Some(client_id)),
                ("redirect_uri", Some(redirect_uri)),
                ("state", Some(state)),
                ("code_challenge", challenge),
                ("code_challenge_method", challenge.map(|_| "S256")),
                ("scope", scope),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::OPENFIT;
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn fitrankings_popup_url() {
        assert_eq!(
            FITRANKINGS.popup_url(
                "https://api.fitrankings.com",
                "my app",
                "https://app.example/cb.html?x=1"
            ),
            Some("https://api.fitrankings.com/iq/oauth2/?client_id=my%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb.html%3Fx%3D1".to_string())
        );
        assert_eq!(FITBARK.popup_url("https://a", "c", "r"), None);
        assert_eq!(FITBARK.token_url("https://a"), None);
        assert_eq!(
            OPENFIT.token_url("https://ids.openfit.care").as_deref(),
            Some("https://ids.openfit.care/connect/token")
        );
    }

    #[test]
    fn fitbark_authorize_url_with_and_without_pkce() {
        let url = FITBARK.authorization_code_url(
            "https://app.fitbark.com",
            "cid",
            "https://app.example/",
            "st",
            Some("ch"),
            Some("public"),
        );
        assert_eq!(url.as_deref(), Some("https://app.fitbark.com/oauth/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fapp.example%2F&state=st&code_challenge=ch&code_challenge_method=S256&scope=public"));
        let url =
            FITBARK.authorization_code_url("http://127.0.0.1:8082", "c", "r", "s", None, None);
        assert_eq!(
            url.as_deref(),
            Some("http://127.0.0.1:8082/oauth/authorize?response_type=code&client_id=c&redirect_uri=r&state=s")
        );
        assert_eq!(
            FITRANKINGS.authorization_code_url("https://a", "c", "r", "s", None, None),
            None
        );
    }

    #[test]
    fn base_url_rules() {
        assert_eq!(
            normalize_base_url("https://api.fitrankings.com/").unwrap(),
            "https://api.fitrankings.com"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8081").unwrap(),
            "http://127.0.0.1:8081"
        );
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
        ] {
            assert_eq!(
                normalize_base_url(bad).unwrap_err().code,
                ErrorCode::InvalidConfig,
                "{bad}"
            );
        }
    }
}
