//! Who may use the app-credential proxies, and for what.
//!
//! `/broker/fitrankings/iq/…` acts with the app's FitRankings master token and
//! `/broker/perfectgym/v2/…` with the club's client secret: whoever reaches them acts as the app.
//! So each proxy has a [`ProxyPolicy`]: an allow-list of methods and paths ([`Rule`]; read-only
//! by default) and an [`Authorize`] hook that must accept the caller. Both are checked before
//! anything is sent to the provider. The hook is a trait so an app can plug in its own session
//! store; two implementations come with the broker:
//!
//! - [`SessionCookie`]: the app's backend signs its user in and sets an HMAC-signed cookie
//!   (`HttpOnly`, `SameSite=Strict`) with [`SessionCookie::set_cookie`]; the proxy accepts a
//!   request that carries a valid, unexpired one.
//!   The cookie counts only on requests the browser marks `Sec-Fetch-Site: same-origin` (or
//!   that carry no Fetch Metadata): a sibling subdomain's page gets the `SameSite` cookie sent
//!   too, and must not use it.
//! - [`ProviderUserToken`]: the caller sends that provider's own user token
//!   (`Authorization: Bearer …`); the broker asks the provider whether it is valid (one call,
//!   then remembered for a minute; a refusal is remembered for a few seconds) and never
//!   forwards it. Checks of new tokens are bounded per provider ([`VerifyLimits`]), and the
//!   check must refuse a made-up token before the broker starts ([`Authorize::startup_check`]).
//!
//! [`Closed`], the default, refuses everyone.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, Method};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The two proxies that act with the app's own credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Proxy {
    /// `/broker/fitrankings/iq/…`, with the master token.
    FitRankings,
    /// `/broker/perfectgym/v2/…`, with `X-Client-Id` / `X-Client-Secret`.
    PerfectGymV2,
}

impl Proxy {
    pub fn name(self) -> &'static str {
        match self {
            Proxy::FitRankings => "FitRankings",
            Proxy::PerfectGymV2 => "PerfectGym v2",
        }
    }
}

/// One proxied request as the hook sees it, before anything is sent.
#[derive(Debug)]
pub struct ProxyCall<'a> {
    pub proxy: Proxy,
    pub method: &'a Method,
    /// The path after the proxy's prefix, percent-decoded and checked (no dot or empty
    /// segments, no encoded separators): `/iq/users/` or `/odata/Classes`. It is what the
    /// provider is sent.
    pub path: &'a str,
    pub headers: &'a HeaderMap,
}

/// Why a caller is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: the caller did not prove who it is (no or bad credentials).
    Unauthenticated(&'static str),
    /// 403: the caller may not do this (a closed proxy, a method or path off the list).
    Forbidden(&'static str),
    /// 502 / 504: the provider could not say whether a user token is valid.
    Unverifiable { timed_out: bool },
    /// 429: too many new user tokens to check with the provider just now; try again after
    /// `retry_after`.
    TooManyChecks { retry_after: Duration },
}

pub type AuthorizeFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send + 'a>>;
/// The answer of [`Authorize::startup_check`]: `Err` holds a message for the operator.
pub type StartupCheckFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// The authorisation hook: decides whether `call` may use the app's credentials.
pub trait Authorize: Send + Sync {
    fn authorize<'a>(&'a self, call: &'a ProxyCall<'a>) -> AuthorizeFuture<'a>;

    /// The `WWW-Authenticate` value sent with a 401, when the hook uses an HTTP scheme.
    fn challenge(&self) -> Option<&'static str> {
        None
    }

    /// Run once before the broker serves anything; an `Err` stops it. The default has nothing
    /// to check.
    fn startup_check(&self) -> StartupCheckFuture<'_> {
        Box::pin(async { Ok(()) })
    }
}

/// Refuses every caller: a proxy nobody configured stays shut.
#[derive(Clone, Copy, Debug, Default)]
pub struct Closed;

impl Authorize for Closed {
    fn authorize<'a>(&'a self, _call: &'a ProxyCall<'a>) -> AuthorizeFuture<'a> {
        Box::pin(async {
            Err(Refusal::Forbidden(
                "this proxy is closed: no authorisation is configured for it",
            ))
        })
    }
}

/// A method and a path the proxy forwards. A path ending in `/` is a prefix (`/odata/` covers
/// `/odata/Members`); any other path matches itself and what lies below it (`/odata/Members`
/// covers `/odata/Members/5` but not `/odata/MembersX`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub method: Method,
    pub path: String,
}

