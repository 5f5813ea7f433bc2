// Types of the fitconnect package: the provider classes, their options and sessions, and
// FitConnectError. The classes are written in JavaScript over the WebAssembly core.
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



/**
 * Fisikal: the password grant needs the client id and secret, so login and refresh go through
 * the app's own server (`tokenEndpoint`); API calls go to the instance with the Bearer token.
 *
 * ```js
 * const fisikal = new Fisikal({ baseUrl: 'https://yourgym.fisikal.com', tokenEndpoint: '/broker/fisikal/token' });
 * await fisikal.login({ username, password });
 * const { locations } = await (await fisikal.fetch('/api/unified/clubs/locations')).json();
 * ```
 */
export class Fisikal {
    /**
     * Forgets the session (and tells `onSessionChange` subscribers).
     *
     * ```js
     * disconnectButton.onclick = () => client.disconnect();
     * ```
     */
    disconnect(): void;
    /**
     * `fetch` to the Fisikal API with the user's Bearer token. Relative paths
     * resolve against the API base URL; any other origin is refused. An expired token is
     * refreshed first where the provider issues refresh tokens, and a 401 answer then leads
     * to one refresh and one retry.
     *
     * ```js
     * const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
     * ```
     */
    fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
    /**
     * Signs in with user name and password through your server (legacy password grant).
     *
     * ```js
     * await fisikal.login({ username: form.email.value, password: form.password.value });
     * ```
     */
    login(credentials: PasswordCredentials): Promise<Session>;
    /**
     * Creates a client. `options`: `{ baseUrl, tokenEndpoint }`: the instance host, and your
     * server's URL that holds the client id and secret.
     *
     * ```js
     * const fisikal = new Fisikal({ baseUrl: 'https://yourgym.fisikal.com', tokenEndpoint: '/broker/fisikal/token' });
     * ```
     */
    constructor(options: FisikalOptions);
    /**
     * Calls `callback(session | null)` whenever the session changes; returns the
     * unsubscribe function.
     *
     * ```js
     * const unsubscribe = client.onSessionChange((session) => render(session));
     * ```
     */
    onSessionChange(callback: (session: Session | null) => void): () => void;
    /**
     * The current session, or `null`.
     *
     * ```js
     * if (client.session) console.log('connected until', new Date(client.session.expiresAt));
     * ```
     */
    readonly session: Session | null;
}

/**
 * FitBark client: the authorisation-code redirect with state and PKCE; your server exchanges the code.
 *
 * ```js
 * const fitbark = new FitBark({ clientId: 'abc', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' });
 * if (fitbark.hasAuthorizationResponse()) await fitbark.completeAuthorization();
 * const dogs = await (await fitbark.fetch('/api/v2/dog_relations')).json();
 * ```
 */
export class FitBark {
    /**
     * Starts an authorisation: stores a new transaction (state, PKCE verifier) and returns the
     * provider's authorise URL to navigate to.
     *
     * ```js
     * link.href = fitbark.authorizeUrl();
     * ```
     */
    authorizeUrl(): string;
    /**
     * Starts an authorisation and sends the browser to the provider's authorise page.
     *
     * ```js
     * connectButton.onclick = () => fitbark.authorize();
     * ```
     */
    authorize(): void;
    /**
     * On the redirect page: validates the response against the stored transaction, removes it
     * from the address bar, exchanges the code through `tokenEndpoint`, stores and returns the
     * session. Calling it again on the same page returns the same promise. Rejects with
     * `state_mismatch`, `access_denied`, `oauth_error`, `invalid_callback` or `invalid_response`.
     *
     * ```js
     * try { const session = await fitbark.completeAuthorization(); }
     * catch (e) { if (e.code === 'access_denied') showMessage('You declined access.'); }
     * ```
     */
    completeAuthorization(): Promise<Session>;
    /**
     * Forgets the session (and tells `onSessionChange` subscribers).
     *
     * ```js
     * disconnectButton.onclick = () => client.disconnect();
     * ```
     */
    disconnect(): void;
    /**
     * `fetch` to the FitBark API with the user's Bearer token. Relative paths
     * resolve against the API base URL; any other origin is refused. An expired token is
     * refreshed first where the provider issues refresh tokens, and a 401 answer then leads
     * to one refresh and one retry.
     *
     * ```js
     * const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
     * ```
     */
    fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
    /**
     * Whether the current address carries an authorisation response (`state` with `code` or `error`).
     *
     * ```js
     * if (fitbark.hasAuthorizationResponse()) await fitbark.completeAuthorization();
     * ```
     */
    hasAuthorizationResponse(): boolean;
    /**
     * Creates a client. `options`: `{ clientId, redirectUri, tokenEndpoint, baseUrl?, scope?, pkce? }`.
     *
     * ```js
     * const fitbark = new FitBark({ clientId: 'abc', redirectUri: 'https://app.example/', tokenEndpoint: 'https://app.example/broker/fitbark/token' });
     * ```
     */
    constructor(options: FitBarkOptions);
    /**
     * Calls `callback(session | null)` whenever the session changes; returns the
     * unsubscribe function.
     *
     * ```js
     * const unsubscribe = client.onSessionChange((session) => render(session));
     * ```
     */
    onSessionChange(callback: (session: Session | null) => void): () => void;
    /**
     * The current session, or `null`.
     *
     * ```js
     * if (client.session) console.log('connected until', new Date(client.session.expiresAt));
     * ```
     */
    readonly session: Session | null;
}

