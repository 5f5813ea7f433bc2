//! PerfectGym (API v1): the password grant, or a Facebook access token, on the club's own host.
//! No refresh token is issued: an expired session is over. (API v2 needs the client secret on
//! every request, so it is the broker's.)

use crate::core::config::{base_url, Config, Flow, Provider, SignIn, BASE_URL};
use crate::core::options::Reader;
use crate::core::config::TokenStyle;
use crate::core::token::TokenRequest;
use crate::core::Result;

const TOKEN_PATH: &str = "/Api/oauth/authorize";

/// PerfectGym.
pub const PROVIDER: Provider =
    Provider::new("perfectgym", "PerfectGym", Flow::Password, read).attributes(&[BASE_URL]);

/// The TypeScript declaration of its options (`typescript.rs` adds it to the package's types).
pub const TYPESCRIPT: &str = r#"
/**
 * Options of `new PerfectGym(...)`.
 * Connect-button attributes: `base-url`.
 * @example
 * const options: PerfectGymOptions = { baseUrl: "https://yourclub.perfectgym.com" };
 */
export interface PerfectGymOptions {
  /** The club's host, e.g. https://yourclub.perfectgym.com */
  baseUrl: string;
}
"#;

/// `{ baseUrl }`, the club's host.
///
/// # Errors
/// `invalid_config` when `baseUrl` is missing, blank or not a string, or is not a valid base URL
/// ([`normalize_base_url`](crate::core::url::normalize_base_url)).
pub fn read(o: Reader) -> Result<Config> {
    let base = o.required("baseUrl", None)?;
    let base = base_url(&PROVIDER, Some(base))?;
    let token_url = [base.as_str(), TOKEN_PATH].concat();
    Ok(
        Config::new(&PROVIDER, base, SignIn::Password { scope: None })
            .with_token(token_url, TokenStyle::Form),
    )
}

/// PerfectGym's Facebook sign-in: the password grant with a `facebookToken` field.
pub fn facebook_request(facebook_token: &str) -> TokenRequest {
    TokenRequest::default()
        .with("grant_type", "password")
        .with("facebookToken", facebook_token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::testing::{body, config, message};

    #[test]
    fn options_and_bodies() {
        let c = config(&PROVIDER, r#"{"baseUrl":"https://club.example/"}"#).unwrap();
        assert_eq!(
            c.token_url(),
            Some("https://club.example/Api/oauth/authorize")
        );
        assert_eq!(c.client_id, "");
        let r = TokenRequest::password(&c, "zoë@example.com", "p@ss");
        assert_eq!(
            body(&r),
            [
                ("grant_type", "password"),
                ("username", "zoë@example.com"),
                ("password", "p@ss")
            ]
        );
        assert_eq!(
            body(&facebook_request("fb")),
            [("grant_type", "password"), ("facebookToken", "fb")]
        );
        assert_eq!(message(&PROVIDER, "{}"), "baseUrl is required");
        assert_eq!(
            message(&PROVIDER, r#"{"baseUrl":"club.example"}"#),
            "baseUrl must be an absolute http(s) URL"
        );
    }
}
