// fitconnect's browser layer: the five provider classes, handleCallback() and init(). It does the
// plumbing (popup, sessionStorage, fetch, Web Locks, BroadcastChannel) and writes the token
// requests' bodies (URLSearchParams, JSON.stringify); the protocol decisions (endpoints, authorise
// URLs, state and PKCE, callback checks, the code exchange, token responses, stored sessions,
// Bearer challenges) are made by the WebAssembly core, which answers each call with JSON text:
// the value, or `{ "error": code, "message", ... }`. JSON the core reads (stored values, token
// responses) is parsed here, with the browser's JSON.parse.
//
// Built into the package's `fitconnect.js` together with the core's loader (`./core.js`) and
// the connect button.
// One call into the core: `core('endpoints', provider, baseUrl)` runs src/core/api.rs's function
// of that name and answers its text.
import { run as core, load as loadCore, loaded } from './core.js';
import { FitConnectError } from './error.js';
import { CHANNEL, MESSAGE_TYPE, waitForCallback, withLock, sleep } from './glue.js';

export { FitConnectError };
export { defineConnectButtons } from './button.js';

// ---------- the core ----------

/**
 * Loads the WebAssembly core; call it once and wait for it before creating a client. `input`
 * (a URL, Response, BufferSource or WebAssembly.Module, or `{ module_or_path }`) defaults to the
 * `fitconnect_bg.wasm` next to this module. The npm package's core is loaded by the bundler.
 */
export default function init(input) {
  return loaded() ? Promise.resolve() : loadCore(input).then(() => {});
}

/** Stored or received text, parsed; `null` when it is not JSON (the core then rejects it). */
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const error = (code, message, provider) => new FitConnectError(code, message, provider);

/** A core answer, parsed; a core error is thrown as a FitConnectError (with `provider` if unset). */
function ok(text, provider) {
  const r = JSON.parse(text);
  if (r && r.error) {
    throw new FitConnectError(r.error, r.message, r.provider ?? provider, r.status, r.oauthError, r.description, r.scope);
  }
  return r;
}

// ---------- storage ----------

// sessionStorage, or memory for the rest of the page's life once it fails (blocked site data,
// quota, private modes). The memory holds the keys written or removed (null) since then; others
// are still read from storage. The switch is announced once, with `fitconnect:storagefallback`.
let memory = null;

function fallBack() {
  if (memory) return;
  memory = new Map();
  dispatchEvent(new Event('fitconnect:storagefallback'));
}

function read(key) {
  if (memory?.has(key)) return memory.get(key);
  try {
    return sessionStorage.getItem(key);
  } catch {
    fallBack();
    return null;
  }
}

function write(key, value) {
  if (!memory) {
    try {
      sessionStorage.setItem(key, value);
      return;
    } catch {
      fallBack();
    }
  }
  memory.set(key, value);
}

function remove(key) {
  try {
    sessionStorage.removeItem(key);
  } catch { /* falls back below */ }
  memory?.set(key, null);
}

const sessionKey = (provider) => `fitconnect:session:${provider}`;
const txKey = (provider) => `fitconnect:tx:${provider}`;

// The last stored text seen per provider and the session the core read from it, so that a Bearer
// fetch costs one storage read and no core call while the session is unchanged.
const checked = new Map();

/** The stored session (never handed out: callers get copies). A corrupt or foreign value is removed. */
function load(provider) {
  const text = read(sessionKey(provider));
  if (text == null) return null;
  const last = checked.get(provider);
  if (last?.text === text) return last.session;
  const session = JSON.parse(core('loadSession', provider, parse(text)));
  if (session) checked.set(provider, { text, session });
  else remove(sessionKey(provider));
  return session;
}

const listeners = new Set();

function notify(provider, session) {
  for (const l of [...listeners]) {
    if (l.provider !== provider) continue;
    try {
      l.callback(session && { ...session });
    } catch { /* a throwing listener must not break the SDK or the other listeners */ }
  }
}

