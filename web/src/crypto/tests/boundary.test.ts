import { describe, expect, it } from 'vitest';

/**
 * The crypto module is pure: no DOM, no network, no storage, no imports from outside web/src/crypto.
 * Every source file of the module (tests excluded; test support included) is scanned as text.
 */
const sources = import.meta.glob('/src/crypto/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const FORBIDDEN_GLOBALS = [
  'document',
  'window',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'navigator',
  'EventSource',
  'importScripts',
  'require',
];

/** Module specifiers of static imports, re-exports, side-effect imports and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*([^)]*)\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!.trim());
  return found;
}

/** Resolves `specifier` from the file at `path` (relative to web/src/crypto); null when it leaves the folder. */
function resolveInside(path: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const parts = path.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join('/');
}

/** Problems in one file: imports from outside the module and uses of forbidden globals. */
function violations(path: string, source: string): string[] {
  const problems: string[] = [];
  for (const specifier of specifiers(source)) {
    if (resolveInside(path, specifier) === null) problems.push(`${path}: imports ${specifier}`);
  }
  for (const name of FORBIDDEN_GLOBALS) {
    if (new RegExp(`\\b${name}\\b`).test(source)) problems.push(`${path}: uses ${name}`);
  }
  return problems;
}

/** Paths relative to web/src/crypto, e.g. `ratchet.ts`, `tests/support.ts`. */
const moduleFiles = Object.entries(sources)
  .map(([key, source]) => [key.replace(/^\/src\/crypto\//, ''), source] as const)
  .filter(([path]) => !path.endsWith('.test.ts'));

describe('the crypto boundary', () => {
  it('finds the module files to scan', () => {
    const paths = moduleFiles.map(([path]) => path);
    expect(paths).toContain('index.ts');
    expect(paths).toContain('ratchet.ts');
    expect(paths).toContain('tests/support.ts');
  });

  it('has no import from outside web/src/crypto and no DOM, network or storage global', () => {
    const problems = moduleFiles.flatMap(([path, source]) => violations(path, source));
    expect(problems).toEqual([]);
  });

  it('catches each kind of violation (the scanner is not vacuous)', () => {
    expect(violations('a.ts', "import { h } from 'preact';")).toHaveLength(1);
    expect(violations('a.ts', "import { x } from '../ui/x';")).toHaveLength(1);
    expect(violations('tests/a.ts', "export * from '../../transport/http';")).toHaveLength(1);
    expect(violations('a.ts', "const m = await import('../storage/idb');")).toHaveLength(1);
    expect(violations('a.ts', "import './side-effect';")).toHaveLength(0);
    expect(violations('tests/a.ts', "import { x } from '../ratchet';")).toHaveLength(0);
    for (const name of ['document', 'window', 'fetch', 'XMLHttpRequest', 'WebSocket', 'localStorage', 'indexedDB', 'navigator']) {
      expect(violations('a.ts', `const v = ${name}.x;`)).toEqual([`a.ts: uses ${name}`]);
    }
  });
});
