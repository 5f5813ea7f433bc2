// The smoke test every consumer app runs (scripts/consumers.sh copies this file into each app's
// src/, importing the entry the app names: 'fitconnect', or 'fitconnect/<id>' for one provider
// alone): what an app does first with the package. Returns a plain object the driver compares.
import init, * as fitconnect from 'fitconnect';

const { FitBark, FitConnectError, defineConnectButtons } = fitconnect;

const fitbarkOptions = {
  clientId: 'smoke',
  redirectUri: 'https://app.example/callback',
  tokenEndpoint: 'https://app.example/broker/fitbark/token',
};

export async function smoke() {
  const out = {};
  // Before init(): a FitConnectError that says what to do, not wasm-bindgen's TypeError.
  try {
    new FitBark(fitbarkOptions);
    out.beforeInit = 'no error';
  } catch (e) {
    out.beforeInit = e instanceof FitConnectError ? e.code : `${e?.name}: ${e?.message}`;
  }
  await Promise.all([init(), init()]);
  out.url = new FitBark(fitbarkOptions).authorizeUrl();
  const options = {
    FitRankings: { clientId: 'smoke', callbackUri: 'https://app.example/callback' },
    FitBark: fitbarkOptions,
    PerfectGym: { baseUrl: 'https://club.example' },
    OpenFit: { clientId: 'smoke' },
    Fisikal: { baseUrl: 'https://club.example', tokenEndpoint: 'https://app.example/broker/fisikal/token' },
  };
  // The classes the entry exports, each constructed (names from this list: a minifier renames the
  // classes themselves).
  out.classes = Object.keys(options).filter((name) => {
    const Class = fitconnect[name];
    return typeof Class === 'function' && new Class(options[name]) instanceof Class;
  });
  if (typeof customElements !== 'undefined') {
    // A FitRankings button, or a FitBark one where the entry has FitBark alone.
    const [provider, id] = fitconnect.FitRankings ? ['FitRankings', 'fitrankings'] : ['FitBark', 'fitbark'];
    defineConnectButtons({ providers: { [id]: options[provider] } });
    const button = document.createElement('fitconnect-button');
    button.setAttribute('provider', id);
    document.body.append(button);
    await customElements.whenDefined('fitconnect-button');
    out.button = button.shadowRoot?.querySelector('button')?.textContent?.trim() ?? null;
  }
  return out;
}

// What every smoke run must give.
export const EXPECTED_URL_PREFIX =
  'https://app.fitbark.com/oauth/authorize?response_type=code&client_id=smoke&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=';

// The smoke test in a test runner's jsdom (jest-jsdom, vitest-jsdom): the checks
// tests/consumers/browser.mjs makes of a page's result, with the runner's own `expect`.
export async function expectSmokePasses(expect) {
  const out = await smoke();
  expect(out.beforeInit).toBe('invalid_config');
  expect(out.url.startsWith(EXPECTED_URL_PREFIX)).toBe(true);
  expect(out.classes).toEqual(['FitRankings', 'FitBark', 'PerfectGym', 'OpenFit', 'Fisikal']);
  expect(out.button).toBeTruthy();
}
