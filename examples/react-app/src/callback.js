// The FitRankings popup lands here: hand the result to the opener, which closes the popup.
import init, { handleCallback } from 'fitconnect';

init().then(() => handleCallback());
