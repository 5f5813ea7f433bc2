// Builds the --root directory fitconnect-server serves for the interop suite:
//   <dir>/www   the interop pages (tests/interop/www) and interop-config.json (no secrets)
//   <dir>/pkg   a copy of the built SDK (scripts/build.sh's pkg/)
// Usage: node tests/interop/make-root.mjs <dir>
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { FITBARK, FITBARK_CLIENT_ID, OPENFIT_API, OPENFIT_CLIENT_ID, OPENFIT_IDENTITY } from './ports.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const dir = process.argv[2];
if (!dir) throw new Error('usage: node tests/interop/make-root.mjs <dir>');
if (!existsSync(path.join(repo, 'pkg', 'fitconnect.js'))) throw new Error('pkg/fitconnect.js is missing: run scripts/build.sh first');

cpSync(path.join(here, 'www'), path.join(dir, 'www'), { recursive: true });
cpSync(path.join(repo, 'pkg'), path.join(dir, 'pkg'), { recursive: true });
// What the pages need to create their clients: ids and URLs, never the FitBark secret.
const config = {
  fitbark: { clientId: FITBARK_CLIENT_ID, baseUrl: FITBARK },
  openfit: { clientId: OPENFIT_CLIENT_ID, environment: { identityUrl: OPENFIT_IDENTITY, apiUrl: OPENFIT_API } },
};
writeFileSync(path.join(dir, 'www', 'interop-config.json'), `${JSON.stringify(config, null, 2)}\n`);
