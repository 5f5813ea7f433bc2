// Launch options of Debian's Chromium for every Playwright suite (end-to-end, Vite example,
// interop). Playwright's own browser download is not used; the flags keep Chromium from reaching
// for the network on its own (this machine has none).
module.exports = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
