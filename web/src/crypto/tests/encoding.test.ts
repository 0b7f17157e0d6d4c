import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from '../index';
import { ByteReader, fromHex, toHex, u64 } from '../encoding';

describe('base64url', () => {
  it('round-trips every length from 0 to 64 bytes', () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
      const text = base64urlEncode(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(base64urlDecode(text)).toEqual(bytes);
    }
  });

  it('matches RFC 4648 test strings without padding', () => {
    const cases: [string, string][] = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of cases) expect(base64urlEncode(new TextEncoder().encode(plain))).toBe(encoded);
    expect(base64urlEncode(Uint8Array.from([0xfb, 0xff]))).toBe('-_8');
  });

  it('rejects padding, standard-alphabet characters, whitespace, impossible lengths and non-canonical trailing bits', () => {
    for (const bad of ['Zg==', 'ab+/', 'ab cd', 'Z', 'Zh', 'Zm9=', 'é', 'AAA\n']) {
      expect(() => base64urlDecode(bad), bad).toThrowError(expect.objectContaining({ reason: 'invalid-encoding' }));
    }
  });
});

describe('byte layouts', () => {
  it('writes and reads 64-bit big-endian safe integers', () => {
    for (const value of [0, 1, 0xffff_ffff, 0x1_0000_0000, 1_760_000_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(new ByteReader(u64(value), 'invalid-input').u64()).toBe(value);
    }
    expect(toHex(u64(0x0102_0304_0506))).toBe('0000010203040506');
  });

  it('refuses to read past the end or to leave bytes over', () => {
    const reader = new ByteReader(fromHex('0102'), 'invalid-envelope');
    expect(() => reader.u32()).toThrowError(expect.objectContaining({ reason: 'invalid-envelope' }));
    const partial = new ByteReader(fromHex('0102'), 'invalid-envelope');
    partial.u8();
    expect(() => partial.end()).toThrowError(expect.objectContaining({ reason: 'invalid-envelope' }));
  });
});
