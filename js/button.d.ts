import type {
  FitBark,
  FitBarkOptions,
  FitConnectError,
  FitRankings,
  FitRankingsOptions,
  Fisikal,
  FisikalOptions,
  OpenFit,
  OpenFitOptions,
  PerfectGym,
  PerfectGymOptions,
  ProviderId,
  Session,
} from './fitconnect.js';

/** Default options per provider, used by every button of that provider; attributes override them. */
export interface ConnectButtonDefaults {
  fitrankings?: Partial<FitRankingsOptions>;
  fitbark?: Partial<FitBarkOptions>;
  perfectgym?: Partial<PerfectGymOptions>;
  openfit?: Partial<OpenFitOptions>;
  fisikal?: Partial<FisikalOptions>;
}

/** Options of `defineConnectButtons()`. */
export interface DefineConnectButtonsOptions {
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
 * Attributes mirror the provider class's options: `client-id`, `callback-uri`, `base-url`, `timeout-ms`
 * (FitRankings); `client-id`, `redirect-uri`, `token-endpoint`, `base-url`, `scope`, `pkce` (FitBark);
 * `base-url` (PerfectGym); `client-id`, `environment` or `identity-url` + `api-url`, `refresh-skew-seconds`
 * (OpenFIT); `base-url`, `token-endpoint` (Fisikal). Relative URLs resolve against the page.
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
  options: Partial<FitRankingsOptions & FitBarkOptions & PerfectGymOptions & OpenFitOptions & FisikalOptions>;
  /** The SDK client the button uses, or `null` while its options are incomplete. */
  readonly client: FitRankings | FitBark | PerfectGym | OpenFit | Fisikal | null;
  /** The provider's current session, or `null`. */
  readonly session: Session | null;
  /** Forgets the session, like clicking Disconnect, and dispatches `fitconnect:disconnected`. */
  disconnect(): void;
}

/**
 * Registers the `<fitconnect-button>` custom element for all five providers and returns its class.
 * Nothing is registered at import time; calling it again only merges new `providers` defaults.
 * Without a bundler (the `pkg/` build), call it after `init()`.
 *
 * @throws {FitConnectError} `invalid_config` outside a browser (for example during server-side
 * rendering), where there is no `customElements`.
 *
 * @example
 * ```ts
 * import { defineConnectButtons } from 'fitconnect';
 *
 * defineConnectButtons({
 *   providers: { fitrankings: { clientId: 'your-client-id', callbackUri: `${location.origin}/callback.html` } },
 * });
 * document.addEventListener('fitconnect:connected', (e) => console.log(e.detail.provider));
 * // <fitconnect-button provider="fitrankings"></fitconnect-button>
 * ```
 */
export function defineConnectButtons(options?: DefineConnectButtonsOptions): {
  new (): FitConnectButtonElement;
  prototype: FitConnectButtonElement;
};

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
