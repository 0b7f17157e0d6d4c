/**
 * Builds the published known-answer vectors (docs/vectors/guestchat-v1.json) by running the real protocol code
 * with seeded randomness through a scripted conversation, then recomputing every intermediate value (invitation
 * keys, DH outputs, root and chain steps, message keys) from the private keys, following the specification, and
 * checking that those keys open the envelopes the implementation produced. Run by web/scripts/make-vectors.mjs.
 * The only values that change between runs are ECDSA signatures (WebCrypto draws their nonces) and what depends
 * on them: the device public keys, the bundle and the bundle tag.
 */
import { base64urlDecode, concatBytes, toHex, utf8 } from '../encoding';
import type { Role } from '../envelope';
import { encodeMessageHeader, parseEphemeralEnvelope, parseMessageEnvelope } from '../envelope';
import { encryptEphemeralWith } from '../ephemeral';
import { acceptClaimWith, claimInvitationWith, deriveHandshakeSecrets } from '../handshake';
import { createDeviceIdentityWith } from '../identity';
import { createInvitationWith, deriveInvitationSecrets, openInvitation, parseBundle } from '../invitation';
import { kdfChain, kdfRoot } from '../kdf';
import { encodePayload, pad, paddedLength, type Payload } from '../payload';
import { aesGcmDecrypt, ecdh, importAesKey, importEcdhPublic, importHmacKey, importPrivateScalar } from '../primitives';
import { fingerprint, securityCode } from '../securityCode';
import { decryptWith, encryptWith, type Session } from '../session';
import { SeededEntropy, type KnownKey } from './support';

/** A P-256 key pair: private scalar d and uncompressed public key, both hex. */
export interface KeyVector {
  readonly d: string;
  readonly public: string;
}

/** One step of the scripted conversation. `draws` lists the key pairs (by name) and nonces the step consumes. */
export type ConversationStep =
  | { readonly op: 'send'; readonly by: Role; readonly message: number }
  | { readonly op: 'receive'; readonly by: Role; readonly message: number; readonly draws: readonly string[] };

export interface MessageVector {
  readonly index: number;
  readonly sender: Role;
  readonly payload: Payload;
  readonly ratchetKey: string;
  readonly previousCount: number;
  readonly count: number;
  readonly nonce: string;
  readonly chainKey: string;
  readonly messageKey: string;
  readonly nextChainKey: string;
  readonly plaintext: string;
  readonly header: string;
  readonly envelope: string;
}

export interface GuestChatVectors {
  readonly description: readonly string[];
  readonly protocol: 'guestchat/v1';
  readonly now: number;
  readonly invitationId: string;
  readonly expiresAt: number;
  readonly keys: Record<string, KeyVector>;
  readonly device: { readonly publicKeys: string };
  readonly invitation: {
    readonly linkSecret: string;
    readonly s: string;
    readonly authKey: string;
    readonly claimVerifier: string;
    readonly psk: string;
    readonly bundleBody: string;
    readonly bundleSignature: string;
    readonly bundle: string;
    readonly bundleTag: string;
  };
  readonly handshake: {
    readonly guestKeys: string;
    readonly transcriptHash: string;
    readonly claimTag: string;
    readonly dh1: string;
    readonly dh2: string;
    readonly dh3: string;
    readonly rootKey: string;
    readonly ephemeralGuestToMember: string;
    readonly ephemeralMemberToGuest: string;
  };
  readonly rootSteps: readonly {
    readonly note: string;
    readonly rootKey: string;
    readonly ourKey: string;
    readonly theirKey: string;
    readonly dhOutput: string;
    readonly nextRootKey: string;
    readonly chainKey: string;
  }[];
  readonly conversation: readonly ConversationStep[];
  readonly messages: readonly MessageVector[];
  readonly ephemeral: readonly {
    readonly sender: Role;
    readonly payload: Payload;
    readonly nonce: string;
    readonly plaintext: string;
    readonly envelope: string;
  }[];
  readonly payloads: readonly { readonly payload: Payload; readonly encoded: string; readonly padded: string }[];
  readonly padding: readonly { readonly length: number; readonly paddedLength: number }[];
  readonly securityCode: {
    readonly memberIdentity: string;
    readonly guestIdentity: string;
    readonly memberFingerprint: string;
    readonly guestFingerprint: string;
    readonly code: string;
  };
}

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const INVITATION_ID = 'AAECAwQFBgcICQoLDA0ODw';
const EXPIRES_AT = NOW + 10 * 24 * 60 * 60 * 1000;

