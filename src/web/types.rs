//! TypeScript declarations for the option and result objects, and for `FitConnectError`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
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
 * Provider ids, as in `Session.provider` and `FitConnectError.provider`.
 * @example
 * const id: ProviderId = "fitbark";
 */
export type ProviderId = "fitrankings" | "fitbark" | "perfectgym" | "openfit" | "fisikal";

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
 * Options of `new FitRankings(...)`.
 * @example
 * const options: FitRankingsOptions = { clientId: "abc", callbackUri: "https://app.example/callback.html" };
 */
export interface FitRankingsOptions {
  clientId: string;
  /** Your callback page, which calls `handleCallback()`. */
  callbackUri: string;
  /** Defaults to https://api.fitrankings.com */
  baseUrl?: string;
  /** How long the popup may stay open, default 300000 (5 minutes). */
  timeoutMs?: number;
}

/**
 * Options of `new FitBark(...)`.
 * @example
 * const options: FitBarkOptions = { clientId: "abc", redirectUri: "https://app.example/", tokenEndpoint: "/broker/fitbark/token" };
 */
export interface FitBarkOptions {
  clientId: string;
  /** Registered redirect URI: the page that calls `completeAuthorization()`. */
  redirectUri: string;
  /** Your server's token endpoint (the broker), which adds the client secret. */
  tokenEndpoint: string;
  /** Defaults to https://app.fitbark.com */
  baseUrl?: string;
  scope?: string;
  /** Send PKCE S256, default true. */
  pkce?: boolean;
}

/**
 * Options of `new PerfectGym(...)`.
 * @example
 * const options: PerfectGymOptions = { baseUrl: "https://yourclub.perfectgym.com" };
 */
export interface PerfectGymOptions {
  /** The club's host, e.g. https://yourclub.perfectgym.com */
  baseUrl: string;
}

/**
 * OpenFIT hosts: its identity server and its API.
 * @example
 * const hosts: OpenFitHosts = { identityUrl: "https://ids.openfit.care", apiUrl: "https://api.openfit.care" };
 */
export interface OpenFitHosts {
  identityUrl: string;
  apiUrl: string;
}

/**
 * Options of `new OpenFit(...)`.
 * @example
 * const options: OpenFitOptions = { clientId: "abc", environment: "test" };
 */
export interface OpenFitOptions {
  clientId: string;
  /** "production" (default), "test", or explicit hosts. */
  environment?: "production" | "test" | OpenFitHosts;
  /** Refresh when fewer seconds than this remain, default 300. */
  refreshSkewSeconds?: number;
}

/**
 * Options of `new Fisikal(...)`.
 * @example
 * const options: FisikalOptions = { baseUrl: "https://yourgym.fisikal.com", tokenEndpoint: "/broker/fisikal/token" };
 */
export interface FisikalOptions {
  /** The instance host, e.g. https://yourgym.fisikal.com */
  baseUrl: string;
  /** Your server's token endpoint (the broker), which adds the client id and secret. */
  tokenEndpoint: string;
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
