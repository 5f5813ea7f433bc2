// Where the ready time goes: cold loads of the bench's app bundles with the README's preload hints
// (the downloads start with the HTML), with `import()`, `await init()`, the first
// `new FitRankings()` and a second one timed apart, and inside `init()` its `fetch()` of the wasm
// and `WebAssembly.instantiateStreaming()`. Every other load is traced by Chromium; from each
// trace: how long V8's wasm work (streaming compilation, validation, instantiation) held the
// page's main thread during `init()`, and how many wasm functions V8 compiled on their first call
// (lazy compilation) inside the first constructor, and for how long. Medians over the loads;
// tracing slows each step, so the traced times are the longer.
// Expects bench/dist/ built (scripts/bench.sh builds it); serves the pages itself.
//
// node bench/profile-ready.mjs [--static-port 26090] [--loads 25]
import { startStatic } from './serve.mjs';
import { chromium, LAUNCH } from './browser.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const STATIC_PORT = Number(args['static-port'] ?? 26090);
const LOADS = Number(args.loads ?? 25);
const ORIGIN = `http://127.0.0.1:${STATIC_PORT}`;

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'v8.wasm',
  'disabled-by-default-v8.wasm.detailed'];
const MODULES = { 'app bundle (fitconnect)': '/dist/sdk-app.js', 'app bundle (fitconnect/fitrankings)': '/dist/fitrankings/sdk-app.js' };

// The bench's ready page with marks between the steps (served here, not from bench/pages: the
// marks stay out of the timed page).
const page = (module) => `<!doctype html><meta charset="utf-8">
<link rel="modulepreload" href="${module}">
<link rel="preload" href="${new URL('fitconnect_bg.wasm', new URL(module, ORIGIN)).href}" as="fetch" type="application/wasm" crossorigin="anonymous">
<script type="module">
  const options = { clientId: 'fitconnect-demo', callbackUri: location.origin + '/callback.html', baseUrl: 'http://127.0.0.1:9' };
  const at = [];
  const step = (name) => { performance.mark(name); at.push(performance.now()); };
  // init()'s two steps: the fetch() of the wasm until its Response, and its streaming compilation
  // and instantiation.
  const inner = {};
  const timed = (name, f) => async (...a) => { const t = performance.now(); try { return await f(...a); } finally { inner[name] = performance.now() - t; } };
  window.fetch = timed('fetch', window.fetch.bind(window));
  WebAssembly.instantiateStreaming = timed('instantiate', WebAssembly.instantiateStreaming);
  try {
    step('import');
    const { default: init, FitRankings } = await import(${JSON.stringify(module)});
    step('init');
    await init();
    step('first-client');
    new FitRankings(options);
    step('second-client');
    new FitRankings(options);
    step('end');
    window.done = { ms: at.slice(1).map((t, i) => t - at[i]), inner };
  } catch (e) {
    window.done = { error: String(e?.message ?? e) };
  }
</script>`;

// Main-thread time inside [from, to] covered by trace events (the union of their spans), µs.
function covered(events, from, to) {
  const spans = events
    .map((e) => [Math.max(e.ts, from), Math.min(e.ts + e.dur, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

function analyse(trace) {
  const events = trace.traceEvents ?? trace;
  const marks = Object.fromEntries(events.filter((e) => e.cat?.includes('user_timing') && e.ph !== 'X').map((e) => [e.name, e]));
  const { pid, tid } = marks.init;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined);
  const [i0, i1, c1] = ['init', 'first-client', 'second-client'].map((m) => marks[m].ts);
  const wasm = main.filter((e) => /^(v8\.)?wasm\./.test(e.name) && !/^wasm\.(CompileLazy|CompileBaseline)$/.test(e.name));
  const lazy = main.filter((e) => e.name === 'wasm.CompileLazy' && e.ts >= i1 && e.ts <= c1);
  return {
    initWasm: covered(wasm, i0, i1) / 1000,
    lazyCount: lazy.length,
    lazyMs: covered(lazy, i1, c1) / 1000,
  };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(2)} ms`.padStart(9);

// One cold load in a fresh context: the steps' times, and with `traced` what its trace shows.
async function load(browser, module, traced) {
  const context = await browser.newContext();
  try {
    await context.route(`${ORIGIN}/profile-ready.html`, (route) => route.fulfill({ contentType: 'text/html', body: page(module) }));
    const tab = await context.newPage();
    await tab.goto('about:blank');
    if (traced) await browser.startTracing(tab, { categories: CATEGORIES });
    await tab.goto(`${ORIGIN}/profile-ready.html`, { timeout: 15_000 });
    await tab.waitForFunction(() => window.done, null, { timeout: 15_000 });
    const trace = traced ? JSON.parse((await browser.stopTracing()).toString()) : null;
    const done = await tab.evaluate(() => window.done);
    if (done.error) throw new Error(`${module}: ${done.error}`);
    return { steps: done.ms, inner: done.inner, ...(trace && analyse(trace)) };
  } finally {
    await context.close();
  }
}

const server = await startStatic(STATIC_PORT);
const browser = await chromium.launch(LAUNCH);
try {
  for (const [label, module] of Object.entries(MODULES)) {
    const plain = [];
    const traced = [];
    for (let i = 0; i < 2; i++) await load(browser, module, false); // warm-up, discarded
    // In turns, so that drift on a shared machine hits both alike.
    for (let i = 0; i < LOADS; i++) {
      plain.push(await load(browser, module, false));
      traced.push(await load(browser, module, true));
    }
    const col = (rows, f) => median(rows.map(f));
    const steps = (k) => `${ms(col(plain, (r) => r.steps[k]))} ${ms(col(traced, (r) => r.steps[k]))}`;
    console.log(`${label}, ${module}: medians of ${LOADS} cold loads with the preload hints, untraced and traced`);
    console.log(`  import()                 ${steps(0)}`);
    console.log(`  await init()             ${steps(1)}  V8's wasm work on the main thread (streaming compilation,`
      + ` validation, instantiation) ${ms(col(traced, (r) => r.initWasm))}`);
    console.log(`    its fetch() of the wasm  ${ms(col(plain, (r) => r.inner.fetch))}; WebAssembly.instantiateStreaming()`
      + ` ${ms(col(plain, (r) => r.inner.instantiate))} (untraced)`);
    console.log(`  first new FitRankings()  ${steps(2)}  lazy compilation of ${col(traced, (r) => r.lazyCount)} wasm`
      + ` functions on their first call ${ms(col(traced, (r) => r.lazyMs))}`);
    console.log(`  second new FitRankings() ${steps(3)}`);
  }
} finally {
  await browser.close();
  server.close();
}
