/**
 * Thin wrappers over WebCrypto (`globalThis.crypto.subtle`), the only cryptography this module uses.
 * Every secret key is imported or generated non-extractable. WebCrypto failures on untrusted input
 * become CryptoErrors, never raw DOMExceptions.
 */
import { base64urlEncode } from './encoding';
import { CryptoError, type CryptoErrorReason } from './errors';

const subtle = globalThis.crypto.subtle;

/** Length of an uncompressed SEC1 P-256 public key: 0x04 || X (32) || Y (32). */
export const P256_PUBLIC_LENGTH = 65;
/** Length of an IEEE P1363 P-256 ECDSA signature: r (32) || s (32). */
export const SIGNATURE_LENGTH = 64;
/** Length of an HMAC-SHA-256 output, a SHA-256 digest and every symmetric key of the protocol. */
export const KEY_LENGTH = 32;
/** Length of an AES-GCM nonce. */
export const NONCE_LENGTH = 12;
/** Length of an AES-GCM tag. */
export const TAG_LENGTH = 16;

const ECDH: EcKeyImportParams = { name: 'ECDH', namedCurve: 'P-256' };
const ECDSA: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SHA256: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const HMAC: HmacImportParams = { name: 'HMAC', hash: 'SHA-256', length: 256 };

/** WebCrypto's BufferSource wants an ArrayBuffer-backed view; every array this module makes is one. */
export function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Random bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

async function importPublic(raw: Uint8Array, params: EcKeyImportParams, usages: KeyUsage[], reason: CryptoErrorReason) {
  // WebCrypto implementations differ on compressed points; the protocol allows only the uncompressed form.
  if (!(raw instanceof Uint8Array) || raw.length !== P256_PUBLIC_LENGTH || raw[0] !== 0x04) throw new CryptoError(reason);
  try {
    // Import validates that the point is on the curve and not the point at infinity.
    return await subtle.importKey('raw', buf(raw), params, true, usages);
  } catch {
    throw new CryptoError(reason);
  }
}

/** Imports a peer's ECDH public key, rejecting anything but a valid uncompressed P-256 point. */
export function importEcdhPublic(raw: Uint8Array, reason: CryptoErrorReason = 'invalid-public-key'): Promise<CryptoKey> {
  return importPublic(raw, ECDH, [], reason);
}

/** Imports an ECDSA verification key, rejecting anything but a valid uncompressed P-256 point. */
export function importEcdsaPublic(raw: Uint8Array, reason: CryptoErrorReason = 'invalid-public-key'): Promise<CryptoKey> {
  return importPublic(raw, ECDSA, ['verify'], reason);
}

/** The x-coordinate of the shared point: 32 bytes. */
export async function ecdh(privateKey: CryptoKey, publicKey: CryptoKey): Promise<Uint8Array> {
  try {
    return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256));
  } catch {
    throw new CryptoError('invalid-public-key');
  }
}

/** A fresh ECDH key pair; the private key is non-extractable. */
export async function generateEcdh(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pair = await subtle.generateKey(ECDH, false, ['deriveBits']);
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)) };
}

/** A fresh ECDSA key pair; the private key is non-extractable. */
export async function generateEcdsa(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pair = await subtle.generateKey(ECDSA, false, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)) };
}

/**
 * Imports a P-256 private key from its scalar `d` and public point, non-extractable. Used to replay fixed
 * keys (test vectors); production keys are generated inside WebCrypto.
 */
export async function importPrivateScalar(kind: 'ECDH' | 'ECDSA', d: Uint8Array, publicKey: Uint8Array): Promise<CryptoKey> {
  if (d.length !== KEY_LENGTH || publicKey.length !== P256_PUBLIC_LENGTH || publicKey[0] !== 0x04) {
    throw new CryptoError('invalid-input');
  }
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: 'P-256',
    d: base64urlEncode(d),
    x: base64urlEncode(publicKey.subarray(1, 33)),
    y: base64urlEncode(publicKey.subarray(33, 65)),
  };
  return subtle.importKey('jwk', jwk, kind === 'ECDH' ? ECDH : ECDSA, false, kind === 'ECDH' ? ['deriveBits'] : ['sign']);
}

/** ECDSA P-256 with SHA-256; the signature in IEEE P1363 form (64 bytes). */
export async function ecdsaSign(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.sign(ECDSA_SHA256, privateKey, buf(data)));
}

/** Verifies an ECDSA P-256 SHA-256 signature (IEEE P1363 form). */
export async function ecdsaVerify(publicKey: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  try {
    return await subtle.verify(ECDSA_SHA256, publicKey, buf(signature), buf(data));
  } catch {
    return false;
  }
}

/** Imports 32 bytes as a non-extractable HMAC-SHA-256 key (also used as an HKDF salt, see kdf.ts). */
export async function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== KEY_LENGTH) throw new CryptoError('invalid-input');
  return subtle.importKey('raw', buf(raw), HMAC, false, ['sign', 'verify']);
}

/** HMAC-SHA-256 of `data` under a key whose raw bytes are any length > 0 (HKDF's PRK, RFC test salts). */
export async function hmacWithRawKey(rawKey: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const key = await subtle.importKey('raw', buf(rawKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hmac(key, data);
}

/** HMAC-SHA-256. */
export async function hmac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.sign('HMAC', key, buf(data)));
}

/** Constant-time HMAC-SHA-256 verification (WebCrypto's). */
export async function hmacVerify(key: CryptoKey, tag: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (tag.length !== KEY_LENGTH) return false;
  return subtle.verify('HMAC', key, buf(tag), buf(data));
}

/** SHA-256. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest('SHA-256', buf(data)));
}

/** Imports 32 bytes as a non-extractable AES-256-GCM key. */
export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== KEY_LENGTH) throw new CryptoError('invalid-input');
  return subtle.importKey('raw', buf(raw), { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** AES-256-GCM encryption; returns ciphertext || 16-byte tag. */
export async function aesGcmEncrypt(key: CryptoKey, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await subtle.encrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 }, key, buf(plaintext)),
  );
}

/** AES-256-GCM decryption of ciphertext || tag. @throws CryptoError `decrypt-failed` if authentication fails. */
export async function aesGcmDecrypt(key: CryptoKey, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  try {
    return new Uint8Array(
      await subtle.decrypt({ name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 }, key, buf(sealed)),
    );
  } catch {
    throw new CryptoError('decrypt-failed');
  }
}

/** HKDF-SHA-256 through WebCrypto's own HKDF (RFC 5869). An empty salt means HashLen zero bytes. */
export async function webCryptoHkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await subtle.importKey('raw', buf(ikm), 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: buf(salt), info: buf(info) }, key, length * 8));
}
