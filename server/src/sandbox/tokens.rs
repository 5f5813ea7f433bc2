//! Opaque tokens and what they grant: [`TokenStore`] (access tokens, authorisation codes),
//! single-use refresh tokens ([`RefreshTokens`]) and the [`TokenPair`] a token endpoint
//! answers, with the clock they expire by and the randomness they are made of.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rand::RngCore as _;
use serde_json::{json, Value};

/// Upper bound on live entries per token store, so a runaway test cannot exhaust memory.
const STORE_CAPACITY: usize = 20_000;

pub fn now_secs() -> u64 {
    now_millis() / 1000
}

/// Expiry is tracked in milliseconds so a one-second token lives a full second, whatever the
/// sub-second moment it was issued at.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// 256 random bits, base64url without padding: safe in URLs, headers and form bodies as is.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A poisoned lock only means another request panicked mid-update; the sandbox keeps serving.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a presented token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStatus<T> {
    Valid {
        grant: T,
        /// Seconds left, `None` for tokens that never expire.
        expires_in: Option<u64>,
    },
    Expired,
    Revoked,
    Unknown,
}

struct Entry<T> {
    grant: T,
    /// Milliseconds since the epoch.
    expires_at: Option<u64>,
    revoked: bool,
}

struct StoreInner<T> {
    entries: HashMap<String, Entry<T>>,
    /// Issue order, for evicting the oldest entry when the store is full.
    order: VecDeque<String>,
}

/// Opaque tokens (access tokens, refresh tokens, authorisation codes) and what each grants.
pub struct TokenStore<T> {
    inner: Mutex<StoreInner<T>>,
}

