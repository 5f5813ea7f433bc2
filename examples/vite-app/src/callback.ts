// The FitRankings popup lands here: hand the result to the opener and close.
import init, { handleCallback } from 'fitconnect';

await init();
void handleCallback();
