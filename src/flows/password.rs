//! The password grant (RFC 6749 §4.3.2; legacy, RFC 9700 §2.4) for PerfectGym, OpenFIT and
//! Fisikal, and PerfectGym's Facebook-token variant. The password is wiped from the wasm's memory
//! with the request that carries it, and is never stored or put in a message.

use wasm_bindgen::prelude::*;

use crate::client::Client;
use crate::core::error::invalid_config;
use crate::core::token::TokenRequest;
use crate::core::Error;
use crate::providers::perfectgym;

/// Reads `{ username, password }`.
fn credentials(credentials: &JsValue) -> Result<(String, zeroize::Zeroizing<String>), Error> {
    let config = |m: &'static str| invalid_config(m);
    if !credentials.is_object() {
        return Err(config("credentials must be an object"));
    }
    let field = |name: &str, wrong: &'static str| -> Result<String, Error> {
        let value = js_sys::Reflect::get(credentials, &name.into()).unwrap_or(JsValue::UNDEFINED);
        if value.is_null() || value.is_undefined() {
            return Ok(String::new());
        }
        value.as_string().ok_or_else(|| config(wrong))
    };
    let username = field("username", "username must be a string")?;
    let password = zeroize::Zeroizing::new(field("password", "password must be a string")?);
    if username.trim().is_empty() {
        return Err(config("username is required"));
    }
    if password.is_empty() {
        return Err(config("password is required"));
    }
    Ok((username, password))
}

/// Signs `client` in with a user name and password; resolves with the session.
pub fn login(client: &Client, credentials_value: JsValue) -> js_sys::Promise {
    let me = client.clone();
    client.promise(async move {
        let (username, password) = credentials(&credentials_value)?;
        let request = TokenRequest::password(me.config(), &username, &password);
        drop(password);
        me.sign_in(request).await
    })
}

/// PerfectGym: signs in with a Facebook access token.
pub fn login_with_facebook(client: &Client, facebook_token: JsValue) -> js_sys::Promise {
    let me = client.clone();
    client.promise(async move {
        let token = match facebook_token.as_string() {
            Some(t) => t,
            None if facebook_token.is_null() || facebook_token.is_undefined() => String::new(),
            None => return Err(invalid_config("facebookToken must be a string")),
        };
        if token.is_empty() {
            return Err(invalid_config("facebookToken is required"));
        }
        me.sign_in(perfectgym::facebook_request(&token)).await
    })
}
