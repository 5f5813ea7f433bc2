//! What describes a provider ([`Provider`]: id, name, flow, the connect button's attributes, its
//! options reader) and what a client's options become once checked ([`Config`]: where tokens go,
//! and the sign-in with exactly the fields its flow needs). The providers in `src/providers/`
//! are values of these types.

use serde::Serialize;

use super::error::{invalid_config, Result};
use super::options::{self, Options, Reader};
use super::url::normalize_base_url;

/// A provider's description. What the connect button needs of it (id, name, flow, attributes)
/// crosses to JavaScript as a plain object.
#[derive(Serialize)]
pub struct Provider {
    /// Stable id, used in sessions, storage keys and errors.
    pub id: &'static str,
    /// The name people know it by.
    pub name: &'static str,
    /// How a user signs in.
    pub flow: Flow,
    /// The connect button's attributes and the options they set.
    pub attributes: &'static [Attribute],
    /// API origin used when the options give no `baseUrl` (`None`: one host per customer).
    #[serde(skip)]
    pub default_base_url: Option<&'static str>,
    /// A token this close to expiry is treated as expired (ms), unless the options say otherwise.
    #[serde(skip)]
    pub refresh_skew_ms: u64,
    /// Checks the class's options into its configuration.
    #[serde(skip)]
    pub read: fn(Reader) -> Result<Config>,
}

/// How a user signs in with a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// The provider's page in a popup (`connect()`).
    Popup,
    /// A redirect to the provider and back (`authorize()`, `completeAuthorization()`).
    Redirect,
    /// User name and password (`login()`).
    Password,
}

/// One attribute of `<fitconnect-button>`: its name, the option it sets (`a.b` sets `b` inside the
/// object option `a`), and how its text is read.
#[derive(Serialize)]
pub struct Attribute {
    /// The attribute's name (`client-id`).
    pub name: &'static str,
    /// The option it sets (`clientId`, `environment.apiUrl`).
    pub option: &'static str,
    /// How the text becomes the option's value.
    pub kind: AttributeKind,
}

/// How an attribute's text becomes an option value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeKind {
    /// As it is.
    Text,
    /// A URL, resolved against the page's address. URL options the app set in script win over
    /// the attribute.
    Url,
    /// A number.
    Number,
    /// `false` is false, anything else true.
    Flag,
}

impl Attribute {
    /// An attribute.
    pub const fn new(name: &'static str, option: &'static str, kind: AttributeKind) -> Self {
        Attribute { name, option, kind }
    }
}

/// `client-id`: the client id the provider issued to the app.
pub const CLIENT_ID: Attribute = Attribute::new("client-id", "clientId", AttributeKind::Text);
/// `base-url`: the provider's (or the club's) API origin.
pub const BASE_URL: Attribute = Attribute::new("base-url", "baseUrl", AttributeKind::Url);
/// `token-endpoint`: the app's server endpoint (the broker) that token requests go to.
pub const TOKEN_ENDPOINT: Attribute =
    Attribute::new("token-endpoint", "tokenEndpoint", AttributeKind::Url);

impl Provider {
    /// A provider signing in with `flow`, whose options `read` checks; no connect-button
    /// attributes, one API host per customer (no default `baseUrl`) and no refresh margin until
    /// the builder methods below say otherwise.
    pub const fn new(
        id: &'static str,
        name: &'static str,
        flow: Flow,
        read: fn(Reader) -> Result<Config>,
    ) -> Self {
        Provider {
            id,
            name,
            flow,
            attributes: &[],
            default_base_url: None,
            refresh_skew_ms: 0,
            read,
        }
    }

    /// The connect button's attributes.
    pub const fn attributes(mut self, attributes: &'static [Attribute]) -> Self {
        self.attributes = attributes;
        self
    }

    /// The API origin used when the options give no `baseUrl`.
    pub const fn default_base_url(mut self, url: &'static str) -> Self {
        self.default_base_url = Some(url);
        self
    }

    /// How close to its expiry a token is treated as expired (ms).
    pub const fn refresh_skew_ms(mut self, ms: u64) -> Self {
        self.refresh_skew_ms = ms;
        self
    }
}

/// How token requests are sent: a form to the provider's own endpoint, JSON to the app's server
/// (which adds the client's credentials).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStyle {
    /// `application/x-www-form-urlencoded` (RFC 6749 §4.3.2).
    Form,
    /// `application/json`, to the app's broker.
    Json,
}

/// Where token requests go, and how they are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenEndpoint {
    /// The URL (resolved against the page for a relative one).
    pub url: String,
    /// A form to the provider, or JSON to the app's server.
    pub style: TokenStyle,
}

/// How a client signs its user in, with what that flow needs and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignIn {
    /// FitRankings: the authorise page in a popup.
    Popup {
        /// The popup's URL.
        popup_url: String,
        /// How long the popup may stay open (ms).
        timeout_ms: u64,
    },
    /// FitBark: the authorisation-code redirect.
    Redirect {
        /// The registered redirect URI.
        redirect_uri: String,
        /// The scope to ask for.
        scope: Option<String>,
        /// Whether PKCE S256 is used.
        pkce: bool,
        /// The `iss` an authorisation response must carry, if it carries one (RFC 9207).
        issuer: String,
    },
    /// The password grant.
    Password {
        /// The scope the provider's own token endpoint asks for (OpenFIT's).
        scope: Option<String>,
    },
}

/// A client's configuration: the options, checked, and what follows from them.
#[derive(Clone, Debug)]
pub struct Config {
    /// Provider id.
    pub provider: &'static str,
    /// The app's client id (`""` where the provider has none).
    pub client_id: String,
    /// The API base URL: Bearer tokens go to its origin only.
    pub base_url: String,
    /// Refresh this long before expiry (ms).
    pub skew_ms: u64,
    /// The token endpoint, where the provider has one for the browser.
    pub token: Option<TokenEndpoint>,
    /// How the user signs in.
    pub sign_in: SignIn,
}

