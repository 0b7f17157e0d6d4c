import { describe, expect, it } from 'vitest';
import raw from '../../../../docs/vectors/guestchat-v1.json?raw';
import { base64urlEncode, concatBytes, fromHex, label, toHex } from '../encoding';
import { encodeMessageHeader, type Role } from '../envelope';
import { decryptEphemeral, encryptEphemeralWith } from '../ephemeral';
import {
  acceptClaimWith,
  claimInvitationWith,
  claimTagData,
  deriveHandshakeSecrets,
  encodeGuestKeys,
  transcriptHash,
} from '../handshake';
import type { DeviceIdentity } from '../identity';
import { LABELS } from '../labels';
import {
  bundleSignedData,
  bundleTagData,
  createInvitationWith,
  deriveInvitationSecrets,
  encodeBundleBody,
  openInvitation,
  type PendingInvitation,
} from '../invitation';
import { kdfChain, kdfRoot } from '../kdf';
import { decodePayload, encodePayload, pad, paddedLength, unpad } from '../payload';
import {
  aesGcmEncrypt,
  ecdh,
  ecdsaVerify,
  hmac,
  importAesKey,
  importEcdhPublic,
  importEcdsaPublic,
  importHmacKey,
  importPrivateScalar,
} from '../primitives';
import { fingerprint, securityCode } from '../securityCode';
import { decryptWith, encryptWith, type Session } from '../session';
import type { GuestChatVectors } from './vector-builder';
import { ReplayEntropy } from './support';

const v = JSON.parse(raw) as GuestChatVectors;
const b = fromHex;
const key = (name: string) => {
  const k = v.keys[name];
  if (!k) throw new Error(`no key ${name} in the vectors`);
  return { d: b(k.d), publicKey: b(k.public) };
};
const dh = async (ours: string, theirs: string) =>
  ecdh(await importPrivateScalar('ECDH', key(ours).d, key(ours).publicKey), await importEcdhPublic(key(theirs).publicKey));