impl Rule {
    pub fn new(method: Method, path: &str) -> Self {
        Rule {
            method,
            path: path.to_string(),
        }
    }

    /// `GET /odata/`: a method, one space, a path starting with `/`.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let mut words = text.split_whitespace();
        let (Some(method), Some(path), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("`{text}` is not `METHOD /path`"));
        };
        let method = match method.to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            other => return Err(format!("`{other}`: the proxies forward only GET and POST")),
        };
        if !path.starts_with('/') {
            return Err(format!("`{path}`: a path starts with `/`"));
        }
        // Rules name decoded paths, and requests with these never reach the rules.
        if path.contains(['%', ';', '\\']) || path.contains("//") {
            return Err(format!(
                "`{path}`: write the path decoded, without `%`, `;`, `\\` or `//`"
            ));
        }
        if path
            .split('/')
            .any(|segment| segment == "." || segment == "..")
        {
            return Err(format!("`{path}`: no `.` or `..` segments"));
        }
        Ok(Rule::new(method, path))
    }

    pub fn matches(&self, method: &Method, path: &str) -> bool {
        if self.method != method {
            return false;
        }
        if self.path.ends_with('/') {
            return path.starts_with(&self.path);
        }
        path == self.path
            || path
                .strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// What one proxy forwards and for whom.
#[derive(Clone)]
pub struct ProxyPolicy {
    pub allow: Vec<Rule>,
    pub authorize: std::sync::Arc<dyn Authorize>,
}

impl ProxyPolicy {
    /// Closed, with the read-only allow-list (`GET` anywhere under the proxy).
    pub fn closed() -> Self {
        ProxyPolicy {
            allow: read_only(),
            authorize: std::sync::Arc::new(Closed),
        }
    }

    /// The allow-list first (no provider call for a request off the list), then the hook.
    /// `call.path` is the decoded, checked path the broker forwards.
    pub async fn check(&self, call: &ProxyCall<'_>) -> Result<(), Refusal> {
        if !self.allow.iter().any(|r| r.matches(call.method, call.path)) {
            return Err(Refusal::Forbidden(
                "this method and path are not on the proxy's allow-list",
            ));
        }
        self.authorize.authorize(call).await
    }
}

impl std::fmt::Debug for ProxyPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyPolicy")
            .field("allow", &self.allow)
            .finish_non_exhaustive()
    }
}

/// `GET /`: every path, reading only.
pub fn read_only() -> Vec<Rule> {
    vec![Rule::new(Method::GET, "/")]
}

type HmacSha256 = Hmac<Sha256>;

/// The name of the session cookie [`SessionCookie`] reads and writes.
pub const SESSION_COOKIE: &str = "fitconnect_session";
/// Shorter keys are refused: the signature is only as strong as the key.
pub const MIN_SESSION_KEY_BYTES: usize = 32;

/// A session cookie set by the app's backend after it has signed its user in:
/// `fitconnect_session=<user, base64url>.<expiry, Unix seconds>.<HMAC-SHA256, base64url>`.
/// The broker keeps no session store; the signature and the expiry are the whole check.
pub struct SessionCookie {
    key: Vec<u8>,
}

impl SessionCookie {
    pub fn new(key: &[u8]) -> Result<Self, String> {
        if key.len() < MIN_SESSION_KEY_BYTES {
            return Err(format!(
                "the session key must be at least {MIN_SESSION_KEY_BYTES} bytes"
            ));
        }
        Ok(SessionCookie { key: key.to_vec() })
    }

    fn mac(&self, payload: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        mac
    }

