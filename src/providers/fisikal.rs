//! Fisikal: a Doorkeeper password grant that needs the client secret, so sign-in and refresh go
//! through the app's server (`tokenEndpoint`); API calls go to the gym's instance.

use crate::core::config::{
    base_url, Config, Flow, Provider, SignIn, BASE_URL, TOKEN_ENDPOINT, TOKEN_ENDPOINT_REQUIRED,
};
use crate::core::options::Reader;
use crate::core::config::TokenStyle;
use crate::core::Result;

/// Fisikal.
pub const PROVIDER: Provider = Provider::new("fisikal", "Fisikal", Flow::Password, read)
    .refresh_skew_ms(30_000)
    .attributes(&[BASE_URL, TOKEN_ENDPOINT]);

/// The TypeScript declaration of its options (`typescript.rs` adds it to the package's types).
pub const TYPESCRIPT: &str = r#"
/**
 * Options of `new Fisikal(...)`.
 * Connect-button attributes: `base-url`, `token-endpoint`.
 * @example
 * const options: FisikalOptions = { baseUrl: "https://yourgym.fisikal.com", tokenEndpoint: "/broker/fisikal/token" };
 */
export interface FisikalOptions {
  /** The instance host, e.g. https://yourgym.fisikal.com */
  baseUrl: string;
  /** Your server's token endpoint (the broker), which adds the client id and secret. */
  tokenEndpoint: string;
}
"#;

/// `{ baseUrl, tokenEndpoint }`.
///
/// # Errors
/// `invalid_config` for the first option that breaks a rule: `baseUrl` or `tokenEndpoint`
/// missing, blank or not a string ([`TOKEN_ENDPOINT_REQUIRED`] for the latter), or `baseUrl`
/// not a valid base URL ([`normalize_base_url`](crate::core::url::normalize_base_url)).
pub fn read(o: Reader) -> Result<Config> {
    let base = o.required("baseUrl", None)?;
    let token_url = o.required("tokenEndpoint", Some(TOKEN_ENDPOINT_REQUIRED))?;
    let base = base_url(&PROVIDER, Some(base))?;
    Ok(
        Config::new(&PROVIDER, base, SignIn::Password { scope: None })
            .with_token(token_url, TokenStyle::Json),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::testing::{body, config, message};
    use crate::core::token::TokenRequest;

    #[test]
    fn options_and_bodies() {
        assert_eq!(
            message(&PROVIDER, r#"{"tokenEndpoint":"t"}"#),
            "baseUrl is required"
        );
        assert_eq!(
            message(&PROVIDER, r#"{"baseUrl":"https://g"}"#),
            TOKEN_ENDPOINT_REQUIRED
        );
        let c = config(
            &PROVIDER,
            r#"{"baseUrl":"https://g","tokenEndpoint":"/capture"}"#,
        )
        .unwrap();
        assert_eq!(
            body(&TokenRequest::password(&c, "bob", "p\"w")),
            [
                ("grant_type", "password"),
                ("username", "bob"),
                ("password", "p\"w")
            ]
        );
        assert_eq!(
            body(&TokenRequest::refresh(&c, "rt5")),
            [
                ("grant_type", "refresh_token"),
                ("refresh_token", "rt5"),
                ("client_id", "")
            ]
        );
    }
}
