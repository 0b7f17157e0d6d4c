import { afterEach, describe, expect, it, vi } from 'vitest';
import { acceptClaim, createDeviceIdentity, createInvitation, decrypt, encrypt, MAX_SKIP, openInvitation, type Session } from '../index';
import { base64urlDecode, concatBytes, fromHex } from '../encoding';
import { encodeMessageHeader, MAX_ENVELOPE_LENGTH, parseMessageEnvelope } from '../envelope';
import { claimTagData, encodeGuestKeys, transcriptHash } from '../handshake';
import { bundleSignedData, bundleTagData, deriveInvitationSecrets, encodeBundleBody, parseBundle } from '../invitation';
import { ecdsaSign, generateEcdh, hmac, importHmacKey } from '../primitives';
import { MAX_STORED_SKIPPED, SKIPPED_KEY_LIFETIME_MS } from '../ratchet';
import { DAY, makeChat, NOW, randomId, reasonOf, sealRaw, snapshot, text } from './support';

const subtle = globalThis.crypto.subtle;

afterEach(() => {
  vi.restoreAllMocks();
});

/** Sends `count` texts from `session`; returns the new session and the envelopes in order. */
async function sendMany(session: Session, count: number): Promise<{ session: Session; envelopes: Uint8Array[] }> {
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const sent = await encrypt(session, text(`#${i}`), NOW);
    session = sent.session;
    envelopes.push(sent.envelope);
  }
  return { session, envelopes };
}

/** Counts WebCrypto HMAC/AES/ECDH operations and key imports made while `action` runs. */
async function countCryptoCalls(action: () => Promise<unknown>): Promise<number> {
  const spies = (['sign', 'importKey', 'deriveBits', 'decrypt'] as const).map((name) => vi.spyOn(subtle, name));
  await action();
  const total = spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  for (const spy of spies) spy.mockRestore();
  return total;
}

describe('replay', () => {
  it('rejects a delivered message delivered again, in order or out of order', async () => {
    const chat = await makeChat();
    const { envelopes } = await sendMany(chat.guest, 3);
    let member = (await decrypt(chat.member, envelopes[0]!, NOW)).session;
    expect(await reasonOf(decrypt(member, envelopes[0]!, NOW))).toBe('replay');
    member = (await decrypt(member, envelopes[2]!, NOW)).session; // skips #1
    member = (await decrypt(member, envelopes[1]!, NOW)).session; // from the skipped store
    expect(await reasonOf(decrypt(member, envelopes[1]!, NOW))).toBe('replay');
    expect(await reasonOf(decrypt(member, envelopes[2]!, NOW))).toBe('replay');
  });

  it('rejects the claim’s first envelope once the member has accepted it', async () => {
    const chat = await makeChat();
    expect(await reasonOf(decrypt(chat.member, chat.claim.firstEnvelope, NOW))).toBe('replay');
  });
});

