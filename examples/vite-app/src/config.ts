// Where this app's providers live. Here: the local sandbox of `fitconnect-server`; in a real app,
// the providers' hosts and your own client ids. Secrets are never here: the broker adds them.
import type { FisikalOptions, FitBarkOptions, FitRankingsOptions, OpenFitOptions, PerfectGymOptions } from 'fitconnect';

const portBase = Number(import.meta.env.VITE_FITCONNECT_PORT_BASE || 8080);
const sandbox = (offset: number) => `http://127.0.0.1:${portBase + offset}`;
const app = window.location.origin;

export const fitrankings = {
  clientId: 'fitconnect-demo',
  callbackUri: `${app}/callback.html`,
  baseUrl: sandbox(1),
} satisfies FitRankingsOptions;

export const fitbark = {
  clientId: 'fitconnect-demo',
  // Must be registered with FitBark.
  redirectUri: `${app}/`,
  // This app's server forwards /broker to fitconnect-server (see vite.config.js).
  tokenEndpoint: `${app}/broker/fitbark/token`,
  baseUrl: sandbox(2),
} satisfies FitBarkOptions;

export const perfectgym = { baseUrl: sandbox(3) } satisfies PerfectGymOptions;

export const openfit = {
  clientId: 'openfit-demo',
  environment: { identityUrl: sandbox(4), apiUrl: sandbox(5) },
} satisfies OpenFitOptions;

export const fisikal = {
  baseUrl: sandbox(6),
  tokenEndpoint: `${app}/broker/fisikal/token`,
} satisfies FisikalOptions;
