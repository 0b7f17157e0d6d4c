/** The in-memory ChatStore for tests (the browser's is IndexedDB): same contract, one atomic commit. */
import type { Session } from '../../src/crypto';
import { emptyCursor, type ChatChange, type ChatCursor, type ChatStore, type LocalMessage, type OutboxEntry } from '../../src/chat/model';

export class MemoryChatStore implements ChatStore {
  readonly sessions = new Map<string, Session>();
  readonly cursors = new Map<string, ChatCursor>();
  readonly messageMap = new Map<string, LocalMessage>();
  readonly outboxMap = new Map<string, OutboxEntry>();
  commits = 0;
  /** When set, the next commit fails (as a full disk would) and nothing of it is kept. */
  failNextCommit = false;

  async session(chatId: string) {
    return this.sessions.get(chatId);
  }

  async cursor(chatId: string) {
    return structuredClone(this.cursors.get(chatId) ?? emptyCursor(chatId));
  }

  async message(chatId: string, id: string) {
    const m = this.messageMap.get(`${chatId}/${id}`);
    return m && structuredClone(m);
  }

  async messages(chatId: string) {
    return [...this.messageMap.values()].filter((m) => m.chatId === chatId).map((m) => structuredClone(m));
  }

  async outbox() {
    return [...this.outboxMap.values()];
  }

  async outboxEntry(clientId: string) {
    return this.outboxMap.get(clientId);
  }

  async commit(change: ChatChange) {
    if (this.failNextCommit) {
      this.failNextCommit = false;
      throw new Error('disk full');
    }
    this.commits++;
    if (change.session) this.sessions.set(change.session.chatId, change.session.session);
    if (change.cursor) this.cursors.set(change.cursor.chatId, structuredClone(change.cursor));
    for (const m of change.messages ?? []) this.messageMap.set(`${m.chatId}/${m.id}`, structuredClone(m));
    if (change.addOutbox) this.outboxMap.set(change.addOutbox.clientId, change.addOutbox);
    if (change.removeOutbox) this.outboxMap.delete(change.removeOutbox);
  }

  texts(chatId: string, from?: 'me' | 'them'): string[] {
    return [...this.messageMap.values()]
      .filter((m) => m.chatId === chatId && (!from || m.from === from))
      .sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity))
      .map((m) => m.text);
  }
}
