//! The interface the JavaScript layer calls: pure, synchronous functions over strings, numbers
//! and [`wire`] items. Every answer is JSON text (except [`fingerprint`]).
//!
//! A failure is an object
//! `{"error":"<code>","message":"…","provider"?:"<id>","status"?:n,"oauthError"?:"…","description"?:"…","scope"?:"…"}`
//! whose `error` is an [`ErrorCode`](super::ErrorCode) string. Times are milliseconds since the
//! epoch, as JavaScript numbers. Objects (configurations, stored sessions and transactions, token
//! responses) arrive as [`Item`]s of the [`wire`] format, values the JavaScript layer parsed with
//! `JSON.parse` or built; a stored value that was not JSON is [`wire::NULL`]. A
//! configuration is the object the JavaScript layer builds from a constructor's options and
//! [`endpoints`]:
//! `{"provider","baseUrl","clientId","skewMs","tokenUrl"?,"tokenStyle"?:"json"|"form",
//! "redirectUri"?,"scope"?,"pkce"?}`.

use alloc::string::String;

use super::challenge::{react, Reaction};
use super::error::{invalid_config, Error, ErrorCode, Result};
use super::flow::{
    clean_query, is_authorization_response, parse_code_callback, parse_popup_callback,
    response_state, Transaction,
};
use super::json::ObjectWriter;
use super::pkce::{self, CodeVerifier, RANDOM_LEN};
use super::provider::{self, normalize_base_url, Flow, Provider, OPENFIT_PRODUCTION, OPENFIT_TEST};
use super::session::{read_token_response, Session};
use super::wire::{self, Item};

/// Bytes of randomness [`begin`] takes: 32 for the `state`, then 32 for the PKCE verifier.
pub const BEGIN_RANDOM_LEN: usize = 2 * RANDOM_LEN;

const NOT_A_CONFIG: &str = "config is not a client configuration";

/// An error as the JSON object JavaScript turns into a `FitConnectError`.
pub fn error_json(e: &Error) -> String {
    let mut w = ObjectWriter::new();
    w.string("error", e.code.as_str())
        .string("message", &e.message)
        .opt_string("provider", e.provider)
        .opt_u64("status", e.status.map(u64::from))
        .opt_string("oauthError", e.oauth_error.as_deref())
        .opt_string("description", e.description.as_deref())
        .opt_string("scope", e.scope.as_deref());
    w.finish()
}

fn answer(result: Result<String>) -> String {
    match result {
        Ok(text) => text,
        Err(e) => error_json(&e),
    }
}

fn find_provider(id: &str) -> Result<&'static Provider> {
    provider::ALL
        .iter()
        .copied()
        .find(|p| p.id == id)
        .ok_or_else(|| invalid_config("unknown provider"))
}

fn body(text: &str) -> String {
    let mut w = ObjectWriter::new();
    w.string("body", text);
    w.finish()
}

/// Where a provider client sends its requests, from the base URL the app gave (`""` for the
/// provider's default): `{"baseUrl","skewMs","popupUrl"?,"tokenUrl"?}`. `baseUrl` is the API
/// base, checked and without a trailing `/`; `skewMs` is how early the provider's tokens are
/// refreshed by default. FitRankings also gets its authorise URL (from `client_id` and
/// `callback_uri`); PerfectGym and OpenFIT get their own token endpoints. OpenFIT's
/// `environment` is `"production"` (or `""`), `"test"`, or `"custom"` with `base_url` its API
/// and `identity_url` its identity server.
pub fn endpoints(
    provider: &str,
    base_url: &str,
    client_id: &str,
    callback_uri: &str,
    environment: &str,
    identity_url: &str,
) -> String {
    answer(find_provider(provider).and_then(|p| {
        endpoints_of(
            p,
            base_url,
            client_id,
            callback_uri,
            environment,
            identity_url,
        )
        .map_err(|e| e.for_provider(p.id))
    }))
}

