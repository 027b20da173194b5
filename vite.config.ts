// Renderer build: src-renderer -> dist/renderer, loaded by Electron (app:// protocol) and by the
// browser shell (http://127.0.0.1). Relative base so both hosts resolve the assets.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    // Chromium 120+ (Electron 38 and Debian's chromium): no transpiling down to old browsers.
    target: 'chrome120',
    sourcemap: true,
  },
  // The renderer imports ring tones from ../assets.
  server: { fs: { allow: [here('.')] } },
  clearScreen: false,
});
