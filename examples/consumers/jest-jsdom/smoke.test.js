// The package in Jest's jsdom environment, as an app's component tests use it.

import { expectSmokePasses } from './src/smoke.js';

test('import, init(), every class, authorizeUrl(), the connect button', () => expectSmokePasses(expect));
