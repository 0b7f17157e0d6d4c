// Prints what the guest page (dist/guest.html) loads first, gzipped: every script, module preload and stylesheet
// it references. The budget is 50 KiB of JavaScript and CSS; the benchmark reports this figure.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'guest.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let js = 0;
let css = 0;
for (const ref of refs) {
  const size = gzipSync(readFileSync(join(dist, ref)), { level: 9 }).length;
  if (ref.endsWith('.js')) js += size;
  else css += size;
  console.log(`${ref}\t${size} bytes gzipped`);
}
const total = js + css;
console.log(`guest page first load: ${total} bytes gzipped (${(total / 1024).toFixed(1)} KiB; JS ${js}, CSS ${css}; budget 51200)`);
process.exitCode = total <= 51200 ? 0 : 1;
