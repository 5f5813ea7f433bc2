// fitconnect demo: one card per provider, built from the PROVIDERS table below.
import init, { FitRankings, FitBark, PerfectGym, OpenFit, Fisikal, defineConnectButtons } from '/pkg/fitconnect.js';
import { h, dash, relativeTime, shortToken } from './ui.js';
import { loadFitRankings, loadFitBark, loadPerfectGym, loadOpenFit, loadFisikal } from './views.js';

// ---------------------------------------------------------------------------
// Providers. Adding one means adding an entry here (and its block in /demo-config.json);
// the card, status, session and error handling are shared.
//   Client               the SDK class.
//   options(config)      the SDK options, for the class and for <fitconnect-button>; without it,
//                        the provider's config block as it is.
//   redirect             the provider sends the browser back to this page (a redirect sign-in);
//                        the other OAuth provider signs in in a pop-up.
//   signIn               password providers: the card shows a sign-in form (`extra`: other ways to
//                        sign in); the OAuth providers' cards use <fitconnect-button>, which opens
//                        the provider's own sign-in.
//   load(client, config) the data sections shown once connected.
// ---------------------------------------------------------------------------

const PROVIDERS = [
  {
    id: 'fitrankings',
    name: 'FitRankings',
    blurb: 'Activities from Fitbit, Garmin, Polar and other trackers, ranked.',
    Client: FitRankings,
    load: loadFitRankings,
  },
  {
    id: 'fitbark',
    name: 'FitBark',
    blurb: 'Activity, rest and play of your dogs and the dogs you follow.',
    Client: FitBark,
    // The provider sends the browser back to this page with ?code=&state= (or ?error=).
    redirect: true,
    load: loadFitBark,
  },
  {
    id: 'perfectgym',
    name: 'PerfectGym',
    blurb: 'Classes at your PerfectGym club, and the club’s timetable through the app’s server.',
    // Only the options the SDK takes: the config block also carries the sandbox account.
    options: (cfg) => ({ baseUrl: cfg.baseUrl }),
    Client: PerfectGym,
    signIn: {
      extra: [
        {
          label: 'Sign in with Facebook (sandbox token)',
          available: (cfg) => typeof cfg.facebookToken === 'string' && cfg.facebookToken !== '',
          run: (client, cfg) => client.loginWithFacebook(cfg.facebookToken),
        },
      ],
    },
    load: loadPerfectGym,
  },
  {
    id: 'openfit',
    name: 'OpenFIT',
    blurb: 'Clients and therapy sessions from the OpenFIT outcome-measurement platform.',
    options: (cfg) => ({
      clientId: cfg.clientId,
      environment: cfg.environment,
      ...(cfg.refreshSkewSeconds != null ? { refreshSkewSeconds: cfg.refreshSkewSeconds } : {}),
    }),
    Client: OpenFit,
    signIn: {},
    load: loadOpenFit,
  },
  {
    id: 'fisikal',
    name: 'Fisikal',
    blurb: 'Club locations and the class schedule of a gym running on Fisikal.',
    options: (cfg) => ({ baseUrl: cfg.baseUrl, tokenEndpoint: new URL(cfg.tokenEndpoint, window.location.href).href }),
    Client: Fisikal,
    signIn: {},
    load: loadFisikal,
  },
];

// The SDK options of a provider from its config block.
const sdkOptions = (provider, cfg) => (provider.options ? provider.options(cfg) : cfg);

// How a provider signs in, as its card tells it: the badge, and the status while a sign-in runs.
function flow(provider) {
  if (provider.signIn) return { label: 'Password sign-in', waiting: `Signing in to ${provider.name}…` };
  if (provider.redirect) return { label: 'Redirect sign-in', waiting: `Taking you to ${provider.name}…` };
  return { label: 'Pop-up sign-in', waiting: `Waiting for you in the ${provider.name} window…` };
}

// ---------------------------------------------------------------------------
// Error messages, per FitConnectError code. `during` is 'signin' or 'data'.
// ---------------------------------------------------------------------------

