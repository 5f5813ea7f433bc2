//! The password-grant providers: PerfectGym, OpenFIT and Fisikal.
//!
//! The resource-owner password grant is legacy (RFC 9700 §2.4 says it must not be used): these
//! providers offer nothing else. The password goes into the one request body and nowhere else:
//! it is not stored, logged or put in an error, and the Rust copies are wiped once the body has
//! been handed to `fetch`.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::client::{session_methods, Client, TokenEndpoint};
use super::http::BodyStyle;
use super::options::Options;
use super::rejected;
use crate::core::flow::{password_form, password_json, Credentials};
use crate::core::provider::{
    normalize_base_url, OpenFitHosts, Provider, FISIKAL, OPENFIT, OPENFIT_PRODUCTION, OPENFIT_TEST,
    PERFECTGYM,
};
use crate::core::session::Secret;
use crate::core::{Error, ErrorCode};

/// Reads `{ username, password }`; the password goes straight into a wiped-on-drop buffer.
fn read_credentials(value: JsValue) -> Result<Credentials, JsValue> {
    let o = Options::new(value)?;
    let username = o.required("username", "username is required")?;
    let password = Secret::new(o.string("password")?.unwrap_or_default());
    if password.expose().is_empty() {
        return Err(Error::new(ErrorCode::InvalidConfig, "password is required").into());
    }
    Ok(Credentials::Password { username, password })
}

/// Sends a password-grant request built for the client's token endpoint.
fn login(client: &Rc<Client>, credentials: Result<Credentials, JsValue>) -> Promise {
    let credentials = match credentials {
        Ok(c) => c,
        Err(e) => return rejected(e),
    };
    let Some(endpoint) = &client.token else {
        return rejected(Error::new(ErrorCode::InvalidConfig, "no token endpoint"));
    };
    let body = match endpoint.style {
        BodyStyle::Json => password_json(&credentials),
        BodyStyle::Form => {
            let client_id = Some(client.client_id.as_str()).filter(|c| !c.is_empty());
            password_form(client.provider, &credentials, client_id)
        }
    };
    drop(credentials);
    client.sign_in(body)
}

fn provider_token_endpoint(provider: &Provider, base_url: &str) -> Option<TokenEndpoint> {
    provider.token_url(base_url).map(|url| TokenEndpoint {
        url,
        style: BodyStyle::Form,
    })
}

/// PerfectGym (API v1): password or Facebook-token login on the club's host. No refresh token is
/// issued: an expired session is cleared and `fetch` rejects with `not_connected`.
///
/// ```js
/// const gym = new PerfectGym({ baseUrl: 'https://yourclub.perfectgym.com' });
/// await gym.login({ username: 'member@example.com', password: form.password.value });
/// const { elements } = await (await gym.fetch('/Api/Classes/Classes')).json();
/// ```
#[wasm_bindgen]
pub struct PerfectGym {
    client: Rc<Client>,
}

#[wasm_bindgen]
impl PerfectGym {
    /// Creates a client. `options`: `{ baseUrl }`, the club's host, e.g. `https://yourclub.perfectgym.com`.
    ///
    /// ```js
    /// const gym = new PerfectGym({ baseUrl: 'https://yourclub.perfectgym.com' });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PerfectGymOptions")] options: JsValue,
    ) -> Result<PerfectGym, JsValue> {
        let o = Options::new(options)?;
        let base_url = normalize_base_url(&o.required("baseUrl", "baseUrl is required")?)?;
        let token = provider_token_endpoint(&PERFECTGYM, &base_url);
        Ok(PerfectGym {
            client: Client::new(&PERFECTGYM, Some(base_url), String::new(), token, None)?,
        })
    }

    /// Signs in with a user name (or e-mail) and password (legacy password grant). A wrong
    /// password rejects with `oauth_error` and `oauthError` `"invalid_grant"`.
    ///
    /// ```js
    /// await gym.login({ username: form.email.value, password: form.password.value });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")] credentials: JsValue,
    ) -> Promise {
        login(&self.client, read_credentials(credentials))
    }

    /// Signs in with a Facebook access token.
    ///
    /// ```js
    /// await gym.loginWithFacebook(facebookAccessToken);
    /// ```
    #[wasm_bindgen(js_name = loginWithFacebook, unchecked_return_type = "Promise<Session>")]
    pub fn login_with_facebook(
        &self,
        #[wasm_bindgen(js_name = facebookToken)] facebook_token: String,
    ) -> Promise {
        let token = Secret::new(facebook_token);
        let credentials = if token.expose().is_empty() {
            Err(Error::new(ErrorCode::InvalidConfig, "facebookToken is required").into())
        } else {
            Ok(Credentials::FacebookToken(token))
        };
        login(&self.client, credentials)
    }
}

session_methods!(
    PerfectGym,
    "`fetch` to the PerfectGym API with the user's Bearer token. Relative paths"
);

