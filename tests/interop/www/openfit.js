// The OpenFIT page: the identity server is the OpenFIT-like oidc-provider, called straight from here.
import { start } from './interop.js';

const config = await (await fetch('./interop-config.json')).json();
await start(({ OpenFit }) => ({
  openfit: new OpenFit({ clientId: config.openfit.clientId, environment: config.openfit.environment }),
}));
