//! The one error type of the SDK. Every failure a caller can see carries a stable [`ErrorCode`];
//! the browser layer turns it into a JavaScript `FitConnectError` with the same fields.

use std::borrow::Cow;

/// Stable machine-readable error codes. Their string forms are part of the public API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// `window.open` returned no window: the browser blocked the popup.
    PopupBlocked,
    /// The user closed the popup before the provider redirected back.
    PopupClosed,
    /// The interaction did not finish within the configured time.
    Timeout,
    /// The callback's `state` is missing, unexpected or different from the one sent (RFC 6749 §10.12).
    StateMismatch,
    /// The callback lacks required parameters, repeats one, or cannot be decoded.
    InvalidCallback,
    /// The user or the provider refused the authorisation (`error=access_denied`).
    AccessDenied,
    /// The provider answered with an OAuth error (`error` / `error_description`).
    OauthError,
    /// The provider's answer is not the JSON it should be.
    InvalidResponse,
    /// An HTTP call answered with an error status and no OAuth error.
    HttpError,
    /// The request never got an HTTP answer.
    NetworkError,
    /// sessionStorage cannot be used.
    StorageUnavailable,
    /// There is no session (never connected, disconnected, or expired without refresh).
    NotConnected,
    /// The options or the call's arguments are not usable.
    InvalidConfig,
    /// Another interactive sign-in for this provider is still pending.
    InteractionInProgress,
}

impl ErrorCode {
    /// The code's stable string form, as JavaScript callers see it in `error.code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::PopupBlocked => "popup_blocked",
            ErrorCode::PopupClosed => "popup_closed",
            ErrorCode::Timeout => "timeout",
            ErrorCode::StateMismatch => "state_mismatch",
            ErrorCode::InvalidCallback => "invalid_callback",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::OauthError => "oauth_error",
            ErrorCode::InvalidResponse => "invalid_response",
            ErrorCode::HttpError => "http_error",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::StorageUnavailable => "storage_unavailable",
            ErrorCode::NotConnected => "not_connected",
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::InteractionInProgress => "interaction_in_progress",
        }
    }
}

/// An SDK error: a code, a readable message, and the provider's own details where it sent any.
///
/// Messages never contain tokens, codes, verifiers or passwords.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: Cow<'static, str>,
    /// Provider id (`"fitbark"`, ...) where the error concerns one.
    pub provider: Option<&'static str>,
    /// HTTP status where an HTTP answer caused the error.
    pub status: Option<u16>,
    /// The provider's `error` value.
    pub oauth_error: Option<String>,
    /// The provider's `error_description` value.
    pub description: Option<String>,
    /// The scope a resource asked for in an `insufficient_scope` challenge.
    pub scope: Option<String>,
}

impl Error {
    /// An error with a code and a message and nothing else.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_message(code, message.into())
    }

    fn with_message(code: ErrorCode, message: Cow<'static, str>) -> Self {
        Error {
            code,
            message,
            provider: None,
            status: None,
            oauth_error: None,
            description: None,
            scope: None,
        }
    }

    /// Names the provider the error concerns (kept if one is already set).
    pub fn for_provider(mut self, provider: &'static str) -> Self {
        self.provider.get_or_insert(provider);
        self
    }

    /// Records the HTTP status that caused the error.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Builds the error for a provider's `error` / `error_description` pair (RFC 6749 §4.1.2.1, §5.2).
    /// `access_denied` gets its own code; everything else is `oauth_error`.
    pub fn from_oauth(error: String, description: Option<String>) -> Self {
        let (code, summary) = if error == "access_denied" {
            (ErrorCode::AccessDenied, "Access was denied")
        } else {
            (
                ErrorCode::OauthError,
                "The provider answered with an OAuth error",
            )
        };
        let mut message = String::from(summary);
        message.push_str(" (");
        message.push_str(&error);
        message.push(')');
        if let Some(d) = &description {
            message.push_str(": ");
            message.push_str(d);
        }
        let mut e = Self::with_message(code, message.into());
        e.oauth_error = Some(error);
        e.description = description;
        e
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// Result type of the core.
pub type Result<T> = core::result::Result<T, Error>;

/// An `invalid_config` error: bad options or arguments.
pub fn invalid_config(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_strings() {
        assert_eq!(ErrorCode::PopupBlocked.as_str(), "popup_blocked");
        assert_eq!(
            ErrorCode::InteractionInProgress.as_str(),
            "interaction_in_progress"
        );
        assert_eq!(ErrorCode::OauthError.as_str(), "oauth_error");
    }

    #[test]
    fn access_denied_has_its_own_code() {
        let e = Error::from_oauth("access_denied".into(), Some("no thanks".into()));
        assert_eq!(e.code, ErrorCode::AccessDenied);
        assert_eq!(e.description.as_deref(), Some("no thanks"));
        let e = Error::from_oauth("invalid_grant".into(), None);
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
        assert!(e.message.contains("invalid_grant"));
    }

    #[test]
    fn provider_is_kept_once_set() {
        let e = Error::new(ErrorCode::Timeout, "t")
            .for_provider("fitbark")
            .for_provider("fitrankings");
        assert_eq!(e.provider, Some("fitbark"));
    }
}
