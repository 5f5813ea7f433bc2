// <fitconnect-button>: a connect button any page can embed, with or without a framework.
// The package's entry (npm/fitconnect.js) imports it, and its `defineConnectButtons(options)` calls
// `define(options, create, providers)` with two Rust exports: `create(provider, options)` returns a
// new client of the provider's class (or throws a FitConnectError) and `providers` is their table.
// So this module imports no SDK class, and no Rust code imports it: an app that defines no buttons
// ships none of it. scripts/build.sh puts it beside the wasm-bindgen snippet ./error.js.
//
// Nothing here touches window, HTMLElement or customElements when the module is evaluated:
// server-side rendering may import the package in Node.
import { FitConnectError } from './error.js';

/** The tag `defineConnectButtons()` registers unless told otherwise. */
const DEFAULT_TAG = 'fitconnect-button';

const EVENT = {
  connected: 'fitconnect:connected',
  disconnected: 'fitconnect:disconnected',
  error: 'fitconnect:error',
};

// Attribute readers, by the kind the provider's description gives. URLs may be relative to the
// page's address (never to a <base> element, which injected HTML could set): the SDK needs
// absolute ones.
const url = (v) => new URL(v, location.href).href;
const READ = { text: (v) => v, url, number: (v) => Number(v), flag: (v) => v !== 'false' };

// The providers as Rust describes them (src/providers): id -> { name, flow, attributes }, where
// each attribute is { name, option, kind } and an option `a.b` sets `b` inside the object option `a`.
// Set by define(); nothing here repeats what the SDK knows.
let PROVIDERS = {};
let OBSERVED = ['provider'];

// Short messages for the line under the button; the full error travels in the event.
const MESSAGES = {
  popup_blocked: 'The browser blocked the sign-in window. Allow pop-ups for this site and try again.',
  popup_closed: 'The sign-in window was closed before it finished.',
  timeout: 'Signing in took too long and was stopped.',
  state_mismatch: 'The sign-in answer did not match this page’s request, so it was ignored.',
  invalid_callback: 'The sign-in answer was incomplete.',
  access_denied: 'Access was not granted.',
  invalid_response: 'The provider sent an answer that could not be read.',
  http_error: 'The provider answered with an error.',
  network_error: 'The provider could not be reached. Check your connection.',
  storage_unavailable: 'This browser does not let the page keep the session.',
  not_connected: 'Not connected.',
  invalid_config: 'This button is not set up correctly.',
};

function describe(error) {
  if (error?.code === 'oauth_error') {
    return error.oauthError === 'invalid_grant' ? 'The username or password is incorrect.' : 'The provider refused the sign-in.';
  }
  return MESSAGES[error?.code] ?? 'Something went wrong.';
}

// Options given to defineConnectButtons(), per provider. Attributes override them, except the URL
// options (where tokens, passwords and users are sent): those the app set win.
const defaults = {};

// The client factory from the Rust side: create(provider, options) -> a new client.
let create = null;

// A page load carries at most one FitBark authorisation response: one element completes it.
let fitbarkCompletionStarted = false;

