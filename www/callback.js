// The popup's callback page: hands the sign-in result to the window that opened it, then closes.
// With the web build, handleCallback() is part of the wasm, so init() must finish first.
import init, { handleCallback } from '/pkg/fitconnect.js';

await init();
await handleCallback();
