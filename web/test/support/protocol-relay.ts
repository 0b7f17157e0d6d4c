/**
 * The server's relay rules of docs/protocol.md Part 1 for one chat, in memory, so that two chat engines can talk
 * in a unit test: per-chat sequence numbers shared by both directions, store and forward until acknowledged,
 * `stored` and `delivered` answers, backlog on connect, blocking. Frames in flight to a side that disconnects
 * are lost, as on a real network.
 */
import type { ChatEngine } from '../../src/chat/engine';
import type { ClientFrame, ServerFrame } from '../../src/transport/frames';

export type Side = 'member' | 'guest';
const other = (side: Side): Side => (side === 'member' ? 'guest' : 'member');

interface Queued {
  seq: number;
  body: Uint8Array;
  sentAt: number;
}

export class ProtocolRelay {
  blocked = false;
  /** Every `send` of kind stored the relay received, per side (duplicates included). */
  readonly received: Record<Side, number> = { member: 0, guest: 0 };
  private seq = 0;
  private now = 1_700_000_000_000;
  private readonly queues: Record<Side, Queued[]> = { member: [], guest: [] };
  private readonly deliveredFor: Record<Side, number> = { member: 0, guest: 0 };
  private readonly engines: Partial<Record<Side, ChatEngine>> = {};
  private readonly inFlight: Record<Side, ServerFrame[]> = { member: [], guest: [] };
  /** The first envelope discarded while blocked: the guest's delivered mark stays below it for good. */
  private firstDiscarded: number | null = null;

  /** `clampDelivered: false` plays a server that lets the guest's delivered mark cover discarded envelopes. */
  constructor(
    readonly chatId: string,
    private readonly options: { clampDelivered?: boolean } = {},
  ) {}

  /** The guest's claim: its first envelope is queued for the member as sequence 1. */
  claim(firstEnvelope: Uint8Array): void {
    this.queues.member.push({ seq: ++this.seq, body: firstEnvelope, sentAt: this.tick() });
  }

  /** A FrameSink for one side: what its engine sends arrives here while that side is connected. */
  sink(side: Side) {
    return {
      send: (frame: ClientFrame): boolean => {
        if (!this.engines[side]) return false;
        this.receive(side, frame);
        return true;
      },
    };
  }

  /** Connects a side: its outbox is resent (the socket's onOpen), then the backlog, the delivered mark and ready. */
  async connect(side: Side, engine: ChatEngine): Promise<void> {
    this.engines[side] = engine;
    this.inFlight[side] = [];
    await engine.flushOutbox();
    for (const q of this.queues[side]) this.push(side, { type: 'message', chatId: this.chatId, seq: q.seq, body: q.body, sentAt: q.sentAt });
    if (this.deliveredFor[side] > 0) this.push(side, { type: 'delivered', chatId: this.chatId, seq: this.deliveredFor[side] });
    this.push(side, { type: 'ready' });
  }

  /** The connection drops: frames still in flight to this side are lost. */
  disconnect(side: Side): void {
    delete this.engines[side];
    this.inFlight[side] = [];
  }

  /** Delivers frames until nothing is in flight. */
  async settle(): Promise<void> {
    for (;;) {
      const side = (['member', 'guest'] as const).find((s) => this.engines[s] && this.inFlight[s].length > 0);
      if (!side) return;
      const frame = this.inFlight[side].shift()!;
      await this.engines[side]!.handleFrame(frame);
    }
  }

  /** Delivers the next frame bound for `side` twice, as a reconnect racing an acknowledgement would. */
  duplicateNext(side: Side): void {
    const next = this.inFlight[side][0];
    if (next) this.inFlight[side].unshift(next);
  }

  /** Uses up a sequence number without an envelope (for a frame a test forges). */
  reserveSeq(): number {
    return ++this.seq;
  }

  queued(side: Side): number[] {
    return this.queues[side].map((q) => q.seq);
  }

  private receive(side: Side, frame: ClientFrame): void {
    switch (frame.type) {
      case 'send': {
        if (frame.kind === 'ephemeral') {
          if (this.engines[other(side)]) this.push(other(side), { type: 'ephemeral', chatId: this.chatId, body: frame.body });
          return;
        }
        this.received[side]++;
        const queued: Queued = { seq: ++this.seq, body: frame.body, sentAt: this.tick() };
        this.push(side, { type: 'stored', chatId: this.chatId, clientId: frame.clientId, seq: queued.seq, sentAt: queued.sentAt });
        if (this.blocked && side === 'guest') {
          this.firstDiscarded ??= queued.seq; // Stored as far as the guest knows; never delivered.
          return;
        }
        this.queues[other(side)].push(queued);
        this.push(other(side), { type: 'message', chatId: this.chatId, seq: queued.seq, body: queued.body, sentAt: queued.sentAt });
        return;
      }
      case 'ack': {
        const before = this.queues[side].length;
        this.queues[side] = this.queues[side].filter((q) => q.seq > frame.seq);
        if (this.queues[side].length === before) return;
        const sender = other(side);
        const clamp = this.options.clampDelivered ?? true;
        const cap = clamp && sender === 'guest' && this.firstDiscarded !== null ? this.firstDiscarded - 1 : Infinity;
        const mark = Math.min(frame.seq, cap);
        if (mark <= this.deliveredFor[sender]) return;
        this.deliveredFor[sender] = mark;
        this.push(sender, { type: 'delivered', chatId: this.chatId, seq: this.deliveredFor[sender] });
        return;
      }
      case 'ping':
        return;
    }
  }

  private push(side: Side, frame: ServerFrame): void {
    if (this.engines[side]) this.inFlight[side].push(frame);
  }

  private tick(): number {
    return (this.now += 1000);
  }
}
