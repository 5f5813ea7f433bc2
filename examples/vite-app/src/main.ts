// Uses fitconnect the way an app installed from npm does: every provider class, and the
// <fitconnect-button> element for signing in.
import init, {
  Fisikal,
  FitBark,
  FitConnectError,
  FitRankings,
  OpenFit,
  PerfectGym,
  defineConnectButtons,
  type FitConnectErrorCode,
  type ProviderId,
  type Session,
} from 'fitconnect';
import * as config from './config';
import './style.css';

// Loads the WebAssembly module (the wasm file Vite copied into dist/assets/).
await init();

// One client per provider for API calls. The buttons make their own; a provider's session is shared.
const clients = {
  fitrankings: new FitRankings(config.fitrankings),
  fitbark: new FitBark(config.fitbark),
  perfectgym: new PerfectGym(config.perfectgym),
  openfit: new OpenFit(config.openfit),
  fisikal: new Fisikal(config.fisikal),
} satisfies Record<ProviderId, unknown>;

// A first API call per provider, and where its answer keeps the list of items.
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (name: string) => (body: unknown) =>
  list(typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined);
const samples: Record<ProviderId, { path: string; items: (body: unknown) => unknown[] }> = {
  fitrankings: { path: '/iq/activities/?page=1&page_size=20', items: list },
  fitbark: { path: '/api/v2/dog_relations', items: field('dog_relations') },
  perfectgym: { path: '/Api/Classes/Classes?page=1', items: field('elements') },
  openfit: { path: '/api/clients', items: list },
  fisikal: { path: '/api/unified/clubs/locations', items: field('locations') },
};

const explanations: Record<FitConnectErrorCode, string> = {
  popup_blocked: 'pop-up blocked',
  popup_closed: 'pop-up closed',
  timeout: 'timed out',
  state_mismatch: 'state mismatch',
  invalid_callback: 'invalid callback',
  access_denied: 'access denied',
  oauth_error: 'refused by the provider',
  invalid_response: 'unreadable answer',
  http_error: 'HTTP error',
  network_error: 'network error',
  storage_unavailable: 'no session storage',
  not_connected: 'not connected',
  invalid_config: 'set-up error',
  interaction_in_progress: 'sign-in already open',
};

defineConnectButtons({ providers: config });

const log = document.querySelector<HTMLOListElement>('#log')!;
function note(text: string) {
  const item = document.createElement('li');
  item.textContent = text;
  log.prepend(item);
}

function output(provider: ProviderId) {
  return document.querySelector<HTMLOutputElement>(`output[data-provider="${provider}"]`)!;
}

async function showData(provider: ProviderId) {
  const { path, items } = samples[provider];
  const out = output(provider);
  out.textContent = 'Loading…';
  try {
    const response = await clients[provider].fetch(path);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const count = items(await response.json()).length;
    out.textContent = `${count} ${count === 1 ? 'item' : 'items'} from ${path}`;
  } catch (e) {
    out.textContent = e instanceof FitConnectError ? `${e.code}: ${e.message}` : String(e);
  }
}

document.addEventListener('fitconnect:connected', (event) => {
  const session: Session = event.detail;
  note(`fitconnect:connected ${session.provider}`);
  void showData(session.provider);
});

document.addEventListener('fitconnect:disconnected', (event) => {
  note(`fitconnect:disconnected ${event.detail.provider}`);
  output(event.detail.provider).textContent = '';
});

document.addEventListener('fitconnect:error', (event) => {
  const error = event.detail;
  note(`fitconnect:error ${error.provider ?? ''} ${error.code} (${explanations[error.code]})`);
});

// Sessions from earlier in this tab.
for (const provider of Object.keys(clients) as ProviderId[]) {
  if (clients[provider].session) void showData(provider);
}
document.body.dataset.ready = 'true';