fn endpoints_of(
    p: &'static Provider,
    base_url: &str,
    client_id: &str,
    callback_uri: &str,
    environment: &str,
    identity_url: &str,
) -> Result<String> {
    let (base, identity) = if p.id == provider::OPENFIT.id {
        let hosts = match environment {
            "" | "production" => OPENFIT_PRODUCTION,
            "test" => OPENFIT_TEST,
            "custom" => {
                return token_endpoints(
                    p,
                    normalize_base_url(base_url)?,
                    Some(normalize_base_url(identity_url)?),
                    "",
                    "",
                )
            }
            _ => {
                return Err(invalid_config(
                    "environment must be \"production\", \"test\" or { identityUrl, apiUrl }",
                ))
            }
        };
        (hosts.api_url.into(), Some(hosts.identity_url.into()))
    } else {
        let url = Some(base_url)
            .filter(|u| !u.is_empty())
            .or(p.default_base_url)
            .ok_or_else(|| invalid_config("baseUrl is required"))?;
        (normalize_base_url(url)?, None)
    };
    token_endpoints(p, base, identity, client_id, callback_uri)
}

fn token_endpoints(
    p: &Provider,
    base: String,
    identity: Option<String>,
    client_id: &str,
    callback_uri: &str,
) -> Result<String> {
    let mut w = ObjectWriter::new();
    w.string("baseUrl", &base)
        .u64("skewMs", p.refresh_skew_ms)
        .opt_string(
            "popupUrl",
            p.popup_url(&base, client_id, callback_uri).as_deref(),
        );
    // The scope a password grant asks for (OpenFIT's).
    if let Flow::Password { scope, .. } = p.flow {
        w.opt_string("scope", scope);
    }
    // Fisikal's token endpoint is the app's own server (the secret is needed), given as an option.
    if p.id != provider::FISIKAL.id {
        w.opt_string(
            "tokenUrl",
            p.token_url(identity.as_deref().unwrap_or(&base)).as_deref(),
        );
    }
    Ok(w.finish())
}

/// A string member of a configuration; empty when absent.
fn field<'a>(config: Item<'a>, name: &str) -> &'a str {
    config.str_member(name).unwrap_or("")
}

/// Runs `f` on a client configuration (see the module documentation); its errors name the
/// provider.
fn with_config(v: Item<'_>, f: &dyn Fn(&'static Provider, Item<'_>) -> Result<String>) -> String {
    let run = || {
        if !v.is_object() {
            return Err(invalid_config(NOT_A_CONFIG));
        }
        let p = find_provider(field(v, "provider"))?;
        f(p, v).map_err(|e| e.for_provider(p.id))
    };
    answer(run())
}

/// Starts a FitBark authorisation. `random` is [`BEGIN_RANDOM_LEN`] bytes from
/// `crypto.getRandomValues` (state, then verifier); fewer is `invalid_config`.
///
/// Answers `{"url","state","tx"}`: the authorise URL to navigate to, its `state`, and the
/// transaction text to keep until the callback (it holds the PKCE verifier).
pub fn begin(config: Item<'_>, random: &[u8], now: f64) -> String {
    with_config(config, &|p, v| {
        let randomness = random
            .split_first_chunk::<RANDOM_LEN>()
            .and_then(|(s, rest)| {
                rest.first_chunk::<RANDOM_LEN>()
                    .map(|verifier| (s, verifier))
            });
        let Some((state_random, verifier_random)) = randomness else {
            return Err(invalid_config("begin needs 64 random bytes"));
        };
        let redirect_uri = field(v, "redirectUri");
        let pkce = v.get("pkce").and_then(Item::as_bool) != Some(false);
        let tx = Transaction::start(
            p,
            redirect_uri,
            pkce,
            state_random,
            verifier_random,
            now as u64,
        );
        let challenge = tx.verifier.as_ref().map(CodeVerifier::challenge_s256);
        let url = p
            .authorization_code_url(
                field(v, "baseUrl"),
                field(v, "clientId"),
                redirect_uri,
                &tx.state,
                challenge.as_deref(),
                v.str_member("scope"),
            )
            .ok_or_else(|| invalid_config("This provider does not use the redirect flow"))?;
        let mut w = ObjectWriter::new();
        w.string("url", &url)
            .string("state", &tx.state)
            .string("tx", &tx.to_json());
        Ok(w.finish())
    })
}

/// Looks at a page's `location.search`: `{"response","state"?,"clean"}`, whether it is an
/// authorisation response, its `state`, and the query without the response parameters.
pub fn inspect(search: &str) -> String {
    let mut w = ObjectWriter::new();
    w.boolean("response", is_authorization_response(search))
        .opt_string("state", response_state(search).as_deref())
        .string("clean", &clean_query(search));
    w.finish()
}

