import { describe, expect, it } from 'vitest';
import { decrypt, decryptEphemeral, encrypt, encryptEphemeral, type Session } from '../index';
import { MESSAGE_HEADER_LENGTH } from '../envelope';
import { flipBit, makeChat, NOW, reasonOf, snapshot, text } from './support';

/** Flips every bit of `envelope` in turn; each copy must be refused and leave `session` exactly as it was. */
async function expectEveryBitFlipRejected(session: Session, envelope: Uint8Array): Promise<Set<string>> {
  const before = snapshot(session);
  const reasons = new Set<string>();
  for (let bit = 0; bit < envelope.length * 8; bit++) {
    reasons.add(await reasonOf(decrypt(session, flipBit(envelope, bit), NOW)));
    if (snapshot(session) !== before) throw new Error(`flipping bit ${bit} changed the state`);
  }
  return reasons;
}

describe('tampering with a stored envelope', () => {
  it('rejects every single-bit flip of header, ciphertext and tag of a message in the current chain, state unchanged', async () => {
    const chat = await makeChat();
    const first = await encrypt(chat.guest, text('first'), NOW);
    const second = await encrypt(first.session, text('second, in the same chain'), NOW);
    const member = (await decrypt(chat.member, first.envelope, NOW)).session;
    expect(second.envelope.length).toBe(MESSAGE_HEADER_LENGTH + 64 + 16);
    const reasons = await expectEveryBitFlipRejected(member, second.envelope);
    expect(reasons).toContain('decrypt-failed');
    expect(reasons).toContain('invalid-envelope');
    expect(reasons).toContain('invalid-public-key');
    // The untouched envelope still decrypts with the untouched state.
    expect((await decrypt(member, second.envelope, NOW)).payload).toMatchObject({ text: 'second, in the same chain' });
  }, 90_000);

  it('rejects every single-bit flip of a message that starts a new ratchet step, state unchanged', async () => {
    const chat = await makeChat();
    const reply = await encrypt(chat.member, text('first from the member'), NOW);
    await expectEveryBitFlipRejected(chat.guest, reply.envelope);
    expect((await decrypt(chat.guest, reply.envelope, NOW)).payload).toMatchObject({ text: 'first from the member' });
  }, 90_000);

  it('rejects every single-bit flip of a message whose key waits in the skipped store, state unchanged', async () => {
    const chat = await makeChat();
    const early = await encrypt(chat.guest, text('sent first, arrives last'), NOW);
    const late = await encrypt(early.session, text('sent second, arrives first'), NOW);
    const member = (await decrypt(chat.member, late.envelope, NOW)).session;
    expect(member.ratchet.skipped).toHaveLength(1);
    await expectEveryBitFlipRejected(member, early.envelope);
    expect((await decrypt(member, early.envelope, NOW)).payload).toMatchObject({ text: 'sent first, arrives last' });
  }, 90_000);

  it('rejects every single-bit flip of an ephemeral envelope', async () => {
    const chat = await makeChat();
    const envelope = await encryptEphemeral(chat.guest, { kind: 'typing', active: true });
    const before = snapshot(chat.member);
    for (let bit = 0; bit < envelope.length * 8; bit++) {
      await expect(decryptEphemeral(chat.member, flipBit(envelope, bit))).rejects.toMatchObject({ name: 'CryptoError' });
    }
    expect(snapshot(chat.member)).toBe(before);
    expect(await decryptEphemeral(chat.member, envelope)).toEqual({ kind: 'typing', active: true });
  });

  it('rejects truncated and extended envelopes', async () => {
    const chat = await makeChat();
    const { envelope } = await encrypt(chat.guest, text('whole'), NOW);
    for (const cut of [0, 1, MESSAGE_HEADER_LENGTH, MESSAGE_HEADER_LENGTH + 16, envelope.length - 1]) {
      expect(['invalid-envelope', 'decrypt-failed']).toContain(await reasonOf(decrypt(chat.member, envelope.slice(0, cut), NOW)));
    }
    const extended = new Uint8Array(envelope.length + 1);
    extended.set(envelope);
    expect(await reasonOf(decrypt(chat.member, extended, NOW))).toBe('decrypt-failed');
  });
});
