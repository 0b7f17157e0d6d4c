import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuilder, type Plugin } from 'vite';

// The product's build (vite.config.ts), run once into a temporary folder, noting which scripts each page's
// build (environment) wrote.
let dist = '';
const scriptsBuilt = new Map<string, string[]>();

const noteScripts: Plugin = {
  name: 'test-note-scripts',
  writeBundle(_options, bundle) {
    const names = Object.values(bundle).filter((output) => output.type === 'chunk').map((chunk) => chunk.fileName);
    scriptsBuilt.set(this.environment.name, names);
  },
};

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'guestchat-web-build-'));
  const builder = await createBuilder({ logLevel: 'silent', build: { outDir: dist, emptyOutDir: true }, plugins: [noteScripts] });
  await builder.buildApp();
}, 120_000);

afterAll(async () => {
  if (dist) await rm(dist, { recursive: true, force: true });
});

const referenced = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!);
const scriptsOf = (html: string) => referenced(html, /<script[^>]*\bsrc="([^"]+)"/g);
const preloadsOf = (html: string) => referenced(html, /<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g);
const stylesOf = (html: string) => referenced(html, /<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g);
const asset = (path: string) => readFile(join(dist, path), 'utf8');
/** Static `import … from` declarations of a minified module (dynamic `import(…)` calls are not matched). */
const staticImports = (code: string) => [...code.matchAll(/(?:^|[;}\n])\s*import\s*[\w{*][^;(]*?from\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);

describe('the web build', () => {
  it('gives the guest page one script that imports nothing else, and one stylesheet', async () => {
    const html = await asset('guest.html');
    const scripts = scriptsOf(html);
    expect(scripts).toHaveLength(1);
    expect(preloadsOf(html)).toEqual([]);
    expect(stylesOf(html)).toHaveLength(1);
    expect(staticImports(await asset(scripts[0]!))).toEqual([]);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: the CSP is script-src 'self'
  });

  it('starts every guest script with the compile hint, and leaves the member app as it is', async () => {
    const guest = scriptsBuilt.get('guest') ?? [];
    const member = scriptsBuilt.get('client') ?? [];
    expect(guest).toContain(scriptsOf(await asset('guest.html'))[0]!.replace(/^\//, ''));
    expect(guest.length).toBeGreaterThan(1); // the joining code and the chat load apart from the form
    expect(member).toContain(scriptsOf(await asset('index.html'))[0]!.replace(/^\//, ''));
    for (const name of guest) expect(await asset(name)).toMatch(/^\/\/# allFunctionsCalledOnLoad\n/);
    for (const name of member) expect(await asset(name)).not.toContain('allFunctionsCalledOnLoad');
  });

  it('still builds the member app, and compresses every script and stylesheet of both pages', async () => {
    const html = await asset('index.html');
    expect(scriptsOf(html)).toHaveLength(1);
    const assets = await readdir(join(dist, 'assets'));
    for (const name of assets.filter((n) => /\.(js|css)$/.test(n))) {
      expect(assets).toContain(`${name}.br`);
      expect(assets).toContain(`${name}.gz`);
    }
  });
});
