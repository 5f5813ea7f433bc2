//! FitBark: the OAuth 2.0 authorisation-code redirect (Doorkeeper) with `state` and PKCE S256;
//! the code is exchanged, and tokens refreshed, by the app's server, which adds the client secret.
//! Tokens live a year and refresh tokens rotate.

use crate::core::callback::Transaction;
use crate::core::config::AttributeKind::*;
use crate::core::config::{
    base_url, Attribute, Config, Flow, Provider, SignIn, BASE_URL, CLIENT_ID, TOKEN_ENDPOINT,
    TOKEN_ENDPOINT_REQUIRED,
};
use crate::core::options::Reader;
use crate::core::query;
use crate::core::config::TokenStyle;
use crate::core::url::{normalize_base_url, origin};
use crate::core::Result;

const AUTHORIZE_PATH: &str = "/oauth/authorize";

/// FitBark.
// Tokens live a year; a token that the server already considers expired gets a 401, which leads
// to a refresh anyway. A refresh margin would only make short-lived tokens refresh on every call.
pub const PROVIDER: Provider = Provider::new("fitbark", "FitBark", Flow::Redirect, read)
    .default_base_url("https://app.fitbark.com")
    .attributes(&[
        CLIENT_ID,
        Attribute::new("redirect-uri", "redirectUri", Url),
        TOKEN_ENDPOINT,
        BASE_URL,
        Attribute::new("scope", "scope", Text),
        Attribute::new("pkce", "pkce", Flag),
    ]);

/// The TypeScript declaration of its options (`typescript.rs` adds it to the package's types).
pub const TYPESCRIPT: &str = r#"
/**
 * Options of `new FitBark(...)`.
 * Connect-button attributes: `client-id`, `redirect-uri`, `token-endpoint`, `base-url`, `scope`, `pkce`.
 * @example
 * const options: FitBarkOptions = { clientId: "abc", redirectUri: "https://app.example/", tokenEndpoint: "/broker/fitbark/token" };
 */
export interface FitBarkOptions {
  clientId: string;
  /** Registered redirect URI: the page that calls `completeAuthorization()`. */
  redirectUri: string;
  /** Your server's token endpoint (the broker), which adds the client secret. */
  tokenEndpoint: string;
  /** Defaults to https://app.fitbark.com */
  baseUrl?: string;
  scope?: string;
  /** Send PKCE S256, default true. */
  pkce?: boolean;
  /**
   * The `iss` an authorization response must carry when it carries one (RFC 9207); defaults to
   * the origin of `baseUrl`.
   */
  issuer?: string;
}
"#;

/// `{ clientId, redirectUri, tokenEndpoint, baseUrl?, scope?, pkce?, issuer? }`.
///
/// # Errors
/// `invalid_config` for the first option that breaks a rule: `clientId`, `redirectUri` or
/// `tokenEndpoint` missing, blank or not a string ([`TOKEN_ENDPOINT_REQUIRED`] for the last);
/// `baseUrl`, `scope` or `issuer` present but not a string; `baseUrl` or `issuer` not a valid
/// base URL ([`normalize_base_url`]); `pkce` present but not a boolean.
pub fn read(o: Reader) -> Result<Config> {
    let client_id = o.required("clientId", None)?;
    let redirect_uri = o.required("redirectUri", None)?;
    let token_url = o.required("tokenEndpoint", Some(TOKEN_ENDPOINT_REQUIRED))?;
    let base = base_url(&PROVIDER, o.string("baseUrl")?)?;
    let scope = o
        .string("scope")?
        .filter(|s| !s.is_empty())
        .map(String::from);
    let issuer = match o.string("issuer")? {
        Some(issuer) => normalize_base_url("issuer", issuer)?,
        None => origin(&base),
    };
    let sign_in = SignIn::Redirect {
        redirect_uri: redirect_uri.into(),
        scope,
        pkce: o.flag("pkce", true)?,
        issuer,
    };
    Ok(Config::new(&PROVIDER, base, sign_in)
        .with_client_id(client_id)
        .with_token(token_url, TokenStyle::Json))
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
            ("scope", config.scope()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::testing::{body, config, message};
    use crate::core::token::TokenRequest;

    const OPTIONS: &str = r#"{"clientId":"cid","redirectUri":"https://app.example/","tokenEndpoint":"/broker/fitbark/token","scope":"public"}"#;

    fn issuer(c: &Config) -> Option<&str> {
        match &c.sign_in {
            SignIn::Redirect { issuer, .. } => Some(issuer),
            _ => None,
        }
    }

    #[test]
    fn authorize_url_with_and_without_pkce() {
        let c = config(&PROVIDER, OPTIONS).unwrap();
        assert_eq!(issuer(&c), Some("https://app.fitbark.com"));
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
        let c = config(&PROVIDER, r#"{"clientId":"c","redirectUri":"r","tokenEndpoint":"t","pkce":false,"scope":"","baseUrl":"http://127.0.0.1:8082/"}"#).unwrap();
        let tx = Transaction::start(
            "fitbark",
            "r",
            matches!(c.sign_in, SignIn::Redirect { pkce: true, .. }),
            &[[1; 32], [2; 32]],
            0,
        );
        assert_eq!(
            authorize_url(&c, &tx),
            format!("http://127.0.0.1:8082/oauth/authorize?response_type=code&client_id=c&redirect_uri=r&state={}", tx.state)
        );
        assert_eq!(issuer(&c), Some("http://127.0.0.1:8082"));
    }

    #[test]
    fn configured_issuer() {
        let c = config(&PROVIDER, r#"{"clientId":"c","redirectUri":"r","tokenEndpoint":"t","issuer":"https://auth.fitbark.com/"}"#).unwrap();
        assert_eq!(issuer(&c), Some("https://auth.fitbark.com"));
    }

    #[test]
    fn option_errors() {
        let m = |json| message(&PROVIDER, json);
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
        let c = config(&PROVIDER, OPTIONS).unwrap();
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
