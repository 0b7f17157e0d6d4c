/**
 * Joining a chat from an invitation, in two steps. `prepareJoin` verifies the bundle against the link secret (a
 * bundle swapped by the server fails here, before anything is sent) and makes the guest's keys and first message:
 * local work only, nothing sent or stored, so the page runs it while the guest reads and types. `joinChat`, once
 * the guest pressed "Join chat", claims with a prepared join and starts keeping the new session: it answers as soon
 * as the server accepted the claim, with the write to this browser's database still under way, so that the chat can
 * be shown meanwhile (see `JoinedChat.saved`). A prepared join serves one claim attempt: a retry prepares afresh.
 */
import { CryptoError, claimInvitation, openInvitation, type Claim, type Session } from '../crypto';
import type { GuestDb, GuestRecord } from '../storage/guest-db';
import { guestApi, type PublicInvitation } from '../transport/guest-api';
import { ApiError } from '../transport/http';
import { problemFromCode } from '../ui/guest/link-problems';
import { JoinError } from './join-error';

export interface PreparedJoin {
  readonly invitationId: string;
  readonly session: Session;
  readonly claim: Claim;
}

/** A chat just joined: its record, and the new session being written to this browser meanwhile. */
export interface JoinedChat {
  readonly record: GuestRecord;
  /**
   * Settles once the session and the record are stored. The chat may be on screen before, but must not connect
   * (and so receive and acknowledge messages) until then: if it rejects, the chat's keys exist only in this page,
   * the guest must be told, and nothing may have been acknowledged that this browser cannot read again.
   */
  readonly saved: Promise<void>;
}

export async function prepareJoin(linkSecret: string, invitation: PublicInvitation): Promise<PreparedJoin> {
  try {
    const verified = await openInvitation(linkSecret, invitation.id, invitation.bundle, invitation.bundleTag, Date.now());
    const { session, claim } = await claimInvitation(verified);
    return { invitationId: invitation.id, session, claim };
  } catch (error) {
    if (error instanceof CryptoError) {
      const expired = /expir/i.test(error.reason);
      throw new JoinError(error.message, expired ? 'expired' : 'invalid');
    }
    throw error;
  }
}

export async function joinChat(
  db: GuestDb,
  prepared: PreparedJoin,
  invitation: PublicInvitation,
  displayName: string,
): Promise<JoinedChat> {
  if (prepared.invitationId !== invitation.id) throw new Error('The prepared join is for another invitation.');
  let view;
  try {
    view = await guestApi.claim(invitation.id, { ...prepared.claim, displayName, termsVersion: invitation.termsVersion });
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
  const saved = db.replaceWith(record, view.chatId, prepared.session);
  saved.catch(() => undefined); // the caller reports it, once the chat is on screen
  return { record, saved };
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
