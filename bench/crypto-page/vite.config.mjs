// Bench-only build of web/src/crypto (kept out of the product's build): one IIFE script, dist/bench-crypto.js,
// that exposes window.guestChatBench. The bench runs it with web/'s toolchain:
//   node ../../web/node_modules/vite/bin/vite.js build --config vite.config.mjs
// No `import 'vite'` here: this folder has no node_modules of its own.
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default {
  root: here,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: `${here}dist`,
    emptyOutDir: true,
    minify: true,
    lib: {
      entry: `${here}entry.ts`,
      name: 'GuestChatBenchCrypto',
      formats: ['iife'],
      fileName: () => 'bench-crypto.js',
    },
  },
};
