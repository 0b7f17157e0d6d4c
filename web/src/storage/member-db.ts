/**
 * The member's local database, one per member account in this browser: the device identity, pending
 * invitations (with their link secrets), the chats' last known server state, and the chat stores.
 */
import type { DeviceIdentity, PendingInvitation } from '../crypto';
import type { MemberChat } from '../transport/member-api';
import { IdbChatStore, createChatStores } from './chat-store';
import { getAll, getOne, openDatabase, transaction } from './idb';

export interface DeviceRecord {
  key: 'device';
  deviceId: string;
  identity: DeviceIdentity;
  createdAt: number;
}

export interface PendingRecord {
  invitationId: string;
  pending: PendingInvitation;
  /** Kept so that the link can be shown again until the guest joins. */
  linkSecret: string;
  createdAt: number;
  expiresAt: number;
  /** Who the link is for, when it replaces an expired chat: only ever on this device. */
  guestName?: string;
}

export class MemberDb {
  readonly chats: IdbChatStore;

  private constructor(private readonly db: IDBDatabase) {
    this.chats = new IdbChatStore(db);
  }

  static async open(memberId: string): Promise<MemberDb> {
    const db = await openDatabase(`guestchat-member-${memberId}`, 1, (d, oldVersion) => {
      if (oldVersion < 1) {
        createChatStores(d);
        d.createObjectStore('device', { keyPath: 'key' });
        d.createObjectStore('pending', { keyPath: 'invitationId' });
        d.createObjectStore('chatCache', { keyPath: 'id' });
      }
    });
    return new MemberDb(db);
  }

  device(): Promise<DeviceRecord | undefined> {
    return getOne<DeviceRecord>(this.db, 'device', 'device');
  }

  saveDevice(record: DeviceRecord): Promise<void> {
    return this.put('device', record);
  }

  pending(invitationId: string): Promise<PendingRecord | undefined> {
    return getOne<PendingRecord>(this.db, 'pending', invitationId);
  }

  allPending(): Promise<PendingRecord[]> {
    return getAll<PendingRecord>(this.db, 'pending');
  }

  savePending(record: PendingRecord): Promise<void> {
    return this.put('pending', record);
  }

  deletePending(invitationId: string): Promise<void> {
    return transaction(this.db, ['pending'], 'readwrite', (tx) => {
      tx.objectStore('pending').delete(invitationId);
    });
  }

  cachedChats(): Promise<MemberChat[]> {
    return getAll<MemberChat>(this.db, 'chatCache');
  }

  cacheChats(chats: MemberChat[]): Promise<void> {
    return transaction(this.db, ['chatCache'], 'readwrite', (tx) => {
      const store = tx.objectStore('chatCache');
      for (const chat of chats) store.put(chat);
    });
  }

  close(): void {
    this.db.close();
  }

  private put(store: string, value: unknown): Promise<void> {
    return transaction(this.db, [store], 'readwrite', (tx) => {
      tx.objectStore(store).put(value);
    });
  }
}