const again = (provider) => (provider?.signIn ? 'sign in again' : 'connect again');

const ERROR_TEXT = {
  popup_blocked: 'Your browser blocked the sign-in window. Allow pop-ups for this site and try again.',
  popup_closed: 'The sign-in window was closed before finishing.',
  timeout: 'Signing in took too long, so it was stopped. Please try again.',
  state_mismatch:
    'The sign-in response did not match the request this page sent, so it was ignored to keep your account safe. Please connect again.',
  invalid_callback: 'The provider sent back an incomplete sign-in response. Please try again.',
  access_denied: 'You declined access.',
  oauth_error: (e, provider, during) => {
    const name = provider?.name ?? 'The provider';
    if (e.oauthError === 'temporarily_unavailable') return `${name} is not available right now. Please try again in a moment.`;
    if (e.oauthError === 'invalid_grant') {
      // A password login refused for its credentials; later, a refresh token the provider no longer honours.
      if (provider?.signIn && during === 'signin') return 'Wrong user name or password.';
      if (during === 'data') return `Your session has ended: ${name} no longer accepts it. Please ${again(provider)}.`;
    }
    return `${name} refused the sign-in.`;
  },
  invalid_response: 'The provider sent an answer this page could not read. Please try again later.',
  http_error: (e, provider) =>
    e.status === 401
      ? `The provider no longer accepts this session. Please ${again(provider)}.`
      : `The provider answered with an error${e.status ? ` (HTTP ${e.status})` : ''}. Please try again later.`,
  network_error: 'Could not reach the provider. Check your connection and try again.',
  storage_unavailable:
    'This browser does not let the page keep your session (site storage is blocked). Allow site data and try again.',
  not_connected: (e, provider) =>
    provider?.signIn ? 'Your session has expired. Please sign in again.' : 'You are not connected. Connect first.',
  invalid_config: 'The app is set up incorrectly, so the request was stopped.',
  interaction_in_progress: 'A sign-in is already in progress. Finish it in the open window first.',
};

function describeError(err, provider, during) {
  const text = ERROR_TEXT[err?.code];
  if (typeof text === 'function') return text(err, provider, during);
  if (text) return text;
  return 'Something went wrong. Please try again.';
}

// ---------------------------------------------------------------------------
// Cards.
// ---------------------------------------------------------------------------

function buildCard(provider, client, config = {}) {
  const titleId = `${provider.id}-title`;
  const card = {
    provider,
    client,
    config,
    busy: false,
    loaded: false, // data requested for the current session
    generation: 0, // bumps when data is requested or the user disconnects, so stale answers are dropped
    controls: [], // what starts a sign-in: disabled until the SDK is ready and while one runs
    disconnectButton: h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Disconnect'),
    status: h('p', { class: 'status', role: 'status', 'data-testid': 'status' }, 'Not connected'),
    error: h('div', { class: 'error', role: 'alert', 'data-testid': 'error', hidden: true }),
    session: h('dl', { class: 'session', 'data-testid': 'session', hidden: true }),
    data: h('div', { class: 'data', 'data-testid': 'data' }),
  };
  if (provider.signIn) {
    card.signIn = buildSignInForm(card);
  } else {
    card.button = buildConnectButton(card);
  }
  card.root = h(
    'article',
    { class: 'card', 'data-provider': provider.id, 'data-state': 'disconnected', 'aria-labelledby': titleId },
    h(
      'header',
      { class: 'card-header' },
      h('h2', { id: titleId }, provider.name),
      h('span', { class: 'badge' }, flow(provider).label),
    ),
    h('p', { class: 'blurb' }, provider.blurb),
    card.status,
    provider.signIn
      ? [card.signIn, h('div', { class: 'actions' }, card.disconnectButton)]
      : h('div', { class: 'actions' }, card.button),
    card.error,
    card.session,
    card.data,
  );

  card.disconnectButton.addEventListener('click', () => {
    card.generation += 1;
    clearError(card);
    try {
      client.disconnect();
    } catch (err) {
      showError(card, err);
    }
    sync(card);
  });
  return card;
}

