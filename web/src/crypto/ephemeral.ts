/**
 * Ephemeral (typing) envelopes. They never touch the ratchet, so a lost or reordered typing indicator cannot
 * desynchronise it. Each direction has its own AES-256-GCM key from the handshake, used with random 96-bit nonces.
 * Limits: no forward secrecy within a session, no replay protection (the server could replay an old indicator),
 * and at most 2^32 envelopes per key direction (the random-nonce bound of NIST SP 800-38D).
 */
import { concatBytes } from './encoding';
import { platformEntropy, type Entropy } from './entropy';
import { encodeEphemeralHeader, parseEphemeralEnvelope } from './envelope';
import { CryptoError } from './errors';
import { decodePayload, encodePayload, pad, unpad, type Payload } from './payload';
import { aesGcmDecrypt, aesGcmEncrypt, NONCE_LENGTH } from './primitives';
import { checkSession, type Session } from './session';

/** Same as {@link encryptEphemeral} with an explicit randomness source (draws the nonce). */
export async function encryptEphemeralWith(entropy: Entropy, session: Session, payload: Payload): Promise<Uint8Array> {
  checkSession(session);
  const plaintext = pad(encodePayload(payload));
  if (payload.kind !== 'typing') throw new CryptoError('unsupported-payload');
  const nonce = await entropy.randomBytes(NONCE_LENGTH);
  const header = encodeEphemeralHeader(session.role, nonce);
  const sealed = await aesGcmEncrypt(session.ephemeralSendKey, nonce, plaintext, concatBytes(session.transcriptHash, header));
  return concatBytes(header, sealed);
}

/**
 * Encrypts a typing indicator for the ephemeral channel. Does not change the session.
 * @throws CryptoError `unsupported-payload` for anything but typing, `invalid-payload`, `invalid-input`
 */
export function encryptEphemeral(session: Session, payload: Payload): Promise<Uint8Array> {
  return encryptEphemeralWith(platformEntropy, session, payload);
}

/**
 * Decrypts a typing indicator from the peer. Does not change the session.
 * @throws CryptoError `invalid-envelope`, `wrong-direction`, `decrypt-failed`, `invalid-payload`,
 *   `unsupported-payload` (anything but typing), `invalid-input`
 */
export async function decryptEphemeral(session: Session, envelope: Uint8Array): Promise<Payload> {
  checkSession(session);
  const { sender, nonce, headerBytes, sealed } = parseEphemeralEnvelope(envelope);
  if (sender === session.role) throw new CryptoError('wrong-direction');
  const plaintext = await aesGcmDecrypt(session.ephemeralReceiveKey, nonce, sealed, concatBytes(session.transcriptHash, headerBytes));
  const payload = decodePayload(unpad(plaintext));
  if (payload.kind !== 'typing') throw new CryptoError('unsupported-payload');
  return payload;
}
