/**
 * The handshake: the guest claims a verified invitation with its own identity and ephemeral keys (three ECDH
 * results, the PSK as HKDF salt, the transcript hash as info), and the member accepts the claim after checking
 * its tag and decrypting message 0 (key confirmation).
 */
import { ByteReader, concatBytes, label } from './encoding';
import { platformEntropy, type Entropy } from './entropy';
import { parseMessageEnvelope } from './envelope';
import { CryptoError } from './errors';
import { memberIdentityBytes, type DeviceIdentity } from './identity';
import { pendingBelongsTo, type PendingInvitation, type VerifiedInvitation } from './invitation';
import { hkdfWithSaltKey } from './kdf';
import { LABELS } from './labels';
import type { Payload } from './payload';
import { ecdh, hmac, hmacVerify, importAesKey, importEcdhPublic, KEY_LENGTH, P256_PUBLIC_LENGTH, sha256 } from './primitives';
import { initReceiver, initSender } from './ratchet';
import { decryptWith, encryptWith, type Session } from './session';

/** Version byte of the guest's public keys. */
export const GUEST_KEYS_VERSION = 0x01;

/**
 * The payload of message 0, the claim's first envelope: an empty read receipt. The member requires exactly this,
 * which confirms both sides derived the same keys before the member shows the chat.
 */
export const KEY_CONFIRMATION: Payload = { kind: 'read', ids: [] };

/** guestKeys = 0x01 || guest identity public key || guest ephemeral public key (131 bytes). */
export function encodeGuestKeys(identityPublic: Uint8Array, ephemeralPublic: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([GUEST_KEYS_VERSION]), identityPublic, ephemeralPublic);
}

/** Splits guestKeys; lengths and version only (the points are checked on import). */
export function parseGuestKeys(guestKeys: Uint8Array): { identityPublic: Uint8Array; ephemeralPublic: Uint8Array } {
  if (!(guestKeys instanceof Uint8Array)) throw new CryptoError('invalid-input');
  const reader = new ByteReader(guestKeys, 'invalid-guest-keys');
  if (reader.u8() !== GUEST_KEYS_VERSION) throw new CryptoError('invalid-guest-keys');
  const identityPublic = reader.bytesOf(P256_PUBLIC_LENGTH);
  const ephemeralPublic = reader.bytesOf(P256_PUBLIC_LENGTH);
  reader.end();
  return { identityPublic, ephemeralPublic };
}

/** TH = SHA-256("guestchat/v1/transcript\0" || bundle body || guestKeys). */
export function transcriptHash(bundleBody: Uint8Array, guestKeys: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(label(LABELS.transcript), bundleBody, guestKeys));
}

/** The bytes the claim tag covers: "guestchat/v1/claim-tag\0" || TH. */
export function claimTagData(transcript: Uint8Array): Uint8Array {
  return concatBytes(label(LABELS.claimTag), transcript);
}

/** The handshake's output, raw (imported non-extractable at once). */
export interface HandshakeSecrets {
  /** RK0, the Double Ratchet's first root key. */
  readonly rootKey: Uint8Array;
  /** Key of the guest's ephemeral envelopes. */
  readonly guestToMember: Uint8Array;
  /** Key of the member's ephemeral envelopes. */
  readonly memberToGuest: Uint8Array;
}

/** HKDF(IKM = DH1 || DH2 || DH3, salt = PSK, info = "guestchat/v1/handshake\0" || TH, L = 96), split in three. */
export async function deriveHandshakeSecrets(
  pskKey: CryptoKey,
  dh1: Uint8Array,
  dh2: Uint8Array,
  dh3: Uint8Array,
  transcript: Uint8Array,
): Promise<HandshakeSecrets> {
  const out = await hkdfWithSaltKey(pskKey, concatBytes(dh1, dh2, dh3), concatBytes(label(LABELS.handshake), transcript), 3 * KEY_LENGTH);
  return {
    rootKey: out.slice(0, KEY_LENGTH),
    guestToMember: out.slice(KEY_LENGTH, 2 * KEY_LENGTH),
    memberToGuest: out.slice(2 * KEY_LENGTH),
  };
}

/** What the guest posts to `POST /api/invitations/{id}/claim`, besides its display name and terms version. */
export interface Claim {
  readonly guestKeys: Uint8Array;
  readonly claimTag: Uint8Array;
  readonly claimVerifier: Uint8Array;
  readonly firstEnvelope: Uint8Array;
}

function checkVerified(invitation: VerifiedInvitation): void {
  if (invitation === null || typeof invitation !== 'object' || invitation.v !== 1) throw new CryptoError('invalid-input');
}

