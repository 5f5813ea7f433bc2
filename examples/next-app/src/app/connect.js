'use client';
// The client component: loads the WebAssembly module once, registers <fitconnect-button>, and
// shows the session through the useSession hook.
import { useEffect, useState } from 'react';
import init, { FitRankings, defineConnectButtons } from 'fitconnect';
import { useSession } from './useSession';

let ready;
function start() {
  ready ??= init().then(() => {
    defineConnectButtons({ providers: { fitrankings: options() } });
    return new FitRankings(options());
  });
  return ready;
}

// Replace the client id with yours.
const options = () => ({ clientId: 'your-client-id', callbackUri: `${location.origin}/callback` });

export default function Connect() {
  const [client, setClient] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    start().then(setClient, (e) => setError(e.message));
  }, []);
  if (error) return <p>fitconnect could not start: {error}</p>;
  if (!client) return <p>Loading…</p>;
  return <Signed client={client} />;
}

function Signed({ client }) {
  const session = useSession(client);
  return (
    <>
      <fitconnect-button provider="fitrankings" />
      <p id="session">{session ? `Connected as ${session.userId ?? 'a FitRankings user'}` : 'Not connected'}</p>
    </>
  );
}
