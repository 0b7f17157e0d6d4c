import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { tickOf, type LocalMessage } from '../../chat/model';
import { formatClock, formatFull } from '../../shared/time';
import { Ticks } from './Ticks';

interface MessageListProps {
  messages: LocalMessage[];
  deliveredSeq: number;
  peerName: string;
  /** Shown when there are no messages yet. */
  emptyText: ComponentChildren;
}

/** The conversation: a live log, so that new messages are announced; every text is rendered as text. */
export function MessageList({ messages, deliveredSeq, peerName, emptyText }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const last = messages[messages.length - 1];

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (stickToBottom.current || last?.from === 'me') el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.id]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  let previousDay = '';
  return (
    <div class="messages-scroller" ref={scroller} onScroll={onScroll}>
      <div class="messages" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation">
        {messages.length === 0 && emptyText && <p class="messages-empty">{emptyText}</p>}
        {messages.map((m) => {
          const day = new Date(m.sentAt).toDateString();
          const separator = day !== previousDay ? <DaySeparator at={m.sentAt} /> : null;
          previousDay = day;
          const mine = m.from === 'me';
          return (
            <div key={m.id} class="message-row">
              {separator}
              <div class={mine ? 'message mine' : 'message theirs'}>
                <span class="visually-hidden">{mine ? 'You: ' : `${peerName}: `}</span>
                <p class="message-text" dir="auto">
                  {m.text}
                </p>
                <span class="message-meta">
                  <time dateTime={new Date(m.sentAt).toISOString()} title={formatFull(m.sentAt)}>
                    {formatClock(m.sentAt)}
                  </time>
                  {mine && <Ticks tick={tickOf(m, deliveredSeq)} />}
                </span>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function DaySeparator({ at }: { at: number }) {
  const label = new Date(at).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
  return (
    <p class="day-separator">
      <span>{label}</span>
    </p>
  );
}
