import { describe, expect, it } from 'vitest';
import { acceptClaim, createDeviceIdentity, createInvitation } from '../src/crypto';
import { prepareJoin } from '../src/guest/join';
import { JoinError } from '../src/guest/join-error';
import type { PublicInvitation } from '../src/transport/guest-api';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

async function invitation(expiresAt = Date.now() + 86_400_000) {
  const { identity } = await createDeviceIdentity();
  const made = await createInvitation(identity, ID, expiresAt);
  const published: PublicInvitation = {
    id: ID,
    inviterName: 'Ada',
    bundle: made.upload.bundle,
    bundleTag: made.upload.bundleTag,
    expiresAt,
    termsVersion: 'v1',
    inactivityPeriodMs: 864_000_000,
  };
  return { identity, made, published };
}

describe('preparing a join while the guest types', () => {
  it('makes a claim the member accepts', async () => {
    const { identity, made, published } = await invitation();
    const prepared = await prepareJoin(made.linkSecret, published);
    expect(prepared.invitationId).toBe(ID);
    expect(prepared.claim.claimVerifier).toEqual(made.upload.claimVerifier);
    await expect(acceptClaim(identity, made.pending, prepared.claim, Date.now())).resolves.toBeDefined();
  });

  it('makes fresh keys each time, so a retry never reuses a claim', async () => {
    const { made, published } = await invitation();
    const first = await prepareJoin(made.linkSecret, published);
    const second = await prepareJoin(made.linkSecret, published);
    expect(first.claim.guestKeys).not.toEqual(second.claim.guestKeys);
  });

  it('refuses a bundle the server swapped, as a link that is not valid', async () => {
    const { made, published } = await invitation();
    const swapped = { ...published, bundle: published.bundle.map((byte, i) => (i === 40 ? byte ^ 1 : byte)) };
    const error = await prepareJoin(made.linkSecret, swapped).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JoinError);
    expect((error as JoinError).problem).toBe('invalid');
  });
});
