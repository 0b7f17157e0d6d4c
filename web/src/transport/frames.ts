/** WebSocket frames (docs/protocol.md Part 1, "WebSocket"): parsing what the server sends, encoding what we send. */
import { fromBase64Url, toBase64Url } from '../shared/base64url';

export type ChatEvent = 'claimed' | 'expired' | 'ended';

export type ServerFrame =
  | { type: 'message'; chatId: string; seq: number; body: Uint8Array; sentAt: number }
  | { type: 'ephemeral'; chatId: string; body: Uint8Array }
  | { type: 'stored'; chatId: string; clientId: string; seq: number; sentAt: number }
  | { type: 'delivered'; chatId: string; seq: number }
  | { type: 'chat'; chatId: string; event: ChatEvent }
  | { type: 'ready' }
  | { type: 'pong' }
  | { type: 'ping' }
  | { type: 'error'; code: string; clientId?: string; chatId?: string };

export type ClientFrame =
  | { type: 'send'; chatId: string; clientId: string; kind: 'stored' | 'ephemeral'; body: Uint8Array }
  | { type: 'ack'; chatId: string; seq: number }
  | { type: 'ping' }
  | { type: 'pong' };

type Json = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const CHAT_EVENTS: readonly string[] = ['claimed', 'expired', 'ended'];

function body(v: unknown): Uint8Array | null {
  return typeof v === 'string' && v.length > 0 ? fromBase64Url(v) : null;
}

/** Parses one text frame from the server; null for anything malformed or unknown (which is then ignored). */
export function parseServerFrame(text: string): ServerFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const f = value as Json;
  switch (f.type) {
    case 'message': {
      const b = body(f.body);
      if (!isString(f.chatId) || !isSeq(f.seq) || !b || !isTime(f.sentAt)) return null;
      return { type: 'message', chatId: f.chatId, seq: f.seq, body: b, sentAt: f.sentAt };
    }
    case 'ephemeral': {
      const b = body(f.body);
      if (!isString(f.chatId) || !b) return null;
      return { type: 'ephemeral', chatId: f.chatId, body: b };
    }
    case 'stored':
      if (!isString(f.chatId) || !isString(f.clientId) || !isSeq(f.seq) || !isTime(f.sentAt)) return null;
      return { type: 'stored', chatId: f.chatId, clientId: f.clientId, seq: f.seq, sentAt: f.sentAt };
    case 'delivered':
      if (!isString(f.chatId) || !isSeq(f.seq)) return null;
      return { type: 'delivered', chatId: f.chatId, seq: f.seq };
    case 'chat':
      if (!isString(f.chatId) || typeof f.event !== 'string' || !CHAT_EVENTS.includes(f.event)) return null;
      return { type: 'chat', chatId: f.chatId, event: f.event as ChatEvent };
    case 'ready':
      return { type: 'ready' };
    case 'pong':
      return { type: 'pong' };
    case 'ping':
      return { type: 'ping' };
    case 'error': {
      if (!isString(f.code)) return null;
      const frame: ServerFrame = { type: 'error', code: f.code };
      if (isString(f.clientId)) frame.clientId = f.clientId;
      if (isString(f.chatId)) frame.chatId = f.chatId;
      return frame;
    }
    default:
      return null;
  }
}

export function encodeClientFrame(frame: ClientFrame): string {
  if (frame.type === 'send') return JSON.stringify({ ...frame, body: toBase64Url(frame.body) });
  return JSON.stringify(frame);
}