const svg = (body) => `<svg viewBox="0 0 20 20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
const ICONS = {
  // Idle: what the click does: a popup, a trip to the provider, or a sign-in form.
  popup: svg('<path d="M8 5H5.5A1.5 1.5 0 0 0 4 6.5v8A1.5 1.5 0 0 0 5.5 16h8a1.5 1.5 0 0 0 1.5-1.5V12M11 4h5v5M16 4l-7 7"/>'),
  redirect: svg('<path d="M4 10h11M11 5.5 15.5 10 11 14.5"/>'),
  password: svg('<rect x="4.5" y="9" width="11" height="7.5" rx="1.5"/><path d="M7 9V6.8a3 3 0 0 1 6 0V9"/>'),
  connecting: '<svg viewBox="0 0 20 20" aria-hidden="true" class="spin" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"><circle cx="10" cy="10" r="7" stroke-opacity=".25"/><path d="M17 10a7 7 0 0 0-7-7"/></svg>',
  connected: svg('<path d="M8 16H5.5A1.5 1.5 0 0 1 4 14.5v-9A1.5 1.5 0 0 1 5.5 4H8M12 6.5 15.5 10 12 13.5M15.5 10H8"/>'),
  error: svg('<path d="M16 10a6 6 0 1 1-1.8-4.3M16 3.5v3.7h-3.7"/>'),
};

// The shadow root's stylesheet.
const STYLE = `:host {
  --_bg: #ffffff; --_fg: #1f2328; --_border: #c8cdd4; --_hover: #f2f4f7; --_muted: #59636e;
  --_ok: #1a7f37; --_danger: #b42318; --_focus: #2563eb; --_dialog-bg: #ffffff; --_field-bg: #ffffff;
  display: inline-block;
  vertical-align: middle;
  font-family: var(--fitconnect-button-font, inherit);
  color: var(--_fg);
}
@supports (color: light-dark(#fff, #000)) {
  /* Follows the page's color-scheme; a page without one stays light. */
  :host {
    --_bg: light-dark(#ffffff, #22272e); --_fg: light-dark(#1f2328, #e6edf3);
    --_border: light-dark(#c8cdd4, #444c56); --_hover: light-dark(#f2f4f7, #2d333b);
    --_muted: light-dark(#59636e, #9ea7b3); --_ok: light-dark(#1a7f37, #57ab5a);
    --_danger: light-dark(#b42318, #f47067); --_focus: light-dark(#2563eb, #6cb6ff);
    --_dialog-bg: light-dark(#ffffff, #22272e); --_field-bg: light-dark(#ffffff, #1c2128);
  }
}
:host([hidden]) { display: none; }
.root { display: inline-flex; flex-direction: column; align-items: flex-start; gap: 0.375rem; max-width: 100%; }
button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.5rem;
  min-height: 2.5rem; margin: 0;
  padding: var(--fitconnect-button-padding, 0.5rem 1rem);
  font: inherit;
  font-size: var(--fitconnect-button-font-size, 0.9375rem);
  font-weight: var(--fitconnect-button-font-weight, 600);
  line-height: 1.25;
  color: var(--fitconnect-button-color, var(--_fg));
  background: var(--fitconnect-button-bg, var(--_bg));
  border: var(--fitconnect-button-border, 1px solid var(--_border));
  border-radius: var(--fitconnect-button-radius, 0.5rem);
  box-shadow: var(--fitconnect-button-shadow, 0 1px 2px rgb(16 24 40 / 0.08));
  cursor: pointer;
  transition: background-color 0.15s, border-color 0.15s, box-shadow 0.15s;
}
button:hover { background: var(--fitconnect-button-hover-bg, var(--_hover)); }
button:focus-visible { outline: 2px solid var(--fitconnect-focus-color, var(--_focus)); outline-offset: 2px; }
button:disabled { cursor: default; opacity: 0.6; }
button[aria-busy="true"] { cursor: progress; }
svg { width: 1.125em; height: 1.125em; flex: none; display: block; }
.label { text-align: start; }
.spin { animation: spin 0.8s linear infinite; }
@keyframes spin { to { transform: rotate(1turn); } }
@media (prefers-reduced-motion: reduce) { .spin { animation: none; } }
.status { margin: 0; max-width: 18rem; font-size: 0.8125rem; line-height: 1.35; color: var(--_muted); display: inline-flex; align-items: center; gap: 0.375rem; }
.status:empty { display: none; }
:host([state="connected"]) .status { color: var(--fitconnect-success-color, var(--_ok)); }
:host([state="connected"]) .status::before { content: ""; width: 0.5rem; height: 0.5rem; border-radius: 50%; background: currentColor; }
:host([state="error"]) .status { color: var(--fitconnect-error-color, var(--_danger)); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }

dialog {
  width: min(22rem, calc(100vw - 2rem)); padding: 1.5rem; margin: auto;
  color: var(--_fg); background: var(--fitconnect-dialog-bg, var(--_dialog-bg));
  border: 1px solid var(--_border); border-radius: var(--fitconnect-dialog-radius, 0.75rem);
  box-shadow: 0 20px 48px rgb(16 24 40 / 0.22);
  font-family: var(--fitconnect-button-font, inherit);
}
dialog::backdrop { background: rgb(16 24 40 / 0.45); }
h2 { margin: 0 0 0.25rem; font-size: 1.125rem; line-height: 1.3; }
.note { margin: 0 0 1rem; font-size: 0.8125rem; color: var(--_muted); line-height: 1.4; }
form { display: grid; gap: 0.875rem; }
label { display: grid; gap: 0.3rem; font-size: 0.875rem; font-weight: 600; }
input {
  font: inherit; font-weight: 400; font-size: 0.9375rem; padding: 0.5rem 0.625rem; min-height: 2.5rem;
  color: inherit; background: var(--_field-bg); border: 1px solid var(--_border); border-radius: 0.375rem;
}
input:focus-visible { outline: 2px solid var(--fitconnect-focus-color, var(--_focus)); outline-offset: 1px; border-color: transparent; }
.form-error { margin: 0; font-size: 0.8125rem; color: var(--fitconnect-error-color, var(--_danger)); }
.form-error:empty { display: none; }
.actions { display: flex; justify-content: flex-end; gap: 0.5rem; margin-top: 0.25rem; }
.primary {
  color: var(--fitconnect-primary-color, #ffffff); background: var(--fitconnect-primary-bg, var(--_focus)); border-color: transparent;
}
.primary:hover { background: var(--fitconnect-primary-bg, var(--_focus)); filter: brightness(0.93); }
`;

function browserOnly() {
  return new FitConnectError(
    'invalid_config',
    'defineConnectButtons() needs a browser: call it in client-side code, not during server-side rendering',
  );
}

function createButtonClass() {
  return class FitConnectButtonElement extends HTMLElement {
    static get observedAttributes() {
      return OBSERVED;
    }

    #root;
    #button;
    #icon;
    #label;
    #status;
    #dialog = null;
    #client = null;
    #clientFor = null;
    #unsubscribe = null;
    #state = 'idle';
    #message = '';
    #options = {};

    constructor() {
      super();
      this.#root = this.attachShadow({ mode: 'open' });
      this.#root.innerHTML = `<style>${STYLE}</style><div class="root"><button type="button" part="button"><span class="icon"></span><span class="label" part="label"></span></button><p class="status" part="status" role="status"></p></div>`;
      this.#button = this.#root.querySelector('button');
      this.#icon = this.#root.querySelector('.icon');
      this.#label = this.#root.querySelector('.label');
      this.#status = this.#root.querySelector('.status');
      this.#button.addEventListener('click', () => this.#onClick());
    }

    /** The provider id from the `provider` attribute. */
    get provider() {
      return this.getAttribute('provider');
    }

    set provider(value) {
      this.setAttribute('provider', value);
    }

    /** `idle`, `connecting`, `connected` or `error`; also reflected as the `state` attribute. */
    get state() {
      return this.#state;
    }

    /** Options set from script; the element's attributes take precedence, except for URL options set here or in `defineConnectButtons()`. */
    get options() {
      return this.#options;
    }

    set options(value) {
      this.#options = value ?? {};
      this.#reset();
    }

    /** The SDK client this button uses, or `null` when its options are incomplete. */
    get client() {
      return this.#getClient(false);
    }

    /** The provider's current session, or `null`. */
    get session() {
      return this.client?.session ?? null;
    }

    /** Forgets the session, as the Disconnect button does. */
    disconnect() {
      const client = this.#getClient(false);
      if (!client) return;
      client.disconnect();
      this.#setState('idle');
      this.#emit(EVENT.disconnected, { provider: this.provider });
    }

    connectedCallback() {
      this.#attach();
      window.addEventListener('pageshow', this.#onPageShow);
    }

    disconnectedCallback() {
      this.#detach();
      window.removeEventListener('pageshow', this.#onPageShow);
      if (this.#dialog?.open) this.#dialog.close();
    }

    // Back from the provider's page (FitBark) restores this page from the back-forward cache as it
    // was when it left: still "Connecting…".
    #onPageShow = (event) => {
      if (event.persisted && this.#state === 'connecting') this.#setState(this.session ? 'connected' : 'idle');
    };

    attributeChangedCallback(name, oldValue, newValue) {
      if (oldValue !== newValue) this.#reset();
    }

    #reset() {
      this.#client = null;
      if (this.isConnected) {
        this.#detach();
        this.#attach();
      }
    }

    #info() {
      return PROVIDERS[this.provider] ?? null;
    }

    #attach() {
      const info = this.#info();
      const client = this.#getClient(true);
      if (!client) return;
      this.#unsubscribe = client.onSessionChange((session) => {
        // Another button (or the app) changed the shared session.
        if (session) this.#setState('connected');
        else if (this.#state === 'connected') this.#setState('idle');
      });
      this.#setState(client.session ? 'connected' : 'idle');
      if (info.flow === 'redirect' && !fitbarkCompletionStarted && client.hasAuthorizationResponse()) {
        fitbarkCompletionStarted = true;
        this.#track(client.completeAuthorization());
      }
    }

    #detach() {
      if (this.#unsubscribe) this.#unsubscribe();
      this.#unsubscribe = null;
    }

    // Builds the client from defaults, the `options` property and the attributes (in rising
    // precedence), except that a URL option the app set in script (defineConnectButtons() or the
    // `options` property) is never replaced by an attribute: HTML injected into the page must not
    // send a password or a token elsewhere.
    // `report`: show and dispatch a configuration error instead of just answering null.
    #getClient(report) {
      const info = this.#info();
      if (this.#client && this.#clientFor === this.provider) return this.#client;
      if (!info) {
        if (report) this.#fail(new FitConnectError('invalid_config', `Unknown provider "${this.provider ?? ''}"`));
        return null;
      }
      try {
        const appSet = { ...defaults[this.provider], ...this.#options };
        const options = { ...appSet };
        for (const { name, option, kind } of info.attributes) {
          if (!this.hasAttribute(name)) continue;
          const [outer, inner] = option.split('.');
          // A URL option the app set (or the object it belongs to) is not the page's to change.
          if (kind === 'url' && appSet[outer] != null) continue;
          const value = READ[kind](this.getAttribute(name));
          if (inner === undefined) options[outer] = value;
          else options[outer] = { ...(typeof options[outer] === 'object' ? options[outer] : {}), [inner]: value };
        }
        this.#client = create(this.provider, options);
        this.#clientFor = this.provider;
        return this.#client;
      } catch (error) {
        if (report) this.#fail(error);
        return null;
      }
    }

    #onClick() {
      const info = this.#info();
      if (this.#state === 'connected') {
        this.disconnect();
        return;
      }
      const client = this.#getClient(true);
      if (!client) return;
      if (info.flow === 'popup') {
        // The popup must open inside this click, so connect() comes before anything asynchronous.
        let started;
        try {
          started = client.connect();
        } catch (error) {
          started = Promise.reject(error);
        }
        this.#track(started);
      } else if (info.flow === 'redirect') {
        this.#setState('connecting');
        try {
          client.authorize();
        } catch (error) {
          this.#fail(error);
        }
      } else {
        this.#openDialog();
      }
    }

    // Follows a sign-in promise: connecting, then connected or error.
    #track(promise) {
      const before = this.#state;
      this.#setState('connecting');
      promise.then(
        (session) => {
          this.#setState('connected');
          this.#emit(EVENT.connected, session);
        },
        (error) => {
          // A sign-in window is already open (another click, or another button): the SDK focused it.
          if (error?.code === 'interaction_in_progress') {
            if (this.#state === 'connecting') this.#setState(before);
            return;
          }
          this.#fail(error);
        },
      );
      return promise;
    }

    #fail(error) {
      this.#message = describe(error);
      this.#setState('error');
      this.#emit(EVENT.error, error);
    }

    #emit(type, detail) {
      // composed: listeners outside any shadow root this element sits in hear it too.
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    #setState(state) {
      this.#state = state;
      if (state !== 'error') this.#message = '';
      const name = this.#info()?.name ?? 'account';
      this.setAttribute('state', state);
      const b = this.#button;
      b.setAttribute('aria-busy', String(state === 'connecting'));
      this.#icon.innerHTML = ICONS[state === 'idle' ? this.#info()?.flow ?? 'popup' : state];
      this.#label.replaceChildren();
      // The visible label stays short; the hidden part completes the accessible name.
      const hidden = (text) => {
        const span = document.createElement('span');
        span.className = 'visually-hidden';
        span.textContent = text;
        return span;
      };
      if (state === 'connecting') {
        this.#label.textContent = 'Connecting…';
        this.#status.textContent = '';
      } else if (state === 'connected') {
        this.#label.append('Disconnect', hidden(` ${name}`));
        this.#status.textContent = `Connected to ${name}`;
      } else if (state === 'error') {
        this.#label.append('Try again', hidden(` to connect ${name}`));
        this.#status.textContent = this.#message;
      } else {
        this.#label.textContent = `Connect ${name}`;
        this.#status.textContent = '';
      }
    }

    // The password providers' sign-in form. The password is read once, handed to login() and
    // cleared from the field; it is never kept or logged here.
    #openDialog() {
      const dialog = this.#dialog ?? this.#buildDialog();
      const form = dialog.querySelector('form');
      form.reset();
      dialog.querySelector('.form-error').textContent = '';
      this.#setBusy(false);
      dialog.showModal();
      form.elements.username.focus();
    }

    #buildDialog() {
      const info = this.#info();
      const dialog = document.createElement('dialog');
      dialog.setAttribute('part', 'dialog');
      dialog.setAttribute('aria-labelledby', 'title');
      dialog.setAttribute('aria-describedby', 'note');
      dialog.innerHTML = `<h2 id="title"></h2>
<p class="note" id="note">Your password is sent once to sign you in. It is not stored.</p>
<form novalidate>
  <label>Email or username<input name="username" part="input" autocomplete="username" autocapitalize="none" spellcheck="false" required></label>
  <label>Password<input name="password" type="password" part="input" autocomplete="current-password" required></label>
  <p class="form-error" role="alert"></p>
  <div class="actions">
    <button type="button" class="cancel" part="cancel">Cancel</button>
    <button type="submit" class="primary" part="submit">Sign in</button>
  </div>
</form>`;
      dialog.querySelector('h2').textContent = `Sign in to ${info.name}`;
      const form = dialog.querySelector('form');
      dialog.querySelector('.cancel').addEventListener('click', () => dialog.close());
      dialog.addEventListener('close', () => {
        form.elements.password.value = '';
        if (this.#state === 'error') this.#setState('idle');
        this.#button.focus();
      });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        this.#submit(form);
      });
      this.#root.append(dialog);
      this.#dialog = dialog;
      return dialog;
    }

    #setBusy(busy) {
      const submit = this.#dialog.querySelector('.primary');
      submit.disabled = busy;
      submit.setAttribute('aria-busy', String(busy));
      submit.textContent = busy ? 'Signing in…' : 'Sign in';
    }

    #submit(form) {
      const { username, password } = form.elements;
      const error = this.#dialog.querySelector('.form-error');
      const credentials = { username: username.value.trim(), password: password.value };
      password.value = '';
      if (!credentials.username || !credentials.password) {
        error.textContent = 'Enter your username and password.';
        (credentials.username ? password : username).focus();
        return;
      }
      const client = this.#getClient(true);
      if (!client) return;
      error.textContent = '';
      this.#setBusy(true);
      let started;
      try {
        started = client.login(credentials);
      } catch (e) {
        started = Promise.reject(e);
      }
      this.#track(started).then(
        () => this.#dialog.close(),
        (e) => {
          error.textContent = describe(e);
          password.focus();
        },
      ).finally(() => this.#setBusy(false));
    }
  };
}

/**
 * Registers the `<fitconnect-button>` custom element and returns its class; the entry's
 * `defineConnectButtons(options)` calls it with `create(provider, options)`, which makes a client.
 * Calling it again does nothing more than merge new `providers` defaults. Throws a
 * `FitConnectError` with code `invalid_config` outside a browser.
 */
export function define(options, factory, providers) {
  if (typeof window === 'undefined' || typeof customElements === 'undefined' || typeof HTMLElement === 'undefined') {
    throw browserOnly();
  }
  create = factory;
  PROVIDERS = Object.fromEntries(providers.map((p) => [p.id, p]));
  OBSERVED = ['provider', ...new Set(providers.flatMap((p) => p.attributes.map((a) => a.name)))];
  for (const [provider, values] of Object.entries(options?.providers ?? {})) {
    defaults[provider] = { ...defaults[provider], ...values };
  }
  const tag = options?.tagName ?? DEFAULT_TAG;
  const existing = customElements.get(tag);
  if (existing) return existing;
  const element = createButtonClass();
  customElements.define(tag, element);
  return element;
}
