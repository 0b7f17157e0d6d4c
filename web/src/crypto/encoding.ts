/**
 * Byte encodings used by the protocol: base64url without padding (RFC 4648 §5), big-endian integers,
 * ASCII labels and UTF-8 text. The base64url pair is also offered to the UI.
 */
import { CryptoError, type CryptoErrorReason } from './errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as base64url without padding (RFC 4648 §5). */
export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

/**
 * Decodes base64url without padding. Strict: rejects padding, whitespace, characters outside the URL-safe
 * alphabet, an impossible length and non-zero trailing bits, so every byte string has exactly one encoding.
 * @throws CryptoError `invalid-encoding`
 */
export function base64urlDecode(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 === 1) throw new CryptoError('invalid-encoding');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) throw new CryptoError('invalid-encoding');
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new CryptoError('invalid-encoding');
  return out;
}

/** Lower-case hexadecimal, used by the test vectors. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Parses lower- or upper-case hexadecimal. @throws CryptoError `invalid-encoding` */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new CryptoError('invalid-encoding');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Concatenates byte strings into a new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Compares two byte strings. Not constant-time: use only on public values (MACs are checked by WebCrypto). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of a string (lone surrogates become U+FFFD). */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes strict UTF-8. @throws CryptoError with the given reason on invalid UTF-8. */
export function fromUtf8(bytes: Uint8Array, reason: CryptoErrorReason): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new CryptoError(reason);
  }
}

/** A protocol label: its ASCII bytes followed by one zero byte, so no label is a prefix of another input. */
export function label(name: string): Uint8Array {
  return concatBytes(utf8(name), new Uint8Array([0]));
}

/** Big-endian unsigned 16-bit integer. */
export function u16(value: number): Uint8Array {
  return new Uint8Array([(value >>> 8) & 0xff, value & 0xff]);
}

/** Big-endian unsigned 32-bit integer. */
export function u32(value: number): Uint8Array {
  return new Uint8Array([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** Big-endian unsigned 64-bit integer from a non-negative safe integer. */
export function u64(value: number): Uint8Array {
  const high = Math.floor(value / 0x1_0000_0000);
  return concatBytes(u32(high), u32(value >>> 0));
}

/**
 * Reads a byte string front to back. Every read past the end, and any byte left over at `end()`,
 * throws a CryptoError with the reason the reader was made with.
 */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly reason: CryptoErrorReason,
  ) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** The next `length` bytes (a copy). */
  bytesOf(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.bytes.length) throw new CryptoError(this.reason);
    const out = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number {
    return this.bytesOf(1)[0]!;
  }

  u16(): number {
    const b = this.bytesOf(2);
    return (b[0]! << 8) | b[1]!;
  }

  u32(): number {
    const b = this.bytesOf(4);
    return ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
  }

  /** A 64-bit integer that must fit in a JavaScript safe integer. */
  u64(): number {
    const high = this.u32();
    const low = this.u32();
    if (high > 0x1f_ffff) throw new CryptoError(this.reason);
    return high * 0x1_0000_0000 + low;
  }

  /** Everything not yet read. */
  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  /** Asserts that every byte was read. */
  end(): void {
    if (this.remaining !== 0) throw new CryptoError(this.reason);
  }
}
