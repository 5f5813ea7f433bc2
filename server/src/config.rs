//! Command line and environment configuration.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::broker::access::{self, Rule};

use crate::sandbox::{
    fisikal, fitbark, fitrankings, openfit, perfectgym, FISIKAL_PORT_OFFSET, FITBARK_PORT_OFFSET,
    FITRANKINGS_PORT_OFFSET, OPENFIT_API_PORT_OFFSET, OPENFIT_IDENTITY_PORT_OFFSET,
    PERFECTGYM_PORT_OFFSET,
};

/// How long the broker waits for a provider before answering 504 (`FITCONNECT_BROKER_TIMEOUT_MS`).
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

pub const DEFAULT_PORT_BASE: u16 = 8080;
/// Ports N..N+6 are taken: app, FitRankings, FitBark, PerfectGym, OpenFIT identity and API,
/// Fisikal.
const RESERVED_PORTS: u16 = 6;
/// Ten minutes: anything longer is a typo, and browsers give up on a request long before.
const MAX_BROKER_TIMEOUT_MS: u64 = 600_000;

pub const USAGE: &str = "\
usage: fitconnect-server [--port-base N] [--root DIR] [--no-sandbox]

  --port-base N   app origin on 127.0.0.1:N; sandboxes: FitRankings N+1, FitBark N+2,
                  PerfectGym N+3, OpenFIT identity N+4, OpenFIT API N+5, Fisikal N+6
                  (default 8080, or FITCONNECT_PORT_BASE)
  --root DIR      serve DIR/www at / and DIR/pkg at /pkg/ (default .)
  --no-sandbox    do not start the provider sandboxes (the broker then talks to the configured providers)

environment:
  FITCONNECT_FITRANKINGS_URL, FITCONNECT_FITRANKINGS_CLIENT_ID, FITCONNECT_FITRANKINGS_CLIENT_SECRET
  FITCONNECT_FITBARK_URL, FITCONNECT_FITBARK_CLIENT_ID, FITCONNECT_FITBARK_CLIENT_SECRET
  FITCONNECT_PERFECTGYM_URL, FITCONNECT_PERFECTGYM_CLIENT_ID, FITCONNECT_PERFECTGYM_CLIENT_SECRET
  FITCONNECT_FISIKAL_URL, FITCONNECT_FISIKAL_CLIENT_ID, FITCONNECT_FISIKAL_CLIENT_SECRET
  FITCONNECT_OPENFIT_IDENTITY_URL, FITCONNECT_OPENFIT_API_URL, FITCONNECT_OPENFIT_CLIENT_ID
                                  with --no-sandbox, a provider with any of its variables set
                                  needs its CLIENT_ID and CLIENT_SECRET too
  FITCONNECT_BROKER_ORIGINS       origins whose pages may call the broker, comma-separated
                                  (default the app origin, http://127.0.0.1:N)
                                  with --no-sandbox, a provider with none of its variables
                                  set has no broker routes
  FITCONNECT_BROKER_FITRANKINGS_AUTH, FITCONNECT_BROKER_PERFECTGYM_AUTH
                                  who may use the app-credential proxies: closed, session
                                  (a cookie signed with FITCONNECT_BROKER_SESSION_KEY) or
                                  user-token (that provider's user token, checked with it);
                                  default user-token with the sandbox, closed without
  FITCONNECT_BROKER_FITRANKINGS_ALLOW, FITCONNECT_BROKER_PERFECTGYM_ALLOW
                                  what the proxies forward, as `METHOD /path` rules,
                                  comma-separated; with the sandbox, default what the demo
                                  reads (PerfectGym `GET /odata/Classes`, FitRankings
                                  nothing); without it, default `GET /` (read-only), except
                                  that user-token needs the list to be set
  FITCONNECT_BROKER_SESSION_KEY   key of the session cookies, at least 32 bytes
  FITCONNECT_SANDBOX_TOKEN_TTL    default lifetime of sandbox FitBark user tokens, in seconds
  FITCONNECT_BROKER_TIMEOUT_MS    how long the broker waits for a provider before answering 504,
                                  in milliseconds (default 10000)
";

/// A credential that must never appear in logs: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A provider the broker talks to.
#[derive(Clone, Debug)]
pub struct Upstream {
    /// Origin (and optional path prefix) without a trailing slash.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
}

/// Who may use an app-credential proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyAuth {
    /// Nobody.
    Closed,
    /// A caller with a session cookie signed with the session key.
    Session,
    /// A caller with a user token of that provider, which the provider accepts.
    UserToken,
}

/// An app-credential proxy's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxySettings {
    pub auth: ProxyAuth,
    pub allow: Vec<Rule>,
}

