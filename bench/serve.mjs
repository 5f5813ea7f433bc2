// The bench pages' origin: a static server on 127.0.0.1 that serves bench/pages at /, the
// --target web build at /pkg/ and the esbuild output at /dist/. fitconnect-server's app origin
// serves only www/, so the pages live here and call the sandbox cross-origin (its CORS is open).
//
// Standalone: node bench/serve.mjs [port]   (default 26090)
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');

const MOUNTS = [
  ['/pkg/', join(ROOT, 'pkg')],
  ['/dist/', join(BENCH, 'dist')],
  ['/', join(BENCH, 'pages')],
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // needed by WebAssembly.instantiateStreaming in init()
  '.json': 'application/json',
};

// Pages that need a fine clock: cross-origin isolation lifts performance.now() from 100 µs to 5 µs.
const ISOLATED = new Set(['/fetch.html']);

function locate(pathname) {
  for (const [prefix, dir] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    const file = normalize(join(dir, pathname.slice(prefix.length)));
    if (!file.startsWith(dir)) return null;
    return file;
  }
  return null;
}

export function startStatic(port = 26090) {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    const file = locate(decodeURIComponent(pathname));
    let size = -1;
    try {
      const st = file && statSync(file);
      if (st && st.isFile()) size = st.size;
    } catch {}
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const headers = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      // Every page load must fetch the SDK and the oidc bundle as a first visit does.
      'cache-control': 'no-store',
    };
    if (ISOLATED.has(pathname)) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 26090);
  await startStatic(port);
  console.log(`bench pages: http://127.0.0.1:${port}/`);
}
