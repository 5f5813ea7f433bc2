//! fitconnect: connect web users to fitness and gym platforms from the browser.
//!
//! - [`core`]: the pure protocol (authorise URLs, `state` and PKCE, callback checks, token
//!   responses, sessions and what they are bound to, Bearer challenges, options, errors), tested
//!   natively.
//! - [`providers`]: one file per provider: its endpoints, options and quirks as data.
//! - `web` (wasm32 only): one module per browser API (popup, storage, http, locks, callback,
//!   broadcast, crypto, promises), on web-sys, js-sys and gloo-net.
//! - `client` (wasm32 only): what every class shares: configuration, the session store, Bearer
//!   fetches, token requests and the refresh protocol.
//! - `flows` (wasm32 only): the popup, redirect and password sign-ins.
//! - This file: the exported classes (`FitRankings`, `FitBark`, `PerfectGym`, `OpenFit`,
//!   `Fisikal`), `handleCallback`, and what `defineConnectButtons` (the package's entry, beside the
//!   button's JavaScript, so that an app without buttons ships none) takes from Rust: the
//!   providers' table and a client factory. Each is a thin layer over the above.
#![deny(missing_docs)]
#![deny(clippy::missing_errors_doc)]
// A build with some providers (the npm subpath entries) leaves the other flows unused; the default
// build, with every provider, is the one linted for dead code.
#![cfg_attr(not(feature = "default"), allow(dead_code, unused_imports))]

pub mod core;
#[macro_use]
pub mod providers;

#[cfg(target_arch = "wasm32")]
#[macro_use]
mod classes;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod flows;
#[cfg(target_arch = "wasm32")]
mod typescript;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub use exports::*;

#[cfg(target_arch = "wasm32")]
// talc instead of the default dlmalloc: a smaller wasm (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The JavaScript API: the five classes, `handleCallback`, and the connect button's client factory
/// and providers' table.
#[cfg(target_arch = "wasm32")]
mod exports {
    use wasm_bindgen::prelude::*;

    use crate::client::Client;
    use crate::core::error::invalid_config;
    #[cfg(feature = "password")]
    use crate::flows::password;
    #[cfg(feature = "popup")]
    use crate::flows::popup;
    #[cfg(feature = "redirect")]
    use crate::flows::redirect;
    use crate::providers;
    use crate::web::error::to_js;

    registry!(classes);

    #[cfg(feature = "perfectgym")]
    #[wasm_bindgen]
    impl PerfectGym {
        /// Signs in with a Facebook access token.
        ///
        /// # Errors
        /// Rejects with a `FitConnectError`: `invalid_config` when `facebookToken` is not a
        /// string or is empty; otherwise as `login()` for the token request.
        #[wasm_bindgen(js_name = loginWithFacebook, unchecked_return_type = "Promise<Session>")]
        pub fn login_with_facebook(
            &self,
            #[wasm_bindgen(js_name = facebookToken, unchecked_param_type = "string")]
            facebook_token: JsValue,
        ) -> js_sys::Promise {
            password::login_with_facebook(&self.client, facebook_token)
        }
    }

    /// For the popup's callback page (in builds with a popup provider): hands the callback's query and fragment to the window that opened
    /// this popup, then closes it. The address bar is cleaned first, before anything is awaited.
    /// The message goes to the opener with this page's own origin as the target; without an
    /// opener (`Cross-Origin-Opener-Policy`, `noopener`), over a BroadcastChannel of this origin,
    /// which the opener accepts only from the popup it opened.
    ///
    /// # Errors
    /// Rejects with a `FitConnectError` with code `invalid_config` where there is no browser
    /// window.
    #[cfg(feature = "popup")]
    #[wasm_bindgen(js_name = handleCallback, unchecked_return_type = "Promise<void>")]
    pub fn handle_callback() -> js_sys::Promise {
        match crate::web::callback::handle() {
            Ok(()) => js_sys::Promise::resolve(&JsValue::UNDEFINED),
            Err(e) => crate::web::promise::rejected(e),
        }
    }

    /// The connect button's client factory: `defineConnectButtons()` (in the package's entry,
    /// with the button, `js/button.js`) hands it to the button, which calls it with a provider id
    /// and the button's options.
    ///
    /// # Errors
    /// Throws a `FitConnectError` with code `invalid_config` for a provider this build does not
    /// have, and as the provider's constructor does.
    #[wasm_bindgen(js_name = _createClient, skip_typescript)]
    pub fn create_client(provider: &str, options: JsValue) -> Result<JsValue, JsValue> {
        create(provider, options)
    }

    /// The providers as the connect button reads them (id, name, flow and attributes each), for
    /// `defineConnectButtons()` in the package's entry.
    #[wasm_bindgen(js_name = _buttonProviders, skip_typescript)]
    pub fn button_providers() -> JsValue {
        crate::web::json::to_object(&providers::ALL)
    }
}
