import { describe, expect, it } from 'vitest';
import { decrypt, decryptEphemeral, encrypt, encryptEphemeral } from '../index';
import { makeChat, NOW, reasonOf, snapshot, text } from './support';

describe('misdirection', () => {
  it('rejects a message from another session, even one of the same member device, state unchanged', async () => {
    const first = await makeChat();
    const second = await makeChat({ identity: first.identity, memberEntropy: first.memberEntropy });
    const fromGuest = await encrypt(first.guest, text('for the first chat'), NOW);
    const fromMember = await encrypt(first.member, text('for the first guest'), NOW);
    const memberBefore = snapshot(second.member);
    const guestBefore = snapshot(second.guest);
    expect(await reasonOf(decrypt(second.member, fromGuest.envelope, NOW))).toBe('decrypt-failed');
    expect(await reasonOf(decrypt(second.guest, fromMember.envelope, NOW))).toBe('decrypt-failed');
    expect(await reasonOf(decrypt(second.member, first.claim.firstEnvelope, NOW))).toBe('decrypt-failed');
    expect(snapshot(second.member)).toBe(memberBefore);
    expect(snapshot(second.guest)).toBe(guestBefore);
  });

  it('rejects a message reflected back to its sender, even with its direction byte rewritten', async () => {
    const chat = await makeChat();
    const fromGuest = await encrypt(chat.guest, text('to the member'), NOW);
    const fromMember = await encrypt(chat.member, text('to the guest'), NOW);
    expect(await reasonOf(decrypt(fromGuest.session, fromGuest.envelope, NOW))).toBe('wrong-direction');
    expect(await reasonOf(decrypt(fromMember.session, fromMember.envelope, NOW))).toBe('wrong-direction');
    const rewritten = fromGuest.envelope.map((b, i) => (i === 2 ? 0x02 : b));
    const before = snapshot(fromGuest.session);
    expect(await reasonOf(decrypt(fromGuest.session, rewritten, NOW))).toBe('decrypt-failed');
    expect(snapshot(fromGuest.session)).toBe(before);
  });

  it('rejects ephemeral envelopes from another session or reflected, and keeps the two channels apart', async () => {
    const first = await makeChat();
    const second = await makeChat();
    const typing = await encryptEphemeral(first.guest, { kind: 'typing', active: true });
    expect(await reasonOf(decryptEphemeral(second.member, typing))).toBe('decrypt-failed');
    expect(await reasonOf(decryptEphemeral(first.guest, typing))).toBe('wrong-direction');
    expect(await reasonOf(decrypt(first.member, typing, NOW))).toBe('invalid-envelope');
    const stored = await encrypt(first.guest, text('stored'), NOW);
    expect(await reasonOf(decryptEphemeral(first.member, stored.envelope))).toBe('invalid-envelope');
  });
});
