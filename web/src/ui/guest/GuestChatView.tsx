import { useEffect, useState } from 'preact/hooks';
import type { GuestRuntime, GuestSnapshot } from '../../guest/runtime';
import { Avatar } from '../common/Avatar';
import { Composer } from '../common/Composer';
import { ConnectionNotice } from '../common/ConnectionNotice';
import { Dialog } from '../common/Dialog';
import { GuestBadge } from '../common/GuestBadge';
import { MessageList } from '../common/MessageList';
import { SecurityCodeDialog } from '../common/SecurityCodeDialog';
import { useChatMessages, usePageAttention } from '../common/useChatMessages';
import { useUnreadTitle } from '../common/useTitle';
import { PROBLEM_SENTENCES } from './link-problems';

interface GuestChatViewProps {
  runtime: GuestRuntime;
  onLeft: () => Promise<void>;
}

/** The guest's chat: the member's name, the guest's own name with its badge, the messages and the composer. */
export function GuestChatView({ runtime, onLeft }: GuestChatViewProps) {
  const { record } = runtime;
  const snapshot = useGuestSnapshot(runtime);
  const { messages, cursor, loaded } = useChatMessages(runtime.db.chats, runtime.messageChanges, record.chatId);
  const attentive = usePageAttention();
  const [showCode, setShowCode] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const active = snapshot.phase === 'active';
  const unreadCount = messages.filter((m) => m.from === 'them' && !m.read).length;
  const unread = unreadCount > 0;
  useUnreadTitle('Private chat · GuestChat', active ? unreadCount : 0);

  useEffect(() => {
    if (attentive && unread && active) void runtime.engine.sendReadReceipts(record.chatId).catch(() => undefined);
  }, [attentive, unread, active]);

  return (
    <div class="app guest chat">
      <header class="chat-head">
        <Avatar name={record.memberName} />
        <div class="chat-head-main">
          <h1 class="chat-title">
            <span class="chat-title-name" dir="auto">
              {record.memberName}
            </span>
          </h1>
          <p class="chat-subtitle">
            {snapshot.typing ? 'typing…' : active ? 'End-to-end encrypted' : snapshot.phase === 'expired' ? 'Expired' : 'Ended'}
          </p>
        </div>
        <div class="chat-actions">
          {active && (
            <button type="button" class="button small" onClick={() => setShowCode(true)}>
              Security code
            </button>
          )}
          <button type="button" class="button small" onClick={() => setConfirmLeave(true)}>
            Leave chat
          </button>
        </div>
      </header>
      <div class="notice notice-guest guest-identity">
        <p>You are chatting as a guest</p>
        <p class="guest-identity-name">
          <span dir="auto">{record.displayName}</span>
          <GuestBadge />
        </p>
      </div>
      <ConnectionNotice status={active ? snapshot.status : 'online'} />
      <MessageList
        messages={messages}
        deliveredSeq={cursor.deliveredSeq}
        peerName={record.memberName}
        emptyText={
          loaded ? (
            <>
              Say hello to <bdi>{record.memberName}</bdi>. Only the two of you can read this chat.
            </>
          ) : (
            ''
          )
        }
      />
      <footer class="chat-foot">
        {active ? (
          <Composer
            onSend={(text) => runtime.engine.sendText(record.chatId, text)}
            onTyping={(on) => void runtime.engine.sendTyping(record.chatId, on).catch(() => undefined)}
          />
        ) : (
          <div class="foot-closed">
            <p role="status">{snapshot.phase === 'expired' ? PROBLEM_SENTENCES.expired : 'This chat has ended'}</p>
          </div>
        )}
      </footer>
      {showCode && (
        <SecurityCodeDialog
          session={() => runtime.db.chats.session(record.chatId)}
          peerName={record.memberName}
          onClose={() => setShowCode(false)}
        />
      )}
      {confirmLeave && <LeaveDialog memberName={record.memberName} onCancel={() => setConfirmLeave(false)} onLeave={onLeft} />}
    </div>
  );
}

function LeaveDialog({ memberName, onCancel, onLeave }: { memberName: string; onCancel: () => void; onLeave: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const leave = async () => {
    setBusy(true);
    setError('');
    try {
      await onLeave();
    } catch {
      setBusy(false);
      setError('Leaving did not work. Check your connection and try again.');
    }
  };
  return (
    <Dialog title="Leave this chat?" onClose={onCancel}>
      <p class="dialog-text">
        The chat ends for you and for <bdi>{memberName}</bdi>, and everything it left in this browser is deleted. This
        cannot be undone.
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onCancel}>
          Stay
        </button>
        <button type="button" class="button danger" disabled={busy} onClick={() => void leave()}>
          Leave
        </button>
      </div>
    </Dialog>
  );
}

function useGuestSnapshot(runtime: GuestRuntime): GuestSnapshot {
  const [snapshot, setSnapshot] = useState(runtime.snapshot);
  useEffect(() => runtime.snapshotChanges.subscribe(() => setSnapshot(runtime.snapshot)), [runtime]);
  return snapshot;
}
