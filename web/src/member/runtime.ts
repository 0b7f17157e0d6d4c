/**
 * The member app's wiring for one signed-in member in this browser: the device identity, the live socket,
 * the chat engine, the server's chat list and the pending invitations. The UI reads it and calls it.
 */
import { acceptClaim, createDeviceIdentity, createInvitation } from '../crypto';
import { ChatEngine } from '../chat/engine';
import { ChangeSignal } from '../chat/signal';
import { invitationLink } from '../shared/links';
import { ApiError } from '../transport/http';
import { memberApi, type Invitation, type Member, type MemberChat } from '../transport/member-api';
import { RealtimeSocket, socketUrl, type ConnectionStatus } from '../transport/socket';
import { MemberDb, type DeviceRecord, type PendingRecord } from '../storage/member-db';

/** An unused invitation as the list shows it. */
export interface PendingView {
  id: string;
  createdAt: number;
  expiresAt: number;
  /** The full link, when this browser made it (and so holds its secret). */
  link: string | null;
  guestName: string | null;
}

/** What the app shows, replaced as a whole on every change. */
export interface MemberSnapshot {
  chats: MemberChat[];
  pending: PendingView[];
  status: ConnectionStatus;
  typing: ReadonlySet<string>;
  /** Local time of the last message per chat, ahead of the server list's refresh. */
  lastMessageAt: ReadonlyMap<string, number>;
  /** Messages of theirs not yet read, per chat. */
  unread: ReadonlyMap<string, number>;
}

const TYPING_TIMEOUT_MS = 6000;
const REFRESH_EVERY_MS = 60_000;

export class MemberRuntime {
  /** Notified with a chat id when that chat's messages or ticks change. */
  readonly messageChanges = new ChangeSignal();
  /** Notified when the snapshot changes. */
  readonly snapshotChanges = new ChangeSignal<null>();
  readonly engine: ChatEngine;
  private readonly socket: RealtimeSocket;
  private snap: MemberSnapshot = {
    chats: [],
    pending: [],
    status: 'connecting',
    typing: new Set(),
    lastMessageAt: new Map(),
    unread: new Map(),
  };
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private stopped = false;
  private readonly onOnline = () => this.socket.reconnectNow();
  private readonly onOffline = () => this.socket.reconnectNow();

  private constructor(
    readonly member: Member,
    readonly db: MemberDb,
    private device: DeviceRecord,
  ) {
    this.socket = new RealtimeSocket({
      url: () => socketUrl(`/ws/member?device=${encodeURIComponent(this.device.deviceId)}`),
      onFrame: (frame) => {
        this.engine.handleFrame(frame).catch((error: unknown) => console.error('GuestChat: a frame failed', error));
        if (frame.type === 'chat' || frame.type === 'ready') void this.refresh();
      },
      onOpen: () => void this.engine.flushOutbox(),
      onStatus: (status) => this.update({ status }),
      onDrop: (failures) => {
        if (failures >= 3) void this.checkDevice();
      },
    });
    this.engine = new ChatEngine(db.chats, this.socket, {
      onChange: (chatId) => {
        this.messageChanges.notify(chatId);
        void this.noteActivity(chatId);
      },
      onTyping: (chatId, active) => this.setTyping(chatId, active),
      onChatEvent: () => void this.refresh(),
      establish: (chatId, firstEnvelope, now) => this.acceptGuest(chatId, firstEnvelope, now),
      established: async (chatId) => {
        const chat = this.snap.chats.find((c) => c.id === chatId) ?? (await memberApi.getChat(chatId));
        await this.db.deletePending(chat.invitationId);
        void this.refresh();
      },
    });
  }

  /** Opens this member's local database, registers this browser as a device if needed, and connects. */
  static async start(member: Member): Promise<MemberRuntime> {
    const db = await MemberDb.open(member.id);
    const device = (await db.device()) ?? (await registerDevice(db));
    const runtime = new MemberRuntime(member, db, device);
    runtime.snap = { ...runtime.snap, chats: await db.cachedChats() };
    await runtime.refresh();
    await Promise.all(runtime.snap.chats.map((c) => runtime.noteActivity(c.id)));
    runtime.socket.start();
    runtime.refreshTimer = setInterval(() => void runtime.refresh(), REFRESH_EVERY_MS);
    window.addEventListener('online', runtime.onOnline);
    window.addEventListener('offline', runtime.onOffline);
    return runtime;
  }

  get snapshot(): MemberSnapshot {
    return this.snap;
  }

  get deviceId(): string {
    return this.device.deviceId;
  }

  stop(): void {
    this.stopped = true;
    this.socket.stop();
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.db.close();
  }

