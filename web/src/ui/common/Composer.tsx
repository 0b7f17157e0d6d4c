import { useEffect, useId, useRef, useState } from 'preact/hooks';

export const MESSAGE_LIMIT = 4096;
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

interface ComposerProps {
  onSend: (text: string) => Promise<unknown>;
  onTyping?: (active: boolean) => void;
}

/** The message field and the Send button, and nothing else. Enter sends; Shift+Enter starts a new line. */
export function Composer({ onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const fieldId = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const typing = useRef({ active: false, lastSent: 0, idle: 0 as ReturnType<typeof setTimeout> | 0 });

  const stopTyping = () => {
    const t = typing.current;
    if (t.idle) clearTimeout(t.idle);
    t.idle = 0;
    if (t.active) {
      t.active = false;
      onTyping?.(false);
    }
  };
  useEffect(() => stopTyping, []);

  const noteTyping = (value: string) => {
    if (!onTyping) return;
    if (!value.trim()) return stopTyping();
    const t = typing.current;
    const now = Date.now();
    if (!t.active || now - t.lastSent > TYPING_REPEAT_MS) {
      t.active = true;
      t.lastSent = now;
      onTyping(true);
    }
    if (t.idle) clearTimeout(t.idle);
    t.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = async () => {
    const value = text.trim();
    if (!value) return;
    if (value.length > MESSAGE_LIMIT) {
      setError(`A message holds at most ${MESSAGE_LIMIT.toLocaleString()} characters.`);
      return;
    }
    setText('');
    setError('');
    stopTyping();
    field.current?.focus();
    try {
      await onSend(value);
    } catch {
      setText(value);
      setError('This message could not be sent.');
    }
  };

  const remaining = MESSAGE_LIMIT - text.length;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label for={fieldId} class="visually-hidden">
        Message
      </label>
      <textarea
        id={fieldId}
        ref={field}
        class="composer-field"
        rows={1}
        maxLength={MESSAGE_LIMIT}
        placeholder="Write a message"
        value={text}
        dir="auto"
        aria-describedby={error ? `${fieldId}-error` : undefined}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setText(value);
          noteTyping(value);
        }}
        onBlur={stopTyping}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" class="button primary send-button" disabled={!text.trim()}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path class="fill" d="M3.4 20.4l17.45-7.48a1 1 0 000-1.84L3.4 3.6a1 1 0 00-1.39 1.2L4.3 12l-2.29 7.2a1 1 0 001.39 1.2z" />
        </svg>
        <span>Send</span>
      </button>
      {remaining < 200 && (
        <p class="composer-count" aria-live="polite">
          {remaining} characters left
        </p>
      )}
      {error && (
        <p id={`${fieldId}-error`} class="field-error composer-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
