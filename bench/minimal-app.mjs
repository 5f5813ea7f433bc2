// A minimal app with one entry of the npm package, as the SDKs fitconnect is compared with were
// measured: it imports init() and the entry's class (its first export), awaits init() and keeps
// the class; no connect buttons. bench/run.mjs bundles it for its size table and
// scripts/size-check.sh for the minimalAppGzipTotalBytes budget, so both measure the same app.
//
// node bench/minimal-app.mjs ENTRY IMPORT   prints the app for the entry file ENTRY, importing it as IMPORT
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The app's source for the entry file `entry`, imported as `specifier`, and the class it imports.
export function minimalApp(entry, specifier) {
  const match = readFileSync(entry, 'utf8').match(/^export const (\w+) = /m);
  if (!match) throw new Error(`${entry} exports no class`);
  const cls = match[1];
  return { cls, source: `import init, { ${cls} } from '${specifier}';\nawait init();\nwindow.client = ${cls};\n` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry, specifier] = process.argv.slice(2);
  try {
    process.stdout.write(minimalApp(entry, specifier).source);
  } catch (e) {
    console.error(`minimal-app: ${e.message}`);
    process.exit(1);
  }
}
