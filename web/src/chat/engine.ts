/**
 * The chat engine: turns server frames into stored messages and messages into envelopes, for either side.
 *
 * Inbound: each `seq` is processed once. The decrypted result, the new ratchet state and the cursor are
 * committed in one transaction, and only then acknowledged, so a reconnect or a server restart neither loses
 * nor duplicates a message. Outbound: a message is encrypted, written to the outbox together with the new
 * ratchet state, then sent; the outbox is resent on every reconnect until the server answers `stored`.
 */
import { CryptoError, decrypt, decryptEphemeral, encrypt, encryptEphemeral, type Payload, type Session } from '../crypto';
import { randomId } from '../shared/random';
import type { ClientFrame, ServerFrame } from '../transport/frames';
import { SerialQueues } from './serial';
import type { ChatChange, ChatStore, LocalMessage, OutboxEntry } from './model';

/** Where frames go: the realtime socket. `send` answers false when it is not connected. */
export interface FrameSink {
  send(frame: ClientFrame): boolean;
}

export interface EngineHooks {
  /** Messages, ticks or cursors of a chat changed. */
  onChange(chatId: string): void;
  onTyping?(chatId: string, active: boolean): void;
  onChatEvent?(chatId: string, event: 'claimed' | 'expired' | 'ended'): void;
  /**
   * A message arrived for a chat without a session: the member accepts the guest's claim from it (sequence 1).
   * Answers null when it cannot yet (the message is then left unacknowledged for a later attempt).
   */
  establish?(chatId: string, firstEnvelope: Uint8Array, now: number): Promise<Session | null>;
  /** The session from `establish` is committed (the member may now drop its pending invitation). */
  established?(chatId: string): Promise<void>;
}

/** Server refusals after which an envelope can never be sent. */
const FINAL_REFUSALS = new Set(['chat-not-found', 'chat-expired', 'chat-ended', 'body-too-large', 'invalid-body']);
/** At most this many ids in one read receipt. */
const READ_BATCH = 200;
const TEXT_LIMIT = 4096;

let orderCounter = 0;
const nextOrder = (now: number) => now * 1000 + (orderCounter++ % 1000);