impl<T: Clone> Default for TokenStore<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> TokenStore<T> {
    pub fn new() -> Self {
        TokenStore {
            inner: Mutex::new(StoreInner {
                entries: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// Stores `grant` under a fresh random token; `ttl` of `None` means it never expires.
    pub fn issue(&self, grant: T, ttl: Option<u64>) -> String {
        let token = random_token();
        let expires_at = ttl.map(|ttl| now_millis().saturating_add(ttl.saturating_mul(1000)));
        let mut inner = lock(&self.inner);
        while inner.order.len() >= STORE_CAPACITY {
            match inner.order.pop_front() {
                Some(oldest) => {
                    inner.entries.remove(&oldest);
                }
                None => break,
            }
        }
        inner.order.push_back(token.clone());
        inner.entries.insert(
            token.clone(),
            Entry {
                grant,
                expires_at,
                revoked: false,
            },
        );
        token
    }

    pub fn check(&self, token: &str) -> TokenStatus<T> {
        let inner = lock(&self.inner);
        match inner.entries.get(token) {
            Some(entry) => status_of(entry, now_millis()),
            None => TokenStatus::Unknown,
        }
    }

    /// Revokes the token and returns its grant when it is valid and `accept` agrees; leaves it
    /// untouched otherwise. Check and revoke happen under one lock, so a one-time token can
    /// only be spent once even by concurrent requests.
    pub fn consume_if(&self, token: &str, accept: impl FnOnce(&T) -> bool) -> Option<T> {
        let mut inner = lock(&self.inner);
        let now = now_millis();
        let entry = inner.entries.get_mut(token)?;
        if !matches!(status_of(entry, now), TokenStatus::Valid { .. }) || !accept(&entry.grant) {
            return None;
        }
        entry.revoked = true;
        Some(entry.grant.clone())
    }

    pub fn revoke(&self, token: &str) {
        if let Some(entry) = lock(&self.inner).entries.get_mut(token) {
            entry.revoked = true;
        }
    }

    /// Makes every token issued so far expired (tokens issued later are unaffected).
    pub fn expire_all(&self) {
        let expired_at = now_millis().saturating_sub(1);
        for entry in lock(&self.inner).entries.values_mut() {
            entry.expires_at = Some(expired_at);
        }
    }
}

fn status_of<T: Clone>(entry: &Entry<T>, now: u64) -> TokenStatus<T> {
    if entry.revoked {
        return TokenStatus::Revoked;
    }
    match entry.expires_at {
        Some(at) if at <= now => TokenStatus::Expired,
        Some(at) => TokenStatus::Valid {
            grant: entry.grant.clone(),
            expires_in: Some((at - now) / 1000),
        },
        None => TokenStatus::Valid {
            grant: entry.grant.clone(),
            expires_in: None,
        },
    }
}

/// What a refresh token stands for: the grant its access tokens carry, the client it was
/// issued to, and the access token issued alongside it.
#[derive(Clone, Debug)]
pub struct RefreshGrant<G> {
    pub grant: G,
    pub client_id: String,
    pub access_token: String,
}

/// Single-use refresh tokens: spending one revokes it, and the caller issues a new pair.
pub struct RefreshTokens<G> {
    store: TokenStore<RefreshGrant<G>>,
}

impl<G: Clone> Default for RefreshTokens<G> {
    fn default() -> Self {
        RefreshTokens {
            store: TokenStore::new(),
        }
    }
}

/// An access token and its refresh token, just issued.
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Access token lifetime in seconds.
    pub expires_in: u64,
}

impl TokenPair {
    /// The fields every token response shares; providers add their own (`scope`, `created_at`).
    pub fn to_json(&self, token_type: &str) -> Value {
        json!({
            "access_token": self.access_token,
            "token_type": token_type,
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        })
    }
}

impl<G: Clone> RefreshTokens<G> {
    /// Issues an access token carrying `grant` into `access_tokens` and a refresh token for
    /// it; `refresh_ttl` of `None` means the refresh token never expires.
    pub fn issue_pair(
        &self,
        access_tokens: &TokenStore<G>,
        grant: G,
        client_id: &str,
        access_ttl: u64,
        refresh_ttl: Option<u64>,
    ) -> TokenPair {
        let access_token = access_tokens.issue(grant.clone(), Some(access_ttl));
        let refresh_token = self.store.issue(
            RefreshGrant {
                grant,
                client_id: client_id.to_string(),
                access_token: access_token.clone(),
            },
            refresh_ttl,
        );
        TokenPair {
            access_token,
            refresh_token,
            expires_in: access_ttl,
        }
    }

    /// Spends `token` if it is valid and was issued to `client_id`; `None` otherwise (a reused
    /// token included). Concurrent requests with the same token: exactly one wins.
    pub fn spend(&self, token: &str, client_id: &str) -> Option<RefreshGrant<G>> {
        self.store.consume_if(token, |g| g.client_id == client_id)
    }

    /// Doorkeeper keeps a refresh token on its access token's row: spending one revokes both.
    pub fn spend_with_access(
        &self,
        access_tokens: &TokenStore<G>,
        token: &str,
        client_id: &str,
    ) -> Option<G> {
        let spent = self.spend(token, client_id)?;
        access_tokens.revoke(&spent.access_token);
        Some(spent.grant)
    }

    /// Seconds `token` has left, when it is valid and expires.
    pub fn remaining(&self, token: &str) -> Option<u64> {
        match self.store.check(token) {
            TokenStatus::Valid { expires_in, .. } => expires_in,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_store_lifecycle() {
        let store = TokenStore::new();
        let token = store.issue(7u32, Some(60));
        assert!(matches!(
            store.check(&token),
            TokenStatus::Valid { grant: 7, .. }
        ));
        assert_eq!(store.check("nope"), TokenStatus::Unknown);
        assert_eq!(store.consume_if(&token, |g| *g == 8), None);
        assert_eq!(store.consume_if(&token, |g| *g == 7), Some(7));
        assert_eq!(store.consume_if(&token, |_| true), None);
        assert_eq!(store.check(&token), TokenStatus::Revoked);
        let other = store.issue(1, None);
        store.expire_all();
        assert_eq!(store.check(&other), TokenStatus::Expired);
        assert_eq!(store.check(&store.issue(2, Some(0))), TokenStatus::Expired);
    }

    #[test]
    fn random_tokens_are_long_and_url_safe() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(a, random_token());
    }
}
