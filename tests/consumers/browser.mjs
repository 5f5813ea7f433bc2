// Drives one consumer app in headless Chromium (scripts/consumers.sh): opens its page, waits for
// the smoke test's result (window.__smoke, set by examples/consumers/shared/smoke.js) and checks it.
// Prints `ok` or what went wrong; exits non-zero on failure.
// Usage: node tests/consumers/browser.mjs --serve DIR --port PORT [--csp | --check react] [--classes A,B]
//          (serves DIR)
//        node tests/consumers/browser.mjs --url URL [--classes A,B]          (a running dev server)
// --classes: the classes the app's entry exports (default: all five; `fitconnect/<id>` has one).
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const require = createRequire(import.meta.url);
const launchOptions = require('../chromium.js');
// As in examples/consumers/shared/smoke.js: FitBark's own authorise URL, no sandbox in it.
const EXPECTED_URL_PREFIX =
  'https://app.fitbark.com/oauth/authorize?response_type=code&client_id=smoke&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const csp = args.includes('--csp');
const classes = opt('--classes')?.split(',') ?? ['FitRankings', 'FitBark', 'PerfectGym', 'OpenFit', 'Fisikal'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

// A static server like any host's: files under root, the right types, 404 otherwise. csp.html is
// served with a policy that allows the page's own scripts but not WebAssembly.
function serve(root, port) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      statSync(file);
    } catch {
      return res.writeHead(404).end('not found');
    }
    const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (file.endsWith('csp.html')) headers['content-security-policy'] = "script-src 'self'";
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

async function run(page, url) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { timeout: 30_000 });
  try {
    await page.waitForFunction(() => window.__smoke !== undefined, null, { timeout: 30_000 });
  } catch {
    return { error: `no result within 30 s${errors.length ? `; page errors: ${errors.join(' | ')}` : ''}` };
  }
  return page.evaluate(() => window.__smoke);
}

function check(out) {
  const problems = [];
  if (out.error) return [`smoke failed: ${out.error}`];
  if (out.beforeInit !== 'invalid_config') problems.push(`before init(): ${out.beforeInit}`);
  if (typeof out.url !== 'string' || !out.url.startsWith(EXPECTED_URL_PREFIX)) problems.push(`authorizeUrl(): ${out.url}`);
  if (JSON.stringify(out.classes) !== JSON.stringify(classes)) problems.push(`classes: ${out.classes} (expected ${classes})`);
  if (!out.button) problems.push('no <fitconnect-button> rendered');
  // Next.js: what its server component rendered.
  if ('ssr' in out && out.ssr !== 'invalid_config') problems.push(`server component: ${out.ssr}`);
  return problems;
}

// examples/react-app: the button rendered in its shadow root, the useSession hook's text.
async function checkReact(page, url) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { timeout: 30_000 });
  try {
    await page.locator('#session').waitFor({ timeout: 30_000 });
  } catch {
    return [`the app did not render${errors.length ? `; page errors: ${errors.join(' | ')}` : `: ${await page.locator('#root').textContent()}`}`];
  }
  const problems = [];
  const session = await page.locator('#session').textContent();
  if (session !== 'Not connected') problems.push(`useSession: ${session}`);
  const button = page.locator('fitconnect-button').getByRole('button');
  try {
    await button.waitFor({ timeout: 10_000 });
    const label = (await button.textContent()).trim();
    if (!/FitRankings/.test(label)) problems.push(`button: ${label}`);
  } catch {
    problems.push('no <fitconnect-button> rendered');
  }
  return problems;
}

const root = opt('--serve') && resolve(opt('--serve'));
const server = root ? await serve(root, Number(opt('--port'))) : null;
const base = root ? `http://127.0.0.1:${opt('--port')}/` : opt('--url');
const browser = await chromium.launch({ ...launchOptions, headless: true });
const problems = [];
try {
  const page = await browser.newPage();
  if (opt('--check') === 'react') problems.push(...(await checkReact(page, base)));
  else problems.push(...check(await run(page, base)));
  if (csp) {
    const out = await run(await browser.newPage(), new URL('csp.html', base).href);
    const c = out.csp;
    if (!(c?.isFitConnectError && c.code === 'invalid_config' && /'wasm-unsafe-eval'/.test(c.message ?? ''))) {
      problems.push(`CSP: ${JSON.stringify(out)}`);
    }
  }
} catch (e) {
  problems.push(String(e?.message ?? e).split('\n')[0]);
} finally {
  await browser.close();
  server?.close();
}
console.log(problems.length ? problems.join('; ') : 'ok');
process.exit(problems.length ? 1 : 0);
