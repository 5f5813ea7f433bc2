// The authorization servers for the interop suite: oidc-provider (npm), a certified OpenID
// Provider, set up twice on 127.0.0.1 —
//   FitBark-like (issuer = FITBARK origin): authorization code with PKCE S256 required, a
//     confidential client that authenticates with client_secret_post (as the broker does),
//     rotating refresh tokens, and FitBark's paths (/oauth/authorize, /oauth/token); the same
//     origin serves /api/v2/user and /api/v2/dog_relations, checking the Bearer token with
//     oidc-provider's own AccessToken store.
//   OpenFIT-like (issuer = OPENFIT_IDENTITY origin): /connect/token with a `password` grant
//     registered with registerGrantType and oidc-provider's rotating refresh_token grant, a
//     public client (no secret), CORS for the app origin; OPENFIT_API serves /api/clients.
// Each OP origin also answers /__interop/counters, /__interop/reset, /__interop/settings and
// /__interop/expire-access-tokens for the tests (what the endpoints saw; the access-token
// lifetime; tokens the server stops accepting). Run by scripts/interop.sh:
//   node tests/interop/servers.mjs   (prints `interop servers ready` once every port listens)
import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

import {
  APP,
  FITBARK,
  FITBARK_CLIENT_ID,
  FITBARK_CLIENT_SECRET,
  FITBARK_REDIRECT_URI,
  FITBARK_USER,
  OPENFIT_API,
  OPENFIT_CLIENT_ID,
  OPENFIT_IDENTITY,
  OPENFIT_USER,
  port,
} from './ports.mjs';

// Request bodies this program reads itself (interaction forms, settings) are tiny.
const MAX_BODY = 16 * 1024;

/** What a test can change; `reset` restores it. */
function defaults() {
  return { accessTokenTtl: 3600 };
}

/** What each token endpoint saw since the last reset. */
function freshCounters() {
  return { grants: {}, errors: [], authorizations: [], api: { ok: 0, unauthorized: 0, tokens: [] } };
}

function equal(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Cache-Control': 'no-store',
    ...(text && { 'Content-Type': 'application/json' }),
    ...headers,
  });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An oidc-provider instance with the settings both share, plus its counters and settings. */
function createProvider(issuer, configuration) {
  const state = { settings: defaults(), counters: freshCounters(), accessTokens: new Set() };
  const provider = new Provider(issuer, {
    features: {
      devInteractions: { enabled: false },
      // A client may revoke only its own tokens (RFC 7009 §2.1).
      revocation: { enabled: true, allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
    },
    // Every refresh spends the refresh token and issues a new one (FitBark and OpenFIT both rotate).
    rotateRefreshToken: true,
    ttl: {
      AccessToken: () => state.settings.accessTokenTtl,
      AuthorizationCode: 60,
      Grant: 24 * 3600,
      Interaction: 600,
      RefreshToken: 24 * 3600,
      Session: 3600,
    },
    cookies: { keys: ['interop-only-cookie-signing-key'] },
    ...configuration,
  });
  // Issued access tokens, so that /__interop/expire-access-tokens can end them at the server only.
  provider.on('access_token.saved', (token) => state.accessTokens.add(token));
  provider.on('access_token.destroyed', (token) => state.accessTokens.delete(token));
  provider.on('grant.success', (ctx) => {
    const type = ctx.oidc.params.grant_type;
    state.counters.grants[type] = (state.counters.grants[type] ?? 0) + 1;
  });
  provider.on('grant.error', (ctx, err) => {
    // To the log (target/interop-op.log): the reason, never a token.
    console.error(`${issuer} grant error: ${ctx.oidc?.params?.grant_type} ${err.error} (${err.error_detail ?? ''})`);
    state.counters.errors.push({
      grantType: ctx.oidc?.params?.grant_type ?? null,
      error: err.error ?? String(err),
      detail: err.error_detail ?? null,
    });
  });
  return { provider, state };
}

/** /__interop/*: the tests' window into a provider (counters, settings, reset). */
async function control(req, res, url, state) {
  if (url.pathname === '/__interop/counters' && req.method === 'GET') return send(res, 200, state.counters);
  if (url.pathname === '/__interop/reset' && req.method === 'POST') {
    state.settings = defaults();
    state.counters = freshCounters();
    return send(res, 200, state.settings);
  }
  if (url.pathname === '/__interop/expire-access-tokens' && req.method === 'POST') {
    // The server stops accepting every access token issued so far while the client still holds
    // them as valid (as after server-side expiry, with the client's clock behind). Refresh tokens
    // stay. (Revocation at /oauth/revoke would end the whole grant: oidc-provider revokes every
    // token of a grant when one is revoked.)
    const tokens = [...state.accessTokens];
    await Promise.all(tokens.map((token) => token.destroy()));
    state.accessTokens.clear();
    return send(res, 200, { expired: tokens.length });
  }
  if (url.pathname === '/__interop/settings' && req.method === 'POST') {
    const values = JSON.parse(await readBody(req) || '{}');
    if ('accessTokenTtl' in values) {
      if (!Number.isSafeInteger(values.accessTokenTtl) || values.accessTokenTtl <= 0) return send(res, 400, { error: 'bad ttl' });
      state.settings.accessTokenTtl = values.accessTokenTtl;
    }
    return send(res, 200, state.settings);
  }
  return send(res, 404, { error: 'not_found' });
}

/**
 * A Bearer-protected JSON resource: 401 with a Bearer challenge and an empty body (as FitBark
 * answers) for a missing, unknown, revoked or expired token; CORS for the app origin only.
 */
async function resource(req, res, provider, state, clientId, body) {
  const cors = {
    'Access-Control-Allow-Origin': APP,
    'Access-Control-Expose-Headers': 'WWW-Authenticate',
    Vary: 'Origin',
  };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...cors,
      'Access-Control-Allow-Methods': 'GET',
      'Access-Control-Allow-Headers': 'Authorization, Accept',
      'Access-Control-Max-Age': '0',
    });
    return res.end();
  }
  if (req.method !== 'GET') return send(res, 405, { error: 'method_not_allowed' }, cors);
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '');
  const token = match && await provider.AccessToken.find(match[1]);
  if (!token || token.isExpired || token.clientId !== clientId) {
    state.counters.api.unauthorized += 1;
    return send(res, 401, undefined, {
      ...cors,
      'WWW-Authenticate': match
        ? 'Bearer realm="interop", error="invalid_token", error_description="The access token is invalid"'
        : 'Bearer realm="interop"',
    });
  }
  state.counters.api.ok += 1;
  state.counters.api.tokens.push(match[1]);
  return send(res, 200, body(token), cors);
}

