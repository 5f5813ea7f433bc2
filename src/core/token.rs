//! Token requests (RFC 6749 §4.1.3, §4.3.2, §6, RFC 7636 §4.5): their fields in order, values
//! wiped from memory when dropped (the password among them), and how they are written: a form to a
//! provider's own endpoint, JSON to the app's server (which adds the client's credentials).

use zeroize::Zeroizing;

use super::config::{Config, TokenStyle};

/// A token request's fields, in order. Values are wiped from memory when dropped (the password
/// among them); the browser layer writes them as a form or as JSON.
#[derive(Debug, Default)]
pub struct TokenRequest(pub Vec<(&'static str, Zeroizing<String>)>);

impl TokenRequest {
    /// Adds a field.
    pub fn with(mut self, name: &'static str, value: &str) -> Self {
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
        if config.token_style() == Some(TokenStyle::Json) {
            request.with("client_id", &config.client_id)
        } else {
            request.with_some("client_id", Some(&config.client_id))
        }
    }

    /// The password grant (RFC 6749 §4.3.2): to the provider's own endpoint with its `scope` and
    /// the client id when there is one; to the app's server with the credentials only.
    pub fn password(config: &Config, username: &str, password: &str) -> Self {
        let request = TokenRequest::default().with("grant_type", "password");
        let request = if config.token_style() == Some(TokenStyle::Json) {
            request
        } else {
            request
                .with_some("scope", config.scope())
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