// The OAuth providers' Connect / Disconnect control: <fitconnect-button>, which opens the pop-up
// (or redirects) itself. The card follows it: its status while signing in, its errors in the card's
// error panel (the button's own line is hidden by style.css), its disconnect.
function buildConnectButton(card) {
  const button = h('fitconnect-button', { provider: card.provider.id, class: 'card-connect' });
  new MutationObserver(() => {
    if (button.getAttribute('state') === 'connecting') {
      clearError(card);
      card.busy = true;
      setStatus(card, 'busy', flow(card.provider).waiting);
    } else if (card.busy) {
      card.busy = false;
      sync(card);
    }
  }).observe(button, { attributes: true, attributeFilter: ['state'] });
  button.addEventListener('fitconnect:error', (event) => showError(card, event.detail, 'signin'));
  button.addEventListener('fitconnect:disconnected', () => {
    card.generation += 1;
    clearError(card);
  });
  return button;
}

// A labelled user name and password form for the password-grant providers, with the sandbox account
// (when the server runs the sandbox) shown next to it.
function buildSignInForm(card) {
  const { provider, config } = card;
  const ids = { user: `${provider.id}-username`, pass: `${provider.id}-password`, note: `${provider.id}-legacy-note` };
  const username = h('input', {
    id: ids.user,
    name: 'username',
    type: 'text',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    disabled: true,
  });
  const password = h('input', {
    id: ids.pass,
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    disabled: true,
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true }, `Sign in to ${provider.name}`);
  const extras = (provider.signIn.extra ?? [])
    .filter((x) => x.available(config))
    .map((x) => {
      const button = h('button', { type: 'button', class: 'btn btn-secondary', disabled: true }, x.label);
      button.addEventListener('click', () => startSignIn(card, () => x.run(card.client, config)));
      return button;
    });

  const account = config.sandboxAccount;
  let sandbox = null;
  if (account?.username && account?.password) {
    const fill = h('button', { type: 'button', class: 'btn btn-small', disabled: true }, 'Fill in');
    fill.addEventListener('click', () => {
      username.value = account.username;
      password.value = account.password;
      submit.focus();
    });
    sandbox = h(
      'div',
      { class: 'sandbox-account', role: 'note', 'data-testid': 'sandbox-account' },
      h('span', { class: 'sandbox-label' }, 'Sandbox account'),
      h('span', { class: 'sandbox-credentials' }, h('code', {}, account.username), ' / ', h('code', {}, account.password)),
      fill,
    );
    card.controls.push(fill);
  }
  card.controls.push(username, password, submit, ...extras);

  const form = h(
    'form',
    // POST, so that even a submit the script does not catch never puts the password in a URL.
    { class: 'signin', method: 'post', 'aria-label': `Sign in to ${provider.name}`, 'aria-describedby': ids.note },
    h('p', { class: 'legacy-note', id: ids.note }, `${provider.name} offers only the legacy password grant.`),
    sandbox,
    h(
      'div',
      { class: 'fields' },
      h('div', { class: 'field' }, h('label', { for: ids.user }, 'E-mail or user name'), username),
      h('div', { class: 'field' }, h('label', { for: ids.pass }, 'Password'), password),
    ),
    h('div', { class: 'actions' }, submit, extras),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (card.busy) return;
    const credentials = { username: username.value.trim(), password: password.value };
    // The page keeps no copy of the password, whatever the outcome.
    password.value = '';
    startSignIn(card, () => card.client.login(credentials));
  });
  return form;
}

function setSignInEnabled(card, enabled) {
  for (const control of card.controls) control.disabled = !enabled;
}

