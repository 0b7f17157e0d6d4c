/**
 * Joining a chat from an invitation, only once the guest pressed "Join chat": verify the bundle against the
 * link secret (a bundle swapped by the server fails here, before anything is sent), make the guest's keys and
 * first message, claim, and keep the new session.
 */
import { CryptoError, claimInvitation, openInvitation } from '../crypto';
import type { GuestDb, GuestRecord } from '../storage/guest-db';
import { guestApi, type PublicInvitation } from '../transport/guest-api';
import { ApiError } from '../transport/http';
import { problemFromCode, type LinkProblem } from '../ui/guest/link-problems';

export class JoinError extends Error {
  constructor(
    message: string,
    readonly problem: LinkProblem | null = null,
    readonly termsChanged = false,
  ) {
    super(message);
    this.name = 'JoinError';
  }
}

export async function joinChat(
  db: GuestDb,
  linkSecret: string,
  invitation: PublicInvitation,
  displayName: string,
): Promise<GuestRecord> {
  let claim: Awaited<ReturnType<typeof claimInvitation>>;
  try {
    const verified = await openInvitation(linkSecret, invitation.id, invitation.bundle, invitation.bundleTag, Date.now());
    claim = await claimInvitation(verified);
  } catch (error) {
    if (error instanceof CryptoError) {
      const expired = /expir/i.test(error.reason);
      throw new JoinError(error.message, expired ? 'expired' : 'invalid');
    }
    throw error;
  }
  let view;
  try {
    view = await guestApi.claim(invitation.id, { ...claim.claim, displayName, termsVersion: invitation.termsVersion });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw explainClaimError(error);
  }
  const record: GuestRecord = {
    key: 'guest',
    invitationId: invitation.id,
    chatId: view.chatId,
    displayName: view.guestName,
    memberName: view.memberName,
    status: 'active',
    joinedAt: Date.now(),
  };
  await db.replaceWith(record, view.chatId, claim.session);
  return record;
}

function explainClaimError(error: ApiError): JoinError {
  const problem = problemFromCode(error.code);
  if (problem) return new JoinError(error.message, problem);
  switch (error.code) {
    case 'terms-changed':
      return new JoinError('The Terms of Service have just changed. Please read them and accept them again.', null, true);
    case 'validation': {
      const first = Object.values(error.errors)[0]?.[0];
      return new JoinError(first ?? 'Please check your display name.');
    }
    case 'rate-limited':
      return new JoinError('Too many attempts from this network. Please wait a minute and try again.');
    case 'network':
      return new JoinError('GuestChat cannot be reached. Check your connection and try again.');
    default:
      return new JoinError('Joining did not work. Please try again.');
  }
}
