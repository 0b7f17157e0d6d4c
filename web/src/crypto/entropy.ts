/**
 * Where fresh randomness comes from. Production uses the platform (WebCrypto); the test vectors replay a fixed
 * sequence through the same code paths, which is what makes every derivation checkable from fixed inputs.
 * ECDSA signatures are the one exception: WebCrypto draws their nonce itself.
 */
import { generateEcdh, generateEcdsa, randomBytes } from './primitives';

/** A P-256 key pair: the private key stays inside WebCrypto, the public key is its 65-byte uncompressed form. */
export interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
}

/** A source of random bytes and fresh P-256 key pairs. */
export interface Entropy {
  randomBytes(length: number): Promise<Uint8Array>;
  ecdhKeyPair(): Promise<KeyPair>;
  ecdsaKeyPair(): Promise<KeyPair>;
}

/** The platform CSPRNG and WebCrypto key generation (non-extractable private keys). */
export const platformEntropy: Entropy = {
  randomBytes: async (length) => randomBytes(length),
  ecdhKeyPair: generateEcdh,
  ecdsaKeyPair: generateEcdsa,
};
