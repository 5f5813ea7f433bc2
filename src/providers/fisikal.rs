//! Fisikal: a Doorkeeper password grant that needs the client secret, so sign-in and refresh go
//! through the app's server (`tokenEndpoint`); API calls go to the gym's instance.

use crate::core::config::AttributeKind::*;
use crate::core::config::{
    base_url, Attribute, Config, Flow, Provider, SignIn, TOKEN_ENDPOINT_REQUIRED,
};
use crate::core::options::Reader;
use crate::core::token::TokenStyle;
use crate::core::Result;

/// Fisikal.
pub const PROVIDER: Provider = Provider {
    id: "fisikal",
    name: "Fisikal",
    flow: Flow::Password,
    attributes: &[
        Attribute::new("base-url", "baseUrl", Url),
        Attribute::new("token-endpoint", "tokenEndpoint", Url),
    ],
    read,
    default_base_url: None,
    refresh_skew_ms: 30_000,
};

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