/// A [`Config`] laid flat, as the classes' `_config` getter shows it (for tests and debugging).
/// A plain struct: serde's `flatten` and `untagged` would cost the wasm about 1 KB gzip.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView<'a> {
    provider: &'static str,
    client_id: &'a str,
    base_url: &'a str,
    skew_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_style: Option<TokenStyle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    popup_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkce: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<&'a str>,
}

impl Config {
    /// A configuration with the provider's refresh margin, no client id and no token endpoint.
    pub fn new(provider: &Provider, base_url: String, sign_in: SignIn) -> Config {
        Config {
            provider: provider.id,
            client_id: String::new(),
            base_url,
            skew_ms: provider.refresh_skew_ms,
            token: None,
            sign_in,
        }
    }

    /// The same, with a token endpoint.
    pub fn with_token(mut self, url: impl Into<String>, style: TokenStyle) -> Config {
        self.token = Some(TokenEndpoint {
            url: url.into(),
            style,
        });
        self
    }

    /// The same, with a client id.
    pub fn with_client_id(mut self, client_id: &str) -> Config {
        self.client_id = client_id.into();
        self
    }

    /// The scope the sign-in asks for, if any.
    pub fn scope(&self) -> Option<&str> {
        match &self.sign_in {
            SignIn::Redirect { scope, .. } | SignIn::Password { scope } => scope.as_deref(),
            SignIn::Popup { .. } => None,
        }
    }

    /// The configuration laid flat, for `_config`.
    pub fn view(&self) -> ConfigView<'_> {
        let mut view = ConfigView {
            provider: self.provider,
            client_id: &self.client_id,
            base_url: &self.base_url,
            skew_ms: self.skew_ms,
            token_url: self.token_url(),
            token_style: self.token_style(),
            popup_url: None,
            timeout_ms: None,
            redirect_uri: None,
            scope: self.scope(),
            pkce: None,
            issuer: None,
        };
        match &self.sign_in {
            SignIn::Popup {
                popup_url,
                timeout_ms,
            } => {
                view.popup_url = Some(popup_url);
                view.timeout_ms = Some(*timeout_ms);
            }
            SignIn::Redirect {
                redirect_uri,
                pkce,
                issuer,
                ..
            } => {
                view.redirect_uri = Some(redirect_uri);
                view.pkce = Some(*pkce);
                view.issuer = Some(issuer);
            }
            SignIn::Password { .. } => {}
        }
        view
    }

    /// The token endpoint's URL, if the client has one.
    pub fn token_url(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.url.as_str())
    }

    /// How token requests are written, if the client has a token endpoint.
    pub fn token_style(&self) -> Option<TokenStyle> {
        self.token.as_ref().map(|t| t.style)
    }
}

/// The message for a missing `tokenEndpoint`.
pub const TOKEN_ENDPOINT_REQUIRED: &str = "tokenEndpoint (your server's token URL) is required";

/// The base URL: the option, checked, or the provider's default.
///
/// # Errors
/// `invalid_config` when `option` breaks the rules of [`normalize_base_url`], or when it is
/// `None` and the provider has no default (`baseUrl is required`).
pub fn base_url(provider: &Provider, option: Option<&str>) -> Result<String> {
    match (option, provider.default_base_url) {
        (Some(url), _) => normalize_base_url("baseUrl", url),
        (None, Some(default)) => Ok(default.into()),
        (None, None) => Err(invalid_config("baseUrl is required")),
    }
}

/// Checks a class's options (`None`: not an object) into its configuration. Errors name the
/// provider.
///
/// # Errors
/// `invalid_config` with the rule's message, for the first option that breaks one.
///
/// # Examples
/// ```
/// use fitconnect::core::config::{configure, SignIn};
/// use fitconnect::core::options::Options;
/// use fitconnect::providers::perfectgym;
///
/// // In the browser the options object comes from JavaScript.
/// let options: Options = serde_json::from_str(r#"{"baseUrl":"https://club.example/"}"#).unwrap();
/// let config = configure(&perfectgym::PROVIDER, Some(&options)).unwrap();
/// assert_eq!(config.base_url, "https://club.example");
/// assert_eq!(config.token_url(), Some("https://club.example/Api/oauth/authorize"));
/// assert!(matches!(config.sign_in, SignIn::Password { .. }));
///
/// let secret: Options = serde_json::from_str(r#"{"baseUrl":"https://c","clientSecret":"x"}"#).unwrap();
/// let e = configure(&perfectgym::PROVIDER, Some(&secret)).unwrap_err();
/// assert_eq!((e.code.as_str(), e.provider), ("invalid_config", Some("perfectgym")));
/// ```
pub fn configure(provider: &Provider, options: Option<&Options>) -> Result<Config> {
    options::reader(options)
        .and_then(provider.read)
        .map_err(|e| e.for_provider(provider.id))
}

/// Helpers for the providers' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::core::token::TokenRequest;

    /// `json` read as options by `provider`.
    pub fn config(provider: &Provider, json: &str) -> Result<Config> {
        let options = crate::core::from_json_object::<Options>(json);
        configure(provider, options.as_ref())
    }

    /// The message of the error `json` gives, checking that it names the provider.
    pub fn message(provider: &Provider, json: &str) -> String {
        let e = config(provider, json).unwrap_err();
        assert_eq!(e.provider, Some(provider.id));
        e.message.into_owned()
    }

    /// A token request's fields.
    pub fn body(request: &TokenRequest) -> Vec<(&'static str, &str)> {
        request.fields().collect()
    }
}
