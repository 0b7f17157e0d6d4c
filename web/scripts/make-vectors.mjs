// Regenerates docs/vectors/guestchat-v1.json, the published known-answer vectors of the crypto protocol.
// Usage (from web/): node scripts/make-vectors.mjs
// The builder is TypeScript (web/src/crypto/tests/vector-builder.ts); Vite's module runner loads it.
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = resolve(web, '../docs/vectors/guestchat-v1.json');
const { module } = await runnerImport(resolve(web, 'src/crypto/tests/vector-builder.ts'), { root: web, configFile: false, logLevel: 'error' });
const vectors = await module.buildVectors();
await writeFile(output, JSON.stringify(vectors, null, 2) + '\n');
console.log(`wrote ${output}: ${vectors.messages.length} messages, ${vectors.rootSteps.length} root steps`);
