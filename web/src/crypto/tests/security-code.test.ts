import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, securityCode } from '../index';
import { formatSecurityCode } from '../securityCode';
import { makeChat, NOW, text } from './support';

describe('the security code', () => {
  it('is the same 60 digits, in 12 groups of 5, on both sides, and stays so as the ratchet turns', async () => {
    const chat = await makeChat();
    const code = await securityCode(chat.guest);
    expect(code).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(await securityCode(chat.member)).toBe(code);
    const sent = await encrypt(chat.member, text('x'), NOW);
    const received = await decrypt(chat.guest, sent.envelope, NOW);
    expect(await securityCode(received.session)).toBe(code);
  });

  it('differs between two guests of the same member device', async () => {
    const first = await makeChat();
    const second = await makeChat({ identity: first.identity, memberEntropy: first.memberEntropy });
    expect(await securityCode(second.member)).not.toBe(await securityCode(first.member));
  });

  it('orders the two fingerprints so neither side comes first', () => {
    const a = '0'.repeat(29) + '1';
    const b = '9'.repeat(30);
    expect(formatSecurityCode(a, b)).toBe(formatSecurityCode(b, a));
    expect(formatSecurityCode(b, a).replace(/ /g, '')).toBe(a + b);
  });
});
