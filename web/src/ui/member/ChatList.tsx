import { formatExpiry, formatListTime } from '../../shared/time';
import type { MemberSnapshot, PendingView } from '../../member/runtime';
import { Avatar } from '../common/Avatar';
import { GuestBadge } from '../common/GuestBadge';
import { chatCountdown, lastActivity, stateLabel } from './chat-state';

interface ChatListProps {
  snapshot: MemberSnapshot;
  deviceId: string;
  selected: string | null;
  now: number;
  onShowLink: (invitation: PendingView) => void;
  onCancel: (invitation: PendingView) => void;
}

/** Every guest chat, newest activity first, with the invitations still waiting for their guest above them. */
export function ChatList({ snapshot, deviceId, selected, now, onShowLink, onCancel }: ChatListProps) {
  const chats = [...snapshot.chats].sort(
    (a, b) => lastActivity(b, snapshot.lastMessageAt.get(b.id)) - lastActivity(a, snapshot.lastMessageAt.get(a.id)),
  );
  if (chats.length === 0 && snapshot.pending.length === 0) {
    return (
      <div class="list-empty">
        <p class="list-empty-title">No chats yet</p>
        <p>Press Invite a friend to make a link. Whoever opens it can chat with you without an account.</p>
      </div>
    );
  }
  return (
    <div class="lists">
      {snapshot.pending.length > 0 && (
        <section class="list-section" aria-labelledby="pending-heading">
          <h2 id="pending-heading" class="list-heading">
            Invitations
          </h2>
          <ul class="pending-list">
            {snapshot.pending.map((p) => (
              <PendingItem key={p.id} invitation={p} now={now} onShowLink={onShowLink} onCancel={onCancel} />
            ))}
          </ul>
        </section>
      )}
      {chats.length > 0 && (
        <nav class="list-section" aria-labelledby="chats-heading">
          <h2 id="chats-heading" class={snapshot.pending.length > 0 ? 'list-heading' : 'visually-hidden'}>
            Chats
          </h2>
          <ul class="chat-list">
            {chats.map((chat) => {
              const countdown = chatCountdown(chat, now);
              const typing = snapshot.typing.has(chat.id);
              const at = lastActivity(chat, snapshot.lastMessageAt.get(chat.id));
              const unread = selected === chat.id ? 0 : (snapshot.unread.get(chat.id) ?? 0);
              return (
                <li key={chat.id}>
                  <a
                    href={`#chat/${chat.id}`}
                    class={`chat-item state-${chat.state}`}
                    aria-current={selected === chat.id ? 'page' : undefined}
                  >
                    <Avatar name={chat.guestName} guest />
                    <span class="chat-item-main">
                      <span class="chat-item-top">
                        <span class="chat-item-name" dir="auto">
                          {chat.guestName}
                        </span>
                        <GuestBadge />
                        <time class="chat-item-time" dateTime={new Date(at).toISOString()}>
                          {formatListTime(at, now)}
                        </time>
                      </span>
                      <span class="chat-item-bottom">
                        <span class={`state-pill pill-${chat.state}`}>{stateLabel(chat, deviceId)}</span>
                        {typing && <span class="chat-item-typing">typing…</span>}
                        {!typing && countdown && <span class="countdown">{countdown}</span>}
                        {unread > 0 && (
                          <span class="unread">
                            {unread}
                            <span class="visually-hidden"> unread</span>
                          </span>
                        )}
                      </span>
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
    </div>
  );
}

interface PendingItemProps {
  invitation: PendingView;
  now: number;
  onShowLink: (invitation: PendingView) => void;
  onCancel: (invitation: PendingView) => void;
}

function PendingItem({ invitation, now, onShowLink, onCancel }: PendingItemProps) {
  const countdown = formatExpiry(invitation.expiresAt, now);
  const titleId = `pending-${invitation.id}`;
  return (
    <li class="pending-item" aria-labelledby={titleId}>
      <span class="pending-icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="20" height="20" focusable="false">
          <path class="stroke" d="M10 14a4 4 0 005.7 0l3-3a4 4 0 00-5.7-5.7l-1 1M14 10a4 4 0 00-5.7 0l-3 3a4 4 0 005.7 5.7l1-1" />
        </svg>
      </span>
      <span class="pending-main">
        <span id={titleId} class="pending-title">
          {invitation.guestName ? (
            <>
              Waiting for <bdi>{invitation.guestName}</bdi>
            </>
          ) : (
            'Waiting for the guest'
          )}
        </span>
        <span class="pending-sub">
          {countdown ?? `Link made ${formatListTime(invitation.createdAt, now)}`}
        </span>
      </span>
      <span class="pending-actions">
        {invitation.link && (
          <button type="button" class="button small" onClick={() => onShowLink(invitation)}>
            Show link
          </button>
        )}
        <button type="button" class="button small danger-quiet" onClick={() => onCancel(invitation)}>
          Cancel invitation
        </button>
      </span>
    </li>
  );
}
