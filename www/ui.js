// DOM building and formatting shared by the demo's cards and data views.
// Provider data is only ever set as text, never as HTML.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value == null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'hidden' || key === 'disabled') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

export const dash = '—';

export function num(value) {
  const n = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(n) ? n : null;
}

export function fmtNumber(value, digits = 0) {
  const n = num(value);
  return n == null ? dash : n.toLocaleString('en', { maximumFractionDigits: digits });
}

function toDate(value) {
  const d = value ? new Date(value) : null;
  return !d || Number.isNaN(d.getTime()) ? null : d;
}

export function fmtDate(value, withYear = true) {
  const d = toDate(value);
  if (!d) return dash;
  return d.toLocaleDateString('en', { day: 'numeric', month: 'short', year: withYear ? 'numeric' : undefined });
}

const dayKey = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

// "Today, 18:30", "Tomorrow, 09:00", "Fri, Nov 27, 18:30": schedules read better by day than by year.
export function fmtDateTime(value) {
  const d = toDate(value);
  if (!d) return dash;
  const time = d.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const today = new Date();
  const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
  if (dayKey(d) === dayKey(today)) return `Today, ${time}`;
  if (dayKey(d) === dayKey(tomorrow)) return `Tomorrow, ${time}`;
  const sameYear = d.getFullYear() === today.getFullYear();
  const day = d.toLocaleDateString('en', { weekday: 'short', day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' });
  return `${day}, ${time}`;
}

export function fmtMinutes(value) {
  const n = num(value);
  return n == null ? dash : `${fmtNumber(n)} min`;
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

// "in 1 year", "in 5 minutes", "3 seconds ago"; a unit is used from 95% of it so 364.9 days reads "1 year".
export function relativeTime(ms) {
  const seconds = (ms - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) {
    if (abs >= size * 0.95) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds), 'second');
}

export function shortToken(token) {
  return typeof token === 'string' && token.length > 6 ? `${token.slice(0, 6)}…` : token || dash;
}

export function titleCase(word) {
  return typeof word === 'string' && word ? word[0].toUpperCase() + word.slice(1).toLowerCase() : dash;
}

// "NoShow" / "no_show" / "no-show" → "No show".
export function humanize(word) {
  if (typeof word !== 'string' || !word) return dash;
  return titleCase(word.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' '));
}

export function fullName(first, last, fallback) {
  return [first, last].filter(Boolean).join(' ') || fallback || dash;
}

// The first of several field names that holds a value: the providers' spellings differ.
export function pick(obj, ...keys) {
  for (const key of keys) {
    const value = obj?.[key];
    if (value != null && value !== '') return value;
  }
  return null;
}

export function section(title, testId, ...content) {
  return h('section', { class: 'data-section', 'data-testid': testId }, h('h3', {}, title), ...content);
}

export function details(rows) {
  return h(
    'dl',
    { class: 'details' },
    rows.filter(([, value]) => value != null && value !== '').map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}

export function muted(text) {
  return h('p', { class: 'muted' }, text);
}

// A scrollable table. `columns`: [{ title, num? }]; each row is a list of cell contents, the first being the row header.
export function dataTable(label, columns, rows) {
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label },
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)))),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((cell, i) =>
              i === 0
                ? h('th', { scope: 'row' }, cell)
                : h('td', { class: columns[i]?.num ? 'num' : null }, cell),
            ),
          ),
        ),
      ),
    ),
  );
}

function httpError(status, what) {
  return Object.assign(new Error(`HTTP ${status} for ${what}`), { code: 'http_error', status });
}

async function readJson(res, what) {
  if (!res.ok) throw httpError(res.status, what);
  try {
    return await res.json();
  } catch (cause) {
    throw Object.assign(new Error(`Unreadable JSON for ${what}`, { cause }), { code: 'invalid_response' });
  }
}

// JSON from a provider call; a non-2xx answer becomes an error with the same shape as the SDK's.
export async function getJson(client, path) {
  return readJson(await client.fetch(path), path);
}

// JSON from this app's own server; `headers` are added to the request.
export async function getOwnJson(url, headers = {}) {
  let res;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  } catch (cause) {
    throw Object.assign(new Error(`No answer from ${url}`, { cause }), { code: 'network_error' });
  }
  return readJson(res, url);
}
