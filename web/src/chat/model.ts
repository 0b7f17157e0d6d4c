/** What a client keeps about a chat's messages, shared by the member app and the guest page. */
import type { Session } from '../crypto';

export interface LocalMessage {
  chatId: string;
  /** The payload's random id, made by the sender; read receipts refer to it. */
  id: string;
  from: 'me' | 'them';
  text: string;
  /** The server's time once known (when stored), the sender's clock before that. */
  sentAt: number;
  /** The chat sequence number: for mine, set when the server has stored it; for theirs, the one it came with. */
  seq?: number;
  /** Mine: the other side has read it. Theirs: we have sent a read receipt for it. */
  read?: boolean;
  /** Mine: the server refused it (the chat expired or ended), so it will never be sent. */
  failed?: string;
  /**
   * Mine: the other side has read a later message of mine but never this one, so it never reached them (sent
   * while they had blocked us). It then never shows as delivered, whatever the cumulative delivered mark says.
   */
  undelivered?: boolean;
}

/** Per chat: the last inbound sequence processed (each seq is processed once) and the delivered mark. */
export interface ChatCursor {
  chatId: string;
  lastSeq: number;
  deliveredSeq: number;
  /** Set when the chat's handshake failed verification: nothing from it can be trusted or read. */
  broken?: string;
}

/** An encrypted envelope waiting for the server's `stored`, resent on every reconnect until then. */
export interface OutboxEntry {
  clientId: string;
  chatId: string;
  body: Uint8Array;
  /** The text message it carries (none for a read receipt). */
  messageId?: string;
  /** Creation order, so that envelopes go out in the order they were encrypted. */
  order: number;
}

/** One atomic write: everything in it is committed together or not at all. */
export interface ChatChange {
  session?: { chatId: string; session: Session };
  cursor?: ChatCursor;
  messages?: LocalMessage[];
  addOutbox?: OutboxEntry;
  removeOutbox?: string;
}

/** Where a client keeps sessions, messages, cursors and its outbox (IndexedDB in the browser). */
export interface ChatStore {
  session(chatId: string): Promise<Session | undefined>;
  cursor(chatId: string): Promise<ChatCursor>;
  message(chatId: string, id: string): Promise<LocalMessage | undefined>;
  messages(chatId: string): Promise<LocalMessage[]>;
  outbox(): Promise<OutboxEntry[]>;
  outboxEntry(clientId: string): Promise<OutboxEntry | undefined>;
  commit(change: ChatChange): Promise<void>;
}

export type Tick = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** The tick a message of mine shows: read beats delivered beats sent. */
export function tickOf(message: LocalMessage, deliveredSeq: number): Tick {
  if (message.failed) return 'failed';
  if (message.read) return 'read';
  if (message.seq === undefined) return 'sending';
  return message.seq <= deliveredSeq && !message.undelivered ? 'delivered' : 'sent';
}

/** Display order: by sequence number, with messages not yet stored last, in the order they were written. */
export function compareMessages(a: LocalMessage, b: LocalMessage): number {
  const sa = a.seq ?? Number.MAX_SAFE_INTEGER;
  const sb = b.seq ?? Number.MAX_SAFE_INTEGER;
  return sa !== sb ? sa - sb : a.sentAt - b.sentAt;
}

export const emptyCursor = (chatId: string): ChatCursor => ({ chatId, lastSeq: 0, deliveredSeq: 0 });