/** Same as {@link claimInvitation} with an explicit randomness source (draws IK_G, EK_G, the first ratchet key, a nonce). */
export async function claimInvitationWith(entropy: Entropy, invitation: VerifiedInvitation): Promise<{ session: Session; claim: Claim }> {
  checkVerified(invitation);
  const identity = await entropy.ecdhKeyPair();
  const ephemeral = await entropy.ecdhKeyPair();
  const guestKeys = encodeGuestKeys(identity.publicKey, ephemeral.publicKey);
  const transcript = await transcriptHash(invitation.bundleBody, guestKeys);
  const [memberDh, oneTime] = await Promise.all([importEcdhPublic(invitation.dhPublic), importEcdhPublic(invitation.oneTimePublic)]);
  const [dh1, dh2, dh3] = await Promise.all([
    ecdh(identity.privateKey, oneTime),
    ecdh(ephemeral.privateKey, memberDh),
    ecdh(ephemeral.privateKey, oneTime),
  ]);
  const secrets = await deriveHandshakeSecrets(invitation.pskKey, dh1, dh2, dh3, transcript);
  const session: Session = {
    v: 1,
    role: 'guest',
    invitationId: invitation.invitationId,
    transcriptHash: transcript,
    memberIdentity: memberIdentityBytes(invitation.signingPublic, invitation.dhPublic),
    guestIdentity: identity.publicKey,
    ephemeralSendKey: await importAesKey(secrets.guestToMember),
    ephemeralReceiveKey: await importAesKey(secrets.memberToGuest),
    ratchet: await initSender(entropy, secrets.rootKey, invitation.oneTimePublic),
  };
  const claimTag = await hmac(invitation.authKey, claimTagData(transcript));
  // No skipped keys exist yet, so the time given to encrypt (which only expires skipped keys) does not matter.
  const first = await encryptWith(entropy, session, KEY_CONFIRMATION, 0);
  return {
    session: first.session,
    claim: { guestKeys, claimTag, claimVerifier: invitation.claimVerifier, firstEnvelope: first.envelope },
  };
}

/**
 * The guest joins: makes its identity and ephemeral keys, derives the session and returns the claim to post,
 * whose first envelope is message 0 of the ratchet (an empty read receipt, the key confirmation). The guest's
 * private identity and ephemeral keys are not kept.
 */
export function claimInvitation(invitation: VerifiedInvitation): Promise<{ session: Session; claim: Claim }> {
  return claimInvitationWith(platformEntropy, invitation);
}

/** Same as {@link acceptClaim} with an explicit randomness source (draws the member's next ratchet key pair). */
export async function acceptClaimWith(
  entropy: Entropy,
  identity: DeviceIdentity,
  pending: PendingInvitation,
  claim: { guestKeys: Uint8Array; claimTag: Uint8Array; firstEnvelope: Uint8Array },
  now: number,
): Promise<{ session: Session }> {
  if (pending === null || typeof pending !== 'object' || pending.v !== 1 || identity?.v !== 1) throw new CryptoError('invalid-input');
  if (!(claim?.claimTag instanceof Uint8Array) || !(claim.firstEnvelope instanceof Uint8Array)) throw new CryptoError('invalid-input');
  if (!pendingBelongsTo(pending, identity)) throw new CryptoError('identity-mismatch');
  const guest = parseGuestKeys(claim.guestKeys);
  const transcript = await transcriptHash(pending.bundleBody, claim.guestKeys);
  if (!(await hmacVerify(pending.authKey, claim.claimTag, claimTagData(transcript)))) throw new CryptoError('claim-tag-mismatch');
  const [guestIdentity, guestEphemeral] = await Promise.all([
    importEcdhPublic(guest.identityPublic, 'invalid-guest-keys'),
    importEcdhPublic(guest.ephemeralPublic, 'invalid-guest-keys'),
  ]);
  const [dh1, dh2, dh3] = await Promise.all([
    ecdh(pending.oneTime.privateKey, guestIdentity),
    ecdh(identity.dhKey, guestEphemeral),
    ecdh(pending.oneTime.privateKey, guestEphemeral),
  ]);
  const secrets = await deriveHandshakeSecrets(pending.pskKey, dh1, dh2, dh3, transcript);
  const session: Session = {
    v: 1,
    role: 'member',
    invitationId: pending.invitationId,
    transcriptHash: transcript,
    memberIdentity: memberIdentityBytes(pending.signingPublic, pending.dhPublic),
    guestIdentity: guest.identityPublic,
    ephemeralSendKey: await importAesKey(secrets.memberToGuest),
    ephemeralReceiveKey: await importAesKey(secrets.guestToMember),
    ratchet: await initReceiver(secrets.rootKey, pending.oneTime),
  };
  let header;
  try {
    header = parseMessageEnvelope(claim.firstEnvelope).header;
  } catch {
    throw new CryptoError('key-confirmation-failed');
  }
  if (header.count !== 0 || header.previousCount !== 0) throw new CryptoError('key-confirmation-failed');
  let confirmed: { session: Session; payload: Payload };
  try {
    confirmed = await decryptWith(entropy, session, claim.firstEnvelope, now);
  } catch {
    throw new CryptoError('key-confirmation-failed');
  }
  if (confirmed.payload.kind !== 'read' || confirmed.payload.ids.length !== 0) throw new CryptoError('key-confirmation-failed');
  // The ratchet step inside decrypt replaced E with a fresh key pair: E's private key is no longer referenced.
  return { session: confirmed.session };
}

/**
 * The member accepts a guest's claim (from `MemberChat.guestKeys`, `MemberChat.claimTag`, and the chat's message
 * sequence 1 as `firstEnvelope`): checks the claim tag over the transcript, derives the same secrets, decrypts
 * message 0 and requires the key-confirmation payload. The returned session no longer holds E's private key;
 * delete the pending invitation once the session is stored. `now` is Unix ms.
 * @throws CryptoError `identity-mismatch`, `invalid-guest-keys`, `claim-tag-mismatch`, `key-confirmation-failed`,
 *   `invalid-input`
 */
export function acceptClaim(
  identity: DeviceIdentity,
  pending: PendingInvitation,
  claim: { guestKeys: Uint8Array; claimTag: Uint8Array; firstEnvelope: Uint8Array },
  now: number,
): Promise<{ session: Session }> {
  return acceptClaimWith(platformEntropy, identity, pending, claim, now);
}