/// OpenFIT: password login on the identity server, refresh with rotating single-use refresh
/// tokens, proactively when less than `refreshSkewSeconds` (default 300) of life remain.
///
/// ```js
/// const openfit = new OpenFit({ clientId: 'abc', environment: 'production' });
/// await openfit.login({ username, password });
/// const clients = await (await openfit.fetch('/api/clients')).json();
/// ```
#[wasm_bindgen]
pub struct OpenFit {
    client: Rc<Client>,
}

fn openfit_hosts(o: &Options) -> Result<(String, String), JsValue> {
    let known = |h: &OpenFitHosts| (h.identity_url.to_string(), h.api_url.to_string());
    if let Some(custom) = o.object("environment") {
        let identity = custom.required("identityUrl", "environment.identityUrl is required")?;
        let api = custom.required("apiUrl", "environment.apiUrl is required")?;
        return Ok((normalize_base_url(&identity)?, normalize_base_url(&api)?));
    }
    match o.string("environment")?.as_deref() {
        None | Some("production") => Ok(known(&OPENFIT_PRODUCTION)),
        Some("test") => Ok(known(&OPENFIT_TEST)),
        Some(_) => Err(Error::new(
            ErrorCode::InvalidConfig,
            "environment must be \"production\", \"test\" or { identityUrl, apiUrl }",
        )
        .into()),
    }
}

#[wasm_bindgen]
impl OpenFit {
    /// Creates a client. `options`: `{ clientId, environment, refreshSkewSeconds? }` where
    /// `environment` is `"production"`, `"test"` or `{ identityUrl, apiUrl }`.
    ///
    /// ```js
    /// const openfit = new OpenFit({ clientId: 'abc', environment: { identityUrl: 'https://ids.example', apiUrl: 'https://api.example' } });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "OpenFitOptions")] options: JsValue,
    ) -> Result<OpenFit, JsValue> {
        let o = Options::new(options)?;
        let client_id = o.required("clientId", "clientId is required")?;
        let (identity, api) = openfit_hosts(&o)?;
        let skew_s = o.positive_number(
            "refreshSkewSeconds",
            OPENFIT.refresh_skew_ms as f64 / 1000.0,
        )?;
        let client = Client::new(
            &OPENFIT,
            Some(api),
            client_id,
            provider_token_endpoint(&OPENFIT, &identity),
            Some((skew_s * 1000.0) as u64),
        )?;
        Ok(OpenFit { client })
    }

    /// Signs in with user name and password (legacy password grant, `scope=OpenFitApi offline_access`).
    ///
    /// ```js
    /// const session = await openfit.login({ username, password });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")] credentials: JsValue,
    ) -> Promise {
        login(&self.client, read_credentials(credentials))
    }
}

session_methods!(
    OpenFit,
    "`fetch` to the OpenFIT API with the user's Bearer token. Relative paths"
);

/// Fisikal: the password grant needs the client id and secret, so login and refresh go through
/// the app's own server (`tokenEndpoint`); API calls go to the instance with the Bearer token.
///
/// ```js
/// const fisikal = new Fisikal({ baseUrl: 'https://yourgym.fisikal.com', tokenEndpoint: '/broker/fisikal/token' });
/// await fisikal.login({ username, password });
/// const { locations } = await (await fisikal.fetch('/api/unified/clubs/locations')).json();
/// ```
#[wasm_bindgen]
pub struct Fisikal {
    client: Rc<Client>,
}

#[wasm_bindgen]
impl Fisikal {
    /// Creates a client. `options`: `{ baseUrl, tokenEndpoint }`: the instance host, and your
    /// server's URL that holds the client id and secret.
    ///
    /// ```js
    /// const fisikal = new Fisikal({ baseUrl: 'https://yourgym.fisikal.com', tokenEndpoint: '/broker/fisikal/token' });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FisikalOptions")] options: JsValue,
    ) -> Result<Fisikal, JsValue> {
        let o = Options::new(options)?;
        let base_url = o.required("baseUrl", "baseUrl is required")?;
        let token_endpoint = o.required(
            "tokenEndpoint",
            "tokenEndpoint (your server's token URL) is required",
        )?;
        Ok(Fisikal {
            client: Client::new(
                &FISIKAL,
                Some(base_url),
                String::new(),
                Some(TokenEndpoint {
                    url: token_endpoint,
                    style: BodyStyle::Json,
                }),
                None,
            )?,
        })
    }

    /// Signs in with user name and password through your server (legacy password grant).
    ///
    /// ```js
    /// await fisikal.login({ username: form.email.value, password: form.password.value });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")] credentials: JsValue,
    ) -> Promise {
        login(&self.client, read_credentials(credentials))
    }
}

session_methods!(
    Fisikal,
    "`fetch` to the Fisikal API with the user's Bearer token. Relative paths"
);
