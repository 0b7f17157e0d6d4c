/// <reference types="vitest/config" />
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';

/**
 * Writes `name.br` and `name.gz` beside every built script and stylesheet, compressed once at the highest levels;
 * the server sends them with their Content-Encoding to browsers that accept it (PrecompressedAssets.cs).
 */
function precompress(): Plugin {
  return {
    name: 'guestchat-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir!;
      const writes: Promise<void>[] = [];
      for (const output of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(output.fileName)) continue;
        const bytes = Buffer.from(output.type === 'chunk' ? output.code : output.source);
        const brotli = brotliCompressSync(bytes, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        });
        const gzip = gzipSync(bytes, { level: 9 });
        if (brotli.length < bytes.length) writes.push(writeFile(join(dir, `${output.fileName}.br`), brotli));
        if (gzip.length < bytes.length) writes.push(writeFile(join(dir, `${output.fileName}.gz`), gzip));
      }
      await Promise.all(writes);
    },
  };
}

/**
 * Starts every script of the guest page with V8's explicit compile hint, `//# allFunctionsCalledOnLoad`: Chromium
 * then compiles all its functions while the file streams in, on a background thread, instead of one by one on the
 * main thread as each is first called. The guest page calls nearly all of its code on the way to the chat (the
 * form, then the joining code and the chat that load while the guest types), so nothing is compiled in vain; other
 * browsers read the line as a comment. Added last, after minification (which drops comments).
 */
function compileHints(): Plugin {
  return {
    name: 'guestchat-compile-hints',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'guest',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const output of Object.values(bundle)) {
          if (output.type === 'chunk') output.code = `//# allFunctionsCalledOnLoad\n${output.code}`;
        }
      },
    },
  };
}

// Two entry pages, built apart so that neither shares a chunk with the other: the member app (index.html, the
// `client` environment, which empties the output folder) and the light guest page (guest.html, served at /i/{id}).
// No inline scripts anywhere: the server's CSP is `script-src 'self'`.
export default defineConfig({
  plugins: [preact(), compileHints(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
  },
  environments: {
    client: { build: { rollupOptions: { input: { index: 'index.html' } } } },
    guest: { consumer: 'client', build: { emptyOutDir: false, rollupOptions: { input: { guest: 'guest.html' } } } },
  },
  builder: {
    async buildApp(builder) {
      await builder.build(builder.environments.client!);
      await builder.build(builder.environments.guest!);
    },
  },
  test: {
    environment: 'node',
    // Tests check behaviour, not speed: a generous bound still catches a hang, and a busy CI machine
    // (crypto-heavy files run side by side on two cores) cannot fail a test by being slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