/// Validates an authorisation response against the stored transaction (`null` when none;
/// an expired, foreign or corrupt one counts as none) and answers `{"body"}`, the code-exchange
/// request body for the app's token endpoint.
pub fn complete(config: Item<'_>, search: &str, tx: Item<'_>, now: f64) -> String {
    with_config(config, &|p, v| {
        let tx = Transaction::from_item(tx, p, now as u64);
        let code = parse_code_callback(p, search, tx.as_ref())?;
        match tx {
            Some(t) => Ok(body(&t.exchange_body(&code, field(v, "clientId")))),
            None => Err(Error::new(
                ErrorCode::StateMismatch,
                "No sign-in was started here, or it already completed",
            )),
        }
    })
}

/// Reads the callback page's query and fragment after a popup sign-in: the session, or the
/// error.
pub fn popup_callback(provider: &str, search: &str, hash: &str) -> String {
    answer(
        find_provider(provider)
            .and_then(|p| parse_popup_callback(p, search, hash).map_err(|e| e.for_provider(p.id)))
            .map(|s| s.to_json()),
    )
}

/// Validates a token endpoint's answer and answers the new session. `previous` is the session
/// it replaces (`null` when none): its `userId` is kept, and its `refreshToken` when the answer
/// has none.
pub fn token_response(
    provider: &str,
    status: u16,
    body: Item<'_>,
    now: f64,
    previous: Item<'_>,
) -> String {
    answer(find_provider(provider).and_then(|p| {
        let tokens =
            read_token_response(status, body, now as u64).map_err(|e| e.for_provider(p.id))?;
        let (user_id, refresh_token) = match Session::from_item(previous, p.id) {
            Some(s) => (s.user_id, s.refresh_token),
            None => (None, None),
        };
        Ok(Session::from_token_response(p.id, tokens, user_id, refresh_token).to_json())
    }))
}

/// A stored session, checked and written again; `null` when it is invalid, another provider's,
/// or the provider is unknown.
pub fn load_session(provider: &str, stored: Item<'_>) -> String {
    find_provider(provider)
        .ok()
        .and_then(|p| Session::from_item(stored, p.id))
        .map_or_else(|| String::from("null"), |s| s.to_json())
}

/// What to do with a 401 or 403 answer to a Bearer request, from its status and
/// `WWW-Authenticate` header (`""` when none): `{"retry":true}` to refresh once and retry,
/// `{"retry":false}` to hand the response to the caller, or an `http_error` to fail with.
pub fn challenge(status: u16, header: &str) -> String {
    match react(status, Some(header).filter(|h| !h.is_empty())) {
        Reaction::RefreshAndRetry => String::from("{\"retry\":true}"),
        Reaction::Return => String::from("{\"retry\":false}"),
        Reaction::Fail(e) => error_json(&e),
    }
}

/// `BASE64URL(SHA256(token))`: a short name for a token that does not reveal it (plain text,
/// not JSON).
pub fn fingerprint(token: &str) -> String {
    pkce::base64url(&pkce::sha256(token.as_bytes()))
}

