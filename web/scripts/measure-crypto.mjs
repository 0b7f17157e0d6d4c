// Prints rough per-operation costs of the crypto module on this machine (Node's WebCrypto).
// Usage (from web/): node scripts/measure-crypto.mjs
// A figure printer for humans, not a test: nothing here asserts a time.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { module: c } = await runnerImport(resolve(web, 'src/crypto/index.ts'), { root: web, configFile: false, logLevel: 'error' });
const now = Date.now();
const text = (i) => ({ kind: 'text', id: `m${i}`, text: 'A typical chat message of moderate length.', sentAt: now });

async function time(name, count, action) {
  const start = performance.now();
  for (let i = 0; i < count; i++) await action(i);
  const perOp = (performance.now() - start) / count;
  console.log(`${name.padEnd(58)} ${perOp < 1 ? `${(perOp * 1000).toFixed(0)} µs` : `${perOp.toFixed(2)} ms`}`);
}

async function chat() {
  const { identity } = await c.createDeviceIdentity();
  const id = 'AAECAwQFBgcICQoLDA0ODw';
  const created = await c.createInvitation(identity, id, now + 864e6);
  const verified = await c.openInvitation(created.linkSecret, id, created.upload.bundle, created.upload.bundleTag, now);
  const claimed = await c.claimInvitation(verified);
  const accepted = await c.acceptClaim(identity, created.pending, claimed.claim, now);
  return { identity, created, verified, claimed, guest: claimed.session, member: accepted.session };
}

const base = await chat();
await time('createDeviceIdentity', 50, () => c.createDeviceIdentity());
await time('createInvitation', 50, () => c.createInvitation(base.identity, 'AAECAwQFBgcICQoLDA0ODw', now + 864e6));
await time('openInvitation (tag, signature, expiry)', 50, () =>
  c.openInvitation(base.created.linkSecret, 'AAECAwQFBgcICQoLDA0ODw', base.created.upload.bundle, base.created.upload.bundleTag, now));
await time('claimInvitation (3 DH, first message)', 50, () => c.claimInvitation(base.verified));
await time('acceptClaim (3 DH, key confirmation)', 50, () => c.acceptClaim(base.identity, base.created.pending, base.claimed.claim, now));

let guest = base.guest;
let member = base.member;
const envelopes = [];
await time('encrypt, same chain', 1000, async (i) => {
  const sent = await c.encrypt(guest, text(i), now);
  guest = sent.session;
  envelopes.push(sent.envelope);
});
await time('decrypt, same chain, in order', 1000, async (i) => {
  member = (await c.decrypt(member, envelopes[i], now)).session;
});

await time('encrypt + decrypt, turn taking (a DH ratchet step each)', 200, async (i) => {
  const a = await c.encrypt(member, text(i), now);
  member = a.session;
  guest = (await c.decrypt(guest, a.envelope, now)).session;
  const b = await c.encrypt(guest, text(i), now);
  guest = b.session;
  member = (await c.decrypt(member, b.envelope, now)).session;
});

const burst = [];
for (let i = 0; i < 101; i++) {
  const sent = await c.encrypt(guest, text(i), now);
  guest = sent.session;
  burst.push(sent.envelope);
}
await time('decrypt skipping 100 keys (stores them)', 1, async () => {
  member = (await c.decrypt(member, burst[100], now)).session;
});
await time('decrypt from the skipped store (100 stored)', 100, async (i) => {
  member = (await c.decrypt(member, burst[i], now)).session;
});
await time('encryptEphemeral + decryptEphemeral', 500, async () => {
  await c.decryptEphemeral(member, await c.encryptEphemeral(guest, { kind: 'typing', active: true }));
});
await time('securityCode (2 × 5,200 SHA-256)', 5, () => c.securityCode(member));

const short = await c.encrypt(guest, text(0), now);
const long = await c.encrypt(short.session, { kind: 'text', id: 'x', text: 'é'.repeat(4096), sentAt: now }, now);
console.log(`envelope bytes: short text ${short.envelope.length}, 4,096 × "é" ${long.envelope.length}, typing ${(await c.encryptEphemeral(guest, { kind: 'typing', active: true })).length}`);
