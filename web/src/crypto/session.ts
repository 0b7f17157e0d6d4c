/**
 * A chat's session: the Double Ratchet bound to one handshake transcript, and the stored-envelope encryption
 * on top of it.
 */
import { concatBytes } from './encoding';
import { platformEntropy, type Entropy } from './entropy';
import { encodeMessageHeader, parseMessageEnvelope, type Role } from './envelope';
import { CryptoError } from './errors';
import { checkTime } from './invitation';
import { decodePayload, encodePayload, pad, unpad, type Payload } from './payload';
import { aesGcmDecrypt, aesGcmEncrypt, importAesKey, NONCE_LENGTH } from './primitives';
import { completeReceive, nextSendingKey, planReceive, pruneSkipped, type RatchetState } from './ratchet';

/**
 * One side of one chat. Opaque to callers: store it (IndexedDB, keyed by chat) and replace it with the session
 * each call returns. Structured-clonable; every key inside is a non-extractable CryptoKey.
 */
export interface Session {
  readonly v: 1;
  /** Which side this is. */
  readonly role: Role;
  /** The invitation this chat was made from: the session is bound to it through the transcript. */
  readonly invitationId: string;
  /** TH: SHA-256 over every public key of the handshake; associated data of every envelope. */
  readonly transcriptHash: Uint8Array;
  /** The member's identity: signing public key || ECDH identity public key (130 bytes). */
  readonly memberIdentity: Uint8Array;
  /** The guest's ECDH identity public key (65 bytes). */
  readonly guestIdentity: Uint8Array;
  /** AES-256-GCM key of our ephemeral (typing) envelopes. */
  readonly ephemeralSendKey: CryptoKey;
  /** AES-256-GCM key of the peer's ephemeral envelopes. */
  readonly ephemeralReceiveKey: CryptoKey;
  readonly ratchet: RatchetState;
}

/** The peer of a role. */
export function peerOf(role: Role): Role {
  return role === 'guest' ? 'member' : 'guest';
}

/** Throws `invalid-input` unless `session` looks like a session of this version. */
export function checkSession(session: Session): void {
  if (session === null || typeof session !== 'object' || session.v !== 1 || !session.ratchet) throw new CryptoError('invalid-input');
}

/** Payload kinds a stored envelope may carry. */
function isStoredKind(payload: Payload): boolean {
  return payload.kind === 'text' || payload.kind === 'read';
}

/** Same as {@link encrypt} with an explicit randomness source (draws the 12-byte nonce). */
export async function encryptWith(
  entropy: Entropy,
  session: Session,
  payload: Payload,
  now: number,
): Promise<{ session: Session; envelope: Uint8Array }> {
  checkSession(session);
  checkTime(now);
  const plaintext = pad(encodePayload(payload));
  if (!isStoredKind(payload)) throw new CryptoError('unsupported-payload');
  const step = await nextSendingKey(pruneSkipped(session.ratchet, now));
  const nonce = await entropy.randomBytes(NONCE_LENGTH);
  const header = encodeMessageHeader({
    sender: session.role,
    ratchetKey: step.ratchetKey,
    previousCount: step.previousCount,
    count: step.count,
    nonce,
  });
  const key = await importAesKey(step.messageKey);
  const sealed = await aesGcmEncrypt(key, nonce, plaintext, concatBytes(session.transcriptHash, header));
  return { session: { ...session, ratchet: step.state }, envelope: concatBytes(header, sealed) };
}

/**
 * Encrypts a stored payload (text or read receipt) as the next message of the ratchet. `now` (Unix ms) only
 * expires old skipped keys. Save the returned session before sending the envelope.
 * @throws CryptoError `invalid-payload`, `unsupported-payload` (typing), `invalid-input`, `limit-reached`
 */
export function encrypt(session: Session, payload: Payload, now: number): Promise<{ session: Session; envelope: Uint8Array }> {
  return encryptWith(platformEntropy, session, payload, now);
}

/** Same as {@link decrypt} with an explicit randomness source (draws the next ratchet key pair after a DH step). */
export async function decryptWith(
  entropy: Entropy,
  session: Session,
  envelope: Uint8Array,
  now: number,
): Promise<{ session: Session; payload: Payload }> {
  checkSession(session);
  checkTime(now);
  const { header, headerBytes, sealed } = parseMessageEnvelope(envelope);
  if (header.sender === session.role) throw new CryptoError('wrong-direction');
  const plan = await planReceive(pruneSkipped(session.ratchet, now), header, now);
  const plaintext = await aesGcmDecrypt(plan.messageKey, header.nonce, sealed, concatBytes(session.transcriptHash, headerBytes));
  const payload = decodePayload(unpad(plaintext));
  if (!isStoredKind(payload)) throw new CryptoError('unsupported-payload');
  const ratchet = await completeReceive(entropy, plan);
  return { session: { ...session, ratchet }, payload };
}

/**
 * Decrypts a stored envelope from the peer. Messages may arrive in any order within MAX_SKIP (1,000) of each
 * other; each is accepted once, and its key is gone from the returned session. Skipped keys older than a week
 * (by `now`, Unix ms) are dropped. On any failure the given session stays valid: keep using it.
 * @throws CryptoError `invalid-envelope`, `wrong-direction`, `replay`, `too-many-skipped`, `invalid-public-key`,
 *   `decrypt-failed`, `invalid-payload`, `unsupported-payload`, `invalid-input`
 */
export function decrypt(session: Session, envelope: Uint8Array, now: number): Promise<{ session: Session; payload: Payload }> {
  return decryptWith(platformEntropy, session, envelope, now);
}
