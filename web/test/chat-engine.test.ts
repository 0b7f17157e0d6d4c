import { describe, expect, it } from 'vitest';
import {
  acceptClaim,
  claimInvitation,
  createDeviceIdentity,
  createInvitation,
  CryptoError,
  openInvitation,
} from '../src/crypto';
import { ChatEngine, type EngineHooks } from '../src/chat/engine';
import { tickOf } from '../src/chat/model';
import type { ClientFrame } from '../src/transport/frames';
import { MemoryChatStore } from './support/memory-chat-store';
import { ProtocolRelay } from './support/protocol-relay';

const CHAT = 'chat_0000000000000000001';
const INVITATION = 'inv_AAAAAAAAAAAAAAAAAAA';
const DAY = 24 * 60 * 60 * 1000;

/** A member and a guest after a real invitation, claim and (on the member's first connect) acceptance. */
async function makeChat(options: { wrongPending?: boolean; clampDelivered?: boolean } = {}) {
  const now = Date.now();
  const { identity } = await createDeviceIdentity();
  const made = await createInvitation(identity, INVITATION, now + 10 * DAY);
  const verified = await openInvitation(made.linkSecret, INVITATION, made.upload.bundle, made.upload.bundleTag, now);
  const claimed = await claimInvitation(verified);
  const pending = options.wrongPending ? (await createInvitation(identity, INVITATION, now + 10 * DAY)).pending : made.pending;

  const relay = new ProtocolRelay(CHAT, { clampDelivered: options.clampDelivered ?? true });
  relay.claim(claimed.claim.firstEnvelope);
  const memberStore = new MemoryChatStore();
  const guestStore = new MemoryChatStore();
  guestStore.sessions.set(CHAT, claimed.session);
  const events = { established: 0, typing: [] as boolean[] };

  const memberHooks: EngineHooks = {
    onChange: () => undefined,
    onTyping: (_chat, active) => events.typing.push(active),
    establish: async (_chat, firstEnvelope, at) =>
      (await acceptClaim(identity, pending, { guestKeys: claimed.claim.guestKeys, claimTag: claimed.claim.claimTag, firstEnvelope }, at))
        .session,
    established: async () => {
      events.established++;
    },
  };
  const member = new ChatEngine(memberStore, relay.sink('member'), memberHooks);
  const guest = new ChatEngine(guestStore, relay.sink('guest'), { onChange: () => undefined });
  return { relay, member, guest, memberStore, guestStore, events };
}

