// The smoke test every consumer app runs (scripts/consumers.sh copies this file into each app's
// src/): what an app does first with the package. Returns a plain object the driver compares.
import init, { Fisikal, FitBark, FitConnectError, FitRankings, OpenFit, PerfectGym, defineConnectButtons } from 'fitconnect';

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
  const clients = {
    FitRankings: [FitRankings, { clientId: 'smoke', callbackUri: 'https://app.example/callback' }],
    FitBark: [FitBark, fitbarkOptions],
    PerfectGym: [PerfectGym, { baseUrl: 'https://club.example' }],
    OpenFit: [OpenFit, { clientId: 'smoke' }],
    Fisikal: [Fisikal, { baseUrl: 'https://club.example', tokenEndpoint: 'https://app.example/broker/fisikal/token' }],
  };
  // (Names from this list: a minifier renames the classes themselves.)
  out.classes = Object.entries(clients)
    .filter(([, [Class, options]]) => new Class(options) instanceof Class)
    .map(([name]) => name);
  if (typeof customElements !== 'undefined') {
    defineConnectButtons({ providers: { fitrankings: { clientId: 'smoke', callbackUri: 'https://app.example/callback' } } });
    const button = document.createElement('fitconnect-button');
    button.setAttribute('provider', 'fitrankings');
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
