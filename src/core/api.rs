//! The interface the JavaScript layer calls: pure, synchronous functions over strings and
//! numbers. Every answer is JSON text (except [`fingerprint`]).
//!
//! A failure is an object
//! `{"error":"<code>","message":"…","provider"?:"<id>","status"?:n,"oauthError"?:"…","description"?:"…","scope"?:"…"}`
//! whose `error` is an [`ErrorCode`](super::ErrorCode) string. Times are milliseconds since the
//! epoch, as JavaScript numbers. A configuration is the object [`configure`] answers; the other
//! functions take it back as text.

use alloc::string::String;

use super::challenge::{react, Reaction};
use super::error::{invalid_config, Error, ErrorCode, Result};
use super::flow::{
    self, clean_query, is_authorization_response, parse_code_callback, parse_popup_callback,
    password_form, password_json, refresh_form, response_state, Credentials, Transaction,
};
use super::json::{self, ObjectWriter, Value};
use super::pkce::{self, CodeVerifier, RANDOM_LEN};
use super::provider::{self, normalize_base_url, Flow, Provider, OPENFIT_PRODUCTION, OPENFIT_TEST};
use super::session::{parse_token_response, Secret, Session};

/// Bytes of randomness [`begin`] takes: 32 for the `state`, then 32 for the PKCE verifier.
pub const BEGIN_RANDOM_LEN: usize = 2 * RANDOM_LEN;

/// How long the FitRankings popup may stay open when `timeoutMs` is not given (ms).
pub const DEFAULT_POPUP_TIMEOUT_MS: u64 = 300_000;

const SECRET_OPTION: &str =
    "A client secret must never reach the browser: keep it in the token broker";
const NOT_A_CONFIG: &str = "config is not a configuration from configure";

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

fn is_object(v: &Value) -> bool {
    matches!(v, Value::Object(_))
}

/// Whether any member name of an object contains "secret", in any case.
fn names_a_secret(v: &Value) -> bool {
    match v {
        Value::Object(members) => members.iter().any(|(name, _)| {
            name.as_bytes()
                .windows(6)
                .any(|w| w.eq_ignore_ascii_case(b"secret"))
        }),
        _ => false,
    }
}

/// The user's options object. `null` counts as absent.
struct Options<'a>(&'a Value);

impl<'a> Options<'a> {
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name).filter(|v| **v != Value::Null)
    }

    fn string(&self, name: &str) -> Result<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid_config("a string option has another type")),
        }
    }

    fn required(&self, name: &str, message: &'static str) -> Result<&'a str> {
        provider::require_option(self.string(name)?, message)
    }

    fn boolean(&self, name: &str, default: bool) -> Result<bool> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(invalid_config("a boolean option has another type")),
        }
    }

    /// A whole positive number.
    fn positive(&self, name: &str, default: u64) -> Result<u64> {
        match self.get(name) {
            None => Some(default),
            Some(n @ Value::Number(_)) => n.as_u64().filter(|&n| n > 0),
            Some(_) => None,
        }
        .ok_or_else(|| invalid_config("a numeric option must be a positive number"))
    }

    /// `baseUrl`, or the provider's default host, normalised.
    fn base_url(&self, provider: &Provider) -> Result<String> {
        let url = self
            .string("baseUrl")?
            .or(provider.default_base_url)
            .ok_or_else(|| invalid_config("baseUrl is required"))?;
        normalize_base_url(url)
    }
}

/// OpenFIT's identity and API hosts from `environment`.
fn openfit_hosts(o: &Options) -> Result<(String, String)> {
    let hosts = match o.get("environment") {
        Some(env @ Value::Object(_)) => {
            let env = Options(env);
            let identity = env.required("identityUrl", "environment.identityUrl is required")?;
            let api = env.required("apiUrl", "environment.apiUrl is required")?;
            return Ok((normalize_base_url(identity)?, normalize_base_url(api)?));
        }
        _ => match o.string("environment")? {
            None | Some("production") => OPENFIT_PRODUCTION,
            Some("test") => OPENFIT_TEST,
            Some(_) => {
                return Err(invalid_config(
                    "environment must be \"production\", \"test\" or { identityUrl, apiUrl }",
                ))
            }
        },
    };
    Ok((hosts.identity_url.into(), hosts.api_url.into()))
}