/** Payloads of messages 1…4 (message 0 is the key confirmation). */
const TEXTS: readonly Payload[] = [
  { kind: 'text', id: 'g1', text: 'Hello from the guest', sentAt: NOW + 1000 },
  { kind: 'text', id: 'm1', text: 'Hi! Welcome to GuestChat.', sentAt: NOW + 2000 },
  { kind: 'read', ids: ['g1'] },
  { kind: 'text', id: 'g2', text: 'Ünïcödé ✓ 👋🏽 — and a line long enough to need a second 64-byte block of padding.', sentAt: NOW + 3000 },
];

/** The scripted conversation: sends, and deliveries in an order that exercises skipped keys and DH steps. */
const CONVERSATION: readonly ConversationStep[] = [
  { op: 'send', by: 'guest', message: 0 }, // inside claimInvitation: draws guestIdentity, guestEphemeral, guestRatchet1
  { op: 'send', by: 'guest', message: 1 },
  { op: 'receive', by: 'member', message: 0, draws: ['memberRatchet1'] }, // inside acceptClaim
  { op: 'send', by: 'member', message: 2 },
  { op: 'send', by: 'member', message: 3 },
  { op: 'receive', by: 'member', message: 1, draws: [] },
  { op: 'receive', by: 'guest', message: 3, draws: ['guestRatchet2'] }, // skips message 2
  { op: 'receive', by: 'guest', message: 2, draws: [] }, // from the skipped store
  { op: 'send', by: 'guest', message: 4 },
  { op: 'receive', by: 'member', message: 4, draws: ['memberRatchet2'] },
];

const hex = toHex;

function keyVector(key: KnownKey): KeyVector {
  return { d: hex(key.d), public: hex(key.publicKey) };
}

async function dh(ours: KnownKey, theirs: KnownKey): Promise<Uint8Array> {
  return ecdh(await importPrivateScalar('ECDH', ours.d, ours.publicKey), await importEcdhPublic(theirs.publicKey));
}

function fail(message: string): never {
  throw new Error(`vector builder: ${message}`);
}

