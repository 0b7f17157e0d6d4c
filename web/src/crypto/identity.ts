/**
 * A member device's long-term identity: an ECDSA signing key and an ECDH identity key signed by it.
 */
import { concatBytes, label } from './encoding';
import { platformEntropy, type Entropy } from './entropy';
import { LABELS } from './labels';
import { ecdsaSign } from './primitives';

/** Version byte of the device public-key bundle. */
export const DEVICE_KEYS_VERSION = 0x01;

/**
 * A member device's private identity. Opaque to callers: store it (IndexedDB) and pass it back. Structured-clonable;
 * both private keys are non-extractable CryptoKeys.
 */
export interface DeviceIdentity {
  readonly v: 1;
  /** ECDSA P-256 private key (sign). */
  readonly signingKey: CryptoKey;
  /** Its public key, 65 bytes uncompressed. */
  readonly signingPublic: Uint8Array;
  /** ECDH P-256 identity private key (deriveBits). */
  readonly dhKey: CryptoKey;
  /** Its public key, 65 bytes uncompressed. */
  readonly dhPublic: Uint8Array;
}

/** The 130 bytes that name a member identity: signing public key || ECDH identity public key. */
export function memberIdentityBytes(signingPublic: Uint8Array, dhPublic: Uint8Array): Uint8Array {
  return concatBytes(signingPublic, dhPublic);
}

/** Same as {@link createDeviceIdentity} with an explicit randomness source. */
export async function createDeviceIdentityWith(entropy: Entropy): Promise<{ identity: DeviceIdentity; publicKeys: Uint8Array }> {
  const signing = await entropy.ecdsaKeyPair();
  const dh = await entropy.ecdhKeyPair();
  const signature = await ecdsaSign(signing.privateKey, concatBytes(label(LABELS.device), signing.publicKey, dh.publicKey));
  const identity: DeviceIdentity = {
    v: 1,
    signingKey: signing.privateKey,
    signingPublic: signing.publicKey,
    dhKey: dh.privateKey,
    dhPublic: dh.publicKey,
  };
  const publicKeys = concatBytes(new Uint8Array([DEVICE_KEYS_VERSION]), signing.publicKey, dh.publicKey, signature);
  return { identity, publicKeys };
}

/**
 * Creates a member device's identity. `publicKeys` (195 bytes: version 0x01 || signing public key || ECDH identity
 * public key || ECDSA signature) is what `POST /api/devices` uploads; `identity` stays on the device.
 */
export function createDeviceIdentity(): Promise<{ identity: DeviceIdentity; publicKeys: Uint8Array }> {
  return createDeviceIdentityWith(platformEntropy);
}