/**
 * FitRankings client: sign-in in a 400x600 popup, the user token delivered to your callback page.
 *
 * ```js
 * const fitrankings = new FitRankings({ clientId: 'your-client-id', callbackUri: 'https://app.example/callback.html' });
 * button.onclick = async () => {
 *   const session = await fitrankings.connect();
 *   const activities = await (await fitrankings.fetch('/iq/activities/?page=1&page_size=20')).json();
 * };
 * ```
 */
export class FitRankings {
    /**
     * Opens the FitRankings sign-in popup and resolves with the session once the user allowed
     * access. Call it directly in a click handler: the popup opens before this returns.
     * Rejects with `popup_blocked`, `popup_closed`, `timeout`, `interaction_in_progress` or
     * `invalid_callback`.
     *
     * ```js
     * button.addEventListener('click', () => {
     *   fitrankings.connect().then(showProfile, (e) => { if (e.code !== 'popup_closed') showError(e); });
     * });
     * ```
     */
    connect(): Promise<Session>;
    /**
     * Forgets the session (and tells `onSessionChange` subscribers).
     *
     * ```js
     * disconnectButton.onclick = () => client.disconnect();
     * ```
     */
    disconnect(): void;
    /**
     * `fetch` to the FitRankings API with the user's Bearer token. Relative paths
     * resolve against the API base URL; any other origin is refused. An expired token is
     * refreshed first where the provider issues refresh tokens, and a 401 answer then leads
     * to one refresh and one retry.
     *
     * ```js
     * const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
     * ```
     */
    fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
    /**
     * Creates a client. `options`: `{ clientId, callbackUri, baseUrl?, timeoutMs? }`; throws
     * `FitConnectError` (`invalid_config`) for missing options or an option named like a secret.
     *
     * ```js
     * const fitrankings = new FitRankings({ clientId: 'abc', callbackUri: `${location.origin}/callback.html` });
     * ```
     */
    constructor(options: FitRankingsOptions);
    /**
     * Calls `callback(session | null)` whenever the session changes; returns the
     * unsubscribe function.
     *
     * ```js
     * const unsubscribe = client.onSessionChange((session) => render(session));
     * ```
     */
    onSessionChange(callback: (session: Session | null) => void): () => void;
    /**
     * The current session, or `null`.
     *
     * ```js
     * if (client.session) console.log('connected until', new Date(client.session.expiresAt));
     * ```
     */
    readonly session: Session | null;
}

/**
 * OpenFIT: password login on the identity server, refresh with rotating single-use refresh
 * tokens, proactively when less than `refreshSkewSeconds` (default 300) of life remain.
 *
 * ```js
 * const openfit = new OpenFit({ clientId: 'abc', environment: 'production' });
 * await openfit.login({ username, password });
 * const clients = await (await openfit.fetch('/api/clients')).json();
 * ```
 */