// ---------- FitBark: authorization code + PKCE, through the broker ----------

function fitbarkServer() {
  const accounts = new Map([[FITBARK_USER.id, FITBARK_USER]]);
  const { provider, state } = createProvider(FITBARK, {
    clients: [{
      client_id: FITBARK_CLIENT_ID,
      client_secret: FITBARK_CLIENT_SECRET,
      // The broker sends client_id and client_secret in the form body.
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: [FITBARK_REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    routes: {
      authorization: '/oauth/authorize',
      token: '/oauth/token',
      revocation: '/oauth/revoke',
      userinfo: '/oauth/userinfo',
      jwks: '/oauth/jwks',
    },
    // Doorkeeper's default scope, which FitBark's token info reports.
    scopes: ['openid', 'offline_access', 'public'],
    pkce: { required: () => true },
    // FitBark issues a refresh token with every user token, without an offline_access scope.
    issueRefreshToken: () => true,
    expiresWithSession: () => false,
    // Only the broker calls the token endpoint: no browser origin may.
    clientBasedCORS: () => false,
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (ctx, sub) => accounts.has(sub) && { accountId: sub, claims: () => ({ sub }) },
  });
  const handle = provider.callback();

  async function interaction(req, res, url) {
    const [, uid, action] = url.pathname.split('/').slice(1);
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, { error: 'interaction mismatch' });
    if (req.method === 'GET' && action === undefined) {
      // The consent page: one form, two buttons (the tests click them like a user would).
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize (interop)</title></head>
<body><h1>Authorize ${details.params.client_id}</h1>
<form method="post" action="/interaction/${uid}/confirm"><button>Authorize</button></form>
<form method="post" action="/interaction/${uid}/deny"><button>Deny</button></form></body></html>`);
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
    await readBody(req);
    if (action === 'deny') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user refused access' }, { mergeWithLastSubmission: false });
    }
    if (action !== 'confirm') return send(res, 404, { error: 'not_found' });
    const grant = new provider.Grant({ accountId: FITBARK_USER.id, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { login: { accountId: FITBARK_USER.id }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, FITBARK);
      if (url.pathname.startsWith('/__interop/')) return await control(req, res, url, state);
      if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
      if (url.pathname === '/api/v2/user') {
        return await resource(req, res, provider, state, FITBARK_CLIENT_ID, () => ({ user: FITBARK_USER.profile }));
      }
      if (url.pathname === '/api/v2/dog_relations') {
        return await resource(req, res, provider, state, FITBARK_CLIENT_ID, () => ({ dog_relations: FITBARK_USER.dogs }));
      }
      if (url.pathname === '/oauth/authorize' && req.method === 'GET') {
        // What the SDK asked for, so the tests can check state and PKCE at the server.
        const p = url.searchParams;
        state.counters.authorizations.push({
          state: p.get('state'),
          codeChallenge: p.get('code_challenge'),
          codeChallengeMethod: p.get('code_challenge_method'),
          redirectUri: p.get('redirect_uri'),
          responseType: p.get('response_type'),
        });
        // Doorkeeper grants its default scope to a request without one; oidc-provider grants
        // nothing then, so the default is added here, as FitBark's server would.
        if (!p.has('scope')) {
          p.set('scope', 'public');
          req.url = `${url.pathname}?${p}`;
        }
      }
      return handle(req, res);
    } catch (err) {
      if (!res.headersSent) send(res, err.statusCode ?? 500, { error: err.error ?? 'server_error', error_description: err.error_description ?? err.message });
      else res.destroy();
    }
  });
}

// ---------- OpenFIT: password and rotating refresh grants, straight from the browser ----------

function openfitServers() {
  const users = new Map([[OPENFIT_USER.username, OPENFIT_USER]]);
  const { provider, state } = createProvider(OPENFIT_IDENTITY, {
    clients: [{
      client_id: OPENFIT_CLIENT_ID,
      // A public client: the SDK sends client_id and no secret.
      token_endpoint_auth_method: 'none',
      grant_types: ['password', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    }],
    routes: {
      token: '/connect/token',
      revocation: '/connect/revocation',
      userinfo: '/connect/userinfo',
      jwks: '/.well-known/openid-configuration/jwks',
      authorization: '/connect/authorize',
    },
    scopes: ['openid', 'offline_access', 'OpenFitApi'],
    // CORS is allowed only for origins registered for the client: here, the app's.
    clientBasedCORS: (ctx, origin) => origin === APP,
    expiresWithSession: () => false,
    findAccount: (ctx, sub) => [...users.values()].some((u) => u.id === sub) && { accountId: sub, claims: () => ({ sub }) },
  });

  // The resource-owner password grant (RFC 6749 §4.3), which oidc-provider leaves to
  // registerGrantType: tokens come from oidc-provider's own models, so its refresh_token grant
  // (rotation, reuse detection) works on them unchanged.
  provider.registerGrantType('password', async (ctx) => {
    const { client, params } = ctx.oidc;
    const user = users.get(params.username ?? '');
    if (!user || !equal(user.password, params.password ?? '')) throw new errors.InvalidGrant('invalid username or password');
    const requested = (params.scope ?? '').split(' ').filter(Boolean);
    const unknown = requested.filter((s) => !['OpenFitApi', 'offline_access'].includes(s));
    if (unknown.length) throw new errors.InvalidScope('requested scope is not allowed', unknown.join(' '));
    const scope = requested.join(' ');
    const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const at = new provider.AccessToken({ accountId: user.id, client, grantId, gty: 'password', scope });
    const accessToken = await at.save();
    let refreshToken;
    if (requested.includes('offline_access')) {
      refreshToken = await new provider.RefreshToken({ accountId: user.id, client, grantId, gty: 'password', scope, rotations: 0 }).save();
    }
    ctx.body = {
      access_token: accessToken,
      expires_in: at.expiration,
      token_type: 'Bearer',
      ...(refreshToken && { refresh_token: refreshToken }),
      scope,
    };
  }, ['username', 'password', 'scope']);

  const handle = provider.callback();
  const identity = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, OPENFIT_IDENTITY);
      if (url.pathname.startsWith('/__interop/')) return await control(req, res, url, state);
      return handle(req, res);
    } catch (err) {
      if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: err.message });
      else res.destroy();
    }
  });
  // The API (invented: the real one is not public), on its own origin like api.openfit.care.
  const api = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, OPENFIT_API);
      if (url.pathname === '/api/clients') {
        return await resource(req, res, provider, state, OPENFIT_CLIENT_ID, () => OPENFIT_USER.clients);
      }
      return send(res, 404, { error: 'not_found' }, { 'Access-Control-Allow-Origin': APP });
    } catch (err) {
      if (!res.headersSent) send(res, 500, { error: 'server_error' });
      else res.destroy();
    }
  });
  return { identity, api };
}

function listen(server, origin) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only; keep-alive shorter than the browser's, so no socket outlives a test run.
    server.keepAliveTimeout = 5_000;
    server.listen(port(origin), '127.0.0.1', resolve);
  });
}

const { identity, api } = openfitServers();
await Promise.all([
  listen(fitbarkServer(), FITBARK),
  listen(identity, OPENFIT_IDENTITY),
  listen(api, OPENFIT_API),
]);
console.log(`interop servers ready: FitBark OP ${FITBARK}, OpenFIT OP ${OPENFIT_IDENTITY}, OpenFIT API ${OPENFIT_API}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
