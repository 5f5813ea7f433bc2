// The core's call format (src/core/wire.rs), written from JavaScript values. A module of its own,
// without imports, so that the browser tests can load it too.

const encoder = new TextEncoder();

/**
 * `value` in the wire format, as a list of byte arrays: a tag (`s`tring, `n`umber, `b`oolean, `z`
 * for null, `a`rray, `o`bject), a little-endian u32 (byte length, or item count) and the payload.
 * Members of objects and arrays are written down to `depth` 2; deeper ones are written empty.
 */
export function pack(value, out = [], depth = 0) {
  const object = value !== null && typeof value === 'object';
  const tag = value == null ? 'z' : Array.isArray(value) ? 'a' : (typeof value)[0];
  const items = !object ? null : depth > 1 ? [] : tag === 'a' ? value : Object.entries(value).flat();
  const bytes = object || value == null ? null : encoder.encode(value);
  const n = items ? items.length : bytes?.length ?? 0;
  out.push(Uint8Array.of(tag.charCodeAt(0), n, n >> 8, n >> 16, n >> 24));
  if (bytes) out.push(bytes);
  for (const item of items ?? []) pack(item, out, depth + 1);
  return out;
}