describe('skipping limits', () => {
  it('accepts a gap of exactly MAX_SKIP messages', async () => {
    const chat = await makeChat();
    const { envelopes } = await sendMany(chat.guest, MAX_SKIP + 1);
    // The member has received message 0 (the key confirmation); envelopes[i] is message i + 1.
    const member = (await decrypt(chat.member, envelopes[MAX_SKIP]!, NOW)).session;
    expect(member.ratchet.skipped).toHaveLength(MAX_SKIP);
  }, 60_000);

  it('rejects a gap beyond MAX_SKIP in the current chain without deriving the keys', async () => {
    const chat = await makeChat();
    const { envelopes } = await sendMany(chat.guest, MAX_SKIP + 2);
    const far = envelopes[MAX_SKIP + 1]!; // message number MAX_SKIP + 2, the member expects 1
    const before = snapshot(chat.member);
    let reason = '';
    const calls = await countCryptoCalls(async () => {
      reason = await reasonOf(decrypt(chat.member, far, NOW));
    });
    expect(reason).toBe('too-many-skipped');
    expect(calls).toBe(0);
    expect(snapshot(chat.member)).toBe(before);
  }, 60_000);

  it('rejects a new ratchet step claiming a huge previous chain or a huge message number without deriving keys', async () => {
    const chat = await makeChat();
    const reply = await encrypt(chat.member, text('hello'), NOW);
    const guest = (await decrypt(chat.guest, reply.envelope, NOW)).session;
    const next = await encrypt(chat.member, text('again'), NOW); // same member chain
    const { header } = parseMessageEnvelope(next.envelope);
    const newKey = (await generateEcdh()).publicKey;
    const forge = (previousCount: number, count: number) =>
      concatBytes(encodeMessageHeader({ ...header, ratchetKey: newKey, previousCount, count }), new Uint8Array(80));
    for (const envelope of [forge(0xffff_ffff, 0), forge(MAX_SKIP + 2, 0), forge(0, MAX_SKIP + 1), forge(0, 0xffff_ffff)]) {
      let reason = '';
      const calls = await countCryptoCalls(async () => {
        reason = await reasonOf(decrypt(guest, envelope, NOW));
      });
      expect(reason).toBe('too-many-skipped');
      expect(calls).toBe(0);
    }
  });

  it('keeps at most MAX_STORED_SKIPPED skipped keys, dropping the oldest', async () => {
    const chat = await makeChat();
    let guest = chat.guest;
    let member = chat.member;
    let firstLost: Uint8Array | null = null;
    for (let round = 0; round < 3; round++) {
      const burst = await sendMany(guest, MAX_SKIP);
      guest = burst.session;
      firstLost ??= burst.envelopes[0]!;
      member = (await decrypt(member, burst.envelopes[MAX_SKIP - 1]!, NOW)).session;
      const reply = await encrypt(member, text(`round ${round}`), NOW);
      member = reply.session;
      guest = (await decrypt(guest, reply.envelope, NOW)).session;
    }
    expect(member.ratchet.skipped).toHaveLength(MAX_STORED_SKIPPED);
    expect(['replay', 'decrypt-failed']).toContain(await reasonOf(decrypt(member, firstLost!, NOW)));
  }, 120_000);

  it('drops skipped keys a week after storing them', async () => {
    const chat = await makeChat();
    const sent = await sendMany(chat.guest, 3);
    const envelopes = sent.envelopes;
    const member = (await decrypt(chat.member, envelopes[2]!, NOW)).session;
    expect(member.ratchet.skipped).toHaveLength(2);
    await expect(decrypt(member, envelopes[0]!, NOW + SKIPPED_KEY_LIFETIME_MS - 1)).resolves.toBeDefined();
    expect(await reasonOf(decrypt(member, envelopes[1]!, NOW + SKIPPED_KEY_LIFETIME_MS))).toBe('replay');
    const next = await encrypt(sent.session, text('x'), NOW);
    const later = await decrypt(member, next.envelope, NOW + 8 * DAY);
    expect(later.session.ratchet.skipped).toHaveLength(0);
  });
});

describe('payloads a receiver refuses', () => {
  it('rejects a typing indicator, an unknown kind and an unknown version in a stored envelope, state unchanged', async () => {
    const chat = await makeChat();
    const before = snapshot(chat.member);
    for (const plaintext of ['010301', '010901', '020101']) {
      const padded = concatBytes(fromHex(plaintext), fromHex('80'), new Uint8Array(60));
      const { envelope } = await sealRaw(chat.guest, padded);
      expect(await reasonOf(decrypt(chat.member, envelope, NOW))).toBe('unsupported-payload');
      expect(snapshot(chat.member)).toBe(before);
    }
  });

  it('refuses to encrypt a typing indicator as a stored message', async () => {
    const chat = await makeChat();
    expect(await reasonOf(encrypt(chat.guest, { kind: 'typing', active: true }, NOW))).toBe('unsupported-payload');
    expect(await reasonOf(encrypt(chat.guest, { kind: 'text', id: 'a', text: 'x'.repeat(4097), sentAt: NOW }, NOW))).toBe('invalid-payload');
  });
});