function startSignIn(card, start) {
  clearError(card);
  let pending;
  try {
    // No await before this call: the browser only allows the pop-up inside the click.
    pending = start();
  } catch (err) {
    pending = Promise.reject(err);
  }
  card.busy = true;
  setSignInEnabled(card, false);
  setStatus(card, 'busy', flow(card.provider).waiting);
  if (card.provider.redirect && !(pending instanceof Promise)) return; // the page is navigating away

  Promise.resolve(pending)
    .catch((err) => showError(card, err, 'signin'))
    .finally(() => {
      card.busy = false;
      setSignInEnabled(card, true);
      sync(card);
    });
}

function readSession(card) {
  try {
    return card.client?.session ?? null;
  } catch {
    return null;
  }
}

function setStatus(card, state, text) {
  card.root.dataset.state = state;
  card.status.textContent = text;
}

function clearError(card) {
  card.error.hidden = true;
  card.error.replaceChildren();
}

function showError(card, err, during = 'data') {
  // The SDK's errors carry no secrets; this page's own never see the password.
  console.warn(`[${card.provider.id}]`, err);
  const code = typeof err?.code === 'string' ? err.code : 'unexpected_error';
  const said =
    code === 'oauth_error' && typeof err.description === 'string' && err.description
      ? h('p', { class: 'error-detail', 'data-testid': 'error-description' }, `${card.provider.name} said: “${err.description}”`)
      : null;
  // replaceChildren() would print a null as the text "null": only present parts go in.
  const parts = [
    h('p', { class: 'error-text' }, describeError(err, card.provider, during)),
    said,
    h(
      'p',
      { class: 'error-code' },
      'Error code: ',
      h('code', { 'data-testid': 'error-code' }, code),
      typeof err?.oauthError === 'string' ? [' · ', h('code', { 'data-testid': 'oauth-error' }, err.oauthError)] : null,
    ),
  ];
  card.error.replaceChildren(...parts.filter(Boolean));
  card.error.hidden = false;
}

function renderSession(card, session) {
  if (!session) {
    card.session.hidden = true;
    card.session.replaceChildren();
    return;
  }
  let expiry = 'Does not expire';
  let expiryTitle = null;
  if (typeof session.expiresAt === 'number') {
    expiryTitle = new Date(session.expiresAt).toLocaleString('en');
    expiry =
      session.expiresAt > Date.now()
        ? `Expires ${relativeTime(session.expiresAt)}`
        : `Expired ${relativeTime(session.expiresAt)}${session.refreshToken ? ', renews on the next request' : ''}`;
  }
  const rows = [
    ['Token', h('code', { 'data-testid': 'session-token', title: 'Access token, shortened' }, shortToken(session.accessToken))],
    session.userId != null ? ['User', h('span', { 'data-testid': 'session-user' }, String(session.userId))] : null,
    ['Expiry', h('span', { 'data-testid': 'session-expiry', title: expiryTitle }, expiry)],
    // PerfectGym issues no refresh token: its users sign in again when the session runs out.
    session.refreshToken
      ? ['Renewal', 'Automatic (refresh token)']
      : typeof session.expiresAt === 'number'
        ? ['Renewal', 'Sign in again when it expires']
        : null,
    session.scope ? ['Scope', session.scope] : null,
  ].filter(Boolean);
  card.session.replaceChildren(...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value ?? dash)]));
  card.session.hidden = false;
}

// Brings the card in line with the stored session; safe to call any number of times.
function sync(card) {
  const session = readSession(card);
  renderSession(card, session);
  if (card.signIn) card.signIn.hidden = Boolean(session);
  card.disconnectButton.hidden = !session || !card.signIn;
  if (session) {
    if (!card.busy) setStatus(card, 'connected', `Connected to ${card.provider.name}`);
    if (!card.loaded) {
      card.loaded = true;
      loadData(card);
    }
  } else {
    card.loaded = false;
    card.data.replaceChildren();
    card.root.removeAttribute('aria-busy');
    if (!card.busy) setStatus(card, 'disconnected', 'Not connected');
  }
}

