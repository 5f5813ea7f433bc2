// Shared by the interop pages: loads the SDK from /pkg/ with its public API only and exposes
// what the tests drive as `window.interop`.
import init, * as fitconnect from '/pkg/fitconnect.js';

/** A thrown value as plain data the test can compare. */
export function describe(e) {
  return {
    fitConnectError: e instanceof fitconnect.FitConnectError,
    isError: e instanceof Error,
    code: e?.code ?? null,
    provider: e?.provider ?? null,
    status: e?.status ?? null,
    oauthError: e?.oauthError ?? null,
    message: String(e?.message ?? e),
  };
}

/** Runs `fn`, answering `{ ok: true, value }` or `{ ok: false, error }`. */
export async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: describe(e) };
  }
}

/** Loads the SDK, calls `setup(fitconnect)` and marks the page ready. */
export async function start(setup) {
  await init();
  window.interop = { fitconnect, describe, attempt, ...setup(fitconnect) };
  document.body.dataset.ready = 'true';
}
