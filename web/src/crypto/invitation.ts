/**
 * The invitation: the member's bundle (signed, tagged under a key derived from the link secret) and the guest's
 * check of it. A bundle the server swapped, re-signed, moved to another invitation or kept past its expiry fails
 * here, before the guest sends anything.
 */
import { base64urlDecode, base64urlEncode, ByteReader, bytesEqual, concatBytes, label, u64, utf8 } from './encoding';
import { platformEntropy, type Entropy, type KeyPair } from './entropy';
import { CryptoError } from './errors';
import { hkdf } from './kdf';
import type { DeviceIdentity } from './identity';
import { LABELS } from './labels';
import {
  ecdsaSign,
  ecdsaVerify,
  hmac,
  hmacVerify,
  importEcdhPublic,
  importEcdsaPublic,
  importHmacKey,
  KEY_LENGTH,
  P256_PUBLIC_LENGTH,
  SIGNATURE_LENGTH,
} from './primitives';

/** Version byte of the bundle. */
export const BUNDLE_VERSION = 0x01;
/** Length of the link secret `s`. */
export const LINK_SECRET_LENGTH = 32;
const INVITATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws `invalid-input` unless `id` is 1–64 base64url characters (the server's ids are 22). */
export function checkInvitationId(id: string): void {
  if (typeof id !== 'string' || !INVITATION_ID.test(id)) throw new CryptoError('invalid-input');
}

/** Throws `invalid-input` unless `time` is a non-negative safe integer (Unix milliseconds). */
export function checkTime(time: number): void {
  if (!Number.isSafeInteger(time) || time < 0) throw new CryptoError('invalid-input');
}

/** The three keys derived from the link secret, as raw bytes (callers import them non-extractable at once). */
export interface InvitationSecrets {
  readonly authKey: Uint8Array;
  readonly claimVerifier: Uint8Array;
  readonly psk: Uint8Array;
}

/** HKDF-SHA-256(IKM = s, salt = empty, info = label || invitation id, L = 32) for each of the three labels. */
export async function deriveInvitationSecrets(linkSecret: Uint8Array, invitationId: string): Promise<InvitationSecrets> {
  checkInvitationId(invitationId);
  if (linkSecret.length !== LINK_SECRET_LENGTH) throw new CryptoError('invalid-link-secret');
  const id = utf8(invitationId);
  const derive = (name: string) => hkdf(linkSecret, new Uint8Array(0), concatBytes(label(name), id), KEY_LENGTH);
  const [authKey, claimVerifier, psk] = await Promise.all([
    derive(LABELS.invitationAuth),
    derive(LABELS.invitationClaimVerifier),
    derive(LABELS.invitationPsk),
  ]);
  return { authKey, claimVerifier, psk };
}

/** The signed fields of a bundle. */
export interface BundleFields {
  readonly invitationId: string;
  readonly expiresAt: number;
  readonly signingPublic: Uint8Array;
  readonly dhPublic: Uint8Array;
  readonly oneTimePublic: Uint8Array;
}

/** bundle body = 0x01 || u8 len(id) || id || u64 expiresAt || signing public || ECDH identity public || E public. */
export function encodeBundleBody(fields: BundleFields): Uint8Array {
  checkInvitationId(fields.invitationId);
  checkTime(fields.expiresAt);
  const id = utf8(fields.invitationId);
  return concatBytes(
    new Uint8Array([BUNDLE_VERSION, id.length]),
    id,
    u64(fields.expiresAt),
    fields.signingPublic,
    fields.dhPublic,
    fields.oneTimePublic,
  );
}

/** Splits a bundle into body, fields and signature; only lengths and the version are checked here. */
export function parseBundle(bundle: Uint8Array): { body: Uint8Array; fields: BundleFields; signature: Uint8Array } {
  const reader = new ByteReader(bundle, 'invalid-bundle');
  if (reader.u8() !== BUNDLE_VERSION) throw new CryptoError('invalid-bundle');
  const idLength = reader.u8();
  const invitationId = String.fromCharCode(...reader.bytesOf(idLength));
  if (!INVITATION_ID.test(invitationId)) throw new CryptoError('invalid-bundle');
  const expiresAt = reader.u64();
  const signingPublic = reader.bytesOf(P256_PUBLIC_LENGTH);
  const dhPublic = reader.bytesOf(P256_PUBLIC_LENGTH);
  const oneTimePublic = reader.bytesOf(P256_PUBLIC_LENGTH);
  const bodyLength = bundle.length - reader.remaining;
  const signature = reader.bytesOf(SIGNATURE_LENGTH);
  reader.end();
  return { body: bundle.slice(0, bodyLength), fields: { invitationId, expiresAt, signingPublic, dhPublic, oneTimePublic }, signature };
}

/** The bytes the member signs: "guestchat/v1/bundle\0" || body. */
export function bundleSignedData(body: Uint8Array): Uint8Array {
  return concatBytes(label(LABELS.bundleSignature), body);
}

/** The bytes the bundle tag covers: "guestchat/v1/bundle-tag\0" || bundle. */
export function bundleTagData(bundle: Uint8Array): Uint8Array {
  return concatBytes(label(LABELS.bundleTag), bundle);
}

/**
 * What the member keeps until the claim arrives (IndexedDB). Opaque to callers; structured-clonable; the keys
 * derived from the link secret and E's private key are non-extractable. The link secret itself is not kept.
 */
export interface PendingInvitation {
  readonly v: 1;
  readonly invitationId: string;
  readonly expiresAt: number;
  /** The bundle without its signature: the first half of the transcript. */
  readonly bundleBody: Uint8Array;
  /** HMAC key of the bundle and claim tags. */
  readonly authKey: CryptoKey;
  /** The PSK, as the HMAC key that HKDF-Extract uses as salt. */
  readonly pskKey: CryptoKey;
  /** The one-time ECDH key pair E. */
  readonly oneTime: KeyPair;
  readonly signingPublic: Uint8Array;
  readonly dhPublic: Uint8Array;
}

/** What {@link createInvitation} returns. */
export interface CreatedInvitation {
  /** Kept by the member (IndexedDB) until the claim arrives. */
  readonly pending: PendingInvitation;
  /** base64url(s), 43 characters: goes ONLY into the link fragment `/i/{id}#{linkSecret}`. */
  readonly linkSecret: string;
  /** The body of `PUT /api/invitations/{id}/bundle`. */
  readonly upload: { readonly bundle: Uint8Array; readonly bundleTag: Uint8Array; readonly claimVerifier: Uint8Array };
}

/** Same as {@link createInvitation} with an explicit randomness source (draws s, then E). */
export async function createInvitationWith(
  entropy: Entropy,
  identity: DeviceIdentity,
  invitationId: string,
  expiresAt: number,
): Promise<CreatedInvitation> {
  checkInvitationId(invitationId);
  checkTime(expiresAt);
  const linkSecret = await entropy.randomBytes(LINK_SECRET_LENGTH);
  const oneTime = await entropy.ecdhKeyPair();
  const secrets = await deriveInvitationSecrets(linkSecret, invitationId);
  const body = encodeBundleBody({
    invitationId,
    expiresAt,
    signingPublic: identity.signingPublic,
    dhPublic: identity.dhPublic,
    oneTimePublic: oneTime.publicKey,
  });
  const signature = await ecdsaSign(identity.signingKey, bundleSignedData(body));
  const bundle = concatBytes(body, signature);
  const [authKey, pskKey] = await Promise.all([importHmacKey(secrets.authKey), importHmacKey(secrets.psk)]);
  const bundleTag = await hmac(authKey, bundleTagData(bundle));
  return {
    pending: {
      v: 1,
      invitationId,
      expiresAt,
      bundleBody: body,
      authKey,
      pskKey,
      oneTime,
      signingPublic: identity.signingPublic,
      dhPublic: identity.dhPublic,
    },
    linkSecret: base64urlEncode(linkSecret),
    upload: { bundle, bundleTag, claimVerifier: secrets.claimVerifier },
  };
}

/**
 * Makes a new invitation for the server-assigned `invitationId` expiring at `expiresAt` (Unix ms, the server's
 * `Invitation.expiresAt`): a fresh link secret s and one-time key E, the signed bundle and its tag.
 * @throws CryptoError `invalid-input` on a malformed id or time
 */
export function createInvitation(identity: DeviceIdentity, invitationId: string, expiresAt: number): Promise<CreatedInvitation> {
  return createInvitationWith(platformEntropy, identity, invitationId, expiresAt);
}

/**
 * A bundle the guest has checked. Opaque to callers; structured-clonable; keys non-extractable. It is only needed
 * between **Join chat** and the claim.
 */
export interface VerifiedInvitation {
  readonly v: 1;
  readonly invitationId: string;
  readonly expiresAt: number;
  readonly bundleBody: Uint8Array;
  readonly signingPublic: Uint8Array;
  readonly dhPublic: Uint8Array;
  readonly oneTimePublic: Uint8Array;
  readonly authKey: CryptoKey;
  readonly pskKey: CryptoKey;
  /** Sent to the server with the claim (it proves knowledge of s to the server, and is worthless otherwise). */
  readonly claimVerifier: Uint8Array;
}

/**
 * The guest's check of a fetched bundle, in this order: the link secret decodes to 32 bytes; the tag is the HMAC
 * of the bundle under the key derived from s and this invitation id; the bundle names this invitation; its two
 * identity keys and E are valid P-256 points; the signature verifies under the signing key it names; and
 * `now < expiresAt`.
 * @throws CryptoError `invalid-link-secret`, `bundle-tag-mismatch`, `invalid-bundle`, `invalid-public-key`,
 *   `bundle-signature-invalid`, `invitation-expired`, `invalid-input`
 */
export async function openInvitation(
  linkSecret: string,
  invitationId: string,
  bundle: Uint8Array,
  bundleTag: Uint8Array,
  now: number,
): Promise<VerifiedInvitation> {
  checkInvitationId(invitationId);
  checkTime(now);
  if (!(bundle instanceof Uint8Array) || !(bundleTag instanceof Uint8Array)) throw new CryptoError('invalid-input');
  let s: Uint8Array;
  try {
    s = base64urlDecode(linkSecret);
  } catch {
    throw new CryptoError('invalid-link-secret');
  }
  const secrets = await deriveInvitationSecrets(s, invitationId);
  const [authKey, pskKey] = await Promise.all([importHmacKey(secrets.authKey), importHmacKey(secrets.psk)]);
  if (!(await hmacVerify(authKey, bundleTag, bundleTagData(bundle)))) throw new CryptoError('bundle-tag-mismatch');
  const { body, fields, signature } = parseBundle(bundle);
  if (fields.invitationId !== invitationId) throw new CryptoError('invalid-bundle');
  const [signingKey] = await Promise.all([
    importEcdsaPublic(fields.signingPublic),
    importEcdhPublic(fields.dhPublic),
    importEcdhPublic(fields.oneTimePublic),
  ]);
  if (!(await ecdsaVerify(signingKey, signature, bundleSignedData(body)))) throw new CryptoError('bundle-signature-invalid');
  if (now >= fields.expiresAt) throw new CryptoError('invitation-expired');
  return {
    v: 1,
    invitationId,
    expiresAt: fields.expiresAt,
    bundleBody: body,
    signingPublic: fields.signingPublic,
    dhPublic: fields.dhPublic,
    oneTimePublic: fields.oneTimePublic,
    authKey,
    pskKey,
    claimVerifier: secrets.claimVerifier,
  };
}

/** True when the pending invitation was made by this identity. */
export function pendingBelongsTo(pending: PendingInvitation, identity: DeviceIdentity): boolean {
  return bytesEqual(pending.signingPublic, identity.signingPublic) && bytesEqual(pending.dhPublic, identity.dhPublic);
}
