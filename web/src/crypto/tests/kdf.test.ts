import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding';
import { hkdf, hkdfWithSaltKey, kdfChain } from '../kdf';
import { buf, hmac, importHmacKey } from '../primitives';

const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** RFC 5869, Appendix A, test cases 1–3 (HKDF with SHA-256). */
const RFC5869 = [
  {
    name: 'case 1 (basic)',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'case 2 (longer inputs and outputs)',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
      '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
      'cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'case 3 (zero-length salt and info)',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: new Uint8Array(0),
    info: new Uint8Array(0),
    length: 42,
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

/** The salt as an HMAC CryptoKey; an absent salt is HashLen zero bytes (RFC 5869 §2.2). */
function saltKey(salt: Uint8Array): Promise<CryptoKey> {
  const bytes = salt.length === 0 ? new Uint8Array(32) : salt;
  return globalThis.crypto.subtle.importKey('raw', buf(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

describe('HKDF-SHA-256 (RFC 5869)', () => {
  for (const vector of RFC5869) {
    it(`matches ${vector.name} through WebCrypto's HKDF`, async () => {
      expect(toHex(await hkdf(vector.ikm, vector.salt, vector.info, vector.length))).toBe(vector.okm);
    });

    it(`matches ${vector.name} with the salt held in a CryptoKey`, async () => {
      expect(toHex(await hkdfWithSaltKey(await saltKey(vector.salt), vector.ikm, vector.info, vector.length))).toBe(vector.okm);
    });
  }

  it('refuses output lengths HKDF cannot produce', async () => {
    const key = await saltKey(new Uint8Array(0));
    await expect(hkdfWithSaltKey(key, new Uint8Array(1), new Uint8Array(0), 0)).rejects.toThrow();
    await expect(hkdfWithSaltKey(key, new Uint8Array(1), new Uint8Array(0), 255 * 32 + 1)).rejects.toThrow();
  });
});

describe('the symmetric chain step', () => {
  it('derives the message key with constant 0x01 and the next chain key with 0x02, as in the Signal specification', async () => {
    const raw = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const step = await kdfChain(await importHmacKey(raw));
    const key = await importHmacKey(raw);
    expect(toHex(step.messageKey)).toBe(toHex(await hmac(key, new Uint8Array([1]))));
    expect(toHex(step.chainKey)).toBe(toHex(await hmac(key, new Uint8Array([2]))));
    expect(toHex(step.messageKey)).not.toBe(toHex(step.chainKey));
  });
});
