// A server component. Importing fitconnect here is safe (Node resolves the package's `node` entry,
// which loads no WebAssembly); the sign-in itself runs in the client component.
import { FitConnectError } from 'fitconnect';
import Connect from './connect';

export default function Page() {
  return (
    <main id="root">
      <h1>fitconnect in Next.js</h1>
      <Connect />
      <p>
        <small>Errors are {FitConnectError.name} instances with a typed <code>code</code>.</small>
      </p>
    </main>
  );
}
