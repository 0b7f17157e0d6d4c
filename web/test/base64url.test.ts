import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../src/shared/base64url';

describe('base64url', () => {
  it('round-trips every length and byte value', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('matches RFC 4648 test vectors without padding', () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    expect(toBase64Url(utf8('f'))).toBe('Zg');
    expect(toBase64Url(utf8('foob'))).toBe('Zm9vYg');
    expect(toBase64Url(utf8('foobar'))).toBe('Zm9vYmFy');
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('refuses padding, the standard alphabet, impossible lengths and non-canonical trailing bits', () => {
    expect(fromBase64Url('Zg==')).toBeNull();
    expect(fromBase64Url('+/8')).toBeNull();
    expect(fromBase64Url('Z')).toBeNull();
    expect(fromBase64Url('Zh')).toBeNull();
    expect(fromBase64Url('Zé')).toBeNull();
  });
});
