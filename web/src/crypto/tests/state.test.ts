import { describe, expect, it } from 'vitest';
import { acceptClaim, claimInvitation, createDeviceIdentity, createInvitation, decrypt, encrypt, openInvitation } from '../index';
import { cryptoKeysIn, DAY, NOW, randomId, snapshot, text } from './support';

/** Every private or secret key reachable from a state must be non-extractable. */
function extractableSecrets(state: unknown): CryptoKey[] {
  return cryptoKeysIn(state).filter((key) => key.type !== 'public' && key.extractable);
}

describe('state objects', () => {
  it('are structured-clonable at every stage, hold only non-extractable secret keys, and the clones work', async () => {
    const device = await createDeviceIdentity();
    const identity = structuredClone(device.identity);
    const id = randomId();
    const created = await createInvitation(identity, id, NOW + 10 * DAY);
    const pending = structuredClone(created.pending);
    const verified = structuredClone(await openInvitation(created.linkSecret, id, created.upload.bundle, created.upload.bundleTag, NOW));
    const claimed = await claimInvitation(verified);
    const guest = structuredClone(claimed.session);
    const member = structuredClone((await acceptClaim(identity, pending, claimed.claim, NOW)).session);
    for (const state of [device.identity, created.pending, verified, claimed.session, member]) {
      expect(cryptoKeysIn(state).length).toBeGreaterThan(0);
      expect(extractableSecrets(state)).toEqual([]);
    }
    const sent = await encrypt(guest, text('after a round trip through structuredClone'), NOW);
    const received = await decrypt(member, sent.envelope, NOW);
    expect(received.payload).toMatchObject({ text: 'after a round trip through structuredClone' });
    expect(extractableSecrets(received.session)).toEqual([]);
  });

  it('are never mutated, on success or failure', async () => {
    const device = await createDeviceIdentity();
    const id = randomId();
    const identityBefore = snapshot(device.identity);
    const created = await createInvitation(device.identity, id, NOW + DAY);
    const pendingBefore = snapshot(created.pending);
    const verified = await openInvitation(created.linkSecret, id, created.upload.bundle, created.upload.bundleTag, NOW);
    const verifiedBefore = snapshot(verified);
    const claimed = await claimInvitation(verified);
    const accepted = await acceptClaim(device.identity, created.pending, claimed.claim, NOW);
    expect(snapshot(device.identity)).toBe(identityBefore);
    expect(snapshot(created.pending)).toBe(pendingBefore);
    expect(snapshot(verified)).toBe(verifiedBefore);

    const guestBefore = snapshot(claimed.session);
    const memberBefore = snapshot(accepted.session);
    const sent = await encrypt(claimed.session, text('one'), NOW);
    const received = await decrypt(accepted.session, sent.envelope, NOW);
    await expect(decrypt(received.session, sent.envelope, NOW)).rejects.toMatchObject({ reason: 'replay' });
    expect(snapshot(claimed.session)).toBe(guestBefore);
    expect(snapshot(accepted.session)).toBe(memberBefore);
    expect(snapshot(sent.session)).not.toBe(guestBefore);
  });
});