/** Runs the conversation and returns the vectors; throws if any recomputed value disagrees with the implementation. */
export async function buildVectors(): Promise<GuestChatVectors> {
  const member = new SeededEntropy(utf8('guestchat/v1 test vectors: member'));
  const guest = new SeededEntropy(utf8('guestchat/v1 test vectors: guest'));

  const device = await createDeviceIdentityWith(member);
  const created = await createInvitationWith(member, device.identity, INVITATION_ID, EXPIRES_AT);
  const { bundle, bundleTag } = created.upload;
  const verified = await openInvitation(created.linkSecret, INVITATION_ID, bundle, bundleTag, NOW);
  const claimed = await claimInvitationWith(guest, verified);

  const envelopes: Uint8Array[] = [claimed.claim.firstEnvelope];
  const sessions: Record<Role, Session> = { guest: claimed.session, member: claimed.session };
  for (const step of CONVERSATION) {
    if (step.op === 'send') {
      if (step.message === 0) continue;
      const sent = await encryptWith(step.by === 'guest' ? guest : member, sessions[step.by], TEXTS[step.message - 1]!, NOW);
      sessions[step.by] = sent.session;
      envelopes[step.message] = sent.envelope;
    } else if (step.message === 0) {
      sessions.member = (await acceptClaimWith(member, device.identity, created.pending, claimed.claim, NOW)).session;
    } else {
      const received = await decryptWith(step.by === 'guest' ? guest : member, sessions[step.by], envelopes[step.message]!, NOW);
      sessions[step.by] = received.session;
    }
  }
  const typingFromGuest = await encryptEphemeralWith(guest, sessions.guest, { kind: 'typing', active: true });
  const typingFromMember = await encryptEphemeralWith(member, sessions.member, { kind: 'typing', active: false });

  const [memberSigning, memberIdentity, oneTime, memberRatchet1, memberRatchet2] = member.keys;
  const [guestIdentity, guestEphemeral, guestRatchet1, guestRatchet2] = guest.keys;
  if (member.keys.length !== 5 || guest.keys.length !== 4) fail('unexpected number of key pairs drawn');
  const keys = { memberSigning, memberIdentity, oneTime, guestIdentity, guestEphemeral, guestRatchet1, memberRatchet1, guestRatchet2, memberRatchet2 };

  // Invitation and handshake, recomputed from s and the private keys.
  const s = base64urlDecode(created.linkSecret);
  const secrets = await deriveInvitationSecrets(s, INVITATION_ID);
  const { body, signature } = parseBundle(bundle);
  const dh1 = await dh(guestIdentity!, oneTime!);
  const dh2 = await dh(guestEphemeral!, memberIdentity!);
  const dh3 = await dh(guestEphemeral!, oneTime!);
  const transcript = sessions.guest.transcriptHash;
  const handshake = await deriveHandshakeSecrets(await importHmacKey(secrets.psk), dh1, dh2, dh3, transcript);
  if (hex(await dh(oneTime!, guestIdentity!)) !== hex(dh1)) fail('DH is not symmetric');

  // The root chain, step by step, and the chain each ratchet key starts.
  const rootSteps: GuestChatVectors['rootSteps'][number][] = [];
  const chains = new Map<string, Uint8Array>();
  let rootKey = handshake.rootKey;
  const plan: [string, KnownKey, KnownKey][] = [
    ['guest initialises; the member repeats it on message 0 with E as its ratchet key', guestRatchet1!, oneTime!],
    ['the member draws its first ratchet key after message 0', memberRatchet1!, guestRatchet1!],
    ['the guest draws its second ratchet key after the member’s first message', guestRatchet2!, memberRatchet1!],
    ['the member draws its second ratchet key after message 4', memberRatchet2!, guestRatchet2!],
  ];
  for (const [note, ours, theirs] of plan) {
    const dhOutput = await dh(ours, theirs);
    const step = await kdfRoot(await importHmacKey(rootKey), dhOutput);
    rootSteps.push({
      note,
      rootKey: hex(rootKey),
      ourKey: hex(ours.publicKey),
      theirKey: hex(theirs.publicKey),
      dhOutput: hex(dhOutput),
      nextRootKey: hex(step.rootKey),
      chainKey: hex(step.chainKey),
    });
    chains.set(hex(ours.publicKey), step.chainKey);
    rootKey = step.rootKey;
  }

  const payloads: Payload[] = [{ kind: 'read', ids: [] }, ...TEXTS];
  const messages: MessageVector[] = [];
  for (const [index, envelope] of envelopes.entries()) {
    const { header, headerBytes, sealed } = parseMessageEnvelope(envelope);
    let chainKey = chains.get(hex(header.ratchetKey)) ?? fail(`message ${index}: unknown ratchet key`);
    for (let n = 0; n < header.count; n++) chainKey = (await kdfChain(await importHmacKey(chainKey))).chainKey;
    const step = await kdfChain(await importHmacKey(chainKey));
    const plaintext = await aesGcmDecrypt(await importAesKey(step.messageKey), header.nonce, sealed, concatBytes(transcript, headerBytes));
    const payload = payloads[index]!;
    if (hex(plaintext) !== hex(pad(encodePayload(payload)))) fail(`message ${index}: plaintext differs`);
    if (hex(encodeMessageHeader(header)) !== hex(headerBytes)) fail(`message ${index}: header differs`);
    messages.push({
      index,
      sender: header.sender,
      payload,
      ratchetKey: hex(header.ratchetKey),
      previousCount: header.previousCount,
      count: header.count,
      nonce: hex(header.nonce),
      chainKey: hex(chainKey),
      messageKey: hex(step.messageKey),
      nextChainKey: hex(step.chainKey),
      plaintext: hex(plaintext),
      header: hex(headerBytes),
      envelope: hex(envelope),
    });
  }

  const ephemeral = [
    { sender: 'guest' as const, payload: { kind: 'typing', active: true } as const, envelope: typingFromGuest },
    { sender: 'member' as const, payload: { kind: 'typing', active: false } as const, envelope: typingFromMember },
  ].map(({ sender, payload, envelope }) => {
    const parsed = parseEphemeralEnvelope(envelope);
    return { sender, payload, nonce: hex(parsed.nonce), plaintext: hex(pad(encodePayload(payload))), envelope: hex(envelope) };
  });

  const samplePayloads: Payload[] = [
    { kind: 'text', id: 'AAAAAAAAAAAAAAAAAAAAAA', text: 'Hi', sentAt: NOW },
    { kind: 'read', ids: ['g1', 'g2', 'g3'] },
    { kind: 'read', ids: [] },
    { kind: 'typing', active: true },
    { kind: 'typing', active: false },
  ];

  const memberFingerprint = await fingerprint(sessions.member.memberIdentity);
  const guestFingerprint = await fingerprint(sessions.member.guestIdentity);
  const code = await securityCode(sessions.member);
  if (code !== (await securityCode(sessions.guest))) fail('security codes differ');

  return {
    description: [
      'Known-answer vectors for GuestChat protocol version 1 (docs/protocol.md, Part 2).',
      'Bytes are lower-case hex unless named linkSecret (base64url). Times are Unix milliseconds.',
      'ECDSA signatures are randomised, so publicKeys, bundleSignature, bundle and bundleTag change each time the file is regenerated; check them by verifying, not by re-signing.',
      'Replay: give an implementation the keys and nonces listed here in the order each operation draws them (see the conversation and docs) and it must produce these bytes exactly.',
    ],
    protocol: 'guestchat/v1',
    now: NOW,
    invitationId: INVITATION_ID,
    expiresAt: EXPIRES_AT,
    keys: Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, keyVector(key!)])),
    device: { publicKeys: hex(device.publicKeys) },
    invitation: {
      linkSecret: created.linkSecret,
      s: hex(s),
      authKey: hex(secrets.authKey),
      claimVerifier: hex(secrets.claimVerifier),
      psk: hex(secrets.psk),
      bundleBody: hex(body),
      bundleSignature: hex(signature),
      bundle: hex(bundle),
      bundleTag: hex(bundleTag),
    },
    handshake: {
      guestKeys: hex(claimed.claim.guestKeys),
      transcriptHash: hex(transcript),
      claimTag: hex(claimed.claim.claimTag),
      dh1: hex(dh1),
      dh2: hex(dh2),
      dh3: hex(dh3),
      rootKey: hex(handshake.rootKey),
      ephemeralGuestToMember: hex(handshake.guestToMember),
      ephemeralMemberToGuest: hex(handshake.memberToGuest),
    },
    rootSteps,
    conversation: CONVERSATION,
    messages,
    ephemeral,
    payloads: samplePayloads.map((payload) => ({ payload, encoded: hex(encodePayload(payload)), padded: hex(pad(encodePayload(payload))) })),
    padding: [0, 1, 63, 64, 500, 2046, 2047, 3000, 8191, 12333].map((length) => ({ length, paddedLength: paddedLength(length) })),
    securityCode: {
      memberIdentity: hex(sessions.member.memberIdentity),
      guestIdentity: hex(sessions.member.guestIdentity),
      memberFingerprint,
      guestFingerprint,
      code,
    },
  };
}
