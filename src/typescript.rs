//! TypeScript declarations that wasm-bindgen cannot derive from Rust signatures: the provider ids
//! and options types (from the provider registry and each provider's file), the session and error
//! types the exported classes name through `unchecked_param_type` and `unchecked_return_type`, the
//! `FitConnectError` class (a JS snippet, `js/error.js`), and the connect button's element, options
//! and events (`js/button.js`). wasm-bindgen copies each block verbatim into the generated
//! `fitconnect.d.ts`, next to the classes it declares from Rust. No `any`: `tests/package` checks
//! that, and `examples/vite-app` type-checks against the result.
use wasm_bindgen::prelude::*;

/// What the provider registry (`registry!` in `src/providers/mod.rs`) says in TypeScript: each
/// provider's options type and class by id (one declaration per provider, which TypeScript merges:
/// a build with some providers declares only theirs), the `ProviderId` union of their ids (each
/// provider's module is named by its id), and each provider's own declarations (its options type,
/// from its file).
macro_rules! provider_types {
    ($(#[$cfg:meta] $class:ident, $module:ident, $flow:ident, $options:literal;)*) => {
        #[wasm_bindgen(typescript_custom_section)]
        const PROVIDER_ID: &'static str = concat!(
            "\n/**\n * Provider ids, as in `Session.provider` and `FitConnectError.provider`.",
            "\n * @example\n * const id: ProviderId = session.provider;\n */\nexport type ProviderId = keyof ProviderOptions;\n"
        );

        $(
            #[$cfg]
            const _: () = {
                #[wasm_bindgen(typescript_custom_section)]
                const BY_ID: &'static str = concat!(
                    "\n/** Each provider's options type, by provider id. */\nexport interface ProviderOptions {\n  ",
                    stringify!($module), ": ", $options,
                    ";\n}\n\n/** Each provider's class, by provider id. */\nexport interface ProviderClients {\n  ",
                    stringify!($module), ": ", stringify!($class), ";\n}\n"
                );

                #[wasm_bindgen(typescript_custom_section)]
                const OPTIONS: &'static str = crate::providers::$module::TYPESCRIPT;
            };
        )*
    };
}

registry!(provider_types);

#[wasm_bindgen(typescript_custom_section)]
const ERRORS: &'static str = r#"
/**
 * Stable error codes carried by `FitConnectError.code`.
 * @example
 * if (e instanceof FitConnectError && e.code === "popup_closed") showHint();
 */
export type FitConnectErrorCode =
  | "popup_blocked" | "popup_closed" | "timeout" | "state_mismatch" | "invalid_callback"
  | "access_denied" | "oauth_error" | "invalid_response" | "http_error" | "network_error"
  | "storage_unavailable" | "not_connected" | "invalid_config" | "interaction_in_progress";

/**
 * Every error the SDK throws or rejects with.
 * @example
 * try { await fitrankings.connect(); } catch (e) { if (e instanceof FitConnectError) console.log(e.code, e.provider); }
 */