/// Checks a provider's constructor options and answers its configuration.
///
/// `options` is `JSON.stringify` of the options object. The configuration holds `provider`,
/// `baseUrl`, `clientId` and `skewMs`, and per provider: `popupUrl` and `timeoutMs`
/// (FitRankings); `tokenUrl` and `tokenStyle` (`"json"`: the app's server, `"form"`: the
/// provider) for the others; `redirectUri`, `scope` and `pkce` (FitBark). Errors are
/// `invalid_config`.
pub fn configure(provider: &str, options: &str) -> String {
    answer(
        find_provider(provider)
            .and_then(|p| read_options(p, options).map_err(|e| e.for_provider(p.id))),
    )
}

fn read_options(p: &'static Provider, options: &str) -> Result<String> {
    let v = json::parse(options)
        .filter(is_object)
        .ok_or_else(|| invalid_config("options must be an object"))?;
    if names_a_secret(&v) || v.get("environment").is_some_and(names_a_secret) {
        return Err(invalid_config(SECRET_OPTION));
    }
    let o = Options(&v);
    let mut w = ObjectWriter::new();
    w.string("provider", p.id);
    match p.flow {
        Flow::PopupToken { .. } => {
            let client_id = o.required("clientId", "clientId is required")?;
            let callback_uri = o.required("callbackUri", "callbackUri is required")?;
            let timeout_ms = o.positive("timeoutMs", DEFAULT_POPUP_TIMEOUT_MS)?;
            let base_url = o.base_url(p)?;
            let popup_url = p
                .popup_url(&base_url, client_id, callback_uri)
                .unwrap_or_default();
            w.string("baseUrl", &base_url)
                .string("clientId", client_id)
                .u64("skewMs", p.refresh_skew_ms)
                .string("popupUrl", &popup_url)
                .u64("timeoutMs", timeout_ms);
        }
        Flow::AuthorizationCode { .. } => {
            let client_id = o.required("clientId", "clientId is required")?;
            let redirect_uri = o.required("redirectUri", "redirectUri is required")?;
            let token_url = o.required(
                "tokenEndpoint",
                "tokenEndpoint (your server's token URL) is required",
            )?;
            let base_url = o.base_url(p)?;
            let scope = o.string("scope")?.filter(|s| !s.is_empty());
            let pkce = o.boolean("pkce", true)?;
            w.string("baseUrl", &base_url)
                .string("clientId", client_id)
                .u64("skewMs", p.refresh_skew_ms)
                .string("tokenUrl", token_url)
                .string("tokenStyle", "json")
                .string("redirectUri", redirect_uri)
                .opt_string("scope", scope)
                .boolean("pkce", pkce);
        }
        Flow::Password { .. } if p.default_base_url.is_some() => {
            // OpenFIT: the provider's own identity server and a client id.
            let client_id = o.required("clientId", "clientId is required")?;
            let (identity, api) = openfit_hosts(&o)?;
            let skew_s = o.positive("refreshSkewSeconds", p.refresh_skew_ms / 1000)?;
            w.string("baseUrl", &api)
                .string("clientId", client_id)
                .u64("skewMs", skew_s.saturating_mul(1000))
                .string("tokenUrl", &p.token_url(&identity).unwrap_or_default())
                .string("tokenStyle", "form");
        }
        Flow::Password { .. } => {
            let base_url = o.required("baseUrl", "baseUrl is required")?;
            // Fisikal needs the client secret, so its token requests go to the app's server.
            let broker = if p.id == provider::FISIKAL.id {
                Some(o.required(
                    "tokenEndpoint",
                    "tokenEndpoint (your server's token URL) is required",
                )?)
            } else {
                None
            };
            let base_url = normalize_base_url(base_url)?;
            let provider_url;
            let (token_url, style) = match broker {
                Some(url) => (url, "json"),
                None => {
                    provider_url = p.token_url(&base_url).unwrap_or_default();
                    (provider_url.as_str(), "form")
                }
            };
            w.string("baseUrl", &base_url)
                .string("clientId", "")
                .u64("skewMs", p.refresh_skew_ms)
                .string("tokenUrl", token_url)
                .string("tokenStyle", style);
        }
    }
    Ok(w.finish())
}

/// A string member of a configuration; empty when absent.
fn field<'a>(config: &'a Value, name: &str) -> &'a str {
    config.get(name).and_then(Value::as_str).unwrap_or("")
}

