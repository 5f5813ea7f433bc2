// The popup's callback page (callback.html): hands the provider's answer to the opener and closes.
// A file of its own rather than an inline script, so the page's Content-Security-Policy allows
// scripts from the app origin only.
import init, { handleCallback } from '/pkg/fitconnect.js';

await init();
await handleCallback();