export class OpenFit {
    /**
     * Forgets the session (and tells `onSessionChange` subscribers).
     *
     * ```js
     * disconnectButton.onclick = () => client.disconnect();
     * ```
     */
    disconnect(): void;
    /**
     * `fetch` to the OpenFIT API with the user's Bearer token. Relative paths
     * resolve against the API base URL; any other origin is refused. An expired token is
     * refreshed first where the provider issues refresh tokens, and a 401 answer then leads
     * to one refresh and one retry.
     *
     * ```js
     * const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
     * ```
     */
    fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
    /**
     * Signs in with user name and password (legacy password grant, `scope=OpenFitApi offline_access`).
     *
     * ```js
     * const session = await openfit.login({ username, password });
     * ```
     */
    login(credentials: PasswordCredentials): Promise<Session>;
    /**
     * Creates a client. `options`: `{ clientId, environment, refreshSkewSeconds? }` where
     * `environment` is `"production"`, `"test"` or `{ identityUrl, apiUrl }`.
     *
     * ```js
     * const openfit = new OpenFit({ clientId: 'abc', environment: { identityUrl: 'https://ids.example', apiUrl: 'https://api.example' } });
     * ```
     */
    constructor(options: OpenFitOptions);
    /**
     * Calls `callback(session | null)` whenever the session changes; returns the
     * unsubscribe function.
     *
     * ```js
     * const unsubscribe = client.onSessionChange((session) => render(session));
     * ```
     */
    onSessionChange(callback: (session: Session | null) => void): () => void;
    /**
     * The current session, or `null`.
     *
     * ```js
     * if (client.session) console.log('connected until', new Date(client.session.expiresAt));
     * ```
     */
    readonly session: Session | null;
}

/**
 * PerfectGym (API v1): password or Facebook-token login on the club's host. No refresh token is
 * issued: an expired session is cleared and `fetch` rejects with `not_connected`.
 *
 * ```js
 * const gym = new PerfectGym({ baseUrl: 'https://yourclub.perfectgym.com' });
 * await gym.login({ username: 'member@example.com', password: form.password.value });
 * const { elements } = await (await gym.fetch('/Api/Classes/Classes')).json();
 * ```
 */
export class PerfectGym {
    /**
     * Forgets the session (and tells `onSessionChange` subscribers).
     *
     * ```js
     * disconnectButton.onclick = () => client.disconnect();
     * ```
     */
    disconnect(): void;
    /**
     * `fetch` to the PerfectGym API with the user's Bearer token. Relative paths
     * resolve against the API base URL; any other origin is refused. An expired token is
     * refreshed first where the provider issues refresh tokens, and a 401 answer then leads
     * to one refresh and one retry.
     *
     * ```js
     * const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
     * ```
     */
    fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
    /**
     * Signs in with a Facebook access token.
     *
     * ```js
     * await gym.loginWithFacebook(facebookAccessToken);
     * ```
     */
    loginWithFacebook(facebookToken: string): Promise<Session>;
    /**
     * Signs in with a user name (or e-mail) and password (legacy password grant). A wrong
     * password rejects with `oauth_error` and `oauthError` `"invalid_grant"`.
     *
     * ```js
     * await gym.login({ username: form.email.value, password: form.password.value });
     * ```
     */
    login(credentials: PasswordCredentials): Promise<Session>;
    /**
     * Creates a client. `options`: `{ baseUrl }`, the club's host, e.g. `https://yourclub.perfectgym.com`.
     *
     * ```js
     * const gym = new PerfectGym({ baseUrl: 'https://yourclub.perfectgym.com' });
     * ```
     */
    constructor(options: PerfectGymOptions);
    /**
     * Calls `callback(session | null)` whenever the session changes; returns the
     * unsubscribe function.
     *
     * ```js
     * const unsubscribe = client.onSessionChange((session) => render(session));
     * ```
     */
    onSessionChange(callback: (session: Session | null) => void): () => void;
    /**
     * The current session, or `null`.
     *
     * ```js
     * if (client.session) console.log('connected until', new Date(client.session.expiresAt));
     * ```
     */
    readonly session: Session | null;
}

/**
 * Hands the callback's query and fragment to the window that opened this popup, then closes it.
 *
 * The message goes to the opener with this page's own origin as the target, so no other site
 * can read it. Without an opener (it was cut by `Cross-Origin-Opener-Policy` or `noopener`), it
 * goes over a BroadcastChannel of this origin instead. The token is removed from this page's
 * address bar first.
 *
 * ```html
 * <script type="module">
 *   import { handleCallback } from 'fitconnect';
 *   await handleCallback();
 * </script>
 * ```
 */
export function handleCallback(): Promise<void>;

/**
 * Loads the WebAssembly core. Call it once and wait for it before creating a client; later
 * calls resolve at once. `input` defaults to the `fitconnect_bg.wasm` next to the module. A wasm
 * file answered with an HTTP error rejects with a `FitConnectError` (`network_error`); a failed
 * load can be retried with another call.
 *
 * @example
 * ```ts
 * import init, { FitRankings } from 'fitconnect';
 * await init();
 * const fitrankings = new FitRankings({ clientId: 'abc', callbackUri: `${location.origin}/callback.html` });
 * ```
 */
export default function init(input?: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL): Promise<void>;

export * from './button.js';
