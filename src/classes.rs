//! The macros that declare the exported classes: `classes!` (each provider's class, its
//! constructor, the members every class has, and the connect button's client factory) and
//! `flow_methods!` (the methods of each sign-in flow). `lib.rs` passes `classes!` to the provider
//! registry (`registry!` in `src/providers/mod.rs`), which calls it with one line per provider; the
//! items the macros name (`Client`, the flows, `to_js`) resolve where `lib.rs` invokes it.

/// Declares each provider's class (its constructor, the members every class has and its
/// flow's methods) and `create(provider, options)`, which the connect button uses to make a
/// client. One line per provider, as `registry!` lists them: `Class, module in src/providers, flow
/// (popup, redirect or password), "its TypeScript options type"`.
macro_rules! classes {
    ($(#[$cfg:meta] $class:ident, $module:ident, $flow:ident, $options:literal;)*) => {
        $(
            #[doc = concat!("The ", stringify!($class), " client; see the README for its flow.")]
            #[$cfg]
            #[wasm_bindgen]
            pub struct $class {
                client: Client,
            }

            #[$cfg]
            #[wasm_bindgen]
            impl $class {
                /// `options`: this provider's options object, whose type lists and documents
                /// each option.
                ///
                /// # Errors
                /// Throws a `FitConnectError` with code `invalid_config`, naming the provider, when
                /// `options` is not an object; an option is missing, has another type or breaks its
                /// rule (a URL that is not `https:` outside a loopback host, for example); a member,
                /// at any depth, is named like a secret; or there is no browser window.
                #[wasm_bindgen(constructor)]
                pub fn new(
                    #[wasm_bindgen(unchecked_param_type = $options)] options: JsValue,
                ) -> Result<$class, JsValue> {
                    let provider = &providers::$module::PROVIDER;
                    Client::new(provider, &options)
                        .map(|client| $class { client })
                        .map_err(|e| to_js(e.for_provider(provider.id)))
                }

                /// The current session (a fresh plain object), or `null`.
                #[wasm_bindgen(getter, unchecked_return_type = "Session | null")]
                pub fn session(&self) -> JsValue {
                    crate::client::session_object(self.client.session().as_ref())
                }

                /// Forgets the session (and tells `onSessionChange` subscribers).
                pub fn disconnect(&self) {
                    self.client.disconnect()
                }

                /// Calls `callback(session | null)` whenever the session changes (in any
                /// instance configured alike); returns the unsubscribe function.
                ///
                /// # Errors
                /// Throws a `FitConnectError` with code `invalid_config` when `callback` is
                /// not a function.
                #[wasm_bindgen(js_name = onSessionChange, unchecked_return_type = "() => void")]
                pub fn on_session_change(
                    &self,
                    #[wasm_bindgen(unchecked_param_type = "(session: Session | null) => void")]
                    callback: JsValue,
                ) -> Result<JsValue, JsValue> {
                    self.client
                        .on_session_change(callback)
                        .map(Into::into)
                        .map_err(|e| self.client.to_js(e))
                }

                /// `fetch` to the provider's API with the user's Bearer token. Relative paths
                /// resolve against the API base URL (with a trailing slash); a URL on any other
                /// origin is refused and nothing is sent. An expired token is
                /// refreshed first where the provider issues refresh tokens, and a 401 answer
                /// then leads to one refresh and one retry. Any other answer, an error status
                /// included, resolves with its `Response`.
                ///
                /// # Errors
                /// Rejects with a `FitConnectError`:
                /// - `invalid_config`: `pathOrUrl` is not a string or not a valid URL, or is on
                ///   another origin than the API (nothing is sent); `init` is not a valid
                ///   `RequestInit`; or the token cannot be put in a header;
                /// - `not_connected`: there is no session, or it expired and cannot be
                ///   refreshed (it is then forgotten);
                /// - `network_error`: the request got no HTTP answer;
                /// - `http_error`: a 401 or 403 whose `WWW-Authenticate` challenge says
                ///   `insufficient_scope` (with `status` and the `scope` asked for);
                /// - a failed refresh's error: `network_error`, `http_error`,
                ///   `access_denied`, `oauth_error` (`invalid_grant` also forgets the session)
                ///   or `invalid_response`.
                #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
                pub fn fetch(
                    &self,
                    #[wasm_bindgen(js_name = pathOrUrl, unchecked_param_type = "string")]
                    path_or_url: JsValue,
                    #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")]
                    init: Option<js_sys::Object>,
                ) -> js_sys::Promise {
                    self.client.promise(self.client.clone().fetch(path_or_url, init.map(Into::into)))
                }

                /// The checked configuration (for tests and debugging).
                #[cfg(feature = "test-hooks")]
                #[wasm_bindgen(getter, js_name = _config, skip_typescript)]
                pub fn config(&self) -> JsValue {
                    self.client.config_object()
                }

                /// Where this client's session and pending sign-in are stored (for tests).
                #[cfg(feature = "test-hooks")]
                #[wasm_bindgen(getter, js_name = _storageKeys, skip_typescript)]
                pub fn storage_keys(&self) -> JsValue {
                    self.client.storage_keys()
                }

                /// Refreshes the session now (for tests).
                #[cfg(feature = "test-hooks")]
                #[wasm_bindgen(js_name = _refresh, skip_typescript)]
                pub fn refresh(&self) -> js_sys::Promise {
                    let client = self.client.clone();
                    self.client.promise(async move { client.refresh().await.map(|()| JsValue::UNDEFINED) })
                }
            }

            #[$cfg]
            flow_methods!($flow, $class, $module);
        )*

        /// A new client of `provider`'s class, for the connect button.
        fn create(provider: &str, options: JsValue) -> Result<JsValue, JsValue> {
            match providers::Id::parse(provider) {
                $(#[$cfg] Some(providers::Id::$class) => $class::new(options).map(Into::into),)*
                None => Err(to_js(invalid_config(["Unknown provider \"", provider, "\""].concat()))),
            }
        }
    };
}

/// The methods of each flow.
macro_rules! flow_methods {
    (popup, $class:ident, $module:ident) => {
        #[wasm_bindgen]
        impl $class {
            /// Opens the provider's sign-in popup and resolves with the session once the user
            /// allowed access. Call it directly in a click handler: the popup opens before
            /// this returns.
            ///
            /// # Errors
            /// Rejects with a `FitConnectError`:
            /// - `interaction_in_progress`: this page's sign-in popup is still open (it is
            ///   focused instead);
            /// - `popup_blocked`: the browser blocked the popup;
            /// - `popup_closed`: the popup was closed before the callback page reported;
            /// - `timeout`: no report within `timeoutMs` (the popup is then closed);
            /// - `access_denied` or `oauth_error`: the callback carries the provider's error;
            /// - `invalid_callback`: the callback lacks the token or the user id, repeats a
            ///   parameter, or cannot be decoded;
            /// - `invalid_config`: there is no browser window or no
            ///   `crypto.getRandomValues`.
            #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
            pub fn connect(&self) -> js_sys::Promise {
                popup::connect(&self.client, providers::$module::PARAMS)
            }
        }
    };
    (redirect, $class:ident, $module:ident) => {
        #[wasm_bindgen]
        impl $class {
            /// Starts an authorisation: stores a new transaction (state, PKCE verifier) and
            /// returns the provider's authorise URL to navigate to.
            ///
            /// # Errors
            /// Throws a `FitConnectError` with code `invalid_config` where there is no
            /// browser window or no `crypto.getRandomValues`, or the transaction cannot be
            /// written for storage.
            #[wasm_bindgen(js_name = authorizeUrl)]
            pub fn authorize_url(&self) -> Result<String, JsValue> {
                redirect::authorize_url(&self.client).map_err(|e| self.client.to_js(e))
            }

            /// Starts an authorisation and sends the browser to the provider's authorise page.
            ///
            /// # Errors
            /// Throws a `FitConnectError` with code `invalid_config` in the cases of
            /// `authorizeUrl()`, and when the page cannot navigate.
            pub fn authorize(&self) -> Result<(), JsValue> {
                redirect::authorize(&self.client).map_err(|e| self.client.to_js(e))
            }

            /// Whether the current address carries an authorisation response (a `code` or an
            /// `error`, with or without `state`).
            #[wasm_bindgen(js_name = hasAuthorizationResponse)]
            pub fn has_authorization_response(&self) -> bool {
                redirect::has_response()
            }

            /// On the redirect page: consumes the stored transaction, removes the response
            /// from the address bar, validates it (state, `iss`, the provider's error),
            /// exchanges the code through `tokenEndpoint`, stores and returns the session.
            /// Calling it again on the same page returns the same promise.
            ///
            /// # Errors
            /// Rejects with a `FitConnectError`:
            /// - `invalid_callback`: the page has no authorisation response (a pending
            ///   sign-in is then left alone), or the response cannot be decoded, repeats a
            ///   parameter, names another issuer (`iss`) or has no `code`;
            /// - `state_mismatch`: no sign-in of this client was started in this tab within
            ///   the last 15 minutes (or it already completed), or the response's `state` is
            ///   missing or different;
            /// - `access_denied` or `oauth_error`: the provider refused, in the response or
            ///   at the code exchange;
            /// - `network_error`, `http_error` or `invalid_response`: the code exchange got
            ///   no answer (or none within 30 seconds), an error status without an OAuth
            ///   error, or no valid token response;
            /// - `invalid_config`: there is no browser window.
            #[wasm_bindgen(js_name = completeAuthorization, unchecked_return_type = "Promise<Session>")]
            pub fn complete_authorization(&self) -> js_sys::Promise {
                redirect::complete(&self.client)
            }
        }
    };
    (password, $class:ident, $module:ident) => {
        #[wasm_bindgen]
        impl $class {
            /// Signs in with a user name (or e-mail) and password.
            ///
            /// # Errors
            /// Rejects with a `FitConnectError`:
            /// - `invalid_config`: `credentials` is not an object, `username` or `password`
            ///   is not a string, `username` is blank or `password` is empty;
            /// - `oauth_error` (a wrong password, for example) or `access_denied`: the
            ///   provider refused the grant;
            /// - `network_error`, `http_error` or `invalid_response`: the token request got
            ///   no answer (or none within 30 seconds), an error status without an OAuth
            ///   error, or no valid token response.
            #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
            pub fn login(
                &self,
                #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")]
                credentials: JsValue,
            ) -> js_sys::Promise {
                password::login(&self.client, credentials)
            }
        }
    };
}
