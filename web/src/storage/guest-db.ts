/**
 * The guest's local database: at most one chat per browser (a later claim replaces the guest session), so
 * leaving simply deletes the whole database.
 */
import type { Session } from '../crypto';
import { IdbChatStore, createChatStores, CHAT_STORES } from './chat-store';
import { deleteDatabase, getOne, openDatabase, transaction } from './idb';

const NAME = 'guestchat-guest';

export type GuestChatStatus = 'active' | 'expired' | 'ended';

export interface GuestRecord {
  key: 'guest';
  invitationId: string;
  chatId: string;
  displayName: string;
  memberName: string;
  status: GuestChatStatus;
  joinedAt: number;
}

export class GuestDb {
  readonly chats: IdbChatStore;

  private constructor(private readonly db: IDBDatabase) {
    this.chats = new IdbChatStore(db);
  }

  static async open(): Promise<GuestDb> {
    const db = await openDatabase(NAME, 1, (d, oldVersion) => {
      if (oldVersion < 1) {
        createChatStores(d);
        d.createObjectStore('guest', { keyPath: 'key' });
      }
    });
    return new GuestDb(db);
  }

  /** Deletes everything the guest page ever stored in this browser. */
  static async destroy(current: GuestDb | null): Promise<void> {
    current?.db.close();
    await deleteDatabase(NAME);
  }

  guest(): Promise<GuestRecord | undefined> {
    return getOne<GuestRecord>(this.db, 'guest', 'guest');
  }

  /** Starts afresh with a newly joined chat: whatever an earlier chat left behind is removed. */
  replaceWith(record: GuestRecord, chatId: string, session: Session): Promise<void> {
    return transaction(this.db, ['guest', ...CHAT_STORES], 'readwrite', (tx) => {
      for (const store of ['guest', ...CHAT_STORES]) tx.objectStore(store).clear();
      tx.objectStore('guest').put(record);
      tx.objectStore('sessions').put({ chatId, session });
      tx.objectStore('cursors').put({ chatId, lastSeq: 0, deliveredSeq: 0 });
    });
  }

  setStatus(status: GuestChatStatus): Promise<void> {
    return transaction(this.db, ['guest'], 'readwrite', (tx) => {
      const store = tx.objectStore('guest');
      const get = store.get('guest');
      get.onsuccess = () => {
        const record = get.result as GuestRecord | undefined;
        if (record) store.put({ ...record, status });
      };
    });
  }
}
