//! OpenFIT: the password grant on its identity server (public client, scope
//! `OpenFitApi offline_access`), rotating single-use refresh tokens, refreshed when about five
//! minutes of life remain. Production and test hosts are known; others can be given.

use crate::core::config::AttributeKind::*;
use crate::core::config::{Attribute, Config, Flow, Provider, SignIn, CLIENT_ID};
use crate::core::error::invalid_config;
use crate::core::options::Reader;
use crate::core::config::TokenStyle;
use crate::core::url::normalize_base_url;
use crate::core::Result;

const TOKEN_PATH: &str = "/connect/token";
const SCOPE: &str = "OpenFitApi offline_access";

/// OpenFIT.
pub const PROVIDER: Provider = Provider::new("openfit", "OpenFIT", Flow::Password, read)
    .default_base_url(PRODUCTION.1)
    .refresh_skew_ms(300_000)
    .attributes(&[
        CLIENT_ID,
        Attribute::new("environment", "environment", Text),
        Attribute::new("identity-url", "environment.identityUrl", Url),
        Attribute::new("api-url", "environment.apiUrl", Url),
        Attribute::new("refresh-skew-seconds", "refreshSkewSeconds", Number),
    ]);

/// The TypeScript declaration of its options (`typescript.rs` adds it to the package's types).
pub const TYPESCRIPT: &str = r#"
/**
 * OpenFIT hosts: its identity server and its API.
 * @example
 * const hosts: OpenFitHosts = { identityUrl: "https://ids.openfit.care", apiUrl: "https://api.openfit.care" };
 */
export interface OpenFitHosts {
  identityUrl: string;
  apiUrl: string;
}

/**
 * Options of `new OpenFit(...)`.
 * Connect-button attributes: `client-id`, `environment` (or `identity-url` and `api-url`), `refresh-skew-seconds`.
 * @example
 * const options: OpenFitOptions = { clientId: "abc", environment: "test" };
 */
export interface OpenFitOptions {
  clientId: string;
  /** "production" (default), "test", or explicit hosts. */
  environment?: "production" | "test" | OpenFitHosts;
  /** Refresh when fewer seconds than this remain, default 300. */
  refreshSkewSeconds?: number;
}
"#;

/// Production: identity server and API.
pub const PRODUCTION: (&str, &str) = ("https://ids.openfit.care", "https://api.openfit.care");
/// The test hosts (same client id as production).
pub const TEST: (&str, &str) = (
    "https://of-identity-internal.azurewebsites.net",
    "https://of-api-internal.azurewebsites.net",
);

/// `{ clientId, environment?: "production" | "test" | { identityUrl, apiUrl }, refreshSkewSeconds? }`.
///
/// # Errors
/// `invalid_config` for the first option that breaks a rule: `clientId` missing, blank or not a
/// string; an `environment` object whose `identityUrl` or `apiUrl` is missing, blank, not a
/// string or not a valid base URL ([`normalize_base_url`]); an `environment` present that is neither an
/// object nor one of the strings `"production"`, `"test"` (or `""`); `refreshSkewSeconds`
/// present but not a positive whole number.
pub fn read(o: Reader) -> Result<Config> {
    let client_id = o.required("clientId", None)?;
    let (identity, api) = match o.object("environment") {
        Some(env) => {
            let identity =
                env.required("identityUrl", Some("environment.identityUrl is required"))?;
            let api = env.required("apiUrl", Some("environment.apiUrl is required"))?;
            (
                normalize_base_url("environment.identityUrl", identity)?,
                normalize_base_url("environment.apiUrl", api)?,
            )
        }
        None => {
            let (identity, api) = match o.string("environment")?.unwrap_or("production") {
                "production" | "" => PRODUCTION,
                "test" => TEST,
                _ => {
                    return Err(invalid_config(
                        r#"environment must be "production", "test" or { identityUrl, apiUrl }"#,
                    ))
                }
            };
            (identity.into(), api.into())
        }
    };
    let skew_seconds = o.count("refreshSkewSeconds", PROVIDER.refresh_skew_ms / 1000)?;
    let sign_in = SignIn::Password {
        scope: Some(SCOPE.into()),
    };
    let mut config = Config::new(&PROVIDER, api, sign_in)
        .with_client_id(client_id)
        .with_token([identity.as_str(), TOKEN_PATH].concat(), TokenStyle::Form);
    config.skew_ms = skew_seconds.saturating_mul(1000);
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::testing::{body, config, message};
    use crate::core::token::TokenRequest;

    #[test]
    fn environments() {
        let c = config(
            &PROVIDER,
            r#"{"clientId":"of","environment":"test","refreshSkewSeconds":60}"#,
        )
        .unwrap();
        assert_eq!(c.base_url, TEST.1);
        assert_eq!(
            c.token_url(),
            Some("https://of-identity-internal.azurewebsites.net/connect/token")
        );
        assert_eq!(c.skew_ms, 60_000);
        let c = config(&PROVIDER, r#"{"clientId":"of","environment":{"identityUrl":"https://ids.example/","apiUrl":"https://api.example"}}"#).unwrap();
        assert_eq!(
            (c.base_url.as_str(), c.token_url(), c.skew_ms),
            (
                "https://api.example",
                Some("https://ids.example/connect/token"),
                300_000
            )
        );
        let c = config(&PROVIDER, r#"{"clientId":"of"}"#).unwrap();
        assert_eq!(c.base_url, PRODUCTION.1);
    }

    #[test]
    fn option_errors() {
        let m = |json| message(&PROVIDER, json);
        assert_eq!(m("{}"), "clientId is required");
        assert_eq!(
            m(r#"{"clientId":"c","environment":"staging"}"#),
            r#"environment must be "production", "test" or { identityUrl, apiUrl }"#
        );
        assert_eq!(
            m(r#"{"clientId":"c","environment":3}"#),
            "a string option has another type"
        );
        assert_eq!(
            m(r#"{"clientId":"c","environment":{"apiUrl":"https://b"}}"#),
            "environment.identityUrl is required"
        );
        assert_eq!(
            m(r#"{"clientId":"c","environment":{"identityUrl":"https://a"}}"#),
            "environment.apiUrl is required"
        );
        assert_eq!(
            m(r#"{"clientId":"c","refreshSkewSeconds":0}"#),
            "a numeric option must be a positive number"
        );
        assert_eq!(
            m(
                r#"{"clientId":"c","environment":{"identityUrl":"https://a","apiUrl":"https://b","clientSecret":"x"}}"#
            ),
            crate::core::options::SECRET_OPTION
        );
    }

    #[test]
    fn form_bodies() {
        let c = config(&PROVIDER, r#"{"clientId":"of-web"}"#).unwrap();
        assert_eq!(
            body(&TokenRequest::password(&c, "alice", "pw")),
            [
                ("grant_type", "password"),
                ("scope", SCOPE),
                ("client_id", "of-web"),
                ("username", "alice"),
                ("password", "pw")
            ]
        );
        assert_eq!(
            body(&TokenRequest::refresh(&c, "rt")),
            [
                ("grant_type", "refresh_token"),
                ("refresh_token", "rt"),
                ("client_id", "of-web")
            ]
        );
    }
}