    /// The cookie value for `user`, valid until `expires` (Unix seconds).
    pub fn value(&self, user: &str, expires: u64) -> String {
        let payload = format!("{}.{expires}", URL_SAFE_NO_PAD.encode(user));
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// A `Set-Cookie` header value for the app's sign-in response: `HttpOnly` (no script reads
    /// it), `SameSite=Strict` (no other site's page sends it), `Path=/broker/`, and `Secure`
    /// when the app is served over HTTPS.
    pub fn set_cookie(&self, user: &str, lifetime: Duration, secure: bool) -> String {
        let expires = unix_now().saturating_add(lifetime.as_secs());
        format!(
            "{SESSION_COOKIE}={}; Max-Age={}; Path=/broker/; HttpOnly; SameSite=Strict{}",
            self.value(user, expires),
            lifetime.as_secs(),
            if secure { "; Secure" } else { "" }
        )
    }

    /// The signed-in user named by a valid, unexpired `value`.
    pub fn verify(&self, value: &str, now: u64) -> Option<String> {
        let (payload, signature) = value.rsplit_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // Constant-time comparison.
        self.mac(payload).verify_slice(&signature).ok()?;
        let (user, expires) = payload.split_once('.')?;
        if expires.parse::<u64>().ok()? <= now {
            return None;
        }
        String::from_utf8(URL_SAFE_NO_PAD.decode(user).ok()?)
            .ok()
            .filter(|u| !u.is_empty())
    }
}

impl Authorize for SessionCookie {
    fn authorize<'a>(&'a self, call: &'a ProxyCall<'a>) -> AuthorizeFuture<'a> {
        // `SameSite=Strict` still sends the cookie with a sibling subdomain's requests
        // (`same-site`) and with a typed-in or bookmarked address (`none`).
        let same_origin = call
            .headers
            .get_all("sec-fetch-site")
            .iter()
            .all(|site| site.as_bytes().eq_ignore_ascii_case(b"same-origin"));
        if !same_origin {
            return Box::pin(async {
                Err(Refusal::Forbidden(
                    "the session cookie counts only on requests from the app's own pages \
                     (Sec-Fetch-Site: same-origin)",
                ))
            });
        }
        let verdict = cookie(call.headers, SESSION_COOKIE)
            .and_then(|value| self.verify(value, unix_now()))
            .map(|_| ())
            .ok_or(Refusal::Unauthenticated(
                "no valid session: sign in to the app first",
            ));
        Box::pin(async move { verdict })
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The first cookie called `name` in the request's `Cookie` headers.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// How long a user token the provider confirmed is taken as valid without asking again.
pub const USER_TOKEN_CACHE_TTL: Duration = Duration::from_secs(60);
/// Tokens remembered at most, confirmed and refused each (by SHA-256, never the token itself).
const USER_TOKEN_CACHE_MAX: usize = 4096;
/// The verification answer is read up to this size, then dropped: only the status counts.
const VERIFY_BODY_LIMIT: usize = 1 << 20;

/// How many user tokens the broker checks with the provider, per proxy. Tokens already
/// confirmed or refused are answered from memory and count for nothing; each new token costs
/// one check, so random `Bearer` values cannot spend the app's quota at the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyLimits {
    /// Checks that may be made back to back after a quiet spell.
    pub burst: u32,
    /// One more check becomes available after each such interval, up to `burst`.
    pub refill_every: Duration,
    /// How long a token the provider refused is refused again without asking.
    pub refused_for: Duration,
}

impl Default for VerifyLimits {
    /// 20 checks at once, then 5 a second; a refusal is remembered for 10 seconds.
    fn default() -> Self {
        VerifyLimits {
            burst: 20,
            refill_every: Duration::from_millis(200),
            refused_for: Duration::from_secs(10),
        }
    }
}

/// A token bucket: `available` checks, the last one earned at `since`.
#[derive(Debug)]
struct Bucket {
    available: u32,
    since: Instant,
}

impl Bucket {
    fn full(limits: &VerifyLimits, now: Instant) -> Self {
        Bucket {
            available: limits.burst,
            since: now,
        }
    }

    /// Takes one check, or says how long until the next one is available.
    fn take(&mut self, limits: &VerifyLimits, now: Instant) -> Result<(), Duration> {
        let every = limits.refill_every.max(Duration::from_millis(1));
        if self.available >= limits.burst {
            // Full: nothing is earned while full.
            self.since = now;
        } else {
            let elapsed = now.saturating_duration_since(self.since);
            let earned = (elapsed.as_nanos() / every.as_nanos()).min(u128::from(limits.burst));
            // At most `burst`, so the conversion and the multiplication cannot overflow.
            let earned = u32::try_from(earned).unwrap_or(limits.burst);
            if earned > 0 {
                self.available = self.available.saturating_add(earned).min(limits.burst);
                self.since = if self.available >= limits.burst {
                    now
                } else {
                    self.since + every * earned
                };
            }
        }
        if self.available > 0 {
            self.available -= 1;
            Ok(())
        } else {
            Err(every.saturating_sub(now.saturating_duration_since(self.since)))
        }
    }
}

/// Token fingerprints (SHA-256) and how long what is known about them holds.
#[derive(Default)]
struct Remembered(HashMap<[u8; 32], Instant>);

