// Loads the WebAssembly module, registers <fitconnect-button>, then renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import init, { defineConnectButtons } from 'fitconnect';
import { App } from './App.jsx';
import { providers } from './config.js';

init()
  .then(() => {
    defineConnectButtons({ providers });
    createRoot(document.getElementById('root')).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  })
  .catch((error) => {
    // A FitConnectError: e.g. a Content-Security-Policy without 'wasm-unsafe-eval'.
    document.getElementById('root').textContent = `fitconnect could not start: ${error.message}`;
  });
