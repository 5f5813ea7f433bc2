// fitconnect demo: one card per provider, built from the PROVIDERS table below.
import init, { FitRankings, FitBark } from '/pkg/fitconnect.js';

// ---------------------------------------------------------------------------
// Providers. Adding one means adding an entry here (and its block in /demo-config.json);
// the card, status, session and error handling are shared.
// ---------------------------------------------------------------------------

const PROVIDERS = [
  {
    id: 'fitrankings',
    name: 'FitRankings',
    flowLabel: 'Pop-up sign-in',
    blurb: 'Activities from Fitbit, Garmin, Polar and other trackers, ranked.',
    create: (cfg) => new FitRankings(cfg),
    // Must open the pop-up synchronously inside the click, so it is called with no await before it.
    connect: (client) => client.connect(),
    waitingText: 'Waiting for you in the FitRankings window…',
    load: loadFitRankings,
  },
  {
    id: 'fitbark',
    name: 'FitBark',
    flowLabel: 'Redirect sign-in',
    blurb: 'Activity, rest and play of your dogs and the dogs you follow.',
    create: (cfg) => new FitBark(cfg),
    connect: (client) => client.authorize(),
    waitingText: 'Taking you to FitBark…',
    // The provider sends the browser back to this page with ?code=&state= (or ?error=).
    redirect: true,
    load: loadFitBark,
  },
  // Later: PerfectGym, OpenFIT, Fisikal.
];

// ---------------------------------------------------------------------------
// Error messages, per FitConnectError code.
// ---------------------------------------------------------------------------

const ERROR_TEXT = {
  popup_blocked: 'Your browser blocked the sign-in window. Allow pop-ups for this site and try again.',
  popup_closed: 'The sign-in window was closed before finishing.',
  timeout: 'Signing in took too long, so it was stopped. Please try again.',
  state_mismatch:
    'The sign-in response did not match the request this page sent, so it was ignored to keep your account safe. Please connect again.',
  invalid_callback: 'The provider sent back an incomplete sign-in response. Please try again.',
  access_denied: 'You declined access.',
  oauth_error: (e) =>
    e.description ? `The provider refused the sign-in: ${e.description}` : 'The provider refused the sign-in.',
  invalid_response: 'The provider sent an answer this page could not read. Please try again later.',
  http_error: (e) =>
    e.status === 401
      ? 'The provider no longer accepts this session. Please connect again.'
      : `The provider answered with an error${e.status ? ` (HTTP ${e.status})` : ''}. Please try again later.`,
  network_error: 'Could not reach the provider. Check your connection and try again.',
  storage_unavailable:
    'This browser does not let the page keep your session (site storage is blocked). Allow site data and try again.',
  not_connected: 'You are not connected. Connect first.',
  invalid_config: 'The app is set up incorrectly, so the request was stopped.',
  interaction_in_progress: 'A sign-in is already in progress. Finish it in the open window first.',
};

function describeError(err) {
  const text = ERROR_TEXT[err?.code];
  if (typeof text === 'function') return text(err);
  if (text) return text;
  return 'Something went wrong. Please try again.';
}

// ---------------------------------------------------------------------------
// Small DOM and formatting helpers. Provider data is only ever set as text, never as HTML.
// ---------------------------------------------------------------------------

function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value == null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'hidden' || key === 'disabled') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

const dash = '—';

function num(value) {
  const n = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(n) ? n : null;
}

function fmtNumber(value, digits = 0) {
  const n = num(value);
  return n == null ? dash : n.toLocaleString('en', { maximumFractionDigits: digits });
}

function fmtDate(value, withYear = true) {
  const d = value ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) return dash;
  return d.toLocaleDateString('en', { day: 'numeric', month: 'short', year: withYear ? 'numeric' : undefined });
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

// "in 1 year", "in 5 minutes", "3 seconds ago"; a unit is used from 95% of it so 364.9 days reads "1 year".
function relativeTime(ms) {
  const seconds = (ms - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) {
    if (abs >= size * 0.95) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds), 'second');
}

function shortToken(token) {
  return typeof token === 'string' && token.length > 6 ? `${token.slice(0, 6)}…` : token || dash;
}

function titleCase(word) {
  return typeof word === 'string' && word ? word[0].toUpperCase() + word.slice(1).toLowerCase() : dash;
}