impl Remembered {
    fn holds(&self, key: &[u8; 32], now: Instant) -> bool {
        self.0.get(key).is_some_and(|until| *until > now)
    }

    fn insert(&mut self, key: [u8; 32], until: Instant, now: Instant) {
        if self.0.len() >= USER_TOKEN_CACHE_MAX {
            self.0.retain(|_, until| *until > now);
            if self.0.len() >= USER_TOKEN_CACHE_MAX {
                self.0.clear();
            }
        }
        self.0.insert(key, until);
    }
}

/// Accepts a caller that sends a user token of the proxy's provider (`Authorization: Bearer`),
/// after the provider has accepted it on `verify_url` (a `GET` answered 2xx). The token is
/// never forwarded with the proxied request: the proxy still calls with the app's credentials.
pub struct ProviderUserToken {
    verify_url: String,
    http: reqwest::Client,
    limits: VerifyLimits,
    confirmed: Mutex<Remembered>,
    refused: Mutex<Remembered>,
    bucket: Mutex<Bucket>,
}

/// What the provider said about one token.
enum Verdict {
    Accepted,
    Refused,
    Unverifiable { timed_out: bool },
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl ProviderUserToken {
    /// `verify_url`: a cheap user-token call of the provider, such as FitRankings'
    /// `/iq/users/` (a user token sees only its own user) or PerfectGym v1's
    /// `/Api/Classes/Classes/…`. Checks are bounded by [`VerifyLimits::default`].
    pub fn new(verify_url: String, timeout: Duration) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none());
        if super::is_loopback(&verify_url) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
        let limits = VerifyLimits::default();
        Ok(ProviderUserToken {
            verify_url,
            http,
            limits,
            confirmed: Mutex::default(),
            refused: Mutex::default(),
            bucket: Mutex::new(Bucket::full(&limits, Instant::now())),
        })
    }

    /// The same hook with other bounds on its checks.
    pub fn with_limits(mut self, limits: VerifyLimits) -> Self {
        self.limits = limits;
        self.bucket = Mutex::new(Bucket::full(&limits, Instant::now()));
        self
    }

    /// Asks the provider about `token`: one `GET` of the verification URL.
    async fn ask(&self, token: &str) -> Verdict {
        let unverifiable = |e: reqwest::Error| Verdict::Unverifiable {
            timed_out: e.is_timeout(),
        };
        let sent = self
            .http
            .get(&self.verify_url)
            .bearer_auth(token)
            .header(header::ACCEPT, "application/json")
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => response,
            Err(e) => return unverifiable(e),
        };
        let status = response.status();
        // Drain a bounded amount so the connection can be reused; the content does not matter.
        let mut read = 0;
        while read <= VERIFY_BODY_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) => break,
                Err(e) => return unverifiable(e),
            }
        }
        if status.is_success() {
            Verdict::Accepted
        } else if status.as_u16() == 401 || status.as_u16() == 403 {
            Verdict::Refused
        } else {
            Verdict::Unverifiable { timed_out: false }
        }
    }

    async fn check(&self, token: &str) -> Result<(), Refusal> {
        let refused = || Refusal::Unauthenticated("the provider does not accept this user token");
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = Instant::now();
        if locked(&self.confirmed).holds(&key, now) {
            return Ok(());
        }
        if locked(&self.refused).holds(&key, now) {
            return Err(refused());
        }
        locked(&self.bucket)
            .take(&self.limits, now)
            .map_err(|retry_after| Refusal::TooManyChecks { retry_after })?;
        match self.ask(token).await {
            Verdict::Accepted => {
                let now = Instant::now();
                locked(&self.confirmed).insert(key, now + USER_TOKEN_CACHE_TTL, now);
                Ok(())
            }
            Verdict::Refused => {
                let now = Instant::now();
                locked(&self.refused).insert(key, now + self.limits.refused_for, now);
                Err(refused())
            }
            Verdict::Unverifiable { timed_out } => Err(Refusal::Unverifiable { timed_out }),
        }
    }
}

