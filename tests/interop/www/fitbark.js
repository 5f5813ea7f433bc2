// The FitBark page: the redirect URI registered at the authorization server. It does not complete
// the authorisation by itself: the tests call completeAuthorization() (after tampering, for some).
import { start } from './interop.js';

const config = await (await fetch('./interop-config.json')).json();
await start(({ FitBark }) => {
  const fitbark = new FitBark({
    clientId: config.fitbark.clientId,
    baseUrl: config.fitbark.baseUrl,
    redirectUri: new URL('/fitbark.html', location.origin).href,
    tokenEndpoint: '/broker/fitbark/token',
  });
  const connect = document.getElementById('connect');
  connect.onclick = () => fitbark.authorize();
  connect.disabled = false;
  return { fitbark };
});
