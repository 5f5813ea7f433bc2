// A server component: importing fitconnect on the server works, and a class says it needs a browser.
import { FitBark, FitConnectError } from 'fitconnect';
import Smoke from './smoke';

export const dynamic = 'force-dynamic';

function serverSide() {
  try {
    new FitBark({ clientId: 'smoke' });
    return 'no error';
  } catch (e) {
    return e instanceof FitConnectError ? e.code : `${e?.name}: ${e?.message}`;
  }
}

export default function Page() {
  return (
    <main>
      <p id="ssr">{serverSide()}</p>
      <Smoke />
    </main>
  );
}