/**
 * Stores the session the core answered (`text`) and tells the listeners; returns a copy. A core
 * error is thrown (see `ok`) and nothing is stored.
 */
function save(provider, text) {
  const session = ok(text, provider);
  write(sessionKey(provider), text);
  notify(provider, session);
  return { ...session };
}

function clear(provider) {
  const had = read(sessionKey(provider)) != null;
  remove(sessionKey(provider));
  if (had) notify(provider, null);
}

// ---------- tabs ----------

// Tabs holding the same session (sessionStorage is copied into duplicated tabs and windows
// opened from a page) must not both spend a single-use refresh token: refreshes take a Web Lock
// shared by all tabs, and the winner announces the rotated session here. A tab whose refresh
// token is the one just spent adopts it. The token itself is never sent: only its SHA-256.
const ROTATION = 'fitconnect:rotation';
let listening = false;

function listen() {
  if (listening || typeof BroadcastChannel !== 'function') return;
  listening = true;
  new BroadcastChannel(ROTATION).onmessage = ({ data }) => {
    const { provider, from, session } = data ?? {};
    if (typeof provider !== 'string' || typeof from !== 'string' || typeof session !== 'string') return;
    const current = load(provider);
    if (!current?.refreshToken || core('fingerprint', current.refreshToken) !== from) return;
    const text = core('loadSession', provider, parse(session));
    if (text !== 'null') save(provider, text);
  };
}

function announce(provider, spent, text) {
  if (typeof BroadcastChannel !== 'function') return;
  const channel = new BroadcastChannel(ROTATION);
  channel.postMessage({ provider, from: core('fingerprint', spent), session: text });
  channel.close();
}

// ---------- requests ----------

async function send(request, provider) {
  try {
    return await fetch(request);
  } catch {
    throw error('network_error', 'The request got no HTTP answer', provider);
  }
}

const bearer = (request, session) => request.headers.set('Authorization', `Bearer ${session.accessToken}`);

// Longest token response read, in UTF-16 code units.
const MAX_TOKEN_RESPONSE = 64 * 1024;

// Refreshes under way, one per provider, shared by every instance on the page.
const refreshing = new Map();

// ---------- options ----------

const SECRET_OPTION = 'A client secret must never reach the browser: keep it in the token broker';

/**
 * Reads a constructor's options object: `null` and `undefined` members are absent; a present
 * member of the wrong type, a missing required one and any member named like a secret (also in
 * a nested object) are `invalid_config`.
 */
function reader(options) {
  const config = (message) => error('invalid_config', message);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw config('options must be an object');
  const secretNamed = (o) => Object.keys(o).some((name) => /secret/i.test(name));
  if (secretNamed(options) || Object.values(options).some((v) => v !== null && typeof v === 'object' && secretNamed(v))) {
    throw config(SECRET_OPTION);
  }
  const read = (from) => {
    const string = (name) => {
      const v = from[name] ?? undefined;
      if (v !== undefined && typeof v !== 'string') throw config('a string option has another type');
      return v;
    };
    return {
      string,
      required(name, message = `${name} is required`) {
        const v = string(name);
        if (!v?.trim()) throw config(message);
        return v;
      },
      flag(name, fallback) {
        const v = from[name] ?? fallback;
        if (typeof v !== 'boolean') throw config('a boolean option has another type');
        return v;
      },
      count(name, fallback) {
        const v = from[name] ?? fallback;
        if (!Number.isSafeInteger(v) || v <= 0) throw config('a numeric option must be a positive number');
        return v;
      },
      object: (name) => read(from[name]),
      raw: (name) => from[name] ?? undefined,
    };
  };
  return read(options);
}

/** The provider's API base, token endpoint and authorise URL, from the core. */
const endpoints = (provider, baseUrl = '', clientId = '', callbackUri = '', environment = '', identityUrl = '') =>
  ok(core('endpoints', provider, baseUrl, clientId, callbackUri, environment, identityUrl), provider);

