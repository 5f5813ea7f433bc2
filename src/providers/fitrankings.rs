//! FitRankings: sign-in in a 400x600 popup on `/iq/oauth2/`, which redirects to the app's
//! callback page with the user token and id in the query. No code, no `state`, no refresh.

use crate::core::callback::PopupParams;
use crate::core::config::AttributeKind::*;
use crate::core::config::{
    base_url, Attribute, Config, Flow, Provider, SignIn, BASE_URL, CLIENT_ID,
};
use crate::core::options::Reader;
use crate::core::query;
use crate::core::Result;

const AUTHORIZE_PATH: &str = "/iq/oauth2/";
const CALLBACK_PARAM: &str = "callback_uri";

/// FitRankings.
pub const PROVIDER: Provider = Provider::new("fitrankings", "FitRankings", Flow::Popup, read)
    .default_base_url("https://api.fitrankings.com")
    .attributes(&[
        CLIENT_ID,
        Attribute::new("callback-uri", "callbackUri", Url),
        BASE_URL,
        Attribute::new("timeout-ms", "timeoutMs", Number),
    ]);

/// The TypeScript declaration of its options (`typescript.rs` adds it to the package's types).
pub const TYPESCRIPT: &str = r#"
/**
 * Options of `new FitRankings(...)`.
 * Connect-button attributes: `client-id`, `callback-uri`, `base-url`, `timeout-ms`.
 * @example
 * const options: FitRankingsOptions = { clientId: "abc", callbackUri: "https://app.example/callback.html" };
 */
export interface FitRankingsOptions {
  clientId: string;
  /** Your callback page, which calls `handleCallback()`. */
  callbackUri: string;
  /** Defaults to https://api.fitrankings.com */
  baseUrl?: string;
  /** How long the popup may stay open, default 300000 (5 minutes). */
  timeoutMs?: number;
}
"#;

/// The callback's parameters.
pub const PARAMS: PopupParams = PopupParams {
    token: "token",
    user_id: "user_id",
};

/// How long the popup may stay open by default: five minutes.
pub const DEFAULT_TIMEOUT_MS: u64 = 300_000;

/// `{ clientId, callbackUri, baseUrl?, timeoutMs? }`.
///
/// # Errors
/// `invalid_config` for the first option that breaks a rule: `clientId` or `callbackUri`
/// missing, blank or not a string; `timeoutMs` present but not a positive whole number;
/// `baseUrl` present but not a string, or not a valid base URL
/// ([`normalize_base_url`](crate::core::url::normalize_base_url)).
pub fn read(o: Reader) -> Result<Config> {
    let client_id = o.required("clientId", None)?;
    let callback_uri = o.required("callbackUri", None)?;
    let timeout_ms = o.count("timeoutMs", DEFAULT_TIMEOUT_MS)?;
    let base = base_url(&PROVIDER, o.string("baseUrl")?)?;
    let sign_in = SignIn::Popup {
        popup_url: popup_url(&base, client_id, callback_uri),
        timeout_ms,
    };
    Ok(Config::new(&PROVIDER, base, sign_in).with_client_id(client_id))
}

/// `{base}/iq/oauth2/?client_id=…&callback_uri=…`.
pub fn popup_url(base_url: &str, client_id: &str, callback_uri: &str) -> String {
    query::append_to_url(
        &[base_url, AUTHORIZE_PATH].concat(),
        &[
            ("client_id", Some(client_id)),
            (CALLBACK_PARAM, Some(callback_uri)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::testing::{config, message};

    #[test]
    fn options_become_the_popup_url() {
        let c = config(&PROVIDER, r#"{"clientId":"my app","callbackUri":"https://app.example/cb.html?x=1","timeoutMs":null}"#)
        .unwrap();
        let SignIn::Popup {
            popup_url,
            timeout_ms,
        } = &c.sign_in
        else {
            panic!("a popup sign-in")
        };
        assert_eq!(
            popup_url,
            "https://api.fitrankings.com/iq/oauth2/?client_id=my%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb.html%3Fx%3D1"
        );
        assert_eq!(*timeout_ms, 300_000);
        assert_eq!(c.base_url, "https://api.fitrankings.com");
    }

    #[test]
    fn option_errors() {
        let m = |json| message(&PROVIDER, json);
        assert_eq!(m(r#"{"callbackUri":"u"}"#), "clientId is required");
        assert_eq!(m(r#"{"clientId":"c"}"#), "callbackUri is required");
        assert_eq!(
            m(r#"{"clientId":"c","callbackUri":"u","timeoutMs":0}"#),
            "a numeric option must be a positive number"
        );
        assert_eq!(
            m(r#"{"clientId":"c","callbackUri":"u","baseUrl":"ftp://x"}"#),
            "baseUrl must be an absolute http(s) URL"
        );
        assert_eq!(
            m(r#"{"clientId":"c","callbackUri":"u","clientSecret":"s3cret"}"#),
            crate::core::options::SECRET_OPTION
        );
        assert_eq!(m("[]"), crate::core::options::NOT_AN_OBJECT);
    }
}