impl Authorize for ProviderUserToken {
    fn authorize<'a>(&'a self, call: &'a ProxyCall<'a>) -> AuthorizeFuture<'a> {
        Box::pin(async move {
            let token = call
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(Refusal::Unauthenticated(
                    "send the provider's user token as `Authorization: Bearer`",
                ))?;
            self.check(token).await
        })
    }

    fn challenge(&self) -> Option<&'static str> {
        Some("Bearer realm=\"fitconnect-broker\"")
    }

    /// A verification call that accepts any token would let anyone act as the app: a
    /// made-up token (256 random bits) must be refused with 401 or 403.
    fn startup_check(&self) -> StartupCheckFuture<'_> {
        Box::pin(async move {
            let mut bytes = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
            let token = URL_SAFE_NO_PAD.encode(bytes);
            match self.ask(&token).await {
                Verdict::Refused => Ok(()),
                Verdict::Accepted => Err(format!(
                    "the user-token check ({}) accepted a random token, so it would let anyone \
                     in",
                    self.verify_url
                )),
                Verdict::Unverifiable { timed_out } => Err(format!(
                    "the user-token check ({}) did not refuse a random token with 401 or 403 \
                     ({})",
                    self.verify_url,
                    if timed_out {
                        "no answer in time"
                    } else {
                        "no answer, or another status"
                    }
                )),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_methods_and_paths() {
        let prefix = Rule::parse("GET /odata/").unwrap();
        assert!(prefix.matches(&Method::GET, "/odata/Members"));
        assert!(!prefix.matches(&Method::POST, "/odata/Members"));
        assert!(!prefix.matches(&Method::GET, "/ClassBooking/BookClass"));
        let exact = Rule::parse("post /ClassBooking/BookClass").unwrap();
        assert!(exact.matches(&Method::POST, "/ClassBooking/BookClass"));
        assert!(exact.matches(&Method::POST, "/ClassBooking/BookClass/2"));
        assert!(!exact.matches(&Method::POST, "/ClassBooking/BookClassX"));
        for bad in ["GET", "GET odata", "DELETE /x", "GET /a /b", ""] {
            assert!(Rule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn session_cookies_are_signed_and_expire() {
        let sessions = SessionCookie::new(&[7; 32]).unwrap();
        let value = sessions.value("user-1", 2_000);
        assert_eq!(sessions.verify(&value, 1_999).as_deref(), Some("user-1"));
        assert_eq!(sessions.verify(&value, 2_000), None);
        // Another key, a changed user or expiry, a cut signature: all refused.
        let other = SessionCookie::new(&[8; 32]).unwrap();
        assert_eq!(other.verify(&value, 0), None);
        let (payload, signature) = value.rsplit_once('.').unwrap();
        let forged = format!("{}.{signature}", payload.replace("2000", "9000"));
        assert_eq!(sessions.verify(&forged, 0), None);
        assert_eq!(sessions.verify(&value[..value.len() - 2], 0), None);
        assert_eq!(sessions.verify("", 0), None);
        assert!(SessionCookie::new(&[7; 31]).is_err());

        let header = sessions.set_cookie("u", Duration::from_secs(60), true);
        assert!(header.starts_with("fitconnect_session="));
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/broker/",
            "Max-Age=60",
        ] {
            assert!(header.contains(part), "{header}");
        }
    }

    #[test]
    fn the_check_bucket_refills_one_check_per_interval_up_to_the_burst() {
        let limits = VerifyLimits {
            burst: 2,
            refill_every: Duration::from_secs(10),
            refused_for: Duration::from_secs(1),
        };
        let start = Instant::now();
        let at = |secs: u64| start + Duration::from_secs(secs);
        let mut bucket = Bucket::full(&limits, start);
        assert_eq!(bucket.take(&limits, at(0)), Ok(()));
        assert_eq!(bucket.take(&limits, at(0)), Ok(()));
        assert_eq!(bucket.take(&limits, at(4)), Err(Duration::from_secs(6)));
        assert_eq!(bucket.take(&limits, at(10)), Ok(()));
        assert_eq!(bucket.take(&limits, at(11)), Err(Duration::from_secs(9)));
        // A long pause earns no more than the burst.
        assert_eq!(bucket.take(&limits, at(1000)), Ok(()));
        assert_eq!(bucket.take(&limits, at(1000)), Ok(()));
        assert!(bucket.take(&limits, at(1000)).is_err());
        let none = VerifyLimits { burst: 0, ..limits };
        assert!(Bucket::full(&none, start).take(&none, at(100)).is_err());
    }

    #[test]
    fn rules_name_decoded_paths_only() {
        for bad in [
            "GET /odata/%2e%2e",
            "GET /a//b",
            "GET /a/../b",
            "GET /a/./b",
            "GET /a;b",
            "GET /a\\b",
        ] {
            assert!(Rule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; fitconnect_session=v".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("v"));
        assert_eq!(cookie(&headers, "b"), None);
    }
}