/// Which providers have any of their variables set. Without the sandbox, the broker calls only
/// these: the others' default addresses are the sandbox's loopback ports, which nobody serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConfiguredProviders {
    pub fitrankings: bool,
    pub fitbark: bool,
    pub perfectgym: bool,
    pub fisikal: bool,
}

/// What the demo's pages read through the PerfectGym v2 proxy: the club's classes.
pub const DEMO_PERFECTGYM_ALLOW: &str = "GET /odata/Classes";

/// OpenFIT: a public client (no secret); the browser talks to it directly.
#[derive(Clone, Debug)]
pub struct OpenFitConfig {
    pub identity_url: String,
    pub api_url: String,
    pub client_id: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub port_base: u16,
    pub root: PathBuf,
    pub sandbox: bool,
    pub sandbox_token_ttl: u64,
    /// How long the broker waits for a provider (connecting, sending and the whole answer).
    pub broker_timeout: Duration,
    pub fitrankings: Upstream,
    pub fitbark: Upstream,
    /// `client_id` / `client_secret` are the v2 API's `X-Client-Id` / `X-Client-Secret`.
    pub perfectgym: Upstream,
    pub fisikal: Upstream,
    /// Which of the four have their variables set (see [`ConfiguredProviders`]).
    pub configured: ConfiguredProviders,
    pub openfit: OpenFitConfig,
    /// Origins whose pages may call the broker (exact, no trailing slash).
    pub broker_origins: Vec<String>,
    pub fitrankings_proxy: ProxySettings,
    pub perfectgym_proxy: ProxySettings,
    /// Signs the session cookies the proxies accept with `ProxyAuth::Session`.
    pub session_key: Option<Secret>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `--help` was given.
    Help,
    Invalid(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Help => f.write_str("help requested"),
            ConfigError::Invalid(message) => f.write_str(message),
        }
    }
}

