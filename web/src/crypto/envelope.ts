/**
 * Envelope framing: the cleartext headers of stored (ratchet) and ephemeral envelopes. Every header byte is
 * authenticated as AES-GCM associated data.
 */
import { ByteReader, concatBytes, u32 } from './encoding';
import { CryptoError } from './errors';
import { NONCE_LENGTH, P256_PUBLIC_LENGTH, TAG_LENGTH } from './primitives';

/** Envelope format version. */
export const ENVELOPE_VERSION = 0x01;
/** Envelope type of a stored ratchet message. */
export const TYPE_MESSAGE = 0x01;
/** Envelope type of an ephemeral (typing) envelope. */
export const TYPE_EPHEMERAL = 0x02;
/** Largest envelope the server carries (`body` 1–16,384 bytes). */
export const MAX_ENVELOPE_LENGTH = 16384;

/** Which side wrote an envelope. */
export type Role = 'guest' | 'member';
/** Direction byte: 0x01 guest → member, 0x02 member → guest. */
export function directionByte(sender: Role): number {
  return sender === 'guest' ? 0x01 : 0x02;
}

/** The header of a stored ratchet message. */
export interface MessageHeader {
  readonly sender: Role;
  /** The sender's current ratchet public key (65 bytes). */
  readonly ratchetKey: Uint8Array;
  /** Number of messages in the sender's previous sending chain (PN). */
  readonly previousCount: number;
  /** Index of this message in its sending chain (N). */
  readonly count: number;
  /** AES-GCM nonce, 12 random bytes. */
  readonly nonce: Uint8Array;
}

/** 0x01 version || 0x01 type || direction || ratchet key (65) || u32 PN || u32 N || nonce (12) = 88 bytes. */
export const MESSAGE_HEADER_LENGTH = 3 + P256_PUBLIC_LENGTH + 4 + 4 + NONCE_LENGTH;
/** 0x01 version || 0x02 type || direction || nonce (12) = 15 bytes. */
export const EPHEMERAL_HEADER_LENGTH = 3 + NONCE_LENGTH;

/** Encodes a message header. */
export function encodeMessageHeader(header: MessageHeader): Uint8Array {
  return concatBytes(
    new Uint8Array([ENVELOPE_VERSION, TYPE_MESSAGE, directionByte(header.sender)]),
    header.ratchetKey,
    u32(header.previousCount),
    u32(header.count),
    header.nonce,
  );
}

function checkFrame(envelope: Uint8Array, type: number, headerLength: number): ByteReader {
  if (!(envelope instanceof Uint8Array)) throw new CryptoError('invalid-input');
  if (envelope.length > MAX_ENVELOPE_LENGTH || envelope.length < headerLength + TAG_LENGTH + 1) {
    throw new CryptoError('invalid-envelope');
  }
  const reader = new ByteReader(envelope, 'invalid-envelope');
  if (reader.u8() !== ENVELOPE_VERSION || reader.u8() !== type) throw new CryptoError('invalid-envelope');
  return reader;
}

function readSender(reader: ByteReader): Role {
  const direction = reader.u8();
  if (direction === 0x01) return 'guest';
  if (direction === 0x02) return 'member';
  throw new CryptoError('invalid-envelope');
}

/** Splits a stored envelope into its parsed header, the header bytes (associated data) and ciphertext || tag. */
export function parseMessageEnvelope(envelope: Uint8Array): { header: MessageHeader; headerBytes: Uint8Array; sealed: Uint8Array } {
  const reader = checkFrame(envelope, TYPE_MESSAGE, MESSAGE_HEADER_LENGTH);
  const sender = readSender(reader);
  const ratchetKey = reader.bytesOf(P256_PUBLIC_LENGTH);
  const previousCount = reader.u32();
  const count = reader.u32();
  const nonce = reader.bytesOf(NONCE_LENGTH);
  const headerBytes = envelope.slice(0, MESSAGE_HEADER_LENGTH);
  return { header: { sender, ratchetKey, previousCount, count, nonce }, headerBytes, sealed: reader.rest() };
}

/** Encodes an ephemeral header. */
export function encodeEphemeralHeader(sender: Role, nonce: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([ENVELOPE_VERSION, TYPE_EPHEMERAL, directionByte(sender)]), nonce);
}

/** Splits an ephemeral envelope into sender, nonce, header bytes and ciphertext || tag. */
export function parseEphemeralEnvelope(envelope: Uint8Array): { sender: Role; nonce: Uint8Array; headerBytes: Uint8Array; sealed: Uint8Array } {
  const reader = checkFrame(envelope, TYPE_EPHEMERAL, EPHEMERAL_HEADER_LENGTH);
  const sender = readSender(reader);
  const nonce = reader.bytesOf(NONCE_LENGTH);
  return { sender, nonce, headerBytes: envelope.slice(0, EPHEMERAL_HEADER_LENGTH), sealed: reader.rest() };
}
