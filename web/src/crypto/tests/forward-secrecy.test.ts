import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, type Session } from '../index';
import { concatBytes } from '../encoding';
import { parseMessageEnvelope } from '../envelope';
import { kdfChain } from '../kdf';
import { aesGcmDecrypt, importAesKey, importHmacKey } from '../primitives';
import { cryptoKeysIn, makeChat, NOW, text } from './support';

/** How far ahead a chain key found in the state is followed when looking for a message key. */
const CHAIN_STEPS = 4;

async function opens(key: CryptoKey, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<boolean> {
  try {
    await aesGcmDecrypt(key, nonce, sealed, aad);
    return true;
  } catch {
    return false;
  }
}

/**
 * How many keys reachable from `state` open `envelope`: every AES key as a message key, and every HMAC key as a
 * chain key followed CHAIN_STEPS steps forward.
 */
async function keysThatOpen(state: Session, envelope: Uint8Array): Promise<number> {
  const { header, headerBytes, sealed } = parseMessageEnvelope(envelope);
  const aad = concatBytes(state.transcriptHash, headerBytes);
  let found = 0;
  for (const key of cryptoKeysIn(state)) {
    if (key.algorithm.name === 'AES-GCM' && (await opens(key, header.nonce, sealed, aad))) found++;
    if (key.algorithm.name === 'HMAC') {
      let chain = key;
      for (let step = 0; step < CHAIN_STEPS; step++) {
        const next = await kdfChain(chain);
        if (await opens(await importAesKey(next.messageKey), header.nonce, sealed, aad)) found++;
        chain = await importHmacKey(next.chainKey);
      }
    }
  }
  return found;
}

describe('forward secrecy', () => {
  it('after decrypting in order, the receiver’s state no longer holds the message key', async () => {
    const chat = await makeChat();
    const { envelope } = await encrypt(chat.guest, text('in order'), NOW);
    expect(await keysThatOpen(chat.member, envelope)).toBe(1); // control: the receiving chain can derive it
    const after = await decrypt(chat.member, envelope, NOW);
    expect(await keysThatOpen(after.session, envelope)).toBe(0);
  });

  it('after decrypting from the skipped store, the stored key is gone', async () => {
    const chat = await makeChat();
    const early = await encrypt(chat.guest, text('early'), NOW);
    const late = await encrypt(early.session, text('late'), NOW);
    const member = (await decrypt(chat.member, late.envelope, NOW)).session;
    expect(await keysThatOpen(member, early.envelope)).toBe(1); // control: the skipped key
    const after = await decrypt(member, early.envelope, NOW);
    expect(after.session.ratchet.skipped).toHaveLength(0);
    expect(await keysThatOpen(after.session, early.envelope)).toBe(0);
    expect(await keysThatOpen(after.session, late.envelope)).toBe(0);
  });

  it('after decrypting a new ratchet step, neither side holds that message key', async () => {
    const chat = await makeChat();
    const reply = await encrypt(chat.member, text('new step'), NOW);
    const after = await decrypt(chat.guest, reply.envelope, NOW);
    expect(await keysThatOpen(after.session, reply.envelope)).toBe(0);
    expect(await keysThatOpen(reply.session, reply.envelope)).toBe(0);
  });

  it('after encrypting, the sender’s state no longer holds the message key', async () => {
    const chat = await makeChat();
    const sent = await encrypt(chat.guest, text('sent'), NOW);
    const { header } = parseMessageEnvelope(sent.envelope);
    expect(header.count).toBe(1);
    expect(await keysThatOpen(sent.session, sent.envelope)).toBe(0);
  });

  it('keeps no handshake private key: the member drops E, the guest its identity and ephemeral keys', async () => {
    const chat = await makeChat();
    const privateKeys = (session: Session) => cryptoKeysIn(session).filter((k) => k.type === 'private');
    expect(privateKeys(chat.member)).toEqual([chat.member.ratchet.sending.privateKey]);
    expect(privateKeys(chat.member)).not.toContain(chat.invitation.pending.oneTime.privateKey);
    expect(privateKeys(chat.guest)).toEqual([chat.guest.ratchet.sending.privateKey]);
    // The guest drew its identity key, its ephemeral key, then its first ratchet key.
    expect(chat.guestEntropy.keys.map((k) => k.kind)).toEqual(['ECDH', 'ECDH', 'ECDH']);
    expect(chat.guest.ratchet.sending.publicKey).toEqual(chat.guestEntropy.keys[2]!.publicKey);
  });
});
