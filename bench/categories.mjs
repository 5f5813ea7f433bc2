// Where the wasm's bytes go, by category: reads `twiggy top -f csv` of a build that keeps its
// function names (wasm-bindgen's output before wasm-opt, which drops the names), sorts each item
// into a category by its name, and prints raw bytes and each category's share of the code and
// data (the name section itself, which the shipped wasm does not have, is left out). The shares
// show where a size change came from; wasm-opt and gzip shrink every category, not equally.
// ("allocator and small maps": talc or dlmalloc, and litemap, hashbrown or BTreeMap.)
// Usage: node bench/categories.mjs <twiggy.csv> [--json]
import { readFileSync } from 'node:fs';

const CATEGORIES = [
  ['static data (messages, panic locations)', (n) => n.startsWith('data segment') || n.includes('.rodata')],
  ['SDK async state machines', (n) => n.includes('fitconnect') && /\{\{closure\}\}/.test(n)],
  ['SDK core (protocol)', (n) => n.includes('fitconnect::core')],
  ['SDK providers', (n) => n.includes('fitconnect::providers')],
  ['SDK web (browser APIs)', (n) => n.includes('fitconnect::web')],
  ['SDK client, flows and exports', (n) => n.includes('fitconnect')],
  ['allocator and small maps', (n) => /talc|dlmalloc|litemap|hashbrown|btree|__rust_alloc|__rust_dealloc|__rust_realloc|__rdl_/.test(n)],
  ['formatting and panics', (n) => /fmt|panic|Debug|Display|escape_|printable|slice_error|unwrap_failed|assert_failed/.test(n)],
  ['serde and serde-wasm-bindgen', (n) => /serde/.test(n)],
  ['wasm-bindgen, js-sys, web-sys, gloo', (n) => /wasm_bindgen|js_sys|web_sys|gloo|__wbg|__wbindgen/.test(n)],
  ['sha2, base64ct, percent-encoding, subtle, zeroize', (n) => /sha2|base64|percent_encoding|subtle|zeroize/.test(n)],
  ['std, core and alloc', (n) => /^(core|alloc|std)\b|^<(core|alloc|std)|core\[|alloc\[|std\[/.test(n)],
  ['tables, imports, exports and the rest', () => true],
];

function parse(text) {
  const lines = text.trim().split('\n');
  const header = lines.shift().split(',');
  const nameAt = header.indexOf('Name');
  const sizeAt = header.indexOf('ShallowSize');
  return lines.map((line) => {
    // Names may contain commas and are then quoted.
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    return { name: cells[nameAt], size: Number(cells[sizeAt]) };
  });
}

export function categorize(text) {
  const totals = new Map(CATEGORIES.map(([name]) => [name, 0]));
  for (const { name, size } of parse(text)) {
    if (!Number.isFinite(size) || name.includes('function names') || name.startsWith('Σ') || name.startsWith('...')) continue;
    const [category] = CATEGORIES.find(([, test]) => test(name));
    totals.set(category, totals.get(category) + size);
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals].map(([category, raw]) => ({ category, raw, share: Math.round((1000 * raw) / all) / 10 }))
    .sort((a, b) => b.raw - a.raw);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = categorize(readFileSync(process.argv[2], 'utf8'));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows));
  } else {
    for (const r of rows) console.log(`  ${r.category.padEnd(50)}${String(r.raw).padStart(8)} B  ${String(r.share).padStart(5)} %`);
  }
}