/// `http://127.0.0.1:PORT`, the form every origin in this program takes.
pub fn local_origin(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

impl Config {
    /// Reads the arguments (without the program name) and the environment through `env`.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let invalid = |m: String| ConfigError::Invalid(m);
        let mut port_text = env("FITCONNECT_PORT_BASE").filter(|s| !s.trim().is_empty());
        let mut root = PathBuf::from(".");
        let mut sandbox = true;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| invalid(format!("{name} needs a value")))
            };
            match name.as_str() {
                "--port-base" => port_text = Some(value("--port-base")?),
                "--root" => root = PathBuf::from(value("--root")?),
                "--no-sandbox" => sandbox = false,
                "-h" | "--help" => return Err(ConfigError::Help),
                other => return Err(invalid(format!("unknown argument `{other}`"))),
            }
        }
        let port_base = match port_text {
            None => DEFAULT_PORT_BASE,
            Some(text) => text
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|&p| p > 0 && p <= u16::MAX - RESERVED_PORTS)
                .ok_or_else(|| {
                    invalid(format!(
                        "port base must be a number from 1 to {}, got `{text}`",
                        u16::MAX - RESERVED_PORTS
                    ))
                })?,
        };
        let sandbox_token_ttl = match env("FITCONNECT_SANDBOX_TOKEN_TTL") {
            None => fitbark::DEFAULT_USER_TOKEN_TTL,
            Some(text) => text.trim().parse::<u64>().map_err(|_| {
                invalid(format!(
                    "FITCONNECT_SANDBOX_TOKEN_TTL must be a number of seconds, got `{text}`"
                ))
            })?,
        };
        let broker_timeout = match env("FITCONNECT_BROKER_TIMEOUT_MS") {
            None => DEFAULT_UPSTREAM_TIMEOUT,
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|ms| (1..=MAX_BROKER_TIMEOUT_MS).contains(ms))
                .map(Duration::from_millis)
                .ok_or_else(|| {
                    invalid(format!(
                        "FITCONNECT_BROKER_TIMEOUT_MS must be a number of milliseconds from 1 to \
                         {MAX_BROKER_TIMEOUT_MS}, got `{text}`"
                    ))
                })?,
        };
        let var = |name: String| env(&name).filter(|v| !v.is_empty());
        let url = |name: &str, offset: u16| {
            var(name.to_string())
                .unwrap_or_else(|| local_origin(port_base + offset))
                .trim_end_matches('/')
                .to_string()
        };
        let is_set = |prefix: &str| {
            ["URL", "CLIENT_ID", "CLIENT_SECRET"]
                .iter()
                .any(|suffix| var(format!("{prefix}_{suffix}")).is_some())
        };
        let configured = ConfiguredProviders {
            fitrankings: is_set("FITCONNECT_FITRANKINGS"),
            fitbark: is_set("FITCONNECT_FITBARK"),
            perfectgym: is_set("FITCONNECT_PERFECTGYM"),
            fisikal: is_set("FITCONNECT_FISIKAL"),
        };
        let upstream = |prefix: &str, offset: u16, id: &str, secret: &str| {
            let setting = |suffix: &str| var(format!("{prefix}_{suffix}"));
            let configured = is_set(prefix);
            // Without the sandbox, the sandbox's credentials would be sent to a real provider.
            if !sandbox && configured {
                for suffix in ["CLIENT_ID", "CLIENT_SECRET"] {
                    if setting(suffix).is_none() {
                        return Err(invalid(format!(
                            "{prefix}_{suffix} is not set: with --no-sandbox, a provider that is \
                             configured needs its own client id and secret"
                        )));
                    }
                }
            }
            Ok(Upstream {
                base_url: url(&format!("{prefix}_URL"), offset),
                client_id: setting("CLIENT_ID").unwrap_or_else(|| id.to_string()),
                client_secret: Secret::new(
                    setting("CLIENT_SECRET").unwrap_or_else(|| secret.to_string()),
                ),
            })
        };
        // `provider`: the provider's variable prefix and whether it is configured;
        // `demo_allow`: what the demo's pages read through this proxy.
        let proxy = |prefix: &str,
                     provider: (&str, bool),
                     demo_allow: &[&str]|
         -> Result<ProxySettings, ConfigError> {
            let auth = match var(format!("{prefix}_AUTH")).as_deref().map(str::trim) {
                None if sandbox => ProxyAuth::UserToken,
                None | Some("closed") => ProxyAuth::Closed,
                Some("session") => ProxyAuth::Session,
                Some("user-token") => ProxyAuth::UserToken,
                Some(other) => {
                    return Err(invalid(format!(
                        "{prefix}_AUTH must be closed, session or user-token, got `{other}`"
                    )))
                }
            };
            let (provider_prefix, provider_configured) = provider;
            if !sandbox && !provider_configured && auth != ProxyAuth::Closed {
                return Err(invalid(format!(
                    "{prefix}_AUTH is set, but {provider_prefix}_URL, _CLIENT_ID and \
                     _CLIENT_SECRET are not: with --no-sandbox, the proxy needs its provider"
                )));
            }
            let allow = match var(format!("{prefix}_ALLOW")) {
                None if sandbox => demo_allow
                    .iter()
                    .map(|rule| Rule::parse(rule))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(invalid)?,
                // Any user of the provider would read everything the app may read.
                None if auth == ProxyAuth::UserToken => {
                    return Err(invalid(format!(
                        "{prefix}_ALLOW is not set: with --no-sandbox, {prefix}_AUTH=user-token \
                         lets any user of the provider call the proxy with the app's rights, \
                         so list the `METHOD /path` rules your pages need"
                    )))
                }
                None => access::read_only(),
                Some(text) => text
                    .split(',')
                    .filter(|r| !r.trim().is_empty())
                    .map(Rule::parse)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| invalid(format!("{prefix}_ALLOW: {e}")))?,
            };
            Ok(ProxySettings { auth, allow })
        };
        let fitrankings_proxy = proxy(
            "FITCONNECT_BROKER_FITRANKINGS",
            ("FITCONNECT_FITRANKINGS", configured.fitrankings),
            &[],
        )?;
        let perfectgym_proxy = proxy(
            "FITCONNECT_BROKER_PERFECTGYM",
            ("FITCONNECT_PERFECTGYM", configured.perfectgym),
            &[DEMO_PERFECTGYM_ALLOW],
        )?;
        let session_key = var("FITCONNECT_BROKER_SESSION_KEY".to_string()).map(Secret::new);
        let wants_session = [&fitrankings_proxy, &perfectgym_proxy]
            .iter()
            .any(|p| p.auth == ProxyAuth::Session);
        if wants_session
            && session_key
                .as_ref()
                .is_none_or(|k| k.expose().len() < access::MIN_SESSION_KEY_BYTES)
        {
            return Err(invalid(format!(
                "FITCONNECT_BROKER_SESSION_KEY must be set to at least {} bytes for session \
                 authorisation",
                access::MIN_SESSION_KEY_BYTES
            )));
        }
        let broker_origins = match var("FITCONNECT_BROKER_ORIGINS".to_string()) {
            None => vec![local_origin(port_base)],
            Some(text) => text
                .split([',', ' '])
                .map(|o| o.trim().trim_end_matches('/').to_string())
                .filter(|o| !o.is_empty())
                .collect(),
        };
        Ok(Config {
            port_base,
            root,
            sandbox,
            sandbox_token_ttl,
            broker_timeout,
            broker_origins,
            fitrankings_proxy,
            perfectgym_proxy,
            session_key,
            configured,
            fitrankings: upstream(
                "FITCONNECT_FITRANKINGS",
                FITRANKINGS_PORT_OFFSET,
                fitrankings::CLIENT_ID,
                fitrankings::CLIENT_SECRET,
            )?,
            fitbark: upstream(
                "FITCONNECT_FITBARK",
                FITBARK_PORT_OFFSET,
                fitbark::CLIENT_ID,
                fitbark::CLIENT_SECRET,
            )?,
            perfectgym: upstream(
                "FITCONNECT_PERFECTGYM",
                PERFECTGYM_PORT_OFFSET,
                perfectgym::CLIENT_ID,
                perfectgym::CLIENT_SECRET,
            )?,
            fisikal: upstream(
                "FITCONNECT_FISIKAL",
                FISIKAL_PORT_OFFSET,
                fisikal::CLIENT_ID,
                fisikal::CLIENT_SECRET,
            )?,
            openfit: OpenFitConfig {
                identity_url: url(
                    "FITCONNECT_OPENFIT_IDENTITY_URL",
                    OPENFIT_IDENTITY_PORT_OFFSET,
                ),
                api_url: url("FITCONNECT_OPENFIT_API_URL", OPENFIT_API_PORT_OFFSET),
                client_id: var("FITCONNECT_OPENFIT_CLIENT_ID".to_string())
                    .unwrap_or_else(|| openfit::CLIENT_ID.to_string()),
            },
        })
    }

    pub fn app_origin(&self) -> String {
        local_origin(self.port_base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let value = |name: &str| Some(env.iter().find(|(n, _)| *n == name)?.1.to_string());
        Config::parse(args.iter().map(|s| s.to_string()), value)
    }

    #[test]
    fn defaults_point_at_the_sandbox() {
        let c = parse(&[], &[]).unwrap();
        assert_eq!(c.port_base, 8080);
        assert!(c.sandbox);
        assert_eq!(c.fitrankings.base_url, "http://127.0.0.1:8081");
        assert_eq!(c.fitbark.base_url, "http://127.0.0.1:8082");
        assert_eq!(c.fitbark.client_secret.expose(), "fitbark-demo-secret");
        assert_eq!(format!("{:?}", c.fitbark.client_secret), "[redacted]");
        assert!(!format!("{c:?}").contains("demo-secret"));
        assert_eq!(c.perfectgym.base_url, "http://127.0.0.1:8083");
        assert_eq!(c.openfit.identity_url, "http://127.0.0.1:8084");
        assert_eq!(c.openfit.api_url, "http://127.0.0.1:8085");
        assert_eq!(c.openfit.client_id, "openfit-demo");
        assert_eq!(c.fisikal.base_url, "http://127.0.0.1:8086");
        assert_eq!(c.fisikal.client_secret.expose(), "fisikal-demo-secret");
        assert_eq!(c.broker_timeout, Duration::from_secs(10));
    }

    #[test]
    fn broker_timeout_comes_from_the_environment() {
        let c = parse(&[], &[("FITCONNECT_BROKER_TIMEOUT_MS", "300")]).unwrap();
        assert_eq!(c.broker_timeout, Duration::from_millis(300));
        for bad in ["0", "-5", "1.5", "ten", "600001"] {
            assert!(
                matches!(
                    parse(&[], &[("FITCONNECT_BROKER_TIMEOUT_MS", bad)]),
                    Err(ConfigError::Invalid(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn arguments_override_environment() {
        let c = parse(
            &["--port-base", "9000", "--root=/srv", "--no-sandbox"],
            &[
                ("FITCONNECT_PORT_BASE", "7000"),
                ("FITCONNECT_FITBARK_URL", "https://app.fitbark.com/"),
                ("FITCONNECT_FITBARK_CLIENT_ID", "id"),
                ("FITCONNECT_FITBARK_CLIENT_SECRET", "s2"),
                ("FITCONNECT_SANDBOX_TOKEN_TTL", "5"),
                (
                    "FITCONNECT_OPENFIT_IDENTITY_URL",
                    "https://ids.openfit.care/",
                ),
                ("FITCONNECT_FISIKAL_CLIENT_ID", "id"),
                ("FITCONNECT_FISIKAL_CLIENT_SECRET", "s3"),
            ],
        )
        .unwrap();
        assert_eq!(c.port_base, 9000);
        assert_eq!(c.root, PathBuf::from("/srv"));
        assert!(!c.sandbox);
        assert_eq!(c.sandbox_token_ttl, 5);
        assert_eq!(c.fitbark.base_url, "https://app.fitbark.com");
        assert_eq!(c.fitrankings.base_url, "http://127.0.0.1:9001");
        assert_eq!(c.openfit.identity_url, "https://ids.openfit.care");
        assert_eq!(c.openfit.api_url, "http://127.0.0.1:9005");
        assert_eq!(c.fisikal.client_secret.expose(), "s3");
        assert_eq!(
            parse(&[], &[("FITCONNECT_PORT_BASE", "7000")])
                .unwrap()
                .port_base,
            7000
        );
    }

    #[test]
    fn without_the_sandbox_a_configured_provider_needs_its_own_credentials() {
        let message = |env: &[(&str, &str)]| match parse(&["--no-sandbox"], env) {
            Err(ConfigError::Invalid(message)) => message,
            other => panic!("{other:?}"),
        };
        let url = ("FITCONNECT_PERFECTGYM_URL", "https://club.perfectgym.com");
        let id = ("FITCONNECT_PERFECTGYM_CLIENT_ID", "id");
        let secret = ("FITCONNECT_PERFECTGYM_CLIENT_SECRET", "s");
        assert!(message(&[url, id]).starts_with("FITCONNECT_PERFECTGYM_CLIENT_SECRET is not set"));
        assert!(message(&[url, secret]).starts_with("FITCONNECT_PERFECTGYM_CLIENT_ID is not set"));
        assert!(message(&[id]).contains("FITCONNECT_PERFECTGYM_CLIENT_SECRET"));
        let c = parse(&["--no-sandbox"], &[url, id, secret]).unwrap();
        assert_eq!(c.perfectgym.client_secret.expose(), "s");
        // The sandbox's own credentials stay the default with the sandbox.
        let c = parse(&[], &[url]).unwrap();
        assert_eq!(
            c.perfectgym.client_secret.expose(),
            "perfectgym-demo-secret"
        );
        // A provider left unconfigured is not an error (nothing of the app's is sent to it).
        assert!(parse(&["--no-sandbox"], &[]).is_ok());
    }

    #[test]
    fn broker_policy_settings() {
        let c = parse(&[], &[]).unwrap();
        assert_eq!(c.broker_origins, ["http://127.0.0.1:8080"]);
        assert_eq!(c.perfectgym_proxy.auth, ProxyAuth::UserToken);
        // The demo's lists: what its pages read, and nothing through FitRankings.
        assert_eq!(
            c.perfectgym_proxy.allow,
            [Rule::parse(DEMO_PERFECTGYM_ALLOW).unwrap()]
        );
        assert_eq!(c.fitrankings_proxy.allow, []);
        let c = parse(&["--no-sandbox"], &[]).unwrap();
        assert_eq!(c.perfectgym_proxy.auth, ProxyAuth::Closed);
        assert_eq!(c.fitrankings_proxy.auth, ProxyAuth::Closed);

        let key = (
            "FITCONNECT_BROKER_SESSION_KEY",
            "0123456789abcdef0123456789abcdef",
        );
        let c = parse(
            &["--no-sandbox"],
            &[
                (
                    "FITCONNECT_BROKER_ORIGINS",
                    "https://app.example/, https://www.app.example",
                ),
                ("FITCONNECT_BROKER_PERFECTGYM_AUTH", "session"),
                (
                    "FITCONNECT_BROKER_PERFECTGYM_ALLOW",
                    "GET /odata/Classes, POST /ClassBooking/BookClass",
                ),
                key,
                (
                    "FITCONNECT_PERFECTGYM_URL",
                    "https://club.perfectgym.example",
                ),
                ("FITCONNECT_PERFECTGYM_CLIENT_ID", "id"),
                ("FITCONNECT_PERFECTGYM_CLIENT_SECRET", "s"),
            ],
        )
        .unwrap();
        assert_eq!(
            c.broker_origins,
            ["https://app.example", "https://www.app.example"]
        );
        assert_eq!(c.perfectgym_proxy.auth, ProxyAuth::Session);
        assert_eq!(c.perfectgym_proxy.allow.len(), 2);
        // Session authorisation keeps the read-only default.
        let pg = [
            (
                "FITCONNECT_PERFECTGYM_URL",
                "https://club.perfectgym.example",
            ),
            ("FITCONNECT_PERFECTGYM_CLIENT_ID", "id"),
            ("FITCONNECT_PERFECTGYM_CLIENT_SECRET", "s"),
        ];
        let mut env = pg.to_vec();
        env.extend([("FITCONNECT_BROKER_PERFECTGYM_AUTH", "session"), key]);
        let c = parse(&["--no-sandbox"], &env).unwrap();
        assert_eq!(c.perfectgym_proxy.allow, access::read_only());
        assert!(c.configured.perfectgym && !c.configured.fisikal);
        // user-token without a list, or a proxy of a provider nobody configured: refused.
        let mut env = pg.to_vec();
        env.push(("FITCONNECT_BROKER_PERFECTGYM_AUTH", "user-token"));
        for (env, setting) in [
            (env, "FITCONNECT_BROKER_PERFECTGYM_ALLOW is not set"),
            (
                vec![("FITCONNECT_BROKER_FITRANKINGS_AUTH", "user-token")],
                "FITCONNECT_FITRANKINGS_URL",
            ),
        ] {
            match parse(&["--no-sandbox"], &env) {
                Err(ConfigError::Invalid(message)) => {
                    assert!(message.contains(setting), "{message}")
                }
                other => panic!("{other:?}"),
            }
        }
        for bad in [
            vec![("FITCONNECT_BROKER_PERFECTGYM_AUTH", "open")],
            vec![("FITCONNECT_BROKER_PERFECTGYM_ALLOW", "DELETE /odata/")],
            vec![("FITCONNECT_BROKER_FITRANKINGS_AUTH", "session")],
            vec![
                ("FITCONNECT_BROKER_FITRANKINGS_AUTH", "session"),
                ("FITCONNECT_BROKER_SESSION_KEY", "short"),
            ],
        ] {
            assert!(
                matches!(parse(&[], &bad), Err(ConfigError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn bad_arguments_are_reported() {
        assert_eq!(parse(&["--help"], &[]).unwrap_err(), ConfigError::Help);
        assert!(matches!(
            parse(&["--port-base"], &[]),
            Err(ConfigError::Invalid(_))
        ));
        assert!(matches!(
            parse(&["--port-base", "65535"], &[]),
            Err(ConfigError::Invalid(_))
        ));
        assert!(matches!(
            parse(&["--port-base", "x"], &[]),
            Err(ConfigError::Invalid(_))
        ));
        assert!(matches!(
            parse(&["--frobnicate"], &[]),
            Err(ConfigError::Invalid(_))
        ));
    }
}