/// Runs the core function named by the first element of `call`, an array in the
/// [`wire`] format, with the other elements as its arguments: strings, whole numbers (`now`,
/// `status`), objects and, for `begin`, an array of 64 byte values. This is what the wasm's one
/// call export runs. Answers what the function answers; a call that is not an array or names no
/// function is `invalid_config`.
pub fn run(call: &[u8]) -> String {
    let Some(call) = wire::read(call).filter(|c| c.is_array()) else {
        return error_json(&invalid_config("a core call is an array"));
    };
    let arg = |i: usize| call.items().nth(i).unwrap_or(wire::NULL);
    let text = |i: usize| arg(i).as_str().unwrap_or("");
    let number = |i: usize| arg(i).as_u64().unwrap_or(0);
    match text(0) {
        "endpoints" => endpoints(text(1), text(2), text(3), text(4), text(5), text(6)),
        "begin" => {
            let random: Option<alloc::vec::Vec<u8>> = arg(2)
                .items()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect();
            begin(arg(1), &random.unwrap_or_default(), number(3) as f64)
        }
        "inspect" => inspect(text(1)),
        "complete" => complete(arg(1), text(2), arg(3), number(4) as f64),
        "popupCallback" => popup_callback(text(1), text(2), text(3)),
        "tokenResponse" => token_response(
            text(1),
            u16::try_from(number(2)).unwrap_or(0),
            arg(3),
            number(4) as f64,
            arg(5),
        ),
        "loadSession" => load_session(text(1), arg(2)),
        "challenge" => challenge(u16::try_from(number(1)).unwrap_or(0), text(2)),
        "fingerprint" => fingerprint(text(1)),
        _ => error_json(&invalid_config("no such core function")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::{parse, Value};
    use alloc::format;
    use alloc::vec::Vec;

    const NOW: f64 = 1_700_000_000_000.0;

    fn json(text: &str) -> Value {
        parse(text).unwrap_or_else(|| panic!("not JSON: {text}"))
    }

    fn s<'a>(v: &'a Value, name: &str) -> &'a str {
        v.get(name)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    fn n(v: &Value, name: &str) -> u64 {
        v.get(name).and_then(Value::as_u64).unwrap()
    }

    /// Asserts an error answer: code, message, provider.
    fn err(text: &str, code: &str, message: &str, provider: Option<&str>) {
        let v = json(text);
        assert_eq!(s(&v, "error"), code, "{text}");
        assert_eq!(s(&v, "message"), message, "{text}");
        assert_eq!(
            v.get("provider").and_then(Value::as_str),
            provider,
            "{text}"
        );
    }

    const FITBARK: &str = r#"{"provider":"fitbark","baseUrl":"https://app.fitbark.com","clientId":"cid","skewMs":0,"tokenUrl":"/broker/fitbark/token","tokenStyle":"json","redirectUri":"https://app.example/cb","scope":"public","pkce":true}"#;
    const FITRANKINGS: &str = r#"{"provider":"fitrankings","baseUrl":"https://api.fitrankings.com","clientId":"c","skewMs":0}"#;

    fn fitbark_config() -> Item<'static> {
        parsed(FITBARK)
    }

    /// A stored or received text as the JavaScript layer passes it: parsed, or `null`.
    fn parsed(text: &str) -> Item<'static> {
        match wire::argument(text) {
            Some(bytes) => wire::read(Vec::leak(bytes)).unwrap(),
            None => wire::NULL,
        }
    }

    fn random() -> Vec<u8> {
        (0..64).collect()
    }

    #[test]
    fn endpoints_of_each_provider() {
        assert_eq!(
            endpoints(
                "fitrankings",
                "https://api.example/",
                "my app",
                "https://app.example/cb.html",
                "",
                ""
            ),
            r#"{"baseUrl":"https://api.example","skewMs":0,"popupUrl":"https://api.example/iq/oauth2/?client_id=my%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb.html"}"#
        );
        let v = json(&endpoints("fitrankings", "", "c", "u", "", ""));
        assert_eq!(s(&v, "baseUrl"), "https://api.fitrankings.com");
        assert_eq!(
            endpoints("fitbark", "", "", "", "", ""),
            r#"{"baseUrl":"https://app.fitbark.com","skewMs":0}"#
        );
        assert_eq!(
            endpoints("fitbark", "http://127.0.0.1:8082", "", "", "", ""),
            r#"{"baseUrl":"http://127.0.0.1:8082","skewMs":0}"#
        );
        assert_eq!(
            endpoints("perfectgym", "https://club.example/", "", "", "", ""),
            r#"{"baseUrl":"https://club.example","skewMs":0,"tokenUrl":"https://club.example/Api/oauth/authorize"}"#
        );
        assert_eq!(
            endpoints("openfit", "", "", "", "", ""),
            r#"{"baseUrl":"https://api.openfit.care","skewMs":300000,"scope":"OpenFitApi offline_access","tokenUrl":"https://ids.openfit.care/connect/token"}"#
        );
        assert_eq!(
            endpoints("openfit", "", "", "", "production", ""),
            endpoints("openfit", "", "", "", "", "")
        );
        let v = json(&endpoints("openfit", "", "", "", "test", ""));
        assert_eq!(
            s(&v, "baseUrl"),
            "https://of-api-internal.azurewebsites.net"
        );
        assert_eq!(
            s(&v, "tokenUrl"),
            "https://of-identity-internal.azurewebsites.net/connect/token"
        );
        let v = json(&endpoints(
            "openfit",
            "https://api.example",
            "",
            "",
            "custom",
            "https://ids.example/",
        ));
        assert_eq!(s(&v, "baseUrl"), "https://api.example");
        assert_eq!(s(&v, "tokenUrl"), "https://ids.example/connect/token");
        assert_eq!(
            endpoints("fisikal", "https://gym.example/", "", "", "", ""),
            r#"{"baseUrl":"https://gym.example","skewMs":30000}"#
        );
    }

    #[test]
    fn endpoints_errors() {
        let c = "invalid_config";
        err(
            &endpoints("strava", "", "", "", "", ""),
            c,
            "unknown provider",
            None,
        );
        let cases: &[(&str, &str, &str, &str, &str)] = &[
            (
                "fitrankings",
                "ftp://x",
                "",
                "",
                "baseUrl must be an absolute http(s) URL",
            ),
            (
                "fitrankings",
                "https://a/?q",
                "",
                "",
                "baseUrl must be an origin with an optional path",
            ),
            ("perfectgym", "", "", "", "baseUrl is required"),
            (
                "perfectgym",
                "club.example",
                "",
                "",
                "baseUrl must be an absolute http(s) URL",
            ),
            ("fisikal", "", "", "", "baseUrl is required"),
            (
                "openfit",
                "",
                "staging",
                "",
                "environment must be \"production\", \"test\" or { identityUrl, apiUrl }",
            ),
            (
                "openfit",
                "https://api.example",
                "custom",
                "ids.example",
                "baseUrl must be an absolute http(s) URL",
            ),
            (
                "openfit",
                "javascript:x",
                "custom",
                "https://ids.example",
                "baseUrl must be an absolute http(s) URL",
            ),
        ];
        for (provider, base, environment, identity, message) in cases {
            err(
                &endpoints(provider, base, "", "", environment, identity),
                c,
                message,
                Some(provider),
            );
        }
    }

    #[test]
    fn begin_and_complete() {
        let config = fitbark_config();
        let v = json(&begin(config, &random(), NOW));
        let state = s(&v, "state");
        assert_eq!(state, pkce::base64url(&random()[..32]));
        let verifier = pkce::base64url(&random()[32..]);
        let challenge = CodeVerifier::from_stored(verifier.clone()).challenge_s256();
        assert_eq!(
            s(&v, "url"),
            format!("https://app.fitbark.com/oauth/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state={state}&code_challenge={challenge}&code_challenge_method=S256&scope=public")
        );
        let tx = s(&v, "tx");
        let stored = json(tx);
        assert_eq!(s(&stored, "verifier"), verifier);

        let search = format!("?code=the+code&state={state}");
        let done = json(&complete(config, &search, parsed(tx), NOW + 1000.0));
        let body = json(s(&done, "body"));
        assert_eq!(s(&body, "code"), "the code");
        assert_eq!(s(&body, "client_id"), "cid");
        assert_eq!(s(&body, "redirect_uri"), "https://app.example/cb");
        assert_eq!(s(&body, "code_verifier"), verifier);

        let fb = Some("fitbark");
        err(
            &complete(config, &search, wire::NULL, NOW),
            "state_mismatch",
            "No sign-in was started here, or it already completed",
            fb,
        );
        let expired = complete(config, &search, parsed(tx), NOW + 16.0 * 60_000.0);
        err(
            &expired,
            "state_mismatch",
            "No sign-in was started here, or it already completed",
            fb,
        );
        err(
            &complete(config, "?code=a&state=other", parsed(tx), NOW),
            "state_mismatch",
            "The callback's state does not match the sign-in started here",
            fb,
        );
        let denied = format!("?error=access_denied&error_description=no&state={state}");
        let e = json(&complete(config, &denied, parsed(tx), NOW));
        assert_eq!(s(&e, "error"), "access_denied");
        assert_eq!(s(&e, "oauthError"), "access_denied");
        assert_eq!(s(&e, "description"), "no");
        err(
            &complete(config, &format!("?state={state}"), parsed(tx), NOW),
            "invalid_callback",
            "The callback lacks the parameter code",
            fb,
        );
    }

    #[test]
    fn begin_without_pkce_and_errors() {
        let config = r#"{"provider":"fitbark","baseUrl":"https://app.fitbark.com","clientId":"c","skewMs":0,"tokenUrl":"t","tokenStyle":"json","redirectUri":"r","pkce":false}"#;
        let v = json(&begin(parsed(config), &random(), NOW));
        assert!(!s(&v, "url").contains("code_challenge"));
        assert!(json(s(&v, "tx")).get("verifier").is_none());
        err(
            &begin(parsed(config), &[0; 63], NOW),
            "invalid_config",
            "begin needs 64 random bytes",
            Some("fitbark"),
        );
        err(
            &begin(parsed("{}"), &random(), NOW),
            "invalid_config",
            "unknown provider",
            None,
        );
        err(
            &begin(parsed("nope"), &random(), NOW),
            "invalid_config",
            "config is not a client configuration",
            None,
        );
        err(
            &begin(parsed(FITRANKINGS), &random(), NOW),
            "invalid_config",
            "This provider does not use the redirect flow",
            Some("fitrankings"),
        );
    }

    #[test]
    fn inspect_shapes() {
        assert_eq!(
            inspect("?tab=2&code=a&state=b"),
            r#"{"response":true,"state":"b","clean":"?tab=2"}"#
        );
        assert_eq!(inspect(""), r#"{"response":false,"clean":""}"#);
        assert_eq!(
            inspect("?state=x"),
            r#"{"response":false,"state":"x","clean":""}"#
        );
        assert_eq!(inspect("?%zz"), r#"{"response":false,"clean":"?%zz"}"#);
    }

    #[test]
    fn popup_callback_shapes() {
        assert_eq!(
            popup_callback("fitrankings", "?token=t%C3%A9&user_id=42", ""),
            r#"{"provider":"fitrankings","accessToken":"té","tokenType":"bearer","userId":"42"}"#
        );
        assert_eq!(
            popup_callback("fitrankings", "", "#token=t&user_id=1"),
            r#"{"provider":"fitrankings","accessToken":"t","tokenType":"bearer","userId":"1"}"#
        );
        let fr = Some("fitrankings");
        err(
            &popup_callback("fitrankings", "?user_id=1", ""),
            "invalid_callback",
            "The callback lacks the parameter token",
            fr,
        );
        let e = json(&popup_callback("fitrankings", "?error=access_denied", ""));
        assert_eq!(s(&e, "error"), "access_denied");
        err(
            &popup_callback("fitbark", "?token=a&user_id=1", ""),
            "invalid_config",
            "This provider does not use the popup flow",
            Some("fitbark"),
        );
        err(
            &popup_callback("nope", "", ""),
            "invalid_config",
            "unknown provider",
            None,
        );
    }

    #[test]
    fn token_response_shapes() {
        let ok = r#"{"access_token":"at","token_type":"Bearer","expires_in":60,"refresh_token":"rt","scope":"public"}"#;
        assert_eq!(
            token_response("fitbark", 200, parsed(ok), NOW, wire::NULL),
            r#"{"provider":"fitbark","accessToken":"at","tokenType":"bearer","refreshToken":"rt","expiresAt":1700000060000,"scope":"public"}"#
        );
        let previous = r#"{"provider":"openfit","accessToken":"old","tokenType":"bearer","userId":"u1","refreshToken":"old-rt"}"#;
        let rotated = json(&token_response(
            "openfit",
            200,
            parsed(r#"{"access_token":"new","token_type":"bearer","expires_in":"3600"}"#),
            NOW,
            parsed(previous),
        ));
        assert_eq!(s(&rotated, "accessToken"), "new");
        assert_eq!(s(&rotated, "userId"), "u1");
        assert_eq!(s(&rotated, "refreshToken"), "old-rt");
        assert_eq!(n(&rotated, "expiresAt"), 1_700_003_600_000);
        let replaced = json(&token_response(
            "openfit",
            200,
            parsed(r#"{"access_token":"new","token_type":"bearer","refresh_token":"new-rt"}"#),
            NOW,
            parsed(previous),
        ));
        assert_eq!(s(&replaced, "refreshToken"), "new-rt");
        // A foreign previous session is ignored.
        let foreign = json(&token_response(
            "fitbark",
            200,
            parsed(ok),
            NOW,
            parsed(previous),
        ));
        assert!(foreign.get("userId").is_none());

        let e = json(&token_response(
            "openfit",
            400,
            parsed(r#"{"error":"invalid_grant","error_description":"bad password"}"#),
            NOW,
            wire::NULL,
        ));
        assert_eq!(s(&e, "error"), "oauth_error");
        assert_eq!(s(&e, "provider"), "openfit");
        assert_eq!(n(&e, "status"), 400);
        assert_eq!(s(&e, "oauthError"), "invalid_grant");
        assert_eq!(s(&e, "description"), "bad password");
        let e = json(&token_response(
            "fisikal",
            502,
            parsed("<html>"),
            NOW,
            wire::NULL,
        ));
        assert_eq!(s(&e, "error"), "http_error");
        assert_eq!(n(&e, "status"), 502);
        err(
            &token_response("fitbark", 200, parsed("{}"), NOW, wire::NULL),
            "invalid_response",
            "access_token is missing or not a string",
            Some("fitbark"),
        );
        err(
            &token_response("x", 200, parsed(ok), NOW, wire::NULL),
            "invalid_config",
            "unknown provider",
            None,
        );
    }

    #[test]
    fn load_session_shapes() {
        let text = r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","expiresAt":5.0,"scope":null}"#;
        assert_eq!(
            load_session("fitbark", parsed(text)),
            r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","expiresAt":5}"#
        );
        assert_eq!(load_session("openfit", parsed(text)), "null");
        assert_eq!(load_session("nope", parsed(text)), "null");
        assert_eq!(load_session("fitbark", parsed("")), "null");
        assert_eq!(load_session("fitbark", parsed("{\"x\":1}")), "null");
    }

    #[test]
    fn challenge_shapes() {
        assert_eq!(challenge(401, ""), r#"{"retry":true}"#);
        assert_eq!(
            challenge(401, r#"Bearer error="invalid_token""#),
            r#"{"retry":true}"#
        );
        assert_eq!(challenge(403, ""), r#"{"retry":false}"#);
        assert_eq!(
            challenge(400, r#"Bearer error="invalid_request""#),
            r#"{"retry":false}"#
        );
        assert_eq!(
            challenge(
                403,
                r#"Bearer error="insufficient_scope", error_description="more", scope="admin""#
            ),
            r#"{"error":"http_error","message":"The token lacks the scope this request needs","status":403,"oauthError":"insufficient_scope","description":"more","scope":"admin"}"#
        );
    }

    #[test]
    fn fingerprints() {
        assert_eq!(
            fingerprint("abc"),
            pkce::base64url(&[
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
                0xf2, 0x00, 0x15, 0xad
            ])
        );
        assert_eq!(fingerprint("").len(), 43);
    }

    #[test]
    fn error_json_escapes() {
        let e = Error::from_oauth("x\"y".into(), Some("a\nb".into())).with_status(401);
        assert_eq!(
            error_json(&e),
            r#"{"error":"oauth_error","message":"The provider answered with an OAuth error (x\"y): a\nb","status":401,"oauthError":"x\"y","description":"a\nb"}"#
        );
    }

    /// `run` on a call written as JSON text, as the JavaScript layer would write it.
    fn call(text: &str) -> String {
        let mut bytes = Vec::new();
        wire::write(&json(text), 0, &mut bytes);
        run(&bytes)
    }

    #[test]
    fn run_dispatches_by_name() {
        assert_eq!(
            call(r#"["endpoints","perfectgym","https://club.example"]"#),
            endpoints("perfectgym", "https://club.example", "", "", "", "")
        );
        let random: Vec<std::string::String> = (0..64).map(|i| format!("{i}")).collect();
        let begun = call(&format!(
            "[\"begin\",{FITBARK},[{}],1700000000000]",
            random.join(",")
        ));
        let bytes: Vec<u8> = (0..64).collect();
        assert_eq!(begun, begin(parsed(FITBARK), &bytes, 1_700_000_000_000.0));
        assert_eq!(call(r#"["challenge",401,""]"#), r#"{"retry":true}"#);
        assert_eq!(call(r#"["fingerprint","x"]"#), fingerprint("x"));
        // A stored session that was not JSON arrives as null.
        assert_eq!(call(r#"["loadSession","fitbark",null]"#), "null");
        for bad in ["{}", "[]", r#"["nothing"]"#, "[1]"] {
            assert!(
                call(bad).starts_with(r#"{"error":"invalid_config""#),
                "{bad}"
            );
        }
        for bad in [&b""[..], b"s\0\0\0\0", b"a\x01\0\0\0"] {
            assert!(run(bad).starts_with(r#"{"error":"invalid_config""#));
        }
        // Bytes out of range are not random bytes.
        let out_of_range = call(&format!(r#"["begin",{FITBARK},[256],1]"#));
        assert!(out_of_range.contains("64 random bytes"));
    }
}
