// The comparison app: what a developer writes with oidc-client-ts for a popup sign-in. esbuild
// bundles it tree-shaken and minified; the bench measures its size and its ready time.
import { UserManager } from 'oidc-client-ts';

export { UserManager };

export function connectButton(button, settings) {
  const manager = new UserManager(settings);
  button.addEventListener('click', () => manager.signinPopup());
  return manager;
}
