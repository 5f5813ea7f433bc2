/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Port base of the fitconnect-server sandbox this build talks to (default 8080). */
  readonly VITE_FITCONNECT_PORT_BASE?: string;
}