function fullName(first, last, fallback) {
  return [first, last].filter(Boolean).join(' ') || fallback || dash;
}

function section(title, testId, ...content) {
  return h('section', { class: 'data-section', 'data-testid': testId }, h('h3', {}, title), ...content);
}

function details(rows) {
  return h(
    'dl',
    { class: 'details' },
    rows.filter(([, value]) => value != null && value !== '').map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}

// JSON from a provider call; a non-2xx answer becomes an error with the same shape as the SDK's.
async function getJson(client, path) {
  const res = await client.fetch(path);
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status} for ${path}`), { code: 'http_error', status: res.status });
  try {
    return await res.json();
  } catch (cause) {
    throw Object.assign(new Error(`Unreadable JSON for ${path}`, { cause }), { code: 'invalid_response' });
  }
}

// ---------------------------------------------------------------------------
// Provider data views.
// ---------------------------------------------------------------------------

async function loadFitRankings(client) {
  const [users, activities] = await Promise.all([
    getJson(client, '/iq/users/'),
    getJson(client, '/iq/activities/?page=1&page_size=20'),
  ]);
  // A user token only sees its own user, so the list has one entry.
  const me = Array.isArray(users) ? users[0] : users;
  const list = Array.isArray(activities) ? activities : [];

  const profile = section(
    'Profile',
    'profile',
    me
      ? details([
          ['Name', fullName(me.first_name, me.last_name, me.handle)],
          ['Handle', me.handle ? `@${me.handle}` : null],
          ['Email', me.email],
          ['Member since', me.date_joined ? fmtDate(me.date_joined) : null],
        ])
      : h('p', { class: 'muted' }, 'No profile found.'),
  );

  const rows = list.map((a) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, a.title || 'Activity'),
      h('td', {}, fmtDate(a.action_date)),
      // Yoga and the like have no distance: a dash reads better than "0 km".
      h('td', { class: 'num' }, num(a.distance) ? `${fmtNumber(num(a.distance) / 1000, 2)} km` : dash),
      h('td', { class: 'num' }, num(a.duration) == null ? dash : `${fmtNumber(num(a.duration) / 60)} min`),
      h('td', { class: 'num' }, num(a.calories) == null ? dash : `${fmtNumber(a.calories)} kcal`),
    ),
  );
  const table = list.length
    ? h(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Recent activities' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Activity'),
              h('th', { scope: 'col' }, 'Date'),
              h('th', { scope: 'col', class: 'num' }, 'Distance'),
              h('th', { scope: 'col', class: 'num' }, 'Duration'),
              h('th', { scope: 'col', class: 'num' }, 'Calories'),
            ),
          ),
          h('tbody', {}, rows),
        ),
      )
    : h('p', { class: 'muted' }, 'No activities yet.');

  return [profile, section(`Recent activities (${list.length})`, 'activities', table)];
}

async function loadFitBark(client) {
  const [me, relations] = await Promise.all([getJson(client, '/api/v2/user'), getJson(client, '/api/v2/dog_relations')]);
  const user = me?.user ?? {};
  const dogs = Array.isArray(relations?.dog_relations) ? relations.dog_relations : [];

  const profile = section(
    'Profile',
    'profile',
    details([
      ['Name', user.name || fullName(user.first_name, user.last_name, user.username)],
      ['Username', user.username],
    ]),
  );

  const items = dogs.map((rel) => {
    const dog = rel.dog ?? {};
    const role = String(rel.status || '').toUpperCase();
    return h(
      'li',
      { class: 'dog', 'data-testid': 'dog' },
      h(
        'div',
        { class: 'dog-main' },
        h('strong', { class: 'dog-name' }, dog.name || 'Unnamed dog'),
        h('span', { class: `tag ${role === 'OWNER' ? 'tag-owner' : 'tag-friend'}`, title: role }, titleCase(role)),
      ),
      h('span', { class: 'dog-breed' }, dog.breed1?.name || 'Breed unknown'),
      h('span', { class: 'dog-activity' }, 'Activity ', h('strong', {}, fmtNumber(dog.activity_value))),
    );
  });

  return [
    profile,
    section(
      `Dogs (${dogs.length})`,
      'dogs',
      dogs.length ? h('ul', { class: 'dogs' }, items) : h('p', { class: 'muted' }, 'No dogs yet.'),
    ),
  ];
}

// ---------------------------------------------------------------------------
// Cards.
// ---------------------------------------------------------------------------

function buildCard(provider, client) {
  const titleId = `${provider.id}-title`;
  const card = {
    provider,
    client,
    busy: false,
    loaded: false, // data requested for the current session
    generation: 0, // bumps when data is requested or the user disconnects, so stale answers are dropped
    connectButton: h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, `Connect ${provider.name}`),
    disconnectButton: h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Disconnect'),
    status: h('p', { class: 'status', role: 'status', 'data-testid': 'status' }, 'Not connected'),
    error: h('div', { class: 'error', role: 'alert', 'data-testid': 'error', hidden: true }),
    session: h('dl', { class: 'session', 'data-testid': 'session', hidden: true }),
    data: h('div', { class: 'data', 'data-testid': 'data' }),
  };
  card.root = h(
    'article',
    { class: 'card', 'data-provider': provider.id, 'data-state': 'disconnected', 'aria-labelledby': titleId },
    h(
      'header',
      { class: 'card-header' },
      h('h2', { id: titleId }, provider.name),
      h('span', { class: 'badge' }, provider.flowLabel),
    ),
    h('p', { class: 'blurb' }, provider.blurb),
    card.status,
    h('div', { class: 'actions' }, card.connectButton, card.disconnectButton),
    card.error,
    card.session,
    card.data,
  );

  card.connectButton.addEventListener('click', () => onConnect(card));
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

function onConnect(card) {
  clearError(card);
  let pending;
  try {
    // No await before this call: the browser only allows the pop-up inside the click.
    pending = card.provider.connect(card.client);
  } catch (err) {
    pending = Promise.reject(err);
  }
  card.busy = true;
  card.connectButton.disabled = true;
  setStatus(card, 'busy', card.provider.waitingText);
  if (card.provider.redirect && !(pending instanceof Promise)) return; // the page is navigating away

  Promise.resolve(pending)
    .catch((err) => showError(card, err))
    .finally(() => {
      card.busy = false;
      card.connectButton.disabled = false;
      sync(card);
    });
}

function readSession(card) {
  try {
    return card.client.session ?? null;
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

function showError(card, err) {
  console.warn(`[${card.provider.id}]`, err);
  const code = typeof err?.code === 'string' ? err.code : 'unexpected_error';
  card.error.replaceChildren(
    h('p', { class: 'error-text' }, describeError(err)),
    h('p', { class: 'error-code' }, 'Error code: ', h('code', { 'data-testid': 'error-code' }, code)),
  );
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
    session.scope ? ['Scope', session.scope] : null,
  ].filter(Boolean);
  card.session.replaceChildren(...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
  card.session.hidden = false;
}

// Brings the card in line with the stored session; safe to call any number of times.
function sync(card) {
  const session = readSession(card);
  renderSession(card, session);
  card.connectButton.hidden = Boolean(session);
  card.disconnectButton.hidden = !session;
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
    const sections = await card.provider.load(card.client);
    if (generation === card.generation && readSession(card)) card.data.replaceChildren(...sections);
  } catch (err) {
    // Still reported when the SDK ended the session meanwhile (failed refresh): the user needs the reason.
    if (generation === card.generation) {
      card.data.replaceChildren();
      showError(card, err);
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
  const container = document.getElementById('providers');
  const cards = [];
  for (const provider of PROVIDERS) {
    const providerConfig = config[provider.id];
    if (!providerConfig) continue; // not configured on this server
    let client;
    try {
      client = provider.create(providerConfig);
    } catch (err) {
      const card = buildCard(provider, null);
      container.append(card.root);
      showError(card, err);
      continue;
    }
    const card = buildCard(provider, client);
    card.config = providerConfig;
    cards.push(card);
    container.append(card.root);
    client.onSessionChange(() => sync(card));
  }
  document.getElementById('loading').hidden = true;

  const redirectCard = redirectCardForThisPage(cards);
  if (redirectCard) await finishRedirect(redirectCard);

  for (const card of cards) {
    sync(card);
    card.connectButton.disabled = false;
  }

  // Keeps "expires in …" honest while the page stays open.
  setInterval(() => cards.forEach((card) => renderSession(card, readSession(card))), 15_000);

  // Coming back with the Back button from a provider's page restores this page as it was ("Taking you to …").
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const card of cards) {
      card.busy = false;
      card.connectButton.disabled = false;
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
