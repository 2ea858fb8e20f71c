/**
 * Vite config of the demo page (demo/index.html → demo/dist). The page imports erlangen from the
 * sources (../src, relative imports), so the bundle is the library as the page uses it, wasm
 * kernels included (they are embedded in the library's JavaScript). Built by `npm run demo:build`
 * or by `npm start` when demo/dist is missing or older than the sources.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  publicDir: 'public',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});
