import { useEffect, useState } from 'preact/hooks';
import type { MemberRuntime, MemberSnapshot, PendingView } from '../../member/runtime';
import { ConnectionNotice } from '../common/ConnectionNotice';
import { Logo } from '../common/Logo';
import { useUnreadTitle } from '../common/useTitle';
import { ChatList } from './ChatList';
import { ChatView } from './ChatView';
import { InviteDialog } from './InviteDialog';

type InviteRequest = { existing?: PendingView; guestName?: string; key: number };

/** The signed-in app: the chat list beside the open chat (one at a time on a phone). */
export function Workspace({ runtime, onSignOut }: { runtime: MemberRuntime; onSignOut: () => void }) {
  const snapshot = useSnapshot(runtime);
  const selected = useSelectedChat();
  const now = useMinuteClock();
  const [invite, setInvite] = useState<InviteRequest | null>(null);
  const [listError, setListError] = useState('');

  const chat = selected ? snapshot.chats.find((c) => c.id === selected) : undefined;
  useUnreadTitle('GuestChat', [...snapshot.unread.values()].reduce((sum, n) => sum + n, 0));
  const openInvite = (request: Omit<InviteRequest, 'key'>) => setInvite({ ...request, key: Date.now() });

  const cancel = async (invitation: PendingView) => {
    setListError('');
    try {
      await runtime.cancelInvitation(invitation.id);
    } catch {
      setListError('The invitation could not be cancelled. Check your connection and try again.');
    }
  };

  return (
    <div class={chat ? 'app member has-chat' : 'app member'}>
      <header class="topbar">
        <Logo small />
        <span class="topbar-spacer" />
        <span class="topbar-user" dir="auto">
          {runtime.member.displayName}
        </span>
        <button type="button" class="button small quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div class="workspace">
        <aside class="sidebar" aria-label="Chats and invitations">
          <div class="sidebar-head">
            <h1 class="sidebar-title">Chats</h1>
            <button type="button" class="button primary" onClick={() => openInvite({})}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                <path class="stroke" d="M12 5v14M5 12h14" />
              </svg>
              <span>Invite a friend</span>
            </button>
          </div>
          <ConnectionNotice status={snapshot.status} />
          {listError && (
            <p class="form-error list-error" role="alert">
              {listError}
            </p>
          )}
          <ChatList
            snapshot={snapshot}
            deviceId={runtime.deviceId}
            selected={selected}
            now={now}
            onShowLink={(existing) => openInvite({ existing })}
            onCancel={(invitation) => void cancel(invitation)}
          />
        </aside>
        <main class="chat-pane">
          {chat ? (
            <ChatView
              key={chat.id}
              runtime={runtime}
              chat={chat}
              typing={snapshot.typing.has(chat.id)}
              now={now}
              onBack={() => (location.hash = '')}
              onNewLink={(guestName) => openInvite({ guestName })}
            />
          ) : (
            <div class="pane-empty">
              <p class="pane-empty-title">Your chats with guests</p>
              <p>Choose a chat, or invite someone: they join from a link, with no account and nothing to install.</p>
            </div>
          )}
        </main>
      </div>
      {invite && (
        <InviteDialog
          key={invite.key}
          runtime={runtime}
          existing={invite.existing}
          guestName={invite.guestName}
          onClose={() => setInvite(null)}
        />
      )}
    </div>
  );
}

function useSnapshot(runtime: MemberRuntime): MemberSnapshot {
  const [snapshot, setSnapshot] = useState(runtime.snapshot);
  useEffect(() => {
    setSnapshot(runtime.snapshot);
    return runtime.snapshotChanges.subscribe(() => setSnapshot(runtime.snapshot));
  }, [runtime]);
  return snapshot;
}

/** The open chat lives in the address's fragment (`#chat/{id}`), so Back returns to the list on a phone. */
function useSelectedChat(): string | null {
  const read = () => {
    const match = /^#chat\/([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
    return match ? match[1]! : null;
  };
  const [selected, setSelected] = useState(read);
  useEffect(() => {
    const update = () => setSelected(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return selected;
}

/** The current time, updated every minute, for countdowns and list times. */
function useMinuteClock(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