export class ChatEngine {
  private readonly queues = new SerialQueues();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: ChatStore,
    private readonly sink: FrameSink,
    private readonly hooks: EngineHooks,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Handles one frame from the server. Resolves once its effects are committed. */
  handleFrame(frame: ServerFrame): Promise<void> {
    switch (frame.type) {
      case 'message':
        return this.queues.run(frame.chatId, () => this.receive(frame.chatId, frame.seq, frame.body, frame.sentAt));
      case 'ephemeral':
        return this.queues.run(frame.chatId, () => this.receiveEphemeral(frame.chatId, frame.body));
      case 'stored':
        return this.queues.run(frame.chatId, () => this.stored(frame.chatId, frame.clientId, frame.seq, frame.sentAt));
      case 'delivered':
        return this.queues.run(frame.chatId, () => this.delivered(frame.chatId, frame.seq));
      case 'error':
        return frame.clientId ? this.refused(frame.clientId, frame.code) : Promise.resolve();
      case 'chat':
        this.hooks.onChatEvent?.(frame.chatId, frame.event);
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  }

  /** The socket (re)connected: resend everything the server has not confirmed, in order. */
  async flushOutbox(): Promise<void> {
    const entries = (await this.store.outbox()).sort((a, b) => a.order - b.order);
    for (const entry of entries) {
      if (!this.sendEnvelope(entry)) return;
    }
  }

  /** Encrypts a text message, keeps it in the outbox and sends it if connected. */
  sendText(chatId: string, text: string): Promise<LocalMessage> {
    if (text.length === 0 || text.length > TEXT_LIMIT) return Promise.reject(new RangeError('text length'));
    return this.queues.run(chatId, async () => {
      const now = this.clock();
      const message: LocalMessage = { chatId, id: randomId(), from: 'me', text, sentAt: now };
      const entry = await this.encryptToOutbox(chatId, { kind: 'text', id: message.id, text, sentAt: now }, now, {
        messages: [message],
      }, message.id);
      this.hooks.onChange(chatId);
      this.sendEnvelope(entry);
      return message;
    });
  }

  /** Sends read receipts for every message of theirs not yet acknowledged as read. */
  sendReadReceipts(chatId: string): Promise<void> {
    return this.queues.run(chatId, async () => {
      const unread = (await this.store.messages(chatId)).filter((m) => m.from === 'them' && !m.read);
      for (let i = 0; i < unread.length; i += READ_BATCH) {
        const batch = unread.slice(i, i + READ_BATCH);
        const now = this.clock();
        const entry = await this.encryptToOutbox(chatId, { kind: 'read', ids: batch.map((m) => m.id) }, now, {
          messages: batch.map((m) => ({ ...m, read: true })),
        });
        this.sendEnvelope(entry);
      }
      if (unread.length > 0) this.hooks.onChange(chatId);
    });
  }

  /** Relays a typing indicator if connected; never stored, never retried. */
  sendTyping(chatId: string, active: boolean): Promise<void> {
    return this.queues.run(chatId, async () => {
      const session = await this.store.session(chatId);
      if (!session) return;
      const body = await encryptEphemeral(session, { kind: 'typing', active });
      this.sink.send({ type: 'send', chatId, clientId: randomId(), kind: 'ephemeral', body });
    });
  }

  private async encryptToOutbox(
    chatId: string,
    payload: Payload,
    now: number,
    change: ChatChange,
    messageId?: string,
  ): Promise<OutboxEntry> {
    const session = await this.store.session(chatId);
    if (!session) throw new Error('This chat has no session on this device.');
    const encrypted = await encrypt(session, payload, now);
    const entry: OutboxEntry = { clientId: randomId(), chatId, body: encrypted.envelope, order: nextOrder(now) };
    if (messageId) entry.messageId = messageId;
    await this.store.commit({ ...change, session: { chatId, session: encrypted.session }, addOutbox: entry });
    return entry;
  }

  private sendEnvelope(entry: OutboxEntry): boolean {
    return this.sink.send({ type: 'send', chatId: entry.chatId, clientId: entry.clientId, kind: 'stored', body: entry.body });
  }

  private async receive(chatId: string, seq: number, body: Uint8Array, sentAt: number): Promise<void> {
    const cursor = await this.store.cursor(chatId);
    if (seq <= cursor.lastSeq || cursor.broken) {
      // Already processed (our ack was lost), or from a chat that failed verification: acknowledge again.
      this.ack(chatId, Math.max(seq, cursor.lastSeq));
      return;
    }
    const now = this.clock();
    const session = await this.store.session(chatId);
    if (!session) {
      await this.establish(chatId, seq, body, now);
      return;
    }
    let result: { session: Session; payload: Payload };
    try {
      result = await decrypt(session, body, now);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      // Forged, replayed or corrupt: the ratchet is unchanged; the envelope is dropped for good.
      await this.store.commit({ cursor: { ...cursor, lastSeq: seq } });
      this.ack(chatId, seq);
      return;
    }
    const change: ChatChange = { session: { chatId, session: result.session }, cursor: { ...cursor, lastSeq: seq } };
    const payload = result.payload;
    if (payload.kind === 'text') {
      const known = await this.store.message(chatId, payload.id);
      if (!known) change.messages = [{ chatId, id: payload.id, from: 'them', text: payload.text, sentAt, seq }];
    } else if (payload.kind === 'read') {
      change.messages = await this.readReceipt(chatId, payload.ids);
    }
    await this.store.commit(change);
    this.ack(chatId, seq);
    this.hooks.onChange(chatId);
    if (payload.kind === 'text') this.hooks.onTyping?.(chatId, false);
  }

  /**
   * Marks my messages read. Those of mine older than one just read, yet never read themselves, never reached the
   * other side (the peer reads everything it has, in order): they are marked undelivered for good.
   */
  private async readReceipt(chatId: string, ids: string[]): Promise<LocalMessage[]> {
    const changed = new Map<string, LocalMessage>();
    let newestRead = 0;
    for (const id of ids) {
      const m = await this.store.message(chatId, id);
      if (!m || m.from !== 'me') continue;
      newestRead = Math.max(newestRead, m.seq ?? 0);
      if (!m.read) changed.set(m.id, { ...m, read: true });
    }
    if (newestRead > 0) {
      for (const m of await this.store.messages(chatId)) {
        if (m.from === 'me' && !m.read && !m.undelivered && !changed.has(m.id) && m.seq !== undefined && m.seq < newestRead)
          changed.set(m.id, { ...m, undelivered: true });
      }
    }
    return [...changed.values()];
  }

  private async establish(chatId: string, seq: number, body: Uint8Array, now: number): Promise<void> {
    if (!this.hooks.establish) return;
    const cursor = await this.store.cursor(chatId);
    let session: Session | null;
    try {
      session = await this.hooks.establish(chatId, body, now);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      // The guest's keys or tag do not verify: the server may have swapped them. Never use this chat.
      await this.store.commit({ cursor: { ...cursor, lastSeq: seq, broken: error.reason } });
      this.ack(chatId, seq);
      this.hooks.onChange(chatId);
      return;
    }
    if (!session) return;
    await this.store.commit({ session: { chatId, session }, cursor: { ...cursor, lastSeq: seq } });
    this.ack(chatId, seq);
    await this.hooks.established?.(chatId);
    this.hooks.onChange(chatId);
  }

  private async receiveEphemeral(chatId: string, body: Uint8Array): Promise<void> {
    const session = await this.store.session(chatId);
    if (!session) return;
    try {
      const payload = await decryptEphemeral(session, body);
      if (payload.kind === 'typing') this.hooks.onTyping?.(chatId, payload.active);
    } catch {
      // An ephemeral frame that does not decrypt is simply ignored.
    }
  }

  private async stored(chatId: string, clientId: string, seq: number, sentAt: number): Promise<void> {
    const entry = await this.store.outboxEntry(clientId);
    if (!entry) return; // A duplicate resend's confirmation: the first one already counted.
    const change: ChatChange = { removeOutbox: clientId };
    if (entry.messageId) {
      const message = await this.store.message(chatId, entry.messageId);
      if (message) change.messages = [{ ...message, seq, sentAt }];
    }
    await this.store.commit(change);
    if (entry.messageId) this.hooks.onChange(chatId);
  }

  private async delivered(chatId: string, seq: number): Promise<void> {
    const cursor = await this.store.cursor(chatId);
    if (seq <= cursor.deliveredSeq) return;
    await this.store.commit({ cursor: { ...cursor, deliveredSeq: seq } });
    this.hooks.onChange(chatId);
  }

  private async refused(clientId: string, code: string): Promise<void> {
    const entry = await this.store.outboxEntry(clientId);
    if (!entry) return;
    if (!FINAL_REFUSALS.has(code)) {
      // Rate limited or a passing trouble: try the outbox again a little later.
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null;
        void this.flushOutbox();
      }, 5_000);
      return;
    }
    await this.queues.run(entry.chatId, async () => {
      const change: ChatChange = { removeOutbox: clientId };
      if (entry.messageId) {
        const message = await this.store.message(entry.chatId, entry.messageId);
        if (message) change.messages = [{ ...message, failed: code }];
      }
      await this.store.commit(change);
    });
    this.hooks.onChange(entry.chatId);
  }

  private ack(chatId: string, seq: number): void {
    this.sink.send({ type: 'ack', chatId, seq });
  }
}
