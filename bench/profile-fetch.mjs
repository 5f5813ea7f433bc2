// Where a Bearer fetch's microseconds go: the SDK's call taken apart in stages (timed with
// performance.now() on the bench's fetch page, cross-origin isolated for a 5 µs clock), then a
// Chromium CPU profile (CDP, 20 µs sampling) of the SDK's calls and of plain fetch calls, as busy
// time per call and the SDK functions' inclusive time per call. Expects pkg/ built and
// fitconnect-server running on --port-base (as scripts/bench.sh runs it); serves the pages itself.
// For wasm function names, put a wasm-opt output made with -g in pkg/ first (wasm-opt drops them).
//
// node bench/profile-fetch.mjs [--port-base 26080] [--static-port 26090] [--calls 1000]
import { startStatic } from './serve.mjs';
import { chromium, LAUNCH } from './browser.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const PORT_BASE = Number(args['port-base'] ?? 26080);
const STATIC_PORT = Number(args['static-port'] ?? 26090);
const CALLS = Number(args.calls ?? 1000);
const SANDBOX = `http://127.0.0.1:${PORT_BASE + 1}`;


// Stages of one SDK call, medians in µs: the exported method's synchronous part; from its return
// to the microtask that polls the future; from there to `fetch()` (URL, session, Request, header);
// fetch() until its Response; from then until the SDK's promise resolves in the caller.
async function stages(tab, n) {
  return tab.evaluate(async (calls) => {
    const realFetch = window.fetch;
    const realQueue = window.queueMicrotask;
    const t = { sync: [], toPoll: [], pollToFetch: [], network: [], after: [], sdk: [], plain: [] };
    let pollStart = 0;
    let pollAtFetch = 0;
    let fetchAt = 0;
    let answered = 0;
    window.queueMicrotask = (cb) => realQueue(() => { pollStart = performance.now(); cb(); });
    window.fetch = function (...a) {
      fetchAt = performance.now();
      pollAtFetch = pollStart;
      const p = realFetch.apply(this, a);
      p.then(() => { answered = performance.now(); });
      return p;
    };
    try {
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        const pending = window.bench.sends.sdk();
        const t1 = performance.now();
        const res = await pending;
        const t2 = performance.now();
        t.sync.push(t1 - t0);
        t.toPoll.push(pollAtFetch - t1);
        t.pollToFetch.push(fetchAt - pollAtFetch);
        t.network.push(answered - fetchAt);
        t.after.push(t2 - answered);
        t.sdk.push(t2 - t0);
        await res.arrayBuffer();
        const p0 = performance.now();
        const plain = await window.bench.sends.plain();
        t.plain.push(performance.now() - p0);
        await plain.arrayBuffer();
      }
    } finally {
      window.fetch = realFetch;
      window.queueMicrotask = realQueue;
    }
    const med = (v) => { const s = [...v].sort((a, b) => a - b); return Math.round(s[s.length >> 1] * 1000); };
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, med(v)]));
  }, n);
}

// Busy (not idle) time per call, and the inclusive time per call of the frames that matter.
function summarize(profile, calls) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const d = profile.timeDeltas[i] ?? 0;
    const name = byId.get(id).callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return;
    busy += d;
    const seen = new Set();
    for (let cur = id; cur; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame.functionName || '(anonymous)';
      if (!seen.has(f)) inclusive.set(f, (inclusive.get(f) ?? 0) + d);
      seen.add(f);
    }
  });
  const per = (us) => Math.round(us / calls);
  return { busyUs: per(busy), inclusiveUs: [...inclusive].map(([k, v]) => [k, per(v)]).sort((a, b) => b[1] - a[1]) };
}

const server = await startStatic(STATIC_PORT);
const browser = await chromium.launch(LAUNCH);
try {
  const issued = await (await fetch(`${SANDBOX}/__sandbox/issue-token`, { method: 'POST' })).json();
  const session = { provider: 'fitrankings', accessToken: issued.token, tokenType: 'bearer', userId: String(issued.user_id) };
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`http://127.0.0.1:${STATIC_PORT}/fetch.html?sandbox=${encodeURIComponent(SANDBOX)}`);
  await tab.waitForFunction(() => window.benchLoaded);
  await tab.evaluate((s) => window.bench.setup(s), session);
  await tab.evaluate(() => window.bench.pairs(50, 0)); // warm-up

  console.log(`stages of one SDK call, median µs over ${CALLS} calls (plain: a plain fetch beside each):`);
  console.log(' ', JSON.stringify(await stages(tab, CALLS)));

  // The profile comes from a fresh page: the stage timing wraps fetch and queueMicrotask.
  await tab.reload();
  await tab.waitForFunction(() => window.benchLoaded);
  await tab.evaluate((s) => window.bench.setup(s), session);
  await tab.evaluate(() => window.bench.pairs(50, 0));
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 20 });
  for (const kind of ['sdk', 'plain']) {
    await cdp.send('Profiler.start');
    await tab.evaluate(async ([n, k]) => {
      for (let i = 0; i < n; i++) await (await window.bench.sends[k]()).arrayBuffer();
    }, [CALLS, kind]);
    const { profile } = await cdp.send('Profiler.stop');
    const s = summarize(profile, CALLS);
    console.log(`\n${kind}: busy ${s.busyUs} µs per call (CPU profile); inclusive µs per call:`);
    for (const [name, us] of s.inclusiveUs.filter(([, us]) => us >= 5).slice(0, kind === 'sdk' ? 40 : 8)) {
      console.log(`  ${String(us).padStart(6)}  ${name.slice(0, 120)}`);
    }
  }
} finally {
  await browser.close();
  server.close();
}
