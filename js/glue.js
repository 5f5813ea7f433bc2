// The wait for a popup's callback, the cross-tab lock and a timer: browser plumbing of the
// SDK's JavaScript layer (js/sdk.js).
import { FitConnectError } from './error.js';

/** Name of the BroadcastChannel a callback page uses when it has no opener to post to. */
export const CHANNEL = 'fitconnect';
/** Type tag of callback messages. */
export const MESSAGE_TYPE = 'fitconnect:callback';

function isCallbackMessage(data) {
  return data !== null && typeof data === 'object' && data.type === MESSAGE_TYPE &&
    typeof data.search === 'string' && typeof data.hash === 'string';
}

// After the popup is seen closed, messages already queued may still arrive (the callback page
// posts, then closes itself): wait this long before calling it a user close.
const CLOSE_GRACE_MS = 500;
const POLL_MS = 100;
const INTACT_POLLS = 3;

// Whether the popup shows a page of another origin while its link to us is intact: reading the
// location of a cross-origin window throws, reading that of about:blank or our own page does not.
function showsOtherOrigin(popup) {
  try {
    void popup.location.href;
    return false;
  } catch (_) {
    return true;
  }
}

/**
 * Resolves with `{ search, hash }` from the callback page opened in `popup`. Accepts a window
 * message only from that popup and from this page's own origin, or a BroadcastChannel message
 * from this origin when the popup had no opener. Rejects with `popup_closed` or `timeout`.
 *
 * A provider page sent with `Cross-Origin-Opener-Policy: same-origin` cuts the popup off from
 * this window: `popup.closed` then reads true while the user is still signing in, and the
 * callback page reports over the BroadcastChannel instead. The two cases are told apart by what
 * was seen: `popup_closed` is reported only for a popup that was seen showing the provider's page
 * with its link intact and then closed. A popup that looks closed before that was cut off; the
 * wait goes on until the callback page reports or the timeout.
 */
export function waitForCallback(popup, timeoutMs, provider) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let closedAt = 0;
    // Consecutive polls that saw the provider's page with the link intact: a popup cut off by
    // COOP can pass through a cross-origin state for an instant before it reads as closed.
    let intactPolls = 0;
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      if (channel) channel.close();
      if (error) reject(error); else resolve(value);
    };
    const onMessage = (event) => {
      if (event.origin !== window.location.origin || event.source !== popup) return;
      if (isCallbackMessage(event.data)) finish(null, event.data);
    };
    window.addEventListener('message', onMessage);
    if (channel) {
      channel.onmessage = (event) => { if (isCallbackMessage(event.data)) finish(null, event.data); };
    }
    const poll = setInterval(() => {
      if (!popup.closed) {
        closedAt = 0;
        if (intactPolls < INTACT_POLLS) intactPolls = showsOtherOrigin(popup) ? intactPolls + 1 : 0;
        return;
      }
      if (intactPolls < INTACT_POLLS) return;
      closedAt = closedAt || Date.now();
      if (Date.now() - closedAt >= CLOSE_GRACE_MS) {
        finish(new FitConnectError('popup_closed', 'The sign-in window was closed before it finished', provider));
      }
    }, POLL_MS);
    const timer = setTimeout(() => {
      try { popup.close(); } catch (_) { /* already gone */ }
      finish(new FitConnectError('timeout', 'The sign-in did not finish in time', provider));
    }, timeoutMs);
  });
}

/**
 * Runs `task(acquired)` holding the Web Lock `name` (shared by every tab of this origin).
 * With `ifAvailable`, `acquired` is false when another holder has it. Without the Web Locks
 * API the task runs at once, as if it held the lock.
 */
export function withLock(name, ifAvailable, task) {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return Promise.resolve(task(true));
  return locks.request(name, { ifAvailable }, (lock) => task(lock !== null));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
