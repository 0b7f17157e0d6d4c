/** The guest page's wiring once joined: the live socket, the chat engine and the chat's state. */
import { ChatEngine } from '../chat/engine';
import { ChangeSignal } from '../chat/signal';
import type { GuestDb, GuestRecord } from '../storage/guest-db';
import { guestApi } from '../transport/guest-api';
import { ApiError } from '../transport/http';
import { RealtimeSocket, socketUrl, type ConnectionStatus } from '../transport/socket';

export type GuestChatPhase = 'active' | 'expired' | 'ended';

export interface GuestSnapshot {
  status: ConnectionStatus;
  phase: GuestChatPhase;
  typing: boolean;
}

const TYPING_TIMEOUT_MS = 6000;

export class GuestRuntime {
  readonly messageChanges = new ChangeSignal();
  readonly snapshotChanges = new ChangeSignal<null>();
  readonly engine: ChatEngine;
  private readonly socket: RealtimeSocket;
  private snap: GuestSnapshot;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onOnline = () => this.socket.reconnectNow();

  constructor(
    readonly db: GuestDb,
    readonly record: GuestRecord,
  ) {
    this.snap = { status: 'connecting', phase: record.status, typing: false };
    this.socket = new RealtimeSocket({
      url: () => socketUrl('/ws/guest'),
      onFrame: (frame) => {
        this.engine.handleFrame(frame).catch((error: unknown) => console.error('GuestChat: a frame failed', error));
      },
      onOpen: () => void this.engine.flushOutbox(),
      onStatus: (status) => this.update({ status }),
      onDrop: (failures) => {
        if (failures >= 2) void this.checkChat();
      },
    });
    this.engine = new ChatEngine(db.chats, this.socket, {
      onChange: (chatId) => this.messageChanges.notify(chatId),
      onTyping: (_chatId, active) => this.setTyping(active),
      onChatEvent: (_chatId, event) => {
        if (event === 'expired' || event === 'ended') void this.close(event);
      },
    });
  }

  get snapshot(): GuestSnapshot {
    return this.snap;
  }

  start(): void {
    if (this.snap.phase !== 'active') return;
    this.socket.start();
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOnline);
  }

  stop(): void {
    this.socket.stop();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOnline);
    if (this.typingTimer) clearTimeout(this.typingTimer);
  }

  /** Ends the chat for both sides; the caller then deletes everything local. */
  async leave(): Promise<void> {
    try {
      await guestApi.leave();
    } catch (error) {
      // Already over on the server (expired or ended): nothing is left to end there.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    this.stop();
  }

  private async close(phase: 'expired' | 'ended'): Promise<void> {
    this.stop();
    await this.db.setStatus(phase);
    this.update({ phase, typing: false });
  }

  /** The socket keeps failing: the guest session may be gone because the chat expired or ended. */
  private async checkChat(): Promise<void> {
    try {
      const view = await guestApi.chat();
      if (view.chatId !== this.record.chatId || view.state !== 'active') await this.close(view.state === 'ended' ? 'ended' : 'expired');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) await this.close('expired');
    }
  }

  private setTyping(active: boolean): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = active ? setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS) : null;
    if (active !== this.snap.typing) this.update({ typing: active });
  }

  private update(change: Partial<GuestSnapshot>): void {
    this.snap = { ...this.snap, ...change };
    this.snapshotChanges.notify(null);
  }
}