const TOKEN_ENDPOINT_REQUIRED = "tokenEndpoint (your server's token URL) is required";

/** What every provider class shares: its session, Bearer fetch, token requests and refresh. */
class Client {
  #c;
  #api;

  /** `configure(o)` reads the options (see `reader`) into the client's configuration. */
  constructor(provider, options, configure) {
    if (typeof window === 'undefined') throw error('invalid_config', 'fitconnect needs a browser window; it cannot run here');
    if (!loaded()) throw error('invalid_config', 'fitconnect is not loaded yet: call init() and wait for it first');
    let c;
    try {
      c = { provider, clientId: '', ...configure(reader(options)) };
    } catch (e) {
      e.provider ??= provider;
      throw e;
    }
    this.#c = c;
    this.#api = new URL(c.baseUrl).origin;
    // A relative token endpoint (`/broker/...`) is the app's own server: resolve it now.
    if (c.tokenUrl) {
      try {
        c.tokenUrl = new URL(c.tokenUrl, location.href).href;
      } catch {
        throw error('invalid_config', 'the token endpoint is not a valid URL', provider);
      }
    }
    listen();
  }

  /** The client's configuration, as the core calls take it (see src/core/api.rs for its fields). */
  get _config() {
    return this.#c;
  }

  /**
   * The current session, or `null`.
   * @example
   * if (client.session) console.log('connected until', new Date(client.session.expiresAt));
   */
  get session() {
    const s = load(this.#c.provider);
    return s && { ...s };
  }

  /**
   * Forgets the session (and tells `onSessionChange` subscribers).
   * @example
   * disconnectButton.onclick = () => client.disconnect();
   */
  disconnect() {
    clear(this.#c.provider);
  }

  /**
   * Calls `callback(session | null)` whenever the session changes; returns the unsubscribe function.
   * @example
   * const unsubscribe = client.onSessionChange((session) => render(session));
   */
  onSessionChange(callback) {
    if (typeof callback !== 'function') throw error('invalid_config', 'onSessionChange takes a function');
    const entry = { provider: this.#c.provider, callback };
    listeners.add(entry);
    return () => { listeners.delete(entry); };
  }

  #current() {
    const s = load(this.#c.provider);
    if (!s) throw error('not_connected', 'Not connected to this provider', this.#c.provider);
    return s;
  }

  #canRefresh(session) {
    return !!(this.#c.tokenUrl && session.refreshToken);
  }

  /**
   * `fetch` to the provider's API with the user's Bearer token. Relative paths resolve against
   * the API base URL; any other origin is refused. An expired token is refreshed first where the
   * provider issues refresh tokens, and a 401 answer then leads to one refresh and one retry.
   * @example
   * const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
   */
  async fetch(pathOrUrl, init) {
    const { provider, baseUrl, skewMs } = this.#c;
    if (typeof pathOrUrl !== 'string') throw error('invalid_config', 'fetch takes a path or a URL string', provider);
    let url;
    try {
      // A path resolves below the base URL's own path, not against the host root alone.
      url = new URL(pathOrUrl, `${baseUrl}/`);
    } catch {
      throw error('invalid_config', 'the request URL is not valid', provider);
    }
    // Another host, `http:` for an `https:` API, a protocol-relative `//host`: never the token.
    if (url.origin !== this.#api) throw error('invalid_config', "Refusing to send the provider's token to another origin", provider);
    let session = this.#current();
    if (session.expiresAt != null && session.expiresAt <= Date.now() + skewMs) {
      if (!this.#canRefresh(session)) {
        clear(provider);
        throw error('not_connected', 'The session expired', provider);
      }
      await this._refresh();
      session = this.#current();
    }
    let request;
    try {
      request = new Request(url.href, init);
    } catch {
      throw error('invalid_config', 'fetch options are not a valid RequestInit', provider);
    }
    // Copied before sending: the body of a sent request cannot be read again.
    let retry = null;
    if (this.#canRefresh(session)) {
      try {
        retry = request.clone();
      } catch { /* a body that cannot be copied is sent once */ }
    }
    bearer(request, session);
    const response = await send(request, provider);
    if (response.status !== 401 && response.status !== 403) return response;
    const reaction = ok(core('challenge', response.status, response.headers.get('WWW-Authenticate') ?? ''), provider);
    if (!reaction.retry || !retry) return response;
    // Another call may have refreshed while this one was in flight.
    if (this.#current().accessToken === session.accessToken) await this._refresh();
    bearer(retry, this.#current());
    return send(retry, provider);
  }

  /**
   * POSTs a token request: `body` is JSON text, or the request's fields, sent as JSON to the app's
   * server and as a form to the provider's own endpoint. Resolves with `[status, parsed answer]`.
   */
  async #post(body) {
    const { provider, tokenUrl, tokenStyle } = this.#c;
    const json = tokenStyle === 'json';
    const response = await send(new Request(tokenUrl, {
      method: 'POST',
      body: typeof body === 'string' ? body : json ? JSON.stringify(body) : new URLSearchParams(body),
      headers: {
        'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
    }), provider);
    let text;
    try {
      text = await response.text();
    } catch {
      throw error('network_error', 'The response body could not be read', provider);
    }
    // Token responses are a few hundred bytes.
    if (text.length > MAX_TOKEN_RESPONSE) throw error('invalid_response', 'The token response is too large', provider);
    return [response.status, parse(text)];
  }

  /**
   * Obtains a session from a token request (code exchange or password login) whose body `build()`
   * returns (see `#post`), stores it and resolves with it.
   */
  async _signIn(build) {
    const provider = this.#c.provider;
    const [status, body] = await this.#post(build());
    return save(provider, core('tokenResponse', provider, status, body, Date.now(), null));
  }

  /** Refreshes the session, or joins the refresh already under way for this provider. */
  _refresh() {
    const provider = this.#c.provider;
    let running = refreshing.get(provider);
    if (!running) {
      running = this.#refreshNow().finally(() => refreshing.delete(provider));
      refreshing.set(provider, running);
    }
    return running;
  }

  // Refreshes under the cross-tab lock. If another tab holds it, that tab is refreshing the same
  // session: wait for it, then adopt its result rather than spend the token again.
  async #refreshNow() {
    const spent = this.#current().refreshToken;
    const name = `fitconnect:refresh:${this.#c.provider}`;
    for (const ifAvailable of [true, false]) {
      const done = await withLock(name, ifAvailable, (acquired) =>
        acquired && this.#refreshHoldingLock(spent, !ifAvailable).then(() => true));
      if (done) return;
    }
  }

  async #refreshHoldingLock(spent, contended) {
    const provider = this.#c.provider;
    if (contended) {
      // The other tab announces its result just before it releases the lock; give the message a
      // moment to arrive (bounded: 15 x 20 ms).
      for (let i = 0; i < 15 && this.#current().refreshToken === spent; i++) await sleep(20);
    }
    const session = this.#current();
    // Adopted from another tab meanwhile.
    if (session.refreshToken !== spent) return;
    if (!this.#canRefresh(session)) {
      clear(provider);
      throw error('not_connected', 'The session expired and cannot be refreshed', provider);
    }
    const [status, answer] = await this.#post({ grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: this.#c.clientId });
    const renewed = core('tokenResponse', provider, status, answer, Date.now(), session);
    try {
      // Rotation: the new refresh token replaces the old one in the same write.
      save(provider, renewed);
    } catch (e) {
      // The provider refused the refresh token: the session is over. Other failures (network,
      // server errors) keep it, so that a later call can try again.
      if (e.code === 'oauth_error' || e.code === 'access_denied') clear(provider);
      throw e;
    }
    announce(provider, spent, renewed);
  }
}

// ---------- FitRankings ----------

const POPUP_WIDTH = 400;
const POPUP_HEIGHT = 600;
// Popups open for sign-in, per provider: a second connect() focuses the first.
const popups = new Map();

/**
 * FitRankings client: sign-in in a 400x600 popup, the user token delivered to your callback page.
 * @example
 * const fitrankings = new FitRankings({ clientId: 'your-client-id', callbackUri: 'https://app.example/callback.html' });
 * button.onclick = async () => {
 *   const session = await fitrankings.connect();
 *   const activities = await (await fitrankings.fetch('/iq/activities/?page=1&page_size=20')).json();
 * };
 */
export class FitRankings extends Client {
  /**
   * `options`: `{ clientId, callbackUri, baseUrl?, timeoutMs? }`; throws `FitConnectError`
   * (`invalid_config`) for missing options or an option named like a secret.
   */
  constructor(options) {
    super('fitrankings', options, (o) => {
      const clientId = o.required('clientId');
      const callbackUri = o.required('callbackUri');
      const timeoutMs = o.count('timeoutMs', 300_000);
      return { clientId, timeoutMs, ...endpoints('fitrankings', o.string('baseUrl'), clientId, callbackUri) };
    });
  }

  /**
   * Opens the FitRankings sign-in popup and resolves with the session once the user allowed
   * access. Call it directly in a click handler: the popup opens before this returns.
   * Rejects with `popup_blocked`, `popup_closed`, `timeout`, `interaction_in_progress` or
   * `invalid_callback`.
   */
  connect() {
    const { provider, popupUrl, timeoutMs } = this._config;
    const open = popups.get(provider);
    if (open && !open.closed) {
      try {
        open.focus();
      } catch { /* gone meanwhile */ }
      return Promise.reject(error('interaction_in_progress', 'A sign-in window is already open', provider));
    }
    // Centred over this window; opened in this task, before anything is awaited.
    const left = Math.max(0, Math.trunc(screenX + (outerWidth - POPUP_WIDTH) / 2));
    const top = Math.max(0, Math.trunc(screenY + (outerHeight - POPUP_HEIGHT) / 2));
    const popup = window.open(popupUrl, `fitconnect-${provider}`,
      `popup=yes,width=${POPUP_WIDTH},height=${POPUP_HEIGHT},left=${left},top=${top}`);
    if (!popup) return Promise.reject(error('popup_blocked', 'The browser blocked the sign-in popup', provider));
    popups.set(provider, popup);
    return waitForCallback(popup, timeoutMs, provider)
      .finally(() => { if (popups.get(provider) === popup) popups.delete(provider); })
      .then((m) => save(provider, core('popupCallback', provider, m.search, m.hash)));
  }
}

// ---------- FitBark ----------

// The completion started on this page load, with the state it answered: a second
// completeAuthorization() (React StrictMode runs effects twice) gets the same promise instead of
// exchanging the code again.
let completion = null;

/**
 * FitBark client: the authorisation-code redirect with state and PKCE; your server exchanges the code.
 * @example
 * const fitbark = new FitBark({ clientId: 'abc', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' });
 * if (fitbark.hasAuthorizationResponse()) await fitbark.completeAuthorization();
 * const dogs = await (await fitbark.fetch('/api/v2/dog_relations')).json();
 */
export class FitBark extends Client {
  /** `options`: `{ clientId, redirectUri, tokenEndpoint, baseUrl?, scope?, pkce? }`. */
  constructor(options) {
    super('fitbark', options, (o) => {
      const clientId = o.required('clientId');
      const redirectUri = o.required('redirectUri');
      const tokenUrl = o.required('tokenEndpoint', TOKEN_ENDPOINT_REQUIRED);
      const { baseUrl, skewMs } = endpoints('fitbark', o.string('baseUrl'));
      return { baseUrl, clientId, skewMs, tokenUrl, tokenStyle: 'json', redirectUri, scope: o.string('scope') || undefined, pkce: o.flag('pkce', true) };
    });
  }

  /**
   * Starts an authorisation: stores a new transaction (state, PKCE verifier) and returns the
   * provider's authorise URL to navigate to.
   */
  authorizeUrl() {
    const provider = this._config.provider;
    if (!globalThis.crypto?.getRandomValues) throw error('invalid_config', 'crypto.getRandomValues is not available', provider);
    const r = ok(core('begin', this._config, Array.from(crypto.getRandomValues(new Uint8Array(64))), Date.now()), provider);
    write(txKey(provider), r.tx);
    return r.url;
  }

  /** Starts an authorisation and sends the browser to the provider's authorise page. */
  authorize() {
    location.assign(this.authorizeUrl());
  }

  /** Whether the current address carries an authorisation response (`state` with `code` or `error`). */
  hasAuthorizationResponse() {
    return ok(core('inspect', location.search)).response;
  }

  /**
   * On the redirect page: validates the response against the stored transaction, removes it from
   * the address bar, exchanges the code through `tokenEndpoint`, stores and returns the session.
   * Calling it again on the same page returns the same promise. Rejects with `state_mismatch`,
   * `access_denied`, `oauth_error`, `invalid_callback` or `invalid_response`.
   */
  completeAuthorization() {
    const provider = this._config.provider;
    const search = location.search;
    const seen = ok(core('inspect', search));
    if (completion?.provider === provider && (!seen.response || completion.state === seen.state)) return completion.promise;
    // Consumed before the first await, so that the code can be exchanged only once.
    const tx = parse(read(txKey(provider)));
    remove(txKey(provider));
    history.replaceState(history.state, '', location.pathname + seen.clean + location.hash);
    let promise;
    try {
      const { body } = ok(core('complete', this._config, search, tx, Date.now()), provider);
      promise = this._signIn(() => body);
    } catch (e) {
      promise = Promise.reject(e);
    }
    completion = { provider, state: seen.state, promise };
    return promise;
  }
}

// ---------- the password-grant providers ----------

// The resource-owner password grant is legacy (RFC 9700 §2.4 says it must not be used): these
// providers offer nothing else. The password goes into the one request body and nowhere else
// (not into the WebAssembly core either).

function text(value, name) {
  if (value == null) return '';
  if (typeof value !== 'string') throw error('invalid_config', `${name} must be a string`);
  return value;
}

/**
 * Signs `client` in with the password grant (RFC 6749 §4.3.2): to the provider's own endpoint
 * with its `scope` and the client id when there is one, or to the app's server (JSON), which adds
 * the client's credentials.
 */
function passwordLogin(client, credentials) {
  return client._signIn(() => {
    const { provider, clientId, scope, tokenStyle } = client._config;
    if (credentials === null || typeof credentials !== 'object') throw error('invalid_config', 'credentials must be an object', provider);
    const username = text(credentials.username, 'username');
    const password = text(credentials.password, 'password');
    if (!username.trim()) throw error('invalid_config', 'username is required', provider);
    if (!password) throw error('invalid_config', 'password is required', provider);
    return tokenStyle === 'json'
      ? { grant_type: 'password', username, password }
      : { grant_type: 'password', ...(scope && { scope }), ...(clientId && { client_id: clientId }), username, password };
  });
}

/**
 * PerfectGym (API v1): password or Facebook-token login on the club's host. No refresh token is
 * issued: an expired session is cleared and `fetch` rejects with `not_connected`.
 * @example
 * const gym = new PerfectGym({ baseUrl: 'https://yourclub.perfectgym.com' });
 * await gym.login({ username: 'member@example.com', password: form.password.value });
 */
export class PerfectGym extends Client {
  /** `options`: `{ baseUrl }`, the club's host. */
  constructor(options) {
    super('perfectgym', options, (o) => ({ ...endpoints('perfectgym', o.required('baseUrl')), tokenStyle: 'form' }));
  }

  /** Signs in with a user name (or e-mail) and password. A wrong password rejects with `oauth_error`. */
  login(credentials) {
    return passwordLogin(this, credentials);
  }

  /** Signs in with a Facebook access token. */
  loginWithFacebook(facebookToken) {
    return this._signIn(() => {
      const token = text(facebookToken, 'facebookToken');
      if (!token) throw error('invalid_config', 'facebookToken is required', 'perfectgym');
      return { grant_type: 'password', facebookToken: token };
    });
  }
}

/**
 * OpenFIT: password login on the identity server, refresh with rotating single-use refresh
 * tokens, proactively when less than `refreshSkewSeconds` (default 300) of life remain.
 * @example
 * const openfit = new OpenFit({ clientId: 'abc', environment: 'production' });
 * await openfit.login({ username, password });
 */
export class OpenFit extends Client {
  /** `options`: `{ clientId, environment?, refreshSkewSeconds? }`. */
  constructor(options) {
    super('openfit', options, (o) => {
      const clientId = o.required('clientId');
      const environment = o.raw('environment');
      let hosts;
      if (environment !== null && typeof environment === 'object') {
        const env = o.object('environment');
        const identityUrl = env.required('identityUrl', 'environment.identityUrl is required');
        hosts = endpoints('openfit', env.required('apiUrl', 'environment.apiUrl is required'), '', '', 'custom', identityUrl);
      } else {
        hosts = endpoints('openfit', '', '', '', o.string('environment') ?? '');
      }
      const skewMs = o.count('refreshSkewSeconds', hosts.skewMs / 1000) * 1000;
      return { ...hosts, clientId, skewMs, tokenStyle: 'form' };
    });
  }

  /** Signs in with user name and password (`scope=OpenFitApi offline_access`). */
  login(credentials) {
    return passwordLogin(this, credentials);
  }
}

/**
 * Fisikal: the password grant needs the client id and secret, so login and refresh go through
 * the app's own server (`tokenEndpoint`); API calls go to the instance with the Bearer token.
 * @example
 * const fisikal = new Fisikal({ baseUrl: 'https://yourgym.fisikal.com', tokenEndpoint: '/broker/fisikal/token' });
 * await fisikal.login({ username, password });
 */
export class Fisikal extends Client {
  /** `options`: `{ baseUrl, tokenEndpoint }`. */
  constructor(options) {
    super('fisikal', options, (o) => {
      const baseUrl = o.required('baseUrl');
      const tokenUrl = o.required('tokenEndpoint', TOKEN_ENDPOINT_REQUIRED);
      return { ...endpoints('fisikal', baseUrl), tokenUrl, tokenStyle: 'json' };
    });
  }

  /** Signs in with user name and password through your server. */
  login(credentials) {
    return passwordLogin(this, credentials);
  }
}

// ---------- the callback page ----------

/**
 * Hands the callback's query and fragment to the window that opened this popup, then closes it.
 * The message goes to the opener with this page's own origin as the target, so no other site can
 * read it. Without an opener (cut by `Cross-Origin-Opener-Policy` or `noopener`), it goes over a
 * BroadcastChannel of this origin instead. The token is removed from the address bar first.
 * Needs no init().
 */
export function handleCallback() {
  try {
    const message = { type: MESSAGE_TYPE, search: location.search, hash: location.hash };
    history.replaceState(null, '', location.pathname);
    let sent = false;
    if (window.opener) {
      try {
        window.opener.postMessage(message, location.origin);
        sent = true;
      } catch { /* falls back to the channel */ }
    }
    if (!sent) {
      const channel = new BroadcastChannel(CHANNEL);
      channel.postMessage(message);
      channel.close();
    }
    window.close();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}
