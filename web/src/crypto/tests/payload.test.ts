import { describe, expect, it } from 'vitest';
import { MAX_READ_IDS, MAX_TEXT_LENGTH, type Payload } from '../index';
import { fromHex } from '../encoding';
import { decodePayload, encodePayload, pad, paddedLength, unpad } from '../payload';

const reasonOfSync = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  throw new Error('expected a CryptoError');
};

describe('payload encoding', () => {
  it('round-trips each kind', () => {
    const payloads: Payload[] = [
      { kind: 'text', id: 'AbC-_9', text: 'Grüße, 世界 👋🏽 \u202e', sentAt: 1_760_000_000_123 },
      { kind: 'text', id: 'x', text: '', sentAt: 0 },
      { kind: 'read', ids: [] },
      { kind: 'read', ids: ['a', 'b-c', 'Zz_09'] },
      { kind: 'typing', active: true },
      { kind: 'typing', active: false },
    ];
    for (const payload of payloads) expect(decodePayload(unpad(pad(encodePayload(payload))))).toEqual(payload);
  });

  it('accepts text up to 4,096 UTF-16 code units and refuses one more', () => {
    const longest = '😀'.repeat(MAX_TEXT_LENGTH / 2);
    expect(longest.length).toBe(MAX_TEXT_LENGTH);
    const encoded = encodePayload({ kind: 'text', id: 'a', text: longest, sentAt: 1 });
    expect(decodePayload(encoded)).toEqual({ kind: 'text', id: 'a', text: longest, sentAt: 1 });
    expect(reasonOfSync(() => encodePayload({ kind: 'text', id: 'a', text: 'x'.repeat(MAX_TEXT_LENGTH + 1), sentAt: 1 }))).toBe('invalid-payload');
  });

  it('refuses malformed fields', () => {
    const bad: unknown[] = [
      { kind: 'text', id: '', text: 'x', sentAt: 1 },
      { kind: 'text', id: 'has space', text: 'x', sentAt: 1 },
      { kind: 'text', id: 'a'.repeat(33), text: 'x', sentAt: 1 },
      { kind: 'text', id: 'a', text: 'x', sentAt: -1 },
      { kind: 'text', id: 'a', text: 'x', sentAt: 1.5 },
      { kind: 'text', id: 'a', text: 42, sentAt: 1 },
      { kind: 'read', ids: Array.from({ length: MAX_READ_IDS + 1 }, (_, i) => `id${i}`) },
      { kind: 'read', ids: ['ok', 'not ok'] },
      { kind: 'typing', active: 'yes' },
      { kind: 'image', url: 'x' },
      null,
    ];
    for (const payload of bad) expect(reasonOfSync(() => encodePayload(payload as Payload)), JSON.stringify(payload)).toBe('invalid-payload');
  });

  it('parses strictly: unknown versions and kinds are unsupported, malformed bytes invalid', () => {
    expect(reasonOfSync(() => decodePayload(fromHex('0203' + '01')))).toBe('unsupported-payload');
    expect(reasonOfSync(() => decodePayload(fromHex('0104')))).toBe('unsupported-payload');
    expect(reasonOfSync(() => decodePayload(fromHex('010301' + '00')))).toBe('invalid-payload'); // trailing byte
    expect(reasonOfSync(() => decodePayload(fromHex('010302')))).toBe('invalid-payload'); // typing value 2
    expect(reasonOfSync(() => decodePayload(fromHex('0101' + '0161' + '0000000000000001' + '0002' + 'c328')))).toBe('invalid-payload'); // bad UTF-8
    expect(reasonOfSync(() => decodePayload(fromHex('0101' + '0161' + '0000000000000001' + '0005' + '6869')))).toBe('invalid-payload'); // short
    expect(reasonOfSync(() => decodePayload(new Uint8Array(0)))).toBe('invalid-payload');
  });
});

describe('padding', () => {
  it('rounds to multiples of 64 bytes up to 2 KiB, then to Padmé sizes, never more than 12% over', () => {
    expect(paddedLength(0)).toBe(64);
    expect(paddedLength(63)).toBe(64);
    expect(paddedLength(64)).toBe(128);
    expect(paddedLength(2000)).toBe(2048);
    for (let length = 0; length <= 13000; length++) {
      const padded = paddedLength(length);
      expect(padded).toBeGreaterThan(length);
      expect(padded % 64).toBe(0);
      if (length < 2048) expect(padded - (length + 1)).toBeLessThan(64);
      else expect(padded).toBeLessThanOrEqual((length + 1) * 1.12);
    }
  });

  it('keeps the largest text envelope under the server limit of 16,384 bytes', () => {
    const largest = encodePayload({ kind: 'text', id: 'a'.repeat(32), text: '\u4e16'.repeat(MAX_TEXT_LENGTH), sentAt: Number.MAX_SAFE_INTEGER });
    expect(88 + pad(largest).length + 16).toBeLessThanOrEqual(16384);
  });

  it('refuses padding without its 0x80 marker', () => {
    expect(reasonOfSync(() => unpad(new Uint8Array(64)))).toBe('invalid-payload');
    expect(reasonOfSync(() => unpad(fromHex('0103007f00')))).toBe('invalid-payload');
  });
});
