// The browser every bench script drives: the machine's Chromium, headless, through Playwright
// from the repository's own dev dependencies (never a browser download).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootRequire = createRequire(join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'package.json'));

export const { chromium } = (() => {
  try {
    return rootRequire('playwright-core');
  } catch {
    return rootRequire('@playwright/test');
  }
})();

export const LAUNCH = {
  headless: true,
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};
