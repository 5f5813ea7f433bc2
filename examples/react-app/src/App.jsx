// <fitconnect-button> is a custom element: React 19 passes its attributes and listens to its events.
// useSession shows the same session the button keeps.
import { useMemo } from 'react';
import { FitRankings } from 'fitconnect';
import { providers } from './config.js';
import { useSession } from './useSession.js';

export function App() {
  const fitrankings = useMemo(() => new FitRankings(providers.fitrankings), []);
  const session = useSession(fitrankings);
  return (
    <main>
      <h1>fitconnect in React</h1>
      <fitconnect-button provider="fitrankings" />
      <p id="session">{session ? `Connected as ${session.userId ?? 'a FitRankings user'}` : 'Not connected'}</p>
      {session && (
        <button type="button" onClick={() => fitrankings.disconnect()}>
          Disconnect
        </button>
      )}
    </main>
  );
}
