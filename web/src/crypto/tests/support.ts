/**
 * Test support for the crypto suite: a seeded, recording randomness source (so tests know every private key
 * and can replay fixed ones), a structural snapshot of state objects, a seeded shuffle, and a whole invite →
 * claim → accept run. Pure WebCrypto, like the module it tests.
 */
import { concatBytes, u32, utf8 } from '../encoding';
import type { Entropy, KeyPair } from '../entropy';
import { acceptClaimWith, claimInvitationWith, type Claim } from '../handshake';
import { createDeviceIdentityWith, type DeviceIdentity } from '../identity';
import { createInvitationWith, openInvitation, type CreatedInvitation } from '../invitation';
import { encodeMessageHeader } from '../envelope';
import { aesGcmEncrypt, buf, hmacWithRawKey, importAesKey, importPrivateScalar } from '../primitives';
import { nextSendingKey } from '../ratchet';
import type { Session } from '../session';

const subtle = globalThis.crypto.subtle;
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const PKCS8_P256_PREFIX = Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
  0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);

/** A private scalar with its public point, as a test knows it. */
export interface KnownKey {
  readonly kind: 'ECDH' | 'ECDSA';
  readonly d: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** The public point of scalar `d` (imports a PKCS #8 key without its public part and lets WebCrypto compute it). */
export async function publicKeyOf(d: Uint8Array): Promise<Uint8Array> {
  const key = await subtle.importKey('pkcs8', buf(concatBytes(PKCS8_P256_PREFIX, d)), { name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const jwk = await subtle.exportKey('jwk', key);
  const decode = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return concatBytes(new Uint8Array([0x04]), decode(jwk.x!), decode(jwk.y!));
}

function isValidScalar(d: Uint8Array): boolean {
  let value = 0n;
  for (const b of d) value = (value << 8n) | BigInt(b);
  return value > 0n && value < P256_ORDER;
}

/** A deterministic Entropy: every output is HMAC-SHA-256(seed, purpose || counter). Records what it hands out. */
export class SeededEntropy implements Entropy {
  readonly keys: KnownKey[] = [];
  readonly bytes: Uint8Array[] = [];
  private counter = 0;

  constructor(private readonly seed: Uint8Array) {}

  private next(purpose: string): Promise<Uint8Array> {
    return hmacWithRawKey(this.seed, concatBytes(utf8(purpose), u32(this.counter++)));
  }

  async randomBytes(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) out.set((await this.next('bytes')).subarray(0, Math.min(32, length - offset)), offset);
    this.bytes.push(out);
    return out;
  }

  private async keyPair(kind: 'ECDH' | 'ECDSA'): Promise<KeyPair> {
    let d = await this.next('key');
    while (!isValidScalar(d)) d = await this.next('key');
    const publicKey = await publicKeyOf(d);
    this.keys.push({ kind, d, publicKey });
    return { privateKey: await importPrivateScalar(kind, d, publicKey), publicKey };
  }

  ecdhKeyPair(): Promise<KeyPair> {
    return this.keyPair('ECDH');
  }

  ecdsaKeyPair(): Promise<KeyPair> {
    return this.keyPair('ECDSA');
  }
}

/** A fresh random seed for a SeededEntropy. */
export function randomSeed(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

/**
 * A structural fingerprint of a state object: plain values, byte arrays as hex, CryptoKeys by identity. Two
 * snapshots are equal exactly when nothing in the object changed.
 */
export function snapshot(value: unknown): string {
  const keyIds = new Map<CryptoKey, number>();
  const walk = (v: unknown): unknown => {
    if (v instanceof CryptoKey) {
      if (!keyIds.has(v)) keyIds.set(v, keyIds.size);
      return `key#${keyIds.get(v)}:${v.type}:${v.algorithm.name}:${v.extractable}`;
    }
    if (v instanceof Uint8Array) return `bytes:${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, walk((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(walk(value));
}

/** Every CryptoKey reachable from a value. */
export function cryptoKeysIn(value: unknown, found: CryptoKey[] = []): CryptoKey[] {
  if (value instanceof CryptoKey) found.push(value);
  else if (Array.isArray(value)) for (const v of value) cryptoKeysIn(v, found);
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) cryptoKeysIn(v, found);
  }
  return found;
}

/** A small seeded PRNG (mulberry32) for reproducible orders; not for keys. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random 22-character base64url id, like the server's. */
export function randomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const NOW = 1_760_000_000_000;
export const DAY = 24 * 60 * 60 * 1000;

/** Everything a full invite → claim → accept run produced and used. */
export interface Chat {
  readonly memberEntropy: SeededEntropy;
  readonly guestEntropy: SeededEntropy;
  readonly identity: DeviceIdentity;
  readonly publicKeys: Uint8Array;
  readonly invitationId: string;
  readonly invitation: CreatedInvitation;
  readonly claim: Claim;
  readonly guest: Session;
  readonly member: Session;
}

/** Runs a whole handshake with recording entropy on both sides. */
export async function makeChat(options: { identity?: DeviceIdentity; memberEntropy?: SeededEntropy } = {}): Promise<Chat> {
  const memberEntropy = options.memberEntropy ?? new SeededEntropy(randomSeed());
  const guestEntropy = new SeededEntropy(randomSeed());
  const device = options.identity
    ? { identity: options.identity, publicKeys: new Uint8Array(0) }
    : await createDeviceIdentityWith(memberEntropy);
  const invitationId = randomId();
  const invitation = await createInvitationWith(memberEntropy, device.identity, invitationId, NOW + 10 * DAY);
  const verified = await openInvitation(invitation.linkSecret, invitationId, invitation.upload.bundle, invitation.upload.bundleTag, NOW);
  const claimed = await claimInvitationWith(guestEntropy, verified);
  const accepted = await acceptClaimWith(memberEntropy, device.identity, invitation.pending, claimed.claim, NOW);
  return {
    memberEntropy,
    guestEntropy,
    identity: device.identity,
    publicKeys: device.publicKeys,
    invitationId,
    invitation,
    claim: claimed.claim,
    guest: claimed.session,
    member: accepted.session,
  };
}

/** Expects a promise to reject with a CryptoError; returns its reason. */
export async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && error.name === 'CryptoError') return (error as Error & { reason: string }).reason;
    throw error;
  }
  throw new Error('expected a CryptoError, but the call succeeded');
}

/**
 * Encrypts arbitrary plaintext bytes as the session's next stored message, exactly as a peer running other
 * (newer, or hostile) software could: the way to test what a receiver does with payloads it must not accept.
 */
export async function sealRaw(session: Session, plaintext: Uint8Array): Promise<{ session: Session; envelope: Uint8Array }> {
  const step = await nextSendingKey(session.ratchet);
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const header = encodeMessageHeader({
    sender: session.role,
    ratchetKey: step.ratchetKey,
    previousCount: step.previousCount,
    count: step.count,
    nonce,
  });
  const sealed = await aesGcmEncrypt(await importAesKey(step.messageKey), nonce, plaintext, concatBytes(session.transcriptHash, header));
  return { session: { ...session, ratchet: step.state }, envelope: concatBytes(header, sealed) };
}

/** Returns a copy of `bytes` with bit `bit` (0 = most significant bit of byte 0) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3]! ^= 0x80 >> (bit & 7);
  return copy;
}

/** A text payload with a fresh id. */
export function text(body: string, sentAt = NOW): { kind: 'text'; id: string; text: string; sentAt: number } {
  return { kind: 'text', id: randomId(), text: body, sentAt };
}

/** An Entropy that hands out exactly the given keys and byte strings, in order; anything else is a test failure. */
export class ReplayEntropy implements Entropy {
  private readonly keys: { d: Uint8Array; publicKey: Uint8Array }[];
  private readonly bytes: Uint8Array[];

  constructor(keys: readonly { d: Uint8Array; publicKey: Uint8Array }[], bytes: readonly Uint8Array[] = []) {
    this.keys = [...keys];
    this.bytes = [...bytes];
  }

  async randomBytes(length: number): Promise<Uint8Array> {
    const next = this.bytes.shift();
    if (!next || next.length !== length) throw new Error(`replay: no ${length}-byte value left`);
    return next;
  }

  private async keyPair(kind: 'ECDH' | 'ECDSA'): Promise<KeyPair> {
    const next = this.keys.shift();
    if (!next) throw new Error('replay: no key pair left');
    return { privateKey: await importPrivateScalar(kind, next.d, next.publicKey), publicKey: next.publicKey };
  }

  ecdhKeyPair(): Promise<KeyPair> {
    return this.keyPair('ECDH');
  }

  ecdsaKeyPair(): Promise<KeyPair> {
    return this.keyPair('ECDSA');
  }

  /** True when everything given was used. */
  get exhausted(): boolean {
    return this.keys.length === 0 && this.bytes.length === 0;
  }
}
