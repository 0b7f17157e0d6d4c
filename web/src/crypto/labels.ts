/**
 * Every domain-separation label of protocol version 1. Each is used as its ASCII bytes followed by one zero
 * byte (see `label` in encoding.ts), so two different uses can never feed the same bytes to a primitive.
 */
export const LABELS = {
  /** ECDSA signature binding a device's ECDH identity key to its signing key. */
  device: 'guestchat/v1/device',
  /** HKDF info prefix: the authentication key derived from the link secret. */
  invitationAuth: 'guestchat/v1/invitation/auth',
  /** HKDF info prefix: the claim verifier the server compares. */
  invitationClaimVerifier: 'guestchat/v1/invitation/claim-verifier',
  /** HKDF info prefix: the pre-shared key mixed into the handshake. */
  invitationPsk: 'guestchat/v1/invitation/psk',
  /** ECDSA signature over the bundle body. */
  bundleSignature: 'guestchat/v1/bundle',
  /** HMAC tag over the whole bundle. */
  bundleTag: 'guestchat/v1/bundle-tag',
  /** Transcript hash of every public key of the handshake. */
  transcript: 'guestchat/v1/transcript',
  /** HMAC tag over the transcript hash, made by the guest. */
  claimTag: 'guestchat/v1/claim-tag',
  /** HKDF info prefix of the handshake's shared secret. */
  handshake: 'guestchat/v1/handshake',
  /** HKDF info of the Double Ratchet's root chain. */
  ratchet: 'guestchat/v1/ratchet',
  /** Security-code fingerprint of one identity. */
  fingerprint: 'guestchat/v1/fingerprint',
} as const;
