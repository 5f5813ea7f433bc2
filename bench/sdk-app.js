// The SDK's side of the comparison app: what a developer writes with fitconnect for a popup sign-in,
// importing the npm package's `fitconnect` entry (every provider). esbuild bundles it tree-shaken and
// minified, as it does the oidc-client-ts app; the bench measures its ready time. Its wasm is the
// package's, copied beside the bundle (where the entry's `new URL(…, import.meta.url)` points).
import init, { FitRankings } from '../pkg-npm/fitconnect.js';

export { init as default, FitRankings };

export function connectButton(button, options) {
  const client = new FitRankings(options);
  button.addEventListener('click', () => client.connect());
  return client;
}