describe('the chat engine', () => {
  it('accepts the claim from sequence 1, then carries messages both ways', async () => {
    const { relay, member, guest, memberStore, guestStore, events } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    expect(events.established).toBe(1);
    expect((await memberStore.cursor(CHAT)).lastSeq).toBe(1);

    await guest.sendText(CHAT, 'Hello from the guest');
    await relay.settle();
    await member.sendText(CHAT, 'Hi there');
    await relay.settle();

    expect(memberStore.texts(CHAT, 'them')).toEqual(['Hello from the guest']);
    expect(guestStore.texts(CHAT, 'them')).toEqual(['Hi there']);
    expect(relay.queued('member')).toEqual([]);
    expect(relay.queued('guest')).toEqual([]);
  });

  it('stores a message delivered twice once, and acknowledges it both times', async () => {
    const { relay, member, guest, memberStore } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    await guest.sendText(CHAT, 'only once');
    relay.duplicateNext('member');
    await relay.settle();
    expect(memberStore.texts(CHAT)).toEqual(['only once']);
    expect(relay.queued('member')).toEqual([]);
  });

  it('keeps messages written offline in the outbox and sends them, in order, on reconnect', async () => {
    const { relay, member, guest, memberStore, guestStore } = await makeChat();
    await relay.connect('member', member);
    await relay.settle();
    for (const text of ['one', 'two', 'three']) await guest.sendText(CHAT, text);
    expect((await guestStore.outbox()).length).toBe(3);
    expect(relay.received.guest).toBe(0);
    expect(tickOf((await guestStore.messages(CHAT))[0]!, 0)).toBe('sending');

    await relay.connect('guest', guest);
    await relay.settle();
    expect(memberStore.texts(CHAT)).toEqual(['one', 'two', 'three']);
    expect(await guestStore.outbox()).toEqual([]);
    expect((await guestStore.messages(CHAT)).every((m) => m.seq !== undefined)).toBe(true);
  });

  it('resends an envelope whose stored answer was lost, and the receiver keeps one copy', async () => {
    const { relay, member, guest, memberStore, guestStore } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    await guest.sendText(CHAT, 'did it arrive?');
    relay.disconnect('guest'); // the `stored` answer is lost with the connection
    await relay.settle();
    await relay.connect('guest', guest);
    await relay.settle();
    expect(relay.received.guest).toBe(2);
    expect(memberStore.texts(CHAT)).toEqual(['did it arrive?']);
    expect(await guestStore.outbox()).toEqual([]);
    const [mine] = await guestStore.messages(CHAT);
    expect(tickOf(mine!, (await guestStore.cursor(CHAT)).deliveredSeq)).toBe('delivered');
  });

  it('processes again after a reconnect what it could not store, without losing or duplicating it', async () => {
    const { relay, member, guest, memberStore } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    await guest.sendText(CHAT, 'first');
    memberStore.failNextCommit = true;
    await expect(relay.settle()).rejects.toThrow('disk full');
    expect(memberStore.texts(CHAT)).toEqual([]);
    expect(relay.queued('member')).toHaveLength(1);

    relay.disconnect('member');
    await guest.sendText(CHAT, 'second');
    await relay.connect('member', member);
    await relay.settle();
    expect(memberStore.texts(CHAT)).toEqual(['first', 'second']);
    expect(relay.queued('member')).toEqual([]);
  });

  it('moves my ticks from sent to delivered to read', async () => {
    const { relay, member, guest, guestStore } = await makeChat();
    await relay.connect('guest', guest);
    await guest.sendText(CHAT, 'are you there?');
    await relay.settle();
    const tick = async () => tickOf((await guestStore.messages(CHAT))[0]!, (await guestStore.cursor(CHAT)).deliveredSeq);
    expect(await tick()).toBe('sent');

    await relay.connect('member', member);
    await relay.settle();
    expect(await tick()).toBe('delivered');

    await member.sendReadReceipts(CHAT);
    await relay.settle();
    expect(await tick()).toBe('read');
    await member.sendReadReceipts(CHAT); // nothing new to report: no second receipt
    expect(relay.received.member).toBe(1);
  });

  it('never delivers what a blocked guest sends, not even after unblocking', async () => {
    const { relay, member, guest, memberStore, guestStore } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    relay.blocked = true;
    await guest.sendText(CHAT, 'while blocked');
    await relay.settle();
    const [blocked] = await guestStore.messages(CHAT);
    expect(tickOf(blocked!, (await guestStore.cursor(CHAT)).deliveredSeq)).toBe('sent');

    relay.blocked = false;
    await guest.sendText(CHAT, 'after unblocking');
    await relay.settle();
    await member.sendReadReceipts(CHAT);
    await relay.settle();
    expect(memberStore.texts(CHAT)).toEqual(['after unblocking']);
    const deliveredSeq = (await guestStore.cursor(CHAT)).deliveredSeq;
    const ticks = new Map((await guestStore.messages(CHAT)).map((m) => [m.text, tickOf(m, deliveredSeq)]));
    expect(ticks.get('while blocked')).toBe('sent');
    expect(ticks.get('after unblocking')).toBe('read');
  });

  it('stops showing a blocked message as delivered once a later one is read, even if the delivered mark covers it', async () => {
    const { relay, member, guest, guestStore } = await makeChat({ clampDelivered: false });
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    relay.blocked = true;
    await guest.sendText(CHAT, 'while blocked');
    await relay.settle();
    relay.blocked = false;
    await guest.sendText(CHAT, 'after unblocking');
    await relay.settle();
    await member.sendReadReceipts(CHAT);
    await relay.settle();
    const deliveredSeq = (await guestStore.cursor(CHAT)).deliveredSeq;
    const messages = await guestStore.messages(CHAT);
    expect(messages.every((m) => m.seq! <= deliveredSeq)).toBe(true);
    const ticks = new Map(messages.map((m) => [m.text, tickOf(m, deliveredSeq)]));
    expect(ticks.get('while blocked')).toBe('sent');
    expect(ticks.get('after unblocking')).toBe('read');
  });

  it('drops and acknowledges a forged envelope, and the ratchet still reads the real ones', async () => {
    const { relay, member, guest, memberStore } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    const forged = relay.reserveSeq();
    const body = new Uint8Array(200);
    crypto.getRandomValues(body);
    await member.handleFrame({ type: 'message', chatId: CHAT, seq: forged, body, sentAt: Date.now() });
    expect((await memberStore.cursor(CHAT)).lastSeq).toBe(forged);
    expect(memberStore.texts(CHAT)).toEqual([]);

    await guest.sendText(CHAT, 'the real one');
    await relay.settle();
    expect(memberStore.texts(CHAT)).toEqual(['the real one']);
  });

  it('marks a message the server refuses for good as not sent, and drops it from the outbox', async () => {
    const sent: ClientFrame[] = [];
    const { guestStore } = await makeChat();
    const guest = new ChatEngine(guestStore, { send: (f) => (sent.push(f), true) }, { onChange: () => undefined });
    await guest.sendText(CHAT, 'too late');
    const frame = sent.find((f) => f.type === 'send');
    expect(frame?.type).toBe('send');
    await guest.handleFrame({ type: 'error', code: 'chat-expired', clientId: frame!.type === 'send' ? frame!.clientId : '' });
    const [message] = await guestStore.messages(CHAT);
    expect(tickOf(message!, 0)).toBe('failed');
    expect(await guestStore.outbox()).toEqual([]);
  });

  it('marks the chat broken when the claim does not verify, and never reads from it', async () => {
    const { relay, member, guest, memberStore } = await makeChat({ wrongPending: true });
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    const cursor = await memberStore.cursor(CHAT);
    expect(cursor.broken).toBeTruthy();
    expect(await memberStore.session(CHAT)).toBeUndefined();
    await guest.sendText(CHAT, 'secret');
    await relay.settle();
    expect(memberStore.texts(CHAT)).toEqual([]);
    expect(relay.queued('member')).toEqual([]);
  });

  it('relays the typing indicator without storing anything', async () => {
    const { relay, member, guest, events, guestStore } = await makeChat();
    await relay.connect('member', member);
    await relay.connect('guest', guest);
    await relay.settle();
    await guest.sendTyping(CHAT, true);
    await relay.settle();
    expect(events.typing).toEqual([true]);
    expect(relay.received.guest).toBe(0);
    expect(await guestStore.outbox()).toEqual([]);
  });

  it('refuses a text longer than 4,096 characters before encrypting anything', async () => {
    const { guest, guestStore } = await makeChat();
    await expect(guest.sendText(CHAT, 'x'.repeat(4097))).rejects.toBeInstanceOf(RangeError);
    expect(guestStore.commits).toBe(0);
    expect(CryptoError).toBeDefined();
  });
});
