//! PerfectGym (API v1): the password grant, or a Facebook access token, on the club's own host.
//! No refresh token is issued: an expired session is over. (API v2 needs the client secret on
//! every request, so it is the broker's.)

use super::AttributeKind::*;
use super::{base_url, Attribute, Config, Flow, Provider, TokenRequest, TokenStyle};
use crate::core::options::Reader;
use crate::core::Result;

const TOKEN_PATH: &str = "/Api/oauth/authorize";

/// PerfectGym.
pub const PROVIDER: Provider = Provider {
    id: "perfectgym",
    name: "PerfectGym",
    flow: Flow::Password,
    attributes: &[Attribute::new("base-url", "baseUrl", Url)],
    read,
    default_base_url: None,
    refresh_skew_ms: 0,
};

/// `{ baseUrl }`, the club's host.
pub fn read(o: Reader) -> Result<Config> {
    let base = o.required("baseUrl", None)?;
    let mut config = Config::new(&PROVIDER, base_url(&PROVIDER, Some(base))?);
    config.token_url = Some([config.base_url.as_str(), TOKEN_PATH].concat());
    config.token_style = Some(TokenStyle::Form);
    Ok(config)
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
    use crate::providers::tests::{body, config, message};

    #[test]
    fn options_and_bodies() {
        let c = config("perfectgym", r#"{"baseUrl":"https://club.example/"}"#, read).unwrap();
        assert_eq!(
            c.token_url.as_deref(),
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
        assert_eq!(message("perfectgym", "{}", read), "baseUrl is required");
        assert_eq!(
            message("perfectgym", r#"{"baseUrl":"club.example"}"#, read),
            "baseUrl must be an absolute http(s) URL"
        );
    }
}