describe('known answers (docs/vectors/guestchat-v1.json)', () => {
  it('derives the invitation keys from the link secret and invitation id', async () => {
    const s = b(v.invitation.s);
    expect(v.invitation.linkSecret).toBe(base64urlEncode(s));
    const secrets = await deriveInvitationSecrets(s, v.invitationId);
    expect(toHex(secrets.authKey)).toBe(v.invitation.authKey);
    expect(toHex(secrets.claimVerifier)).toBe(v.invitation.claimVerifier);
    expect(toHex(secrets.psk)).toBe(v.invitation.psk);
  });

  it('lays out, signs and tags the bundle and the device keys', async () => {
    const body = encodeBundleBody({
      invitationId: v.invitationId,
      expiresAt: v.expiresAt,
      signingPublic: key('memberSigning').publicKey,
      dhPublic: key('memberIdentity').publicKey,
      oneTimePublic: key('oneTime').publicKey,
    });
    expect(toHex(body)).toBe(v.invitation.bundleBody);
    expect(v.invitation.bundle).toBe(v.invitation.bundleBody + v.invitation.bundleSignature);
    const signingKey = await importEcdsaPublic(key('memberSigning').publicKey);
    expect(await ecdsaVerify(signingKey, b(v.invitation.bundleSignature), bundleSignedData(body))).toBe(true);
    const authKey = await importHmacKey(b(v.invitation.authKey));
    expect(toHex(await hmac(authKey, bundleTagData(b(v.invitation.bundle))))).toBe(v.invitation.bundleTag);
    await expect(openInvitation(v.invitation.linkSecret, v.invitationId, b(v.invitation.bundle), b(v.invitation.bundleTag), v.now)).resolves.toBeDefined();

    const device = b(v.device.publicKeys);
    const pubs = concatBytes(key('memberSigning').publicKey, key('memberIdentity').publicKey);
    expect(toHex(device.subarray(0, 131))).toBe('01' + toHex(pubs));
    expect(await ecdsaVerify(signingKey, device.subarray(131), concatBytes(label(LABELS.device), pubs))).toBe(true);
  });

  it('derives the handshake: guest keys, transcript hash, claim tag, the three DH results and the session secrets', async () => {
    const guestKeys = encodeGuestKeys(key('guestIdentity').publicKey, key('guestEphemeral').publicKey);
    expect(toHex(guestKeys)).toBe(v.handshake.guestKeys);
    const transcript = await transcriptHash(b(v.invitation.bundleBody), guestKeys);
    expect(toHex(transcript)).toBe(v.handshake.transcriptHash);
    const authKey = await importHmacKey(b(v.invitation.authKey));
    expect(toHex(await hmac(authKey, claimTagData(transcript)))).toBe(v.handshake.claimTag);
    const [dh1, dh2, dh3] = [await dh('guestIdentity', 'oneTime'), await dh('guestEphemeral', 'memberIdentity'), await dh('guestEphemeral', 'oneTime')];
    expect([toHex(dh1), toHex(dh2), toHex(dh3)]).toEqual([v.handshake.dh1, v.handshake.dh2, v.handshake.dh3]);
    expect(toHex(await dh('oneTime', 'guestIdentity'))).toBe(v.handshake.dh1);
    expect(toHex(await dh('memberIdentity', 'guestEphemeral'))).toBe(v.handshake.dh2);
    const secrets = await deriveHandshakeSecrets(await importHmacKey(b(v.invitation.psk)), dh1, dh2, dh3, transcript);
    expect(toHex(secrets.rootKey)).toBe(v.handshake.rootKey);
    expect(toHex(secrets.guestToMember)).toBe(v.handshake.ephemeralGuestToMember);
    expect(toHex(secrets.memberToGuest)).toBe(v.handshake.ephemeralMemberToGuest);
  });

  it('derives every root-chain step', async () => {
    expect(v.rootSteps[0]!.rootKey).toBe(v.handshake.rootKey);
    for (const [i, step] of v.rootSteps.entries()) {
      const ours = Object.keys(v.keys).find((name) => v.keys[name]!.public === step.ourKey)!;
      const theirs = Object.keys(v.keys).find((name) => v.keys[name]!.public === step.theirKey)!;
      expect(toHex(await dh(ours, theirs))).toBe(step.dhOutput);
      const next = await kdfRoot(await importHmacKey(b(step.rootKey)), b(step.dhOutput));
      expect(toHex(next.rootKey)).toBe(step.nextRootKey);
      expect(toHex(next.chainKey)).toBe(step.chainKey);
      if (i > 0) expect(step.rootKey).toBe(v.rootSteps[i - 1]!.nextRootKey);
    }
  });

  it('derives every chain key and message key, and each message key seals its envelope exactly', async () => {
    expect(v.messages).toHaveLength(5);
    for (const m of v.messages) {
      const step = await kdfChain(await importHmacKey(b(m.chainKey)));
      expect(toHex(step.messageKey)).toBe(m.messageKey);
      expect(toHex(step.chainKey)).toBe(m.nextChainKey);
      expect(m.plaintext).toBe(toHex(pad(encodePayload(m.payload))));
      const header = encodeMessageHeader({
        sender: m.sender,
        ratchetKey: b(m.ratchetKey),
        previousCount: m.previousCount,
        count: m.count,
        nonce: b(m.nonce),
      });
      expect(toHex(header)).toBe(m.header);
      const aad = concatBytes(b(v.handshake.transcriptHash), header);
      const sealed = await aesGcmEncrypt(await importAesKey(step.messageKey), b(m.nonce), b(m.plaintext), aad);
      expect(toHex(concatBytes(header, sealed))).toBe(m.envelope);
    }
  });

  it('reproduces the invitation, the claim and the whole conversation byte for byte when replaying the keys and nonces', async () => {
    const identity: DeviceIdentity = {
      v: 1,
      signingKey: await importPrivateScalar('ECDSA', key('memberSigning').d, key('memberSigning').publicKey),
      signingPublic: key('memberSigning').publicKey,
      dhKey: await importPrivateScalar('ECDH', key('memberIdentity').d, key('memberIdentity').publicKey),
      dhPublic: key('memberIdentity').publicKey,
    };
    const invitationEntropy = new ReplayEntropy([key('oneTime')], [b(v.invitation.s)]);
    const created = await createInvitationWith(invitationEntropy, identity, v.invitationId, v.expiresAt);
    expect(invitationEntropy.exhausted).toBe(true);
    expect(created.linkSecret).toBe(v.invitation.linkSecret);
    expect(toHex(created.upload.claimVerifier)).toBe(v.invitation.claimVerifier);
    expect(toHex(created.upload.bundle).startsWith(v.invitation.bundleBody)).toBe(true);
    const pending: PendingInvitation = created.pending;

    const verified = await openInvitation(v.invitation.linkSecret, v.invitationId, b(v.invitation.bundle), b(v.invitation.bundleTag), v.now);
    const nonceOf = (index: number) => b(v.messages[index]!.nonce);
    const claimEntropy = new ReplayEntropy([key('guestIdentity'), key('guestEphemeral'), key('guestRatchet1')], [nonceOf(0)]);
    const claimed = await claimInvitationWith(claimEntropy, verified);
    expect(claimEntropy.exhausted).toBe(true);
    expect(toHex(claimed.claim.guestKeys)).toBe(v.handshake.guestKeys);
    expect(toHex(claimed.claim.claimTag)).toBe(v.handshake.claimTag);
    expect(toHex(claimed.claim.firstEnvelope)).toBe(v.messages[0]!.envelope);

    const sessions: Partial<Record<Role, Session>> = { guest: claimed.session };
    for (const step of v.conversation) {
      const message = v.messages[step.message]!;
      if (step.op === 'send') {
        if (step.message === 0) continue;
        const entropy = new ReplayEntropy([], [b(message.nonce)]);
        const sent = await encryptWith(entropy, sessions[step.by]!, message.payload, v.now);
        expect(toHex(sent.envelope), `message ${step.message}`).toBe(message.envelope);
        sessions[step.by] = sent.session;
        continue;
      }
      const entropy = new ReplayEntropy(step.draws.map(key));
      if (step.message === 0) {
        const claim = { ...claimed.claim, firstEnvelope: b(message.envelope) };
        sessions.member = (await acceptClaimWith(entropy, identity, pending, claim, v.now)).session;
      } else {
        const received = await decryptWith(entropy, sessions[step.by]!, b(message.envelope), v.now);
        expect(received.payload).toEqual(message.payload);
        sessions[step.by] = received.session;
      }
      expect(entropy.exhausted).toBe(true);
    }

    for (const e of v.ephemeral) {
      const sender = sessions[e.sender]!;
      const receiver = sessions[e.sender === 'guest' ? 'member' : 'guest']!;
      const envelope = await encryptEphemeralWith(new ReplayEntropy([], [b(e.nonce)]), sender, e.payload);
      expect(toHex(envelope)).toBe(e.envelope);
      expect(await decryptEphemeral(receiver, envelope)).toEqual(e.payload);
      expect(e.plaintext).toBe(toHex(pad(encodePayload(e.payload))));
    }

    expect(await securityCode(sessions.guest!)).toBe(v.securityCode.code);
    expect(await securityCode(sessions.member!)).toBe(v.securityCode.code);
  });

  it('encodes and pads payloads', () => {
    for (const p of v.payloads) {
      expect(toHex(encodePayload(p.payload))).toBe(p.encoded);
      expect(toHex(pad(encodePayload(p.payload)))).toBe(p.padded);
      expect(decodePayload(unpad(b(p.padded)))).toEqual(p.payload);
    }
    for (const p of v.padding) expect(paddedLength(p.length)).toBe(p.paddedLength);
  });

  it('computes both fingerprints and the security code', async () => {
    expect(v.securityCode.memberIdentity).toBe(v.keys.memberSigning!.public + v.keys.memberIdentity!.public);
    expect(v.securityCode.guestIdentity).toBe(v.keys.guestIdentity!.public);
    expect(await fingerprint(b(v.securityCode.memberIdentity))).toBe(v.securityCode.memberFingerprint);
    expect(await fingerprint(b(v.securityCode.guestIdentity))).toBe(v.securityCode.guestFingerprint);
    const sorted = [v.securityCode.memberFingerprint, v.securityCode.guestFingerprint].sort().join('');
    expect(v.securityCode.code).toBe(sorted.match(/\d{5}/g)!.join(' '));
  });
});
