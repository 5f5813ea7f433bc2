// Deliberately wrong uses of the fitconnect types: type-checking this file must fail, with exactly
// the error named on each marked line (tests/types/types.test.mjs checks that).
import { FitConnectError, FitRankings, OpenFit, defineConnectButtons } from 'fitconnect';

new FitRankings({ clientId: 1, callbackUri: 'https://app.example/callback.html' }); // error TS2322

new FitRankings({ clientId: 'id' }); // error TS2345

new OpenFit({ clientId: 'id', environment: 'staging' }); // error TS2322

export function closedByUser(e: FitConnectError) {
  return e.code === 'popup_closd'; // error TS2367
}

document.addEventListener('fitconnect:connected', (event) => {
  console.log(event.detail.accessTokn); // error TS2551
});

defineConnectButtons({ providers: { fitrankings: { timeoutMs: '5000' } } }); // error TS2322

document.querySelector('fitconnect-button')?.provider === 'strava'; // error TS2367
