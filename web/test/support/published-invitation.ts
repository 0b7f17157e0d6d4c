/** A member's invitation as the guest page receives it (`PublicInvitation`), made by the real crypto. */
import { createDeviceIdentity, createInvitation } from '../../src/crypto';
import type { PublicInvitation } from '../../src/transport/guest-api';

export const INVITATION_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Makes an invitation from "Ada" expiring at `expiresAt`; `made` holds its link secret and the member's side. */
export async function publishInvitation(expiresAt = Date.now() + 86_400_000) {
  const { identity } = await createDeviceIdentity();
  const made = await createInvitation(identity, INVITATION_ID, expiresAt);
  const published: PublicInvitation = {
    id: INVITATION_ID,
    inviterName: 'Ada',
    bundle: made.upload.bundle,
    bundleTag: made.upload.bundleTag,
    expiresAt,
    termsVersion: 'v1',
    inactivityPeriodMs: 864_000_000,
  };
  return { identity, made, published };
}
