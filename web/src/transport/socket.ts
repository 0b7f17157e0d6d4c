/**
 * One WebSocket to the server that stays connected: it reconnects with backoff after a network loss or a
 * server restart, and notices a dead connection with its own pings. It answers the server's pings itself (in a
 * background tab too, where timers are throttled but messages still arrive). It moves frames and nothing else: it
 * never sees key material, and sending is best effort (the chat engine's outbox makes it reliable).
 */
import { backoffDelay } from './backoff';
import { encodeClientFrame, parseServerFrame, type ClientFrame, type ServerFrame } from './frames';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** The part of the browser's WebSocket this class uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface RealtimeSocketOptions {
  /** The WebSocket URL, asked afresh for each attempt. */
  url: () => string;
  onFrame: (frame: ServerFrame) => void;
  /** The socket is open: time to resend the outbox. */
  onOpen: () => void;
  onStatus: (status: ConnectionStatus) => void;
  /** A connection closed or failed; `failures` counts consecutive ones (an app may then check its session). */
  onDrop?: (failures: number) => void;
  create?: (url: string) => SocketLike;
  /** Ping after this much silence, and give the connection up after as much again without an answer. */
  heartbeatMs?: number;
}

const OPEN = 1;

export class RealtimeSocket {
  private socket: SocketLike | null = null;
  private running = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private pingSent = false;
  private currentStatus: ConnectionStatus = 'offline';

  constructor(private readonly options: RealtimeSocketOptions) {}

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    this.drop();
    this.setStatus('offline');
  }

  /** Drops the current connection (the network went away) and reconnects as soon as possible. */
  reconnectNow(): void {
    if (!this.running) return;
    this.clearTimers();
    this.drop();
    this.failures = 0;
    this.connect();
  }

  /** Sends a frame if the socket is open; false otherwise (the caller keeps what must not be lost). */
  send(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(encodeClientFrame(frame));
      return true;
    } catch {
      return false;
    }
  }

  private connect(): void {
    if (!this.running) return;
    this.setStatus('connecting');
    let socket: SocketLike;
    try {
      const url = this.options.url();
      socket = this.options.create ? this.options.create(url) : new WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      this.pingSent = false;
      this.setStatus('online');
      this.startHeartbeat();
      this.options.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      this.pingSent = false;
      if (typeof event.data !== 'string') return;
      const frame = parseServerFrame(event.data);
      if (!frame) return;
      if (frame.type === 'ready') this.failures = 0;
      if (frame.type === 'ping') this.send({ type: 'pong' });
      else if (frame.type !== 'pong') this.options.onFrame(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    };
    socket.onerror = () => {
      // A close event follows an error; the retry happens there.
    };
  }

  private scheduleRetry(): void {
    this.stopHeartbeat();
    if (!this.running) return;
    this.failures++;
    this.setStatus('offline');
    this.options.onDrop?.(this.failures);
    if (!this.running) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, backoffDelay(this.failures));
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const interval = this.options.heartbeatMs ?? 20_000;
    this.heartbeatTimer = setInterval(() => {
      const silence = Date.now() - this.lastHeard;
      if (this.pingSent && silence >= interval * 2) {
        // No answer to our ping: the connection is dead even if the browser has not noticed.
        const dead = this.socket;
        this.socket = null;
        detach(dead);
        this.scheduleRetry();
        return;
      }
      if (!this.pingSent && silence >= interval && this.send({ type: 'ping' })) this.pingSent = true;
    }, Math.max(250, Math.floor(interval / 4)));
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private clearTimers(): void {
    this.stopHeartbeat();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    detach(socket);
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.options.onStatus(status);
  }
}

function detach(socket: SocketLike | null): void {
  if (!socket) return;
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  // A socket closed while still connecting reports an error afterwards; it belongs to nobody now.
  socket.onerror = ignore;
  try {
    socket.close(1000, 'reconnecting');
  } catch {
    // Closing a socket that never opened can throw in some browsers; it is gone either way.
  }
}

function ignore(): void {}

/** The WebSocket URL for a path on this page's own origin (ws: or wss: to match the page). */
export function socketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}