describe('invalid points and wrong lengths', () => {
  const notOnCurve = fromHex('04' + '11'.repeat(64));
  const infinity = new Uint8Array(65).fill(0).map((b, i) => (i === 0 ? 4 : b));
  const compressed = fromHex('03' + '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296');

  it('rejects a ratchet key that is not a point on P-256', async () => {
    const chat = await makeChat();
    const reply = await encrypt(chat.member, text('x'), NOW);
    const { header, sealed } = parseMessageEnvelope(reply.envelope);
    for (const ratchetKey of [notOnCurve, infinity]) {
      const envelope = concatBytes(encodeMessageHeader({ ...header, ratchetKey }), sealed);
      expect(await reasonOf(decrypt(chat.guest, envelope, NOW))).toBe('invalid-public-key');
    }
  });

  it('rejects guest keys that are not points on P-256, even under a valid claim tag', async () => {
    const chat = await makeChat();
    const secrets = await deriveInvitationSecrets(base64urlDecode(chat.invitation.linkSecret), chat.invitationId);
    const authKey = await importHmacKey(secrets.authKey);
    const good = (await generateEcdh()).publicKey;
    for (const guestKeys of [encodeGuestKeys(notOnCurve, good), encodeGuestKeys(good, infinity)]) {
      const claimTag = await hmac(authKey, claimTagData(await transcriptHash(chat.invitation.pending.bundleBody, guestKeys)));
      const claim = { ...chat.claim, guestKeys, claimTag };
      expect(await reasonOf(acceptClaim(chat.identity, chat.invitation.pending, claim, NOW))).toBe('invalid-guest-keys');
    }
    for (const guestKeys of [chat.claim.guestKeys.slice(0, 130), concatBytes(chat.claim.guestKeys, new Uint8Array(1)), concatBytes(fromHex('01'), compressed, good)]) {
      expect(await reasonOf(acceptClaim(chat.identity, chat.invitation.pending, { ...chat.claim, guestKeys }, NOW))).toBe('invalid-guest-keys');
    }
  });

  it('rejects a bundle with an invalid or compressed point, even under a valid tag', async () => {
    const device = await createDeviceIdentity();
    const id = randomId();
    const created = await createInvitation(device.identity, id, NOW + DAY);
    const { fields } = parseBundle(created.upload.bundle);
    const authKey = await importHmacKey((await deriveInvitationSecrets(base64urlDecode(created.linkSecret), id)).authKey);
    for (const oneTimePublic of [notOnCurve, infinity]) {
      const body = encodeBundleBody({ ...fields, oneTimePublic });
      const bundle = concatBytes(body, await ecdsaSign(device.identity.signingKey, bundleSignedData(body)));
      const tag = await hmac(authKey, bundleTagData(bundle));
      expect(await reasonOf(openInvitation(created.linkSecret, id, bundle, tag, NOW))).toBe('invalid-public-key');
    }
    const short = created.upload.bundle.slice(0, -1);
    expect(await reasonOf(openInvitation(created.linkSecret, id, short, await hmac(authKey, bundleTagData(short)), NOW))).toBe('invalid-bundle');
    expect(await reasonOf(openInvitation(created.linkSecret, id, created.upload.bundle, created.upload.bundleTag.slice(1), NOW))).toBe(
      'bundle-tag-mismatch',
    );
  });

  it('rejects envelopes of the wrong length or type before any cryptography', async () => {
    const chat = await makeChat();
    const { envelope } = await encrypt(chat.guest, text('x'), NOW);
    const oversized = concatBytes(envelope, new Uint8Array(MAX_ENVELOPE_LENGTH));
    const wrongVersion = envelope.map((b, i) => (i === 0 ? 2 : b));
    const wrongType = envelope.map((b, i) => (i === 1 ? 2 : b));
    for (const bad of [new Uint8Array(0), envelope.slice(0, 100), oversized, wrongVersion, wrongType]) {
      let reason = '';
      const calls = await countCryptoCalls(async () => {
        reason = await reasonOf(decrypt(chat.member, bad, NOW));
      });
      expect(reason).toBe('invalid-envelope');
      expect(calls).toBe(0);
    }
  });

  it('rejects invalid invitation ids and times', async () => {
    const device = await createDeviceIdentity();
    expect(await reasonOf(createInvitation(device.identity, 'has/slash', NOW))).toBe('invalid-input');
    expect(await reasonOf(createInvitation(device.identity, '', NOW))).toBe('invalid-input');
    expect(await reasonOf(createInvitation(device.identity, randomId(), -1))).toBe('invalid-input');
    expect(await reasonOf(createInvitation(device.identity, randomId(), Number.NaN))).toBe('invalid-input');
  });
});