export declare class FitConnectError extends Error {
  readonly name: "FitConnectError";
  readonly code: FitConnectErrorCode;
  readonly provider?: ProviderId;
  readonly status?: number;
  readonly oauthError?: string;
  readonly description?: string;
  /** The scope a resource asked for (with `oauthError` "insufficient_scope"). */
  readonly scope?: string;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const SESSION_AND_CREDENTIALS: &'static str = r#"
/**
 * A user's tokens for one provider, as stored in sessionStorage.
 * @example
 * fitbark.onSessionChange((s: Session | null) => { if (s?.expiresAt) console.log(new Date(s.expiresAt)); });
 */
export interface Session {
  provider: ProviderId;
  accessToken: string;
  /** Lowercased, always "bearer". */
  tokenType: string;
  userId?: string;
  refreshToken?: string;
  /** Expiry in milliseconds since the epoch. */
  expiresAt?: number;
  scope?: string;
}

/**
 * What `login()` takes. The password is sent once and never stored.
 * @example
 * await gym.login({ username: form.email.value, password: form.password.value } satisfies PasswordCredentials);
 */
export interface PasswordCredentials {
  username: string;
  password: string;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const CONNECT_BUTTON: &'static str = r#"
/** Default options per provider, used by every button of that provider; attributes override them. */
export type ConnectButtonDefaults = { [P in ProviderId]?: Partial<ProviderOptions[P]> };

/**
 * Options of `defineConnectButtons()`.
 * @example
 * defineConnectButtons({ providers: { fitrankings: { clientId: "abc", callbackUri: "/callback.html" } } } satisfies ConnectButtonsOptions);
 */
export interface ConnectButtonsOptions {
  /** The custom element's tag, default `"fitconnect-button"`. */
  tagName?: string;
  /** Options shared by all buttons of a provider, so each button needs only `provider`. */
  providers?: ConnectButtonDefaults;
}

/** What the button shows: also reflected as its `state` attribute, for styling. */
export type ConnectButtonState = "idle" | "connecting" | "connected" | "error";

/** `detail` of `fitconnect:disconnected`. */
export interface DisconnectedDetail {
  provider: ProviderId;
}

/**
 * `<fitconnect-button provider="…">`: a real `<button>` (in a shadow root, `part="button"`) that connects
 * the user to one provider and shows idle, connecting, connected (with Disconnect) and error states.
 *
 * Attributes mirror the provider class's options, in kebab-case (`client-id` sets `clientId`); each
 * options type lists its provider's (`FitRankingsOptions`, for example). Relative URLs resolve against
 * the page.
 *
 * Styling: `::part(button)`, `::part(status)`, `::part(dialog)` and the custom properties
 * `--fitconnect-button-bg`, `-color`, `-border`, `-radius`, `-font`, `-font-size`, `-font-weight`,
 * `-padding`, `-shadow`, `-hover-bg`, and `--fitconnect-focus-color`, `--fitconnect-success-color`,
 * `--fitconnect-error-color`.
 *
 * Events (bubbling and composed): `fitconnect:connected` (`detail`: the `Session`),
 * `fitconnect:disconnected` (`detail`: `{ provider }`) and `fitconnect:error` (`detail`: the
 * `FitConnectError`), dispatched by the button whose click (or FitBark redirect) caused them. Buttons of
 * the same provider share one session and all show its state.
 *
 * @example
 * ```html
 * <fitconnect-button provider="fitrankings" client-id="your-client-id" callback-uri="/callback.html"></fitconnect-button>
 * <fitconnect-button provider="perfectgym" base-url="https://yourclub.perfectgym.com"></fitconnect-button>
 * ```
 */
export interface FitConnectButtonElement extends HTMLElement {
  /** The provider id from the `provider` attribute. */
  provider: ProviderId | null;
  /** What the button shows now. */
  readonly state: ConnectButtonState;
  /** Options set from script (for frameworks that pass objects); attributes take precedence. */
  options: Partial<ProviderOptions[ProviderId]>;
  /** The SDK client the button uses, or `null` while its options are incomplete. */
  readonly client: ProviderClients[ProviderId] | null;
  /** The provider's current session, or `null`. */
  readonly session: Session | null;
  /** Forgets the session, like clicking Disconnect, and dispatches `fitconnect:disconnected`. */
  disconnect(): void;
}

/** The class `defineConnectButtons()` registers, as `customElements.get("fitconnect-button")` returns it. */
export interface FitConnectButtonConstructor {
  new (): FitConnectButtonElement;
  prototype: FitConnectButtonElement;
}

/**
 * Registers `<fitconnect-button>` (once; a later call only updates the defaults) with default options
 * per provider, and returns the element's class. An app that never calls it ships none of the button's
 * code (its bundler leaves it out).
 *
 * Throws a `FitConnectError` with code `invalid_config` outside a browser (no `window`,
 * `customElements` or `HTMLElement`), or before `init()` has resolved. A `tagName` that is not a valid
 * custom element name makes `customElements.define` throw the browser's own error, passed on as it is.
 * @example
 * defineConnectButtons({ providers: { perfectgym: { baseUrl: "https://yourclub.perfectgym.com" } } });
 */
export declare function defineConnectButtons(options?: ConnectButtonsOptions): FitConnectButtonConstructor;

declare global {
  interface HTMLElementTagNameMap {
    "fitconnect-button": FitConnectButtonElement;
  }
  // Elements, document and window all extend this map, so listeners anywhere get typed events.
  interface GlobalEventHandlersEventMap {
    "fitconnect:connected": CustomEvent<Session>;
    "fitconnect:disconnected": CustomEvent<DisconnectedDetail>;
    "fitconnect:error": CustomEvent<FitConnectError>;
  }
}
"#;

// wasm-bindgen declares `[Symbol.dispose](): void` on every exported class. `Symbol.dispose` is
// only typed from `lib` "esnext.disposable" on; declaring it here (as @types/node does) lets apps
// with an older `lib` and `skipLibCheck: false` type-check the package. It merges with the lib's.
#[wasm_bindgen(typescript_custom_section)]
const SYMBOL_DISPOSE: &'static str = r#"
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
"#;