/// Runs `f` on a configuration from [`configure`]; its errors name the provider.
fn with_config(
    config: &str,
    f: impl FnOnce(&'static Provider, &Value) -> Result<String>,
) -> String {
    let run = || {
        let v = json::parse(config)
            .filter(is_object)
            .ok_or_else(|| invalid_config(NOT_A_CONFIG))?;
        let p = find_provider(field(&v, "provider"))?;
        f(p, &v).map_err(|e| e.for_provider(p.id))
    };
    answer(run())
}

/// Starts a FitBark authorisation. `random` is [`BEGIN_RANDOM_LEN`] bytes from
/// `crypto.getRandomValues` (state, then verifier); fewer is `invalid_config`.
///
/// Answers `{"url","state","tx"}`: the authorise URL to navigate to, its `state`, and the
/// transaction text to keep until the callback (it holds the PKCE verifier).
pub fn begin(config: &str, random: &[u8], now: f64) -> String {
    with_config(config, |p, v| {
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
        let pkce = v.get("pkce") != Some(&Value::Bool(false));
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
                v.get("scope").and_then(Value::as_str),
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

/// Validates an authorisation response against the stored transaction text (`""` when none;
/// an expired, foreign or corrupt one counts as none) and answers `{"body"}`, the code-exchange
/// request body for the app's token endpoint.
pub fn complete(config: &str, search: &str, tx: &str, now: f64) -> String {
    with_config(config, |p, v| {
        let tx = Transaction::from_json(tx, p, now as u64);
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
            .and_then(|p| parse_popup_callback(p, search, hash))
            .map(|s| s.to_json()),
    )
}

/// Validates a token endpoint's answer and answers the new session. `previous` is the session
/// it replaces (`""` when none): its `userId` is kept, and its `refreshToken` when the answer
/// has none.
pub fn token_response(provider: &str, status: u16, body: &str, now: f64, previous: &str) -> String {
    answer(find_provider(provider).and_then(|p| {
        let tokens =
            parse_token_response(status, body, now as u64).map_err(|e| e.for_provider(p.id))?;
        let (user_id, refresh_token) = match Session::from_json(previous, p.id) {
            Some(s) => (s.user_id, s.refresh_token),
            None => (None, None),
        };
        Ok(Session::from_token_response(p.id, tokens, user_id, refresh_token).to_json())
    }))
}

/// A stored session, checked and written again; `null` when it is invalid, another provider's,
/// or the provider is unknown.
pub fn load_session(provider: &str, text: &str) -> String {
    find_provider(provider)
        .ok()
        .and_then(|p| Session::from_json(text, p.id))
        .map_or_else(|| String::from("null"), |s| s.to_json())
}

/// The password-grant request body, `{"body"}`, for the configuration's token endpoint. A
/// non-empty `facebook_token` signs in with it instead of the user name and password.
pub fn password_body(config: &str, username: &str, password: &str, facebook_token: &str) -> String {
    with_config(config, |p, v| {
        if !matches!(p.flow, Flow::Password { .. }) {
            return Err(invalid_config(
                "This provider does not sign in with a password",
            ));
        }
        let credentials = if facebook_token.is_empty() {
            let username = provider::require_option(Some(username), "username is required")?;
            if password.is_empty() {
                return Err(invalid_config("password is required"));
            }
            Credentials::Password {
                username: username.into(),
                password: Secret::new(password),
            }
        } else {
            Credentials::FacebookToken(Secret::new(facebook_token))
        };
        let secret = if field(v, "tokenStyle") == "json" {
            password_json(&credentials)
        } else {
            let client_id = field(v, "clientId");
            password_form(p, &credentials, Some(client_id).filter(|c| !c.is_empty()))
        };
        Ok(body(secret.expose()))
    })
}

/// The refresh request body, `{"body"}`, for the configuration's token endpoint.
pub fn refresh_body(config: &str, refresh_token: &str) -> String {
    with_config(config, |_, v| {
        let token = Secret::new(refresh_token);
        let client_id = field(v, "clientId");
        match field(v, "tokenStyle") {
            "json" => Ok(body(&flow::refresh_body(&token, client_id))),
            "form" => Ok(body(refresh_form(&token, Some(client_id)).expose())),
            _ => Err(invalid_config("This provider has no token endpoint")),
        }
    })
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
