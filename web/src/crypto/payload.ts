/**
 * Plaintext payloads: versioned, typed, strictly parsed, and padded before encryption so that a ciphertext's
 * length says little about the text inside.
 */
import { ByteReader, concatBytes, fromUtf8, u16, u64, utf8 } from './encoding';
import { CryptoError } from './errors';

/** What a message carries. Text and read receipts are stored envelopes; typing is ephemeral only. */
export type Payload =
  /** A text message. `text` ≤ 4,096 UTF-16 code units; `id` 1–32 base64url characters, random, made by the sender. */
  | { kind: 'text'; id: string; text: string; sentAt: number }
  /** A read receipt for text message ids (at most 256 per receipt). */
  | { kind: 'read'; ids: string[] }
  /** The typing indicator: ephemeral envelopes only. */
  | { kind: 'typing'; active: boolean };

/** Payload format version. */
export const PAYLOAD_VERSION = 0x01;
/** Longest text, in UTF-16 code units (JavaScript `string.length`, HTML `maxlength`). */
export const MAX_TEXT_LENGTH = 4096;
/** Most ids in one read receipt. */
export const MAX_READ_IDS = 256;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KIND_TEXT = 0x01;
const KIND_READ = 0x02;
const KIND_TYPING = 0x03;
/** Padding marker (ISO/IEC 7816-4): 0x80 then zero bytes. */
const PAD_MARKER = 0x80;

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) throw new CryptoError('invalid-payload');
}

/** Encodes a payload (without padding), validating every field. @throws CryptoError `invalid-payload` */
export function encodePayload(payload: Payload): Uint8Array {
  if (payload === null || typeof payload !== 'object') throw new CryptoError('invalid-payload');
  switch (payload.kind) {
    case 'text': {
      checkId(payload.id);
      if (typeof payload.text !== 'string' || payload.text.length > MAX_TEXT_LENGTH) throw new CryptoError('invalid-payload');
      if (!Number.isSafeInteger(payload.sentAt) || payload.sentAt < 0) throw new CryptoError('invalid-payload');
      const id = utf8(payload.id);
      const text = utf8(payload.text);
      return concatBytes(new Uint8Array([PAYLOAD_VERSION, KIND_TEXT, id.length]), id, u64(payload.sentAt), u16(text.length), text);
    }
    case 'read': {
      if (!Array.isArray(payload.ids) || payload.ids.length > MAX_READ_IDS) throw new CryptoError('invalid-payload');
      const parts = [new Uint8Array([PAYLOAD_VERSION, KIND_READ]), u16(payload.ids.length)];
      for (const id of payload.ids) {
        checkId(id);
        parts.push(new Uint8Array([id.length]), utf8(id));
      }
      return concatBytes(...parts);
    }
    case 'typing':
      if (typeof payload.active !== 'boolean') throw new CryptoError('invalid-payload');
      return new Uint8Array([PAYLOAD_VERSION, KIND_TYPING, payload.active ? 1 : 0]);
    default:
      throw new CryptoError('invalid-payload');
  }
}

function readId(reader: ByteReader): string {
  const id = String.fromCharCode(...reader.bytesOf(reader.u8()));
  checkId(id);
  return id;
}

/**
 * Parses an unpadded payload. Unknown versions and kinds are `unsupported-payload`; anything malformed
 * (lengths, trailing bytes, bad UTF-8, limits) is `invalid-payload`.
 */
export function decodePayload(bytes: Uint8Array): Payload {
  const reader = new ByteReader(bytes, 'invalid-payload');
  if (reader.u8() !== PAYLOAD_VERSION) throw new CryptoError('unsupported-payload');
  const kind = reader.u8();
  let payload: Payload;
  if (kind === KIND_TEXT) {
    const id = readId(reader);
    const sentAt = reader.u64();
    const text = fromUtf8(reader.bytesOf(reader.u16()), 'invalid-payload');
    if (text.length > MAX_TEXT_LENGTH) throw new CryptoError('invalid-payload');
    payload = { kind: 'text', id, text, sentAt };
  } else if (kind === KIND_READ) {
    const count = reader.u16();
    if (count > MAX_READ_IDS) throw new CryptoError('invalid-payload');
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(readId(reader));
    payload = { kind: 'read', ids };
  } else if (kind === KIND_TYPING) {
    const active = reader.u8();
    if (active > 1) throw new CryptoError('invalid-payload');
    payload = { kind: 'typing', active: active === 1 };
  } else {
    throw new CryptoError('unsupported-payload');
  }
  reader.end();
  return payload;
}

/**
 * The padded length for `length` payload bytes: with the 1-byte marker, rounded up to a multiple of 64 bytes,
 * and for larger sizes to Padmé's (which rounds to at most 12% more, leaking O(log log n) bits of the length).
 */
export function paddedLength(length: number): number {
  const withMarker = length + 1;
  const byBlock = Math.ceil(withMarker / 64) * 64;
  return Math.max(byBlock, padme(withMarker));
}

/** Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs", 2019). */
export function padme(length: number): number {
  if (length < 2) return length;
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const lastBits = e - s;
  const mask = 2 ** lastBits - 1;
  return Math.ceil(length / (mask + 1)) * (mask + 1);
}

/** payload || 0x80 || 0x00… up to `paddedLength`. */
export function pad(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(paddedLength(payload.length));
  out.set(payload);
  out[payload.length] = PAD_MARKER;
  return out;
}

/** Removes the padding: trailing zero bytes, then one 0x80. @throws CryptoError `invalid-payload` */
export function unpad(padded: Uint8Array): Uint8Array {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  if (end === 0 || padded[end - 1] !== PAD_MARKER) throw new CryptoError('invalid-payload');
  return padded.slice(0, end - 1);
}
