/** The guest's HTTP endpoints (docs/protocol.md Part 1). Binary values travel as base64url. */
import { fromBase64Url, toBase64Url } from '../shared/base64url';
import { ApiError, request } from './http';

export interface PublicInvitation {
  id: string;
  inviterName: string;
  bundle: Uint8Array;
  bundleTag: Uint8Array;
  expiresAt: number;
  termsVersion: string;
  /** How long the chat lives without messages (the operator's setting), in milliseconds. */
  inactivityPeriodMs: number;
}

export type GuestChatState = 'active' | 'expired' | 'ended';

export interface GuestChatView {
  chatId: string;
  invitationId: string;
  memberName: string;
  guestName: string;
  state: GuestChatState;
  lastActivityAt: number;
  expiresAt: number;
}

export interface ClaimRequest {
  displayName: string;
  termsVersion: string;
  guestKeys: Uint8Array;
  claimTag: Uint8Array;
  claimVerifier: Uint8Array;
  firstEnvelope: Uint8Array;
}

export interface PublicInvitationWire extends Omit<PublicInvitation, 'bundle' | 'bundleTag'> {
  bundle: string;
  bundleTag: string;
}

/** The public invitation as GET …/public answers it (or as the server embeds it in the guest page). */
export function publicInvitationFromWire(wire: PublicInvitationWire): PublicInvitation {
  const bundle = fromBase64Url(wire.bundle);
  const bundleTag = fromBase64Url(wire.bundleTag);
  if (!bundle || !bundleTag) throw new ApiError(404, 'invitation-unknown', 'The invitation is malformed.');
  return { ...wire, bundle, bundleTag };
}

const path = (id: string) => `/api/invitations/${encodeURIComponent(id)}`;

export const guestApi = {
  publicInvitation: async (id: string): Promise<PublicInvitation> =>
    publicInvitationFromWire(await request<PublicInvitationWire>('GET', `${path(id)}/public`)),
  claim: (id: string, claim: ClaimRequest) =>
    request<GuestChatView>('POST', `${path(id)}/claim`, {
      displayName: claim.displayName,
      termsVersion: claim.termsVersion,
      guestKeys: toBase64Url(claim.guestKeys),
      claimTag: toBase64Url(claim.claimTag),
      claimVerifier: toBase64Url(claim.claimVerifier),
      firstEnvelope: toBase64Url(claim.firstEnvelope),
    }),
  chat: () => request<GuestChatView>('GET', '/api/guest/chat'),
  leave: () => request<void>('POST', '/api/guest/leave'),
};
