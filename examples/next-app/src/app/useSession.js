// A React hook over a fitconnect client's session: re-renders when the session changes (connect,
// refresh, disconnect, another tab). useSyncExternalStore reads `client.session` and subscribes with
// `client.onSessionChange`, whose return value unsubscribes.
import { useCallback, useSyncExternalStore } from 'react';

export function useSession(client) {
  const subscribe = useCallback((onChange) => client.onSessionChange(() => onChange()), [client]);
  const read = useCallback(() => sessionKey(client.session), [client]);
  const key = useSyncExternalStore(subscribe, read, () => null);
  // `client.session` is a new object on each read: the snapshot is its JSON, parsed once per change.
  return key === null ? null : JSON.parse(key);
}

const sessionKey = (session) => (session ? JSON.stringify(session) : null);
