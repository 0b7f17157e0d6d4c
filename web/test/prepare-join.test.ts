import { describe, expect, it } from 'vitest';
import { acceptClaim } from '../src/crypto';
import { prepareJoin } from '../src/guest/join';
import { JoinError } from '../src/guest/join-error';
import { INVITATION_ID, publishInvitation } from './support/published-invitation';

describe('preparing a join while the guest types', () => {
  it('makes a claim the member accepts', async () => {
    const { identity, made, published } = await publishInvitation();
    const prepared = await prepareJoin(made.linkSecret, published);
    expect(prepared.invitationId).toBe(INVITATION_ID);
    expect(prepared.claim.claimVerifier).toEqual(made.upload.claimVerifier);
    await expect(acceptClaim(identity, made.pending, prepared.claim, Date.now())).resolves.toBeDefined();
  });

  it('makes fresh keys each time, so a retry never reuses a claim', async () => {
    const { made, published } = await publishInvitation();
    const first = await prepareJoin(made.linkSecret, published);
    const second = await prepareJoin(made.linkSecret, published);
    expect(first.claim.guestKeys).not.toEqual(second.claim.guestKeys);
  });

  it('refuses a bundle the server swapped, as a link that is not valid', async () => {
    const { made, published } = await publishInvitation();
    const swapped = { ...published, bundle: published.bundle.map((byte, i) => (i === 40 ? byte ^ 1 : byte)) };
    const error = await prepareJoin(made.linkSecret, swapped).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JoinError);
    expect((error as JoinError).problem).toBe('invalid');
  });
});
