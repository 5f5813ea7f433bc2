// The SDK's one error type. Its own module, so that the package's Node entry can export it
// without loading WebAssembly.

/** The one error type the SDK throws or rejects with. `code` is stable; see the README. */
export class FitConnectError extends Error {
  constructor(code, message, provider, status, oauthError, description, scope) {
    super(message);
    this.name = 'FitConnectError';
    this.code = code;
    if (provider != null) this.provider = provider;
    if (status != null) this.status = status;
    if (oauthError != null) this.oauthError = oauthError;
    if (description != null) this.description = description;
    if (scope != null) this.scope = scope;
  }
}
