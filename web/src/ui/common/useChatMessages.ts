import { useEffect, useState } from 'preact/hooks';
import { compareMessages, emptyCursor, type ChatCursor, type ChatStore, type LocalMessage } from '../../chat/model';
import type { ChangeSignal } from '../../chat/signal';

export interface ChatMessages {
  messages: LocalMessage[];
  cursor: ChatCursor;
  loaded: boolean;
}

/** A chat's messages and cursor from local storage, reloaded whenever the engine reports a change. */
export function useChatMessages(store: ChatStore, changes: ChangeSignal, chatId: string): ChatMessages {
  const [state, setState] = useState<ChatMessages>({ messages: [], cursor: emptyCursor(chatId), loaded: false });

  useEffect(() => {
    let alive = true;
    let loading = false;
    let again = false;
    const load = async () => {
      if (loading) {
        again = true;
        return;
      }
      loading = true;
      try {
        do {
          again = false;
          const [messages, cursor] = await Promise.all([store.messages(chatId), store.cursor(chatId)]);
          if (alive) setState({ messages: messages.sort(compareMessages), cursor, loaded: true });
        } while (again && alive);
      } finally {
        loading = false;
      }
    };
    setState({ messages: [], cursor: emptyCursor(chatId), loaded: false });
    void load();
    const unsubscribe = changes.subscribe((key) => {
      if (key === chatId) void load();
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [store, changes, chatId]);

  return state;
}

/** True while the page is visible and focused: the moment to send read receipts. */
export function usePageAttention(): boolean {
  const [attentive, setAttentive] = useState(() => document.visibilityState === 'visible' && document.hasFocus());
  useEffect(() => {
    const update = () => setAttentive(document.visibilityState === 'visible' && document.hasFocus());
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
    };
  }, []);
  return attentive;
}
