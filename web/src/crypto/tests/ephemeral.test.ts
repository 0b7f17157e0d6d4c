import { describe, expect, it } from 'vitest';
import { decrypt, decryptEphemeral, encrypt, encryptEphemeral } from '../index';
import { makeChat, NOW, reasonOf, snapshot, text } from './support';

describe('ephemeral envelopes', () => {
  it('carry typing indicators both ways without touching either session', async () => {
    const chat = await makeChat();
    const guestBefore = snapshot(chat.guest);
    const memberBefore = snapshot(chat.member);
    const fromGuest = await encryptEphemeral(chat.guest, { kind: 'typing', active: true });
    const fromMember = await encryptEphemeral(chat.member, { kind: 'typing', active: false });
    expect(await decryptEphemeral(chat.member, fromGuest)).toEqual({ kind: 'typing', active: true });
    expect(await decryptEphemeral(chat.guest, fromMember)).toEqual({ kind: 'typing', active: false });
    expect(snapshot(chat.guest)).toBe(guestBefore);
    expect(snapshot(chat.member)).toBe(memberBefore);
  });

  it('do not desynchronise the ratchet, whatever their order among stored messages', async () => {
    const chat = await makeChat();
    let { guest, member } = chat;
    for (let round = 0; round < 5; round++) {
      const typing = await encryptEphemeral(guest, { kind: 'typing', active: true });
      const sent = await encrypt(guest, text(`round ${round}`), NOW);
      guest = sent.session;
      expect(await decryptEphemeral(member, typing)).toEqual({ kind: 'typing', active: true });
      member = (await decrypt(member, sent.envelope, NOW)).session;
      const reply = await encrypt(member, text(`reply ${round}`), NOW);
      member = reply.session;
      expect(await decryptEphemeral(guest, await encryptEphemeral(member, { kind: 'typing', active: false }))).toEqual({
        kind: 'typing',
        active: false,
      });
      guest = (await decrypt(guest, reply.envelope, NOW)).session;
    }
  });

  it('use a fresh random nonce each time and have one fixed size', async () => {
    const chat = await makeChat();
    const a = await encryptEphemeral(chat.guest, { kind: 'typing', active: true });
    const b = await encryptEphemeral(chat.guest, { kind: 'typing', active: true });
    const c = await encryptEphemeral(chat.guest, { kind: 'typing', active: false });
    expect(a).not.toEqual(b);
    expect(a.subarray(3, 15)).not.toEqual(b.subarray(3, 15));
    expect(new Set([a.length, b.length, c.length])).toEqual(new Set([15 + 64 + 16]));
  });

  it('carry typing only', async () => {
    const chat = await makeChat();
    expect(await reasonOf(encryptEphemeral(chat.guest, text('not ephemeral')))).toBe('unsupported-payload');
    expect(await reasonOf(encryptEphemeral(chat.guest, { kind: 'read', ids: [] }))).toBe('unsupported-payload');
  });
});
