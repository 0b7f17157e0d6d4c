import { describe, expect, it } from 'vitest';
import { acceptClaim, claimInvitation, createDeviceIdentity, createInvitation, openInvitation } from '../index';
import { base64urlDecode, concatBytes } from '../encoding';
import { bundleSignedData, bundleTagData, deriveInvitationSecrets, encodeBundleBody, parseBundle } from '../invitation';
import { ecdsaSign, generateEcdh, generateEcdsa, hmac, importHmacKey } from '../primitives';
import { DAY, NOW, randomId, reasonOf } from './support';

const EXPIRES = NOW + 10 * DAY;

async function invite() {
  const device = await createDeviceIdentity();
  const id = randomId();
  const created = await createInvitation(device.identity, id, EXPIRES);
  return { ...device, id, created };
}

/** What a server can do to a bundle: change fields and re-sign with a key of its own. It cannot make the tag. */
async function resignedBundle(bundle: Uint8Array, change: { signing?: boolean; dh?: boolean; oneTime?: boolean; expiresAt?: number }) {
  const { fields } = parseBundle(bundle);
  const serverSigning = await generateEcdsa();
  const body = encodeBundleBody({
    ...fields,
    signingPublic: change.signing ? serverSigning.publicKey : fields.signingPublic,
    dhPublic: change.dh ? (await generateEcdh()).publicKey : fields.dhPublic,
    oneTimePublic: change.oneTime ? (await generateEcdh()).publicKey : fields.oneTimePublic,
    expiresAt: change.expiresAt ?? fields.expiresAt,
  });
  return concatBytes(body, await ecdsaSign(serverSigning.privateKey, bundleSignedData(body)));
}

/** A correct tag for any bundle: only someone holding the link secret can compute it. */
async function tagWithLinkSecret(linkSecret: string, id: string, bundle: Uint8Array) {
  const secrets = await deriveInvitationSecrets(base64urlDecode(linkSecret), id);
  return hmac(await importHmacKey(secrets.authKey), bundleTagData(bundle));
}

describe('a malicious server, against the guest (rejected before the guest sends anything)', () => {
  it('cannot swap the member identity keys', async () => {
    const { id, created } = await invite();
    for (const change of [{ signing: true, dh: true }, { dh: true }, { signing: true }]) {
      const bundle = await resignedBundle(created.upload.bundle, change);
      expect(await reasonOf(openInvitation(created.linkSecret, id, bundle, created.upload.bundleTag, NOW))).toBe('bundle-tag-mismatch');
    }
  });

  it('cannot swap the one-time key', async () => {
    const { id, created } = await invite();
    const bundle = await resignedBundle(created.upload.bundle, { oneTime: true });
    expect(await reasonOf(openInvitation(created.linkSecret, id, bundle, created.upload.bundleTag, NOW))).toBe('bundle-tag-mismatch');
  });

  it('cannot extend the expiry, and an expired bundle is refused', async () => {
    const { id, created } = await invite();
    const { bundle, bundleTag } = created.upload;
    const extended = await resignedBundle(bundle, { expiresAt: EXPIRES + 30 * DAY });
    expect(await reasonOf(openInvitation(created.linkSecret, id, extended, bundleTag, EXPIRES + DAY))).toBe('bundle-tag-mismatch');
    expect(await reasonOf(openInvitation(created.linkSecret, id, bundle, bundleTag, EXPIRES))).toBe('invitation-expired');
    expect(await reasonOf(openInvitation(created.linkSecret, id, bundle, bundleTag, EXPIRES + DAY))).toBe('invitation-expired');
    await expect(openInvitation(created.linkSecret, id, bundle, bundleTag, EXPIRES - 1)).resolves.toBeDefined();
  });

  it('cannot serve another invitation’s bundle, or this bundle under another id', async () => {
    const first = await invite();
    const second = await createInvitation(first.identity, randomId(), EXPIRES);
    const { bundle, bundleTag } = second.upload;
    expect(await reasonOf(openInvitation(first.created.linkSecret, first.id, bundle, bundleTag, NOW))).toBe('bundle-tag-mismatch');
    const otherId = randomId();
    expect(await reasonOf(openInvitation(first.created.linkSecret, otherId, first.created.upload.bundle, first.created.upload.bundleTag, NOW))).toBe(
      'bundle-tag-mismatch',
    );
  });

  it('refuses a tagged bundle whose signature does not verify or that names another invitation', async () => {
    const { id, created } = await invite();
    const { body, signature } = parseBundle(created.upload.bundle);
    const badSignature = concatBytes(body, signature.map((b, i) => (i === 10 ? b ^ 1 : b)));
    const badTag = await tagWithLinkSecret(created.linkSecret, id, badSignature);
    expect(await reasonOf(openInvitation(created.linkSecret, id, badSignature, badTag, NOW))).toBe('bundle-signature-invalid');

    const foreign = await resignedBundle(created.upload.bundle, { signing: true });
    const foreignTag = await tagWithLinkSecret(created.linkSecret, id, foreign);
    await expect(openInvitation(created.linkSecret, id, foreign, foreignTag, NOW)).resolves.toBeDefined(); // control: tag is what binds
  });

  it('gets nothing from a wrong or malformed link secret', async () => {
    const { id, created } = await invite();
    const { bundle, bundleTag } = created.upload;
    const other = await createInvitation((await createDeviceIdentity()).identity, id, EXPIRES);
    expect(await reasonOf(openInvitation(other.linkSecret, id, bundle, bundleTag, NOW))).toBe('bundle-tag-mismatch');
    expect(await reasonOf(openInvitation(created.linkSecret.slice(1), id, bundle, bundleTag, NOW))).toBe('invalid-link-secret');
    expect(await reasonOf(openInvitation(created.linkSecret + 'AA', id, bundle, bundleTag, NOW))).toBe('invalid-link-secret');
    expect(await reasonOf(openInvitation('not base64url!', id, bundle, bundleTag, NOW))).toBe('invalid-link-secret');
  });
});

