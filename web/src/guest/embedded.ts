/**
 * The public invitation the server may embed in the guest page it serves at `/i/{id}`: the same JSON as
 * `GET /api/invitations/{id}/public`, in a non-executed `<script type="application/json">` data block, so the page
 * can show the invitation without a second round trip. It is only a head start: when the block is missing,
 * malformed or names another invitation (a stale or cached page), the page asks the API as before.
 */
import { publicInvitationFromWire, type PublicInvitation, type PublicInvitationWire } from '../transport/guest-api';

export const EMBEDDED_INVITATION_ID = 'guestchat-invitation';

/** The embedded invitation for `invitationId`, from the data block's text; null when there is none for it. */
export function embeddedInvitation(text: string | null | undefined, invitationId: string): PublicInvitation | null {
  if (!text) return null;
  let wire: unknown;
  try {
    wire = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isWire(wire) || wire.id !== invitationId) return null;
  try {
    return publicInvitationFromWire(wire);
  } catch {
    return null;
  }
}

function isWire(value: unknown): value is PublicInvitationWire {
  if (value === null || typeof value !== 'object') return false;
  const wire = value as Record<string, unknown>;
  return (
    typeof wire.id === 'string' &&
    typeof wire.inviterName === 'string' &&
    typeof wire.bundle === 'string' &&
    typeof wire.bundleTag === 'string' &&
    typeof wire.expiresAt === 'number' &&
    typeof wire.termsVersion === 'string' &&
    typeof wire.inactivityPeriodMs === 'number'
  );
}
