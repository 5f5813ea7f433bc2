// The FitRankings popup lands here: hand the result to the opener and close.
import { handleCallback } from 'fitconnect';

void handleCallback();