async function loadData(card) {
  const generation = ++card.generation;
  card.data.replaceChildren(h('p', { class: 'muted' }, 'Loading your data…'));
  card.root.setAttribute('aria-busy', 'true');
  try {
    const sections = await card.provider.load(card.client, card.config);
    if (generation === card.generation && readSession(card)) card.data.replaceChildren(...sections);
  } catch (err) {
    // Still reported when the SDK ended the session meanwhile (failed refresh): the user needs the reason.
    if (generation === card.generation) {
      card.data.replaceChildren();
      showError(card, err, 'data');
    }
  } finally {
    if (generation === card.generation) card.root.removeAttribute('aria-busy');
  }
}

// A redirect provider claims the response it expects; a code or error nobody expects still goes to the
// provider whose redirect URI is this page, so the SDK reports it (state_mismatch) instead of it lingering.
function redirectCardForThisPage(cards) {
  const claimed = cards.find((c) => c.provider.redirect && c.client.hasAuthorizationResponse());
  if (claimed) return claimed;
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const here = window.location.origin + window.location.pathname;
  return (
    cards.find((c) => {
      if (!c.provider.redirect) return false;
      try {
        const target = new URL(c.config.redirectUri, window.location.href);
        return target.origin + target.pathname === here;
      } catch {
        return false;
      }
    }) ?? null
  );
}

async function finishRedirect(card) {
  card.busy = true;
  setStatus(card, 'busy', 'Finishing sign-in…');
  try {
    await card.client.completeAuthorization();
  } catch (err) {
    showError(card, err);
  } finally {
    card.busy = false;
  }
}

// ---------------------------------------------------------------------------
// Start-up.
// ---------------------------------------------------------------------------

async function main() {
  const response = await fetch('/demo-config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/demo-config.json answered HTTP ${response.status}`);
  const config = await response.json();
  await init();

  document.getElementById('sandbox-banner').hidden = config.sandbox !== true;
  const buttonRow = document.getElementById('connect-buttons');
  const buttonDefaults = {};
  for (const provider of PROVIDERS) {
    if (!config[provider.id]) continue;
    buttonDefaults[provider.id] = sdkOptions(provider, config[provider.id]);
    buttonRow.append(h('fitconnect-button', { provider: provider.id }));
  }
  document.getElementById('embed').hidden = buttonRow.childElementCount === 0;
  const container = document.getElementById('providers');
  const cards = [];
  for (const provider of PROVIDERS) {
    const providerConfig = config[provider.id];
    if (!providerConfig) continue; // not configured on this server
    let client;
    try {
      client = new provider.Client(sdkOptions(provider, providerConfig));
    } catch (err) {
      const card = buildCard(provider, null, providerConfig);
      container.append(card.root);
      showError(card, err);
      continue;
    }
    const card = buildCard(provider, client, providerConfig);
    cards.push(card);
    container.append(card.root);
    client.onSessionChange(() => sync(card));
  }
  document.getElementById('loading').hidden = true;

  const redirectCard = redirectCardForThisPage(cards);
  if (redirectCard) await finishRedirect(redirectCard);
  // After the redirect is finished, so the page's own handling above reports its outcome. Every
  // button gets its provider's options from here; the elements need only `provider`.
  defineConnectButtons({ providers: buttonDefaults });

  for (const card of cards) {
    sync(card);
    setSignInEnabled(card, true);
  }

  // Keeps "expires in …" honest while the page stays open.
  setInterval(() => cards.forEach((card) => renderSession(card, readSession(card))), 15_000);

  // Coming back with the Back button from a provider's page restores this page as it was ("Taking you to …").
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const card of cards) {
      card.busy = false;
      setSignInEnabled(card, true);
      sync(card);
    }
  });

  const clients = Object.fromEntries(cards.map((card) => [card.provider.id, card.client]));
  window.fitconnectDemo = { ...clients, config, ready: true };
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  console.error(err);
  document.getElementById('loading').hidden = true;
  const banner = document.getElementById('startup-error');
  banner.textContent = `The demo could not start: ${err?.message || err}`;
  banner.hidden = false;
});
