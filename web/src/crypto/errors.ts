/**
 * Why a crypto operation refused its input. Stable strings: the UI may branch on them, logs may record them
 * (they never contain key material or plaintext).
 */
export type CryptoErrorReason =
  /** An argument had the wrong type, length or range (a programming error in the caller). */
  | 'invalid-input'
  /** A base64url string did not decode canonically. */
  | 'invalid-encoding'
  /** The link secret is not base64url of exactly 32 bytes. */
  | 'invalid-link-secret'
  /** A public key is not an uncompressed P-256 point on the curve. */
  | 'invalid-public-key'
  /** The invitation bundle is malformed or belongs to another invitation. */
  | 'invalid-bundle'
  /** The bundle's HMAC tag does not match: the bundle was not made by whoever holds the link secret. */
  | 'bundle-tag-mismatch'
  /** The bundle's signature does not verify under the identity key it names. */
  | 'bundle-signature-invalid'
  /** The invitation's expiry time has passed. */
  | 'invitation-expired'
  /** The guest's public keys are malformed. */
  | 'invalid-guest-keys'
  /** The claim's HMAC tag does not match the transcript: a key was swapped or the claim is for another invitation. */
  | 'claim-tag-mismatch'
  /** The device identity given is not the one that created the invitation. */
  | 'identity-mismatch'
  /** The claim's first envelope did not decrypt to the agreed key-confirmation payload. */
  | 'key-confirmation-failed'
  /** An envelope is malformed (length, version, type). */
  | 'invalid-envelope'
  /** An envelope was sent by this side (reflected back) rather than by the peer. */
  | 'wrong-direction'
  /** The message was already decrypted once (or its key was dropped). */
  | 'replay'
  /** The message would need more than MAX_SKIP skipped message keys. */
  | 'too-many-skipped'
  /** Authentication failed: tampered, from another session, or under the wrong key. */
  | 'decrypt-failed'
  /** A payload is malformed or breaks a limit (text length, ids). */
  | 'invalid-payload'
  /** A well-formed payload of a version or kind this client does not accept here. */
  | 'unsupported-payload'
  /** A counter would overflow (2^32 messages in one chain). */
  | 'limit-reached';

/**
 * The only error the crypto module throws for bad input or failed verification. When it is thrown, the state
 * object passed in is still valid and unchanged, and nothing has been produced for the transport.
 */
export class CryptoError extends Error {
  /** Machine-readable cause. */
  readonly reason: CryptoErrorReason;

  constructor(reason: CryptoErrorReason, message?: string) {
    super(message ?? reason);
    this.name = 'CryptoError';
    this.reason = reason;
  }
}
