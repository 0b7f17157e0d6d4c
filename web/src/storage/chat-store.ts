/** The IndexedDB ChatStore: sessions, cursors, messages and the outbox, shared by member app and guest page. */
import type { Session } from '../crypto';
import { emptyCursor, type ChatChange, type ChatCursor, type ChatStore, type LocalMessage, type OutboxEntry } from '../chat/model';
import { getAll, getOne, requestResult, transaction } from './idb';

export const CHAT_STORES = ['sessions', 'cursors', 'messages', 'outbox'] as const;

/** Creates the chat stores in a database being upgraded from version 0. */
export function createChatStores(db: IDBDatabase): void {
  db.createObjectStore('sessions', { keyPath: 'chatId' });
  db.createObjectStore('cursors', { keyPath: 'chatId' });
  const messages = db.createObjectStore('messages', { keyPath: ['chatId', 'id'] });
  messages.createIndex('byChat', 'chatId');
  db.createObjectStore('outbox', { keyPath: 'clientId' });
}

interface SessionRecord {
  chatId: string;
  session: Session;
}

export class IdbChatStore implements ChatStore {
  constructor(private readonly db: IDBDatabase) {}

  async session(chatId: string): Promise<Session | undefined> {
    return (await getOne<SessionRecord>(this.db, 'sessions', chatId))?.session;
  }

  async cursor(chatId: string): Promise<ChatCursor> {
    return (await getOne<ChatCursor>(this.db, 'cursors', chatId)) ?? emptyCursor(chatId);
  }

  message(chatId: string, id: string): Promise<LocalMessage | undefined> {
    return getOne<LocalMessage>(this.db, 'messages', [chatId, id]);
  }

  messages(chatId: string): Promise<LocalMessage[]> {
    const index = this.db.transaction('messages').objectStore('messages').index('byChat');
    return requestResult(index.getAll(IDBKeyRange.only(chatId))) as Promise<LocalMessage[]>;
  }

  outbox(): Promise<OutboxEntry[]> {
    return getAll<OutboxEntry>(this.db, 'outbox');
  }

  outboxEntry(clientId: string): Promise<OutboxEntry | undefined> {
    return getOne<OutboxEntry>(this.db, 'outbox', clientId);
  }

  commit(change: ChatChange): Promise<void> {
    return transaction(this.db, [...CHAT_STORES], 'readwrite', (tx) => {
      if (change.session) tx.objectStore('sessions').put(change.session satisfies SessionRecord);
      if (change.cursor) tx.objectStore('cursors').put(change.cursor);
      for (const message of change.messages ?? []) tx.objectStore('messages').put(message);
      if (change.addOutbox) tx.objectStore('outbox').put(change.addOutbox);
      if (change.removeOutbox) tx.objectStore('outbox').delete(change.removeOutbox);
    });
  }

  /** Forgets one chat entirely (its session, cursor, messages and unsent envelopes). */
  forgetChat(chatId: string): Promise<void> {
    return transaction(this.db, [...CHAT_STORES], 'readwrite', (tx) => {
      tx.objectStore('sessions').delete(chatId);
      tx.objectStore('cursors').delete(chatId);
      const messages = tx.objectStore('messages');
      messages.delete(IDBKeyRange.bound([chatId, ''], [chatId, '\uffff']));
      const outbox = tx.objectStore('outbox');
      const cursor = outbox.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        if ((c.value as OutboxEntry).chatId === chatId) c.delete();
        c.continue();
      };
    });
  }
}
