// The providers' options: replace the client id with yours. The callback page hands the popup's
// result back to this window (callback.html runs handleCallback()).
export const providers = {
  fitrankings: { clientId: 'your-client-id', callbackUri: `${location.origin}/callback.html` },
};
