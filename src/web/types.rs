//! TypeScript declarations for the option and result objects, and for `FitConnectError`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Stable error codes carried by `FitConnectError.code`. */
export type FitConnectErrorCode =
  | "popup_blocked" | "popup_closed" | "timeout" | "state_mismatch" | "invalid_callback"
  | "access_denied" | "oauth_error" | "invalid_response" | "http_error" | "network_error"
  | "storage_unavailable" | "not_connected" | "invalid_config" | "interaction_in_progress";

/** Provider ids. */
export type ProviderId = "fitrankings" | "fitbark" | "perfectgym" | "openfit" | "fisikal";

/** A user's tokens for one provider, as stored in sessionStorage. */
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

/** Options of `new FitRankings(...)`. */
export interface FitRankingsOptions {
  clientId: string;
  /** Your callback page, which calls `handleCallback()`. */
  callbackUri: string;
  /** Defaults to https://api.fitrankings.com */
  baseUrl?: string;
  /** How long the popup may stay open, default 300000 (5 minutes). */
  timeoutMs?: number;
}

/** Options of `new FitBark(...)`. */
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

/** Options of `new PerfectGym(...)`. */
export interface PerfectGymOptions {
  /** The club's host, e.g. https://yourclub.perfectgym.com */
  baseUrl: string;
}

/** OpenFIT hosts: its identity server and its API. */
export interface OpenFitHosts {
  identityUrl: string;
  apiUrl: string;
}

/** Options of `new OpenFit(...)`. */
export interface OpenFitOptions {
  clientId: string;
  /** "production" (default), "test", or explicit hosts. */
  environment?: "production" | "test" | OpenFitHosts;
  /** Refresh when fewer seconds than this remain, default 300. */
  refreshSkewSeconds?: number;
}

/** Options of `new Fisikal(...)`. */
export interface FisikalOptions {
  /** The instance host, e.g. https://yourgym.fisikal.com */
  baseUrl: string;
  /** Your server's token endpoint (the broker), which adds the client id and secret. */
  tokenEndpoint: string;
}

/** What `login()` takes. The password is sent once and never stored. */
export interface PasswordCredentials {
  username: string;
  password: string;
}

/** Every error the SDK throws or rejects with. */
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