describe('a malicious server, against the member (rejected before any plaintext is accepted)', () => {
  async function claimed() {
    const member = await invite();
    const verified = await openInvitation(member.created.linkSecret, member.id, member.created.upload.bundle, member.created.upload.bundleTag, NOW);
    const guest = await claimInvitation(verified);
    return { member, verified, guest };
  }

  it('cannot swap the guest identity key or the guest ephemeral key', async () => {
    const { member, guest } = await claimed();
    const serverKey = (await generateEcdh()).publicKey;
    const keys = guest.claim.guestKeys;
    for (const guestKeys of [concatBytes(keys.subarray(0, 1), serverKey, keys.subarray(66)), concatBytes(keys.subarray(0, 66), serverKey)]) {
      const claim = { ...guest.claim, guestKeys };
      expect(await reasonOf(acceptClaim(member.identity, member.created.pending, claim, NOW))).toBe('claim-tag-mismatch');
    }
  });

  it('cannot replay a claim made for another invitation of the same member', async () => {
    const { member, guest } = await claimed();
    const second = await createInvitation(member.identity, randomId(), EXPIRES);
    expect(await reasonOf(acceptClaim(member.identity, second.pending, guest.claim, NOW))).toBe('claim-tag-mismatch');
  });

  it('cannot pair one claimant’s keys with another claimant’s first message', async () => {
    const { member, verified, guest } = await claimed();
    const rival = await claimInvitation(verified); // a second holder of the same link
    const mixed = { ...guest.claim, firstEnvelope: rival.claim.firstEnvelope };
    expect(await reasonOf(acceptClaim(member.identity, member.created.pending, mixed, NOW))).toBe('key-confirmation-failed');
    // Each genuine claim on its own is accepted (the server picks exactly one winner).
    await expect(acceptClaim(member.identity, member.created.pending, rival.claim, NOW)).resolves.toBeDefined();
    await expect(acceptClaim(member.identity, member.created.pending, guest.claim, NOW)).resolves.toBeDefined();
  });

  it('cannot make the member accept a claim with a forged tag or an invented first message', async () => {
    const { member, guest } = await claimed();
    const forged = { ...guest.claim, claimTag: new Uint8Array(32) };
    expect(await reasonOf(acceptClaim(member.identity, member.created.pending, forged, NOW))).toBe('claim-tag-mismatch');
    const shortTag = { ...guest.claim, claimTag: guest.claim.claimTag.slice(1) };
    expect(await reasonOf(acceptClaim(member.identity, member.created.pending, shortTag, NOW))).toBe('claim-tag-mismatch');
    const garbage = { ...guest.claim, firstEnvelope: globalThis.crypto.getRandomValues(new Uint8Array(200)) };
    expect(await reasonOf(acceptClaim(member.identity, member.created.pending, garbage, NOW))).toBe('key-confirmation-failed');
  });

  it('refuses a pending invitation presented with another device identity', async () => {
    const { member, guest } = await claimed();
    const other = await createDeviceIdentity();
    expect(await reasonOf(acceptClaim(other.identity, member.created.pending, guest.claim, NOW))).toBe('identity-mismatch');
  });
});
