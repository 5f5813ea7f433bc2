// Vite's React plugin, and the popup's callback page as a second page; nothing for fitconnect.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { rollupOptions: { input: ['index.html', 'callback.html'] } },
});
