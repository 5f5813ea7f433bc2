// The package's TypeScript types, checked with the example app's tsc against the installed package:
// correct code type-checks, and each deliberately wrong line of type-errors/wrong.ts fails with
// the error named in its `// error TSnnnn` comment, and with no other error.
// Run after scripts/build.sh and the example's npm install: node --test tests/types/types.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'vite-app');
const tsc = (project) =>
  spawnSync(join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--pretty', 'false', '-p', project], { cwd: app, encoding: 'utf8' });

test('the example app type-checks against the package (library .d.ts files included)', () => {
  const { status, stdout, stderr } = tsc('tsconfig.json');
  assert.equal(status, 0, stdout + stderr);
});

test('wrong uses of the API fail to type-check, each with the expected error', () => {
  const file = 'type-errors/wrong.ts';
  const expected = readFileSync(join(app, file), 'utf8')
    .split('\n')
    .flatMap((line, i) => [...line.matchAll(/\/\/ error (TS\d+)/g)].map((m) => `${i + 1} ${m[1]}`));
  assert.ok(expected.length >= 5, 'the file marks its wrong lines');

  const { status, stdout } = tsc('tsconfig.type-errors.json');
  assert.notEqual(status, 0, 'tsc must fail');
  const reported = [...stdout.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+):/gm)].map((m) => {
    assert.equal(m[1], file, `error outside ${file}: ${m[0]}`);
    return `${m[2]} ${m[3]}`;
  });
  assert.deepEqual(reported, expected, stdout);
  // The misspelt error code is caught because `code` is a string-literal union.
  assert.match(stdout, /'FitConnectErrorCode' and '"popup_closd"' have no overlap/);
  assert.match(stdout, /Property 'accessTokn' does not exist on type 'Session'/);
});
