/**
 * Key derivation: HKDF-SHA-256 (RFC 5869) and the Double Ratchet's root and chain steps.
 *
 * HKDF-Extract(salt, IKM) is HMAC(salt, IKM), so a salt that is itself a secret (the PSK, the root key) can live
 * in a non-extractable HMAC CryptoKey: `hkdfWithSaltKey` runs Extract with that key and Expand by hand. The result
 * equals standard HKDF byte for byte (the RFC 5869 tests check both paths).
 */
import { concatBytes, label } from './encoding';
import { CryptoError } from './errors';
import { LABELS } from './labels';
import { hmac, hmacWithRawKey, KEY_LENGTH, webCryptoHkdf } from './primitives';

/** Standard HKDF-SHA-256 with a public salt (empty means HashLen zero bytes), through WebCrypto's HKDF. */
export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  checkLength(length);
  return webCryptoHkdf(ikm, salt, info, length);
}

/** HKDF-SHA-256 whose salt is an HMAC-SHA-256 CryptoKey (the salt's bytes never leave WebCrypto). */
export async function hkdfWithSaltKey(saltKey: CryptoKey, ikm: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  checkLength(length);
  const prk = await hmac(saltKey, ikm);
  return hkdfExpand(prk, info, length);
}

/** HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) || info || i). */
export async function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  checkLength(length);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, offset = 0; offset < length; i++, offset += KEY_LENGTH) {
    previous = await hmacWithRawKey(prk, concatBytes(previous, info, new Uint8Array([i])));
    out.set(previous.subarray(0, Math.min(KEY_LENGTH, length - offset)), offset);
  }
  return out;
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > 255 * KEY_LENGTH) throw new CryptoError('invalid-input');
}

/**
 * KDF_RK of the Double Ratchet: HKDF(salt = root key, IKM = DH output, info = "guestchat/v1/ratchet\0", L = 64),
 * split into the next root key (first 32 bytes) and a chain key (last 32).
 */
export async function kdfRoot(rootKey: CryptoKey, dhOutput: Uint8Array): Promise<{ rootKey: Uint8Array; chainKey: Uint8Array }> {
  const out = await hkdfWithSaltKey(rootKey, dhOutput, label(LABELS.ratchet), 2 * KEY_LENGTH);
  return { rootKey: out.slice(0, KEY_LENGTH), chainKey: out.slice(KEY_LENGTH) };
}

const MESSAGE_KEY_CONSTANT = new Uint8Array([0x01]);
const CHAIN_KEY_CONSTANT = new Uint8Array([0x02]);

/**
 * KDF_CK of the Double Ratchet, as in Signal's specification: message key = HMAC(chain key, 0x01),
 * next chain key = HMAC(chain key, 0x02).
 */
export async function kdfChain(chainKey: CryptoKey): Promise<{ messageKey: Uint8Array; chainKey: Uint8Array }> {
  const [messageKey, next] = await Promise.all([hmac(chainKey, MESSAGE_KEY_CONSTANT), hmac(chainKey, CHAIN_KEY_CONSTANT)]);
  return { messageKey, chainKey: next };
}
