import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode, toHex, utf8 } from '../encoding';
import { encryptEphemeralWith } from '../ephemeral';
import { deriveInvitationSecrets } from '../invitation';
import { decryptWith, encryptWith } from '../session';
import { makeChat, NOW, text } from './support';

/** A secret in every form it could take on the wire. */
function forms(secret: Uint8Array): Uint8Array[] {
  const b64 = base64urlEncode(secret);
  const standard = btoa(String.fromCharCode(...secret));
  return [secret, utf8(b64), utf8(standard), utf8(toHex(secret)), utf8(toHex(secret).toUpperCase())];
}

/** True when `needle` occurs in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Windows of 12 bytes (a third of a key) of a secret: a partial leak is a leak too. */
function windows(secret: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 12 <= secret.length; i += 4) out.push(secret.slice(i, i + 12));
  return out;
}

describe('nothing secret reaches the transport', () => {
  it('keeps the link secret, the authentication key, the PSK and every private key out of every upload, claim and envelope', async () => {
    const chat = await makeChat();
    let { guest, member } = chat;
    const outgoing: Uint8Array[] = [chat.publicKeys, chat.invitation.upload.bundle, chat.invitation.upload.bundleTag, chat.invitation.upload.claimVerifier];
    outgoing.push(chat.claim.guestKeys, chat.claim.claimTag, chat.claim.claimVerifier, chat.claim.firstEnvelope);
    // The recording entropy of each side makes every ratchet key pair, so the test knows each private scalar.
    const g = chat.guestEntropy;
    const m = chat.memberEntropy;
    for (let i = 0; i < 4; i++) {
      const a = await encryptWith(g, guest, text(`g${i}`), NOW);
      guest = a.session;
      member = (await decryptWith(m, member, a.envelope, NOW)).session;
      const b = await encryptWith(m, member, text(`m${i}`), NOW);
      member = b.session;
      guest = (await decryptWith(g, guest, b.envelope, NOW)).session;
      outgoing.push(a.envelope, b.envelope);
      outgoing.push(await encryptEphemeralWith(g, guest, { kind: 'typing', active: true }), await encryptEphemeralWith(m, member, { kind: 'typing', active: false }));
    }
    // The JSON bodies the transport sends carry the same bytes as base64url.
    const json = utf8(JSON.stringify(outgoing.map((bytes) => base64urlEncode(bytes))));

    const linkSecret = base64urlDecode(chat.invitation.linkSecret);
    const secrets = await deriveInvitationSecrets(linkSecret, chat.invitationId);
    const privateScalars = [...chat.memberEntropy.keys, ...chat.guestEntropy.keys].map((k) => k.d);
    // Member: signing, identity, E, then a ratchet key at acceptance and at each of the guest's 3 later steps.
    // Guest: identity, ephemeral, its first ratchet key, then one at each of the member's 4 steps.
    expect(privateScalars).toHaveLength(7 + 7);
    const secretValues = [linkSecret, secrets.authKey, secrets.psk, ...privateScalars];

    const leaks: string[] = [];
    for (const [index, secret] of secretValues.entries()) {
      for (const form of forms(secret)) {
        for (const bytes of [...outgoing, json]) if (contains(bytes, form)) leaks.push(`secret ${index} in full`);
      }
      for (const part of windows(secret)) {
        for (const bytes of outgoing) if (contains(bytes, part)) leaks.push(`secret ${index} in part`);
      }
    }
    expect(leaks).toEqual([]);
    // Control: the scan does find what is really there.
    expect(contains(chat.invitation.upload.bundle, chat.invitation.pending.oneTime.publicKey)).toBe(true);
    expect(contains(json, utf8(base64urlEncode(chat.claim.claimVerifier)))).toBe(true);
  });

  it('never puts the link secret into the upload even though the same call returns it', async () => {
    const chat = await makeChat();
    const upload = utf8(JSON.stringify(Object.values(chat.invitation.upload).map((bytes) => base64urlEncode(bytes))));
    expect(contains(upload, utf8(chat.invitation.linkSecret))).toBe(false);
    expect(chat.invitation.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
