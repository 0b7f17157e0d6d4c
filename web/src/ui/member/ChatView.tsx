import { useEffect, useState } from 'preact/hooks';
import { formatDays, periodInDays } from '../../shared/time';
import type { MemberRuntime } from '../../member/runtime';
import type { MemberChat } from '../../transport/member-api';
import { Avatar } from '../common/Avatar';
import { Composer } from '../common/Composer';
import { GuestBadge } from '../common/GuestBadge';
import { MessageList } from '../common/MessageList';
import { SecurityCodeDialog } from '../common/SecurityCodeDialog';
import { usePageAttention, useChatMessages } from '../common/useChatMessages';
import { chatCountdown, stateLabel } from './chat-state';

interface ChatViewProps {
  runtime: MemberRuntime;
  chat: MemberChat;
  typing: boolean;
  now: number;
  onBack: () => void;
  onNewLink: (guestName: string) => void;
}

/** One guest chat: who it is with, its messages and ticks, and what can be done with it. */
export function ChatView({ runtime, chat, typing, now, onBack, onNewLink }: ChatViewProps) {
  const { messages, cursor, loaded } = useChatMessages(runtime.db.chats, runtime.messageChanges, chat.id);
  const attentive = usePageAttention();
  const [showCode, setShowCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState('');
  const [hasSession, setHasSession] = useState<boolean | null>(null);

  const onThisDevice = chat.deviceId === runtime.deviceId;
  const live = chat.state === 'active' || chat.state === 'blocked';
  const unread = messages.some((m) => m.from === 'them' && !m.read);

  useEffect(() => {
    let alive = true;
    void runtime.db.chats.session(chat.id).then((s) => alive && setHasSession(Boolean(s)));
    return () => {
      alive = false;
    };
  }, [chat.id, messages.length, cursor.lastSeq]);

  useEffect(() => {
    if (attentive && unread && live && hasSession) void runtime.engine.sendReadReceipts(chat.id).catch(() => undefined);
  }, [attentive, unread, live, hasSession, chat.id]);

  const toggleBlock = async () => {
    setBusy(true);
    setActionError('');
    try {
      await runtime.setBlocked(chat.id, chat.state !== 'blocked');
    } catch {
      setActionError('That did not work. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  const countdown = chatCountdown(chat, now);
  const days = periodInDays(chat.expiresAt - chat.lastActivityAt);
  const canWrite = onThisDevice && chat.state === 'active' && hasSession === true && !cursor.broken;

  return (
    <section class="chat" aria-labelledby="chat-title">
      <header class="chat-head">
        <button type="button" class="icon-button back-button" aria-label="Back to chats" onClick={onBack}>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path class="stroke" d="M15 5l-7 7 7 7" />
          </svg>
        </button>
        <Avatar name={chat.guestName} guest />
        <div class="chat-head-main">
          <h2 id="chat-title" class="chat-title">
            <span class="chat-title-name" dir="auto">
              {chat.guestName}
            </span>
            <GuestBadge />
          </h2>
          <p class="chat-subtitle">
            {typing ? 'typing…' : stateLabel(chat, runtime.deviceId)}
            {!typing && countdown ? ` · ${countdown}` : ''}
          </p>
        </div>
        <div class="chat-actions">
          {onThisDevice && hasSession && (
            <button type="button" class="button small" onClick={() => setShowCode(true)}>
              Security code
            </button>
          )}
          {live && (
            <button type="button" class="button small" disabled={busy} onClick={() => void toggleBlock()}>
              {chat.state === 'blocked' ? 'Unblock' : 'Block'}
            </button>
          )}
        </div>
      </header>

      <p class="notice notice-guest">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <circle class="stroke" cx="12" cy="12" r="9" />
          <path class="stroke" d="M12 11v5M12 8v.1" />
        </svg>
        <span>
          <bdi>{chat.guestName}</bdi> is not registered on GuestChat
        </span>
      </p>
      {actionError && (
        <p class="form-error chat-error" role="alert">
          {actionError}
        </p>
      )}

      <MessageList
        messages={messages}
        deliveredSeq={cursor.deliveredSeq}
        peerName={chat.guestName}
        emptyText={loaded ? 'No messages yet.' : ''}
      />

      <footer class="chat-foot">
        {chat.state === 'blocked' && (
          <p class="foot-note" role="status">
            You blocked <bdi>{chat.guestName}</bdi>. What they send now is never delivered, not even after you unblock.
          </p>
        )}
        {chat.state === 'expired' && (
          <div class="foot-closed">
            <p role="status">{`This chat expired after ${formatDays(days)} without messages`}</p>
            <button type="button" class="button primary" onClick={() => onNewLink(chat.guestName)}>
              Create new link
            </button>
          </div>
        )}
        {chat.state === 'ended' && (
          <p class="foot-note" role="status">
            <bdi>{chat.guestName}</bdi> left this chat. It is kept on this device, read only.
          </p>
        )}
        {!onThisDevice && <p class="foot-note">This chat belongs to another of your devices.</p>}
        {cursor.broken && (
          <p class="form-error" role="alert">
            This chat failed its security check and cannot be used. Make a new link.
          </p>
        )}
        {onThisDevice && chat.state === 'active' && hasSession === false && !cursor.broken && (
          <p class="foot-note" role="status">
            Setting up end-to-end encryption…
          </p>
        )}
        {canWrite && (
          <Composer
            onSend={(text) => runtime.engine.sendText(chat.id, text)}
            onTyping={(active) => void runtime.engine.sendTyping(chat.id, active).catch(() => undefined)}
          />
        )}
      </footer>

      {showCode && (
        <SecurityCodeDialog
          session={() => runtime.db.chats.session(chat.id)}
          peerName={chat.guestName}
          onClose={() => setShowCode(false)}
        />
      )}
    </section>
  );
}
