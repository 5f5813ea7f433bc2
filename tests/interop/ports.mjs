// Origins, clients and accounts of the interop suite, shared by the servers and the tests.
// Ports 27080-27089 on 127.0.0.1 (not used by any other script in this repository):
// 27080 fitconnect-server (app + broker, --no-sandbox), 27087 FitBark-like OP and API,
// 27088 OpenFIT-like OP, 27089 OpenFIT API.
export const APP = 'http://127.0.0.1:27080';
export const FITBARK = 'http://127.0.0.1:27087';
export const OPENFIT_IDENTITY = 'http://127.0.0.1:27088';
export const OPENFIT_API = 'http://127.0.0.1:27089';

export const port = (origin) => Number(new URL(origin).port);

// The broker gets these from its environment (scripts/interop.sh); the browser never sees the secret.
export const FITBARK_CLIENT_ID = 'fitbark-interop';
export const FITBARK_CLIENT_SECRET = 'fitbark-interop-secret-not-for-production';
export const FITBARK_REDIRECT_URI = `${APP}/fitbark.html`;
export const FITBARK_USER = {
  id: '365',
  profile: { slug: 'interop-user', username: 'interop', name: 'Interop User', first_name: 'Interop', last_name: 'User', picture_hash: null },
  dogs: [{ id: 1, status: 'OWNER', date: '2026-01-01', dog: { slug: 'rex-interop', name: 'Rex' } }],
};

export const OPENFIT_CLIENT_ID = 'openfit-interop';
export const OPENFIT_USER = {
  id: 'openfit-7',
  username: 'clinician@openfit.test',
  password: 'interop-pass',
  clients: [{ id: 1, name: 'A. Client' }],
};
