//! The five providers: what differs between them, as data (hosts, paths, parameter names, refresh
//! margins, the options and the connect button's attributes) plus the few functions that turn
//! options into a [`Config`] and build their requests. Each file describes its provider in a
//! [`Provider`]; [`ALL`] registers them, and the connect button, the Node entry's check and the
//! TypeScript provider ids follow it. Adding a provider means one file here, its line in [`ALL`]
//! and its line in `lib.rs`'s `classes!`.

pub mod fisikal;
pub mod fitbark;
pub mod fitrankings;
pub mod openfit;
pub mod perfectgym;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::core::options::{self, Options, Reader};
use crate::core::url::normalize_base_url;
use crate::core::Result;

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

/// A client's configuration: the options, checked, and what follows from them. Also what the
/// classes' `_config` getter shows.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Provider id.
    pub provider: &'static str,
    /// The app's client id (`""` where the provider has none).
    pub client_id: String,
    /// The API base URL: Bearer tokens go to its origin only.
    pub base_url: String,
    /// Refresh this long before expiry (ms).
    pub skew_ms: u64,
    /// The token endpoint (resolved against the page for a relative one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// How token requests are sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_style: Option<TokenStyle>,
    /// FitRankings: the popup's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub popup_url: Option<String>,
    /// FitRankings: how long the popup may stay open (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// FitBark: the registered redirect URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// The scope to ask for (FitBark: the option; OpenFIT: the provider's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// FitBark: whether PKCE S256 is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkce: Option<bool>,
    /// FitBark: the `iss` an authorisation response must carry, if it carries one (RFC 9207).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

impl Config {
    fn new(provider: &Provider, base_url: String) -> Config {
        Config {
            provider: provider.id,
            client_id: String::new(),
            base_url,
            skew_ms: provider.refresh_skew_ms,
            token_url: None,
            token_style: None,
            popup_url: None,
            timeout_ms: None,
            redirect_uri: None,
            scope: None,
            pkce: None,
            issuer: None,
        }
    }
}

/// The message for a missing `tokenEndpoint`.
pub const TOKEN_ENDPOINT_REQUIRED: &str = "tokenEndpoint (your server's token URL) is required";

/// The base URL: the option, checked, or the provider's default.
fn base_url(provider: &Provider, option: Option<&str>) -> Result<String> {
    match (option, provider.default_base_url) {
        (Some(url), _) => normalize_base_url("baseUrl", url),
        (None, Some(default)) => Ok(default.into()),
        (None, None) => Err(crate::core::error::invalid_config("baseUrl is required")),
    }
}

/// Checks a class's options (`None`: not an object) into its configuration. Errors name the
/// provider.
pub fn configure(
    provider: &'static str,
    options: Option<&Options>,
    read: fn(Reader) -> Result<Config>,
) -> Result<Config> {
    options::reader(options)
        .and_then(read)
        .map_err(|e| e.for_provider(provider))
}

/// A token request's fields, in order. Values are wiped from memory when dropped (the password
/// among them); the browser layer writes them as a form or as JSON.
#[derive(Debug, Default)]
pub struct TokenRequest(pub Vec<(&'static str, Zeroizing<String>)>);

impl TokenRequest {
    fn with(mut self, name: &'static str, value: &str) -> Self {
        self.0.push((name, Zeroizing::new(value.into())));
        self
    }

    /// Adds a field only when `value` is present and not empty.
    fn with_some(self, name: &'static str, value: Option<&str>) -> Self {
        match value.filter(|v| !v.is_empty()) {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// The refresh grant (RFC 6749 §6). The app's server gets `client_id` even when empty.
    pub fn refresh(config: &Config, refresh_token: &str) -> Self {
        let request = TokenRequest::default()
            .with("grant_type", "refresh_token")
            .with("refresh_token", refresh_token);
        if config.token_style == Some(TokenStyle::Json) {
            request.with("client_id", &config.client_id)
        } else {
            request.with_some("client_id", Some(&config.client_id))
        }
    }

    /// The password grant (RFC 6749 §4.3.2): to the provider's own endpoint with its `scope` and
    /// the client id when there is one; to the app's server with the credentials only.
    pub fn password(config: &Config, username: &str, password: &str) -> Self {
        let request = TokenRequest::default().with("grant_type", "password");
        let request = if config.token_style == Some(TokenStyle::Json) {
            request
        } else {
            request
                .with_some("scope", config.scope.as_deref())
                .with_some("client_id", Some(&config.client_id))
        };
        request
            .with("username", username)
            .with("password", password)
    }

    /// The code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5).
    pub fn exchange(
        config: &Config,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Self {
        TokenRequest::default()
            .with("grant_type", "authorization_code")
            .with("code", code)
            .with("redirect_uri", redirect_uri)
            .with("client_id", &config.client_id)
            .with_some("code_verifier", verifier)
    }

    /// The field names and values, for the request body.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(n, v)| (*n, v.as_str()))
    }
}

/// Every provider: the registration list.
pub const ALL: [&Provider; 5] = [
    &fitrankings::PROVIDER,
    &fitbark::PROVIDER,
    &perfectgym::PROVIDER,
    &openfit::PROVIDER,
    &fisikal::PROVIDER,
];

/// The provider id equal to `name`, as a `'static` string.
pub fn id(name: &str) -> Option<&'static str> {
    ALL.into_iter().map(|p| p.id).find(|id| *id == name)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The TypeScript declarations name the registered providers, in order: `ProviderId` and one
    /// options type per class.
    #[test]
    fn typescript_follows_the_registration() {
        let declarations = include_str!("../typescript.rs");
        let ids: Vec<String> = ALL.iter().map(|p| ["\"", p.id, "\""].concat()).collect();
        let union = ["export type ProviderId = ", &ids.join(" | "), ";"].concat();
        assert!(
            declarations.contains(&union),
            "typescript.rs should declare {union}"
        );
        let lib = include_str!("../lib.rs");
        for provider in ALL {
            assert!(
                lib.contains(&[", ", provider.id, ", \""].concat()),
                "lib.rs's classes! registers {}",
                provider.id
            );
        }
    }

    #[test]
    fn ids_names_and_attributes_are_unique() {
        for (i, p) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|q| q.id != p.id && q.name != p.name));
            for (j, a) in p.attributes.iter().enumerate() {
                assert!(
                    p.attributes[..j].iter().all(|b| b.name != a.name),
                    "{}",
                    a.name
                );
            }
            assert_eq!(id(p.id), Some(p.id));
        }
        assert_eq!(id("elsewhere"), None);
    }

    pub fn config(
        provider: &'static str,
        json: &str,
        read: fn(Reader) -> Result<Config>,
    ) -> Result<Config> {
        let options = crate::core::from_json_object::<Options>(json);
        configure(provider, options.as_ref(), read)
    }

    pub fn message(
        provider: &'static str,
        json: &str,
        read: fn(Reader) -> Result<Config>,
    ) -> String {
        let e = config(provider, json, read).unwrap_err();
        assert_eq!(e.provider, Some(provider));
        e.message.into_owned()
    }

    pub fn body(request: &TokenRequest) -> Vec<(&'static str, &str)> {
        request.fields().collect()
    }
}
