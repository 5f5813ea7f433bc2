//! FitBark: the OAuth 2.0 authorisation-code redirect (Doorkeeper) with `state` and PKCE S256;
//! the code is exchanged, and tokens refreshed, by the app's server, which adds the client secret.
//! Tokens live a year and refresh tokens rotate.

use super::AttributeKind::*;
use super::{base_url, Attribute, Config, Flow, Provider, TokenStyle, TOKEN_ENDPOINT_REQUIRED};
use crate::core::callback::Transaction;
use crate::core::options::Reader;
use crate::core::query;
use crate::core::url::{normalize_base_url, origin};
use crate::core::Result;

const AUTHORIZE_PATH: &str = "/oauth/authorize";

/// FitBark.
pub const PROVIDER: Provider = Provider {
    id: "fitbark",
    name: "FitBark",
    flow: Flow::Redirect,
    attributes: &[
        Attribute::new("client-id", "clientId", Text),
        Attribute::new("redirect-uri", "redirectUri", Url),
        Attribute::new("token-endpoint", "tokenEndpoint", Url),
        Attribute::new("base-url", "baseUrl", Url),
        Attribute::new("scope", "scope", Text),
        Attribute::new("pkce", "pkce", Flag),
    ],
    read,
    default_base_url: Some("https://app.fitbark.com"),
    // Tokens live a year; a token that the server already considers expired gets a 401, which
    // leads to a refresh anyway. A margin would only make short-lived tokens refresh on every call.
    refresh_skew_ms: 0,
};

/// `{ clientId, redirectUri, tokenEndpoint, baseUrl?, scope?, pkce?, issuer? }`.
pub fn read(o: Reader) -> Result<Config> {
    let client_id = o.required("clientId", None)?;
    let redirect_uri = o.required("redirectUri", None)?;
    let token_url = o.required("tokenEndpoint", Some(TOKEN_ENDPOINT_REQUIRED))?;
    let mut config = Config::new(&PROVIDER, base_url(&PROVIDER, o.string("baseUrl")?)?);
    config.client_id = client_id.into();
    config.redirect_uri = Some(redirect_uri.into());
    config.token_url = Some(token_url.into());
    config.token_style = Some(TokenStyle::Json);
    config.scope = o
        .string("scope")?
        .filter(|s| !s.is_empty())
        .map(String::from);
    config.pkce = Some(o.flag("pkce", true)?);
    config.issuer = Some(match o.string("issuer")? {
        Some(issuer) => normalize_base_url("issuer", issuer)?,
        None => origin(&config.base_url),
    });
    Ok(config)
}

/// The authorisation request URL (RFC 6749 §4.1.1, RFC 7636 §4.3): `response_type=code`,
/// `client_id`, `redirect_uri`, `state`, the S256 challenge when PKCE is on, and `scope` when set.
pub fn authorize_url(config: &Config, tx: &Transaction) -> String {
    let challenge = tx.challenge();
    query::append_to_url(
        &[config.base_url.as_str(), AUTHORIZE_PATH].concat(),
        &[
            ("response_type", Some("code")),
            ("client_id", Some(&config.client_id)),
            ("redirect_uri", Some(&tx.redirect_uri)),
            ("state", Some(&tx.state)),
            ("code_challenge", challenge.as_deref()),
            ("code_challenge_method", challenge.as_ref().map(|_| "S256")),
            ("scope", config.scope.as_deref()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::tests::{body, config, message};
    use crate::providers::TokenRequest;

    const OPTIONS: &str = r#"{"clientId":"cid","redirectUri":"https://app.example/","tokenEndpoint":"/broker/fitbark/token","scope":"public"}"#;

    #[test]
    fn authorize_url_with_and_without_pkce() {
        let c = config("fitbark", OPTIONS, read).unwrap();
        assert_eq!(c.issuer.as_deref(), Some("https://app.fitbark.com"));
        let tx = Transaction::start(
            "fitbark",
            "https://app.example/",
            true,
            &[[1; 32], [2; 32]],
            0,
        );
        let url = authorize_url(&c, &tx);
        let expected = format!(
            "https://app.fitbark.com/oauth/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fapp.example%2F&state={}&code_challenge={}&code_challenge_method=S256&scope=public",
            tx.state,
            tx.challenge().unwrap()
        );
        assert_eq!(url, expected);
        let c = config("fitbark", r#"{"clientId":"c","redirectUri":"r","tokenEndpoint":"t","pkce":false,"scope":"","baseUrl":"http://127.0.0.1:8082/"}"#, read).unwrap();
        let tx = Transaction::start("fitbark", "r", c.pkce.unwrap(), &[[1; 32], [2; 32]], 0);
        assert_eq!(
            authorize_url(&c, &tx),
            format!("http://127.0.0.1:8082/oauth/authorize?response_type=code&client_id=c&redirect_uri=r&state={}", tx.state)
        );
        assert_eq!(c.issuer.as_deref(), Some("http://127.0.0.1:8082"));
    }

    #[test]
    fn configured_issuer() {
        let c = config("fitbark", r#"{"clientId":"c","redirectUri":"r","tokenEndpoint":"t","issuer":"https://auth.fitbark.com/"}"#, read).unwrap();
        assert_eq!(c.issuer.as_deref(), Some("https://auth.fitbark.com"));
    }

    #[test]
    fn option_errors() {
        let m = |json| message("fitbark", json, read);
        assert_eq!(
            m(r#"{"clientId":"c","tokenEndpoint":"t"}"#),
            "redirectUri is required"
        );
        assert_eq!(
            m(r#"{"clientId":"c","redirectUri":"r"}"#),
            TOKEN_ENDPOINT_REQUIRED
        );
        assert_eq!(
            m(r#"{"clientId":"c","redirectUri":"r","tokenEndpoint":"t","pkce":"yes"}"#),
            "a boolean option has another type"
        );
        assert_eq!(
            m(r#"{"clientId":"c","client_SECRET":"x"}"#),
            crate::core::options::SECRET_OPTION
        );
        assert_eq!(
            m(
                r#"{"clientId":"c","redirectUri":"r","tokenEndpoint":"t","baseUrl":"http://fitbark.example"}"#
            ),
            "baseUrl must use https: (http: only for localhost, 127.0.0.1 or [::1])"
        );
    }

    #[test]
    fn exchange_and_refresh_bodies() {
        let c = config("fitbark", OPTIONS, read).unwrap();
        let r = TokenRequest::exchange(&c, "the code", "https://app.example/", Some("v"));
        assert_eq!(
            body(&r),
            [
                ("grant_type", "authorization_code"),
                ("code", "the code"),
                ("redirect_uri", "https://app.example/"),
                ("client_id", "cid"),
                ("code_verifier", "v")
            ]
        );
        let r = TokenRequest::exchange(&c, "c", "r", None);
        assert_eq!(body(&r).len(), 4);
        let r = TokenRequest::refresh(&c, "rt");
        assert_eq!(
            body(&r),
            [
                ("grant_type", "refresh_token"),
                ("refresh_token", "rt"),
                ("client_id", "cid")
            ]
        );
    }
}