  /** Reloads the chat list and the unused invitations from the server (coalescing overlapping calls). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.load();
        } while (this.refreshAgain && !this.stopped);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // Offline or the server restarting: keep showing what we have; the next refresh catches up.
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Makes a new invitation: the server draws its id, this device makes its keys and secret and uploads the bundle. */
  async invite(guestName?: string): Promise<PendingView> {
    let invitation: Invitation;
    try {
      invitation = await memberApi.createInvitation(this.device.deviceId);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'device-not-found') throw error;
      // The server no longer knows this browser (its data was reset): register again.
      this.device = await registerDevice(this.db);
      this.socket.reconnectNow();
      invitation = await memberApi.createInvitation(this.device.deviceId);
    }
    const made = await createInvitation(this.device.identity, invitation.id, invitation.expiresAt);
    const record: PendingRecord = {
      invitationId: invitation.id,
      pending: made.pending,
      linkSecret: made.linkSecret,
      createdAt: invitation.createdAt,
      expiresAt: invitation.expiresAt,
    };
    if (guestName) record.guestName = guestName;
    // Kept before the upload, so that a claim can always be answered once the bundle is out.
    await this.db.savePending(record);
    await memberApi.uploadBundle(invitation.id, made.upload);
    void this.refresh();
    return this.pendingView(record);
  }

  async cancelInvitation(id: string): Promise<void> {
    try {
      await memberApi.cancelInvitation(id);
    } catch (error) {
      // Already gone (used, expired or cancelled elsewhere): the refresh below shows how things stand.
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 409)) throw error;
    }
    const chatUsesIt = this.snap.chats.some((c) => c.invitationId === id);
    if (!chatUsesIt) await this.db.deletePending(id);
    await this.refresh();
  }

  async setBlocked(chatId: string, blocked: boolean): Promise<void> {
    if (blocked) await memberApi.block(chatId);
    else await memberApi.unblock(chatId);
    await this.refresh();
  }

  private async load(): Promise<void> {
    const [chats, invitations, local] = await Promise.all([
      memberApi.listChats(),
      memberApi.listInvitations(),
      this.db.allPending(),
    ]);
    if (this.stopped) return;
    await this.db.cacheChats(chats);
    const unused = new Set(invitations.map((i) => i.id));
    const claimed = new Map(chats.map((c) => [c.invitationId, c]));
    // A local pending invitation is dropped once it is neither unused nor waiting for its chat's first message.
    for (const record of local) {
      if (unused.has(record.invitationId)) continue;
      const chat = claimed.get(record.invitationId);
      if (chat && chat.state !== 'expired' && chat.state !== 'ended' && !(await this.db.chats.session(chat.id))) continue;
      await this.db.deletePending(record.invitationId);
    }
    const byId = new Map(local.map((r) => [r.invitationId, r]));
    const pending = invitations.map((i) => {
      const record = byId.get(i.id);
      return record
        ? this.pendingView(record)
        : { id: i.id, createdAt: i.createdAt, expiresAt: i.expiresAt, link: null, guestName: null };
    });
    this.update({ chats, pending });
  }

  private pendingView(record: PendingRecord): PendingView {
    return {
      id: record.invitationId,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      link: invitationLink(location.origin, record.invitationId, record.linkSecret),
      guestName: record.guestName ?? null,
    };
  }

  /** The guest's first envelope (sequence 1) arrived: verify the claim and derive the session. */
  private async acceptGuest(chatId: string, firstEnvelope: Uint8Array, now: number) {
    let chat = this.snap.chats.find((c) => c.id === chatId);
    if (!chat) {
      try {
        chat = await memberApi.getChat(chatId);
      } catch {
        return null;
      }
    }
    const record = await this.db.pending(chat.invitationId);
    if (!record) return null;
    const { session } = await acceptClaim(
      this.device.identity,
      record.pending,
      { guestKeys: chat.guestKeys, claimTag: chat.claimTag, firstEnvelope },
      now,
    );
    return session;
  }

  private async noteActivity(chatId: string): Promise<void> {
    const messages = await this.db.chats.messages(chatId);
    const unreadCount = messages.filter((m) => m.from === 'them' && !m.read).length;
    if (unreadCount !== (this.snap.unread.get(chatId) ?? 0)) {
      const unread = new Map(this.snap.unread);
      unread.set(chatId, unreadCount);
      this.update({ unread });
    }
    const latest = messages.reduce((max, m) => Math.max(max, m.sentAt), 0);
    if (latest > (this.snap.lastMessageAt.get(chatId) ?? 0)) {
      const lastMessageAt = new Map(this.snap.lastMessageAt);
      lastMessageAt.set(chatId, latest);
      this.update({ lastMessageAt });
      // The server's expiry moves with every message: fetch it again, a little later.
      void this.refresh();
    }
  }

  private setTyping(chatId: string, active: boolean): void {
    const previous = this.typingTimers.get(chatId);
    if (previous) clearTimeout(previous);
    this.typingTimers.delete(chatId);
    const typing = new Set(this.snap.typing);
    if (active) {
      typing.add(chatId);
      this.typingTimers.set(chatId, setTimeout(() => this.setTyping(chatId, false), TYPING_TIMEOUT_MS));
    } else typing.delete(chatId);
    if (typing.size !== this.snap.typing.size || active !== this.snap.typing.has(chatId)) this.update({ typing });
  }

  /** The socket keeps failing: perhaps the server forgot this device (a reset), or the session ended. */
  private async checkDevice(): Promise<void> {
    try {
      await memberApi.me();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) location.reload();
    }
  }

  private update(change: Partial<MemberSnapshot>): void {
    this.snap = { ...this.snap, ...change };
    this.snapshotChanges.notify(null);
  }
}

async function registerDevice(db: MemberDb): Promise<DeviceRecord> {
  const { identity, publicKeys } = await createDeviceIdentity();
  const deviceId = await memberApi.registerDevice(publicKeys);
  const record: DeviceRecord = { key: 'device', deviceId, identity, createdAt: Date.now() };
  await db.saveDevice(record);
  return record;
}
