import { describe, expect, it } from 'vitest';
import { encodeClientFrame, parseServerFrame } from '../src/transport/frames';

const CHAT = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('server frames', () => {
  it('parses every documented frame, decoding bodies', () => {
    expect(parseServerFrame(JSON.stringify({ type: 'message', chatId: CHAT, seq: 3, body: 'AQID', sentAt: 5 }))).toEqual({
      type: 'message',
      chatId: CHAT,
      seq: 3,
      body: new Uint8Array([1, 2, 3]),
      sentAt: 5,
    });
    expect(parseServerFrame(JSON.stringify({ type: 'ephemeral', chatId: CHAT, body: 'AQ' }))).toEqual({
      type: 'ephemeral',
      chatId: CHAT,
      body: new Uint8Array([1]),
    });
    expect(parseServerFrame(JSON.stringify({ type: 'stored', chatId: CHAT, clientId: 'c1', seq: 2, sentAt: 9 }))).toEqual({
      type: 'stored',
      chatId: CHAT,
      clientId: 'c1',
      seq: 2,
      sentAt: 9,
    });
    expect(parseServerFrame(JSON.stringify({ type: 'delivered', chatId: CHAT, seq: 7 }))).toEqual({ type: 'delivered', chatId: CHAT, seq: 7 });
    expect(parseServerFrame(JSON.stringify({ type: 'chat', chatId: CHAT, event: 'claimed' }))).toEqual({
      type: 'chat',
      chatId: CHAT,
      event: 'claimed',
    });
    expect(parseServerFrame('{"type":"ready"}')).toEqual({ type: 'ready' });
    expect(parseServerFrame('{"type":"pong"}')).toEqual({ type: 'pong' });
    expect(parseServerFrame('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(parseServerFrame(JSON.stringify({ type: 'error', code: 'chat-expired', clientId: 'c1', chatId: CHAT }))).toEqual({
      type: 'error',
      code: 'chat-expired',
      clientId: 'c1',
      chatId: CHAT,
    });
  });

  it('ignores unknown fields', () => {
    expect(parseServerFrame(JSON.stringify({ type: 'delivered', chatId: CHAT, seq: 1, extra: true }))).toEqual({
      type: 'delivered',
      chatId: CHAT,
      seq: 1,
    });
  });

  it('drops malformed frames instead of acting on them', () => {
    const bad = [
      'not json',
      '[]',
      'null',
      '{"type":"unknown"}',
      JSON.stringify({ type: 'message', chatId: CHAT, seq: 0, body: 'AQ', sentAt: 1 }),
      JSON.stringify({ type: 'message', chatId: CHAT, seq: 1.5, body: 'AQ', sentAt: 1 }),
      JSON.stringify({ type: 'message', chatId: CHAT, seq: '1', body: 'AQ', sentAt: 1 }),
      JSON.stringify({ type: 'message', chatId: CHAT, seq: 1, body: 'A+Q', sentAt: 1 }),
      JSON.stringify({ type: 'message', chatId: CHAT, seq: 1, body: '', sentAt: 1 }),
      JSON.stringify({ type: 'message', seq: 1, body: 'AQ', sentAt: 1 }),
      JSON.stringify({ type: 'stored', chatId: CHAT, seq: 1, sentAt: 1 }),
      JSON.stringify({ type: 'chat', chatId: CHAT, event: 'exploded' }),
      JSON.stringify({ type: 'error' }),
    ];
    for (const text of bad) expect(parseServerFrame(text), text).toBeNull();
  });
});

describe('client frames', () => {
  it('encode envelope bodies as base64url and everything else as is', () => {
    expect(
      JSON.parse(encodeClientFrame({ type: 'send', chatId: CHAT, clientId: 'c9', kind: 'stored', body: new Uint8Array([251, 255]) })),
    ).toEqual({ type: 'send', chatId: CHAT, clientId: 'c9', kind: 'stored', body: '-_8' });
    expect(JSON.parse(encodeClientFrame({ type: 'ack', chatId: CHAT, seq: 4 }))).toEqual({ type: 'ack', chatId: CHAT, seq: 4 });
    expect(encodeClientFrame({ type: 'ping' })).toBe('{"type":"ping"}');
    expect(encodeClientFrame({ type: 'pong' })).toBe('{"type":"pong"}');
  });
});
