import { formatExpiry } from '../../shared/time';
import type { MemberChat } from '../../transport/member-api';

/** The state word a chat shows in the list and in its header. */
export function stateLabel(chat: MemberChat, ownDevice: string): string {
  if (chat.deviceId !== ownDevice) return 'On another device';
  switch (chat.state) {
    case 'blocked':
      return 'Blocked';
    case 'expired':
      return 'Expired';
    case 'ended':
      return 'Ended';
    default:
      return 'Active';
  }
}

/** "Expires in N days" (or hours) for a live chat with three days or less left. */
export function chatCountdown(chat: MemberChat, now: number): string | null {
  if (chat.state !== 'active' && chat.state !== 'blocked') return null;
  return formatExpiry(chat.expiresAt, now);
}

export function lastActivity(chat: MemberChat, localLast: number | undefined): number {
  return Math.max(chat.lastActivityAt, localLast ?? 0);
}
