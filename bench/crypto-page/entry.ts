// Bench-only entry: exposes the web app's real crypto module (web/src/crypto) to the benchmark, which
// runs it in Chromium. It measures the per-message cost and creates genuine invitations for the guest page.
import * as crypto from '../../web/src/crypto/index.ts';

type Identity = Awaited<ReturnType<typeof crypto.createDeviceIdentity>>['identity'];
type Session = Awaited<ReturnType<typeof crypto.claimInvitation>>['session'];

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

const randomId = (): string => toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16)));

const sampleText = 'See you at the station at seven? I will bring the tickets and something to eat for the train.';

let device: Identity | undefined;

/** Creates this page's member device; answers its public keys for POST /api/devices. */
async function createDevice(): Promise<string> {
  const { identity, publicKeys } = await crypto.createDeviceIdentity();
  device = identity;
  return toBase64Url(publicKeys);
}

/** Makes the bundle of an invitation the server created; answers what to upload and the link secret. */
async function createInvitation(invitationId: string, expiresAt: number) {
  if (device === undefined) throw new Error('createDevice first');
  const { linkSecret, upload } = await crypto.createInvitation(device, invitationId, expiresAt);
  return {
    linkSecret,
    bundle: toBase64Url(upload.bundle),
    bundleTag: toBase64Url(upload.bundleTag),
    claimVerifier: toBase64Url(upload.claimVerifier),
  };
}

/** A member and a guest session, made the way the product makes them, entirely in this page. */
async function createSessions(): Promise<{ member: Session; guest: Session }> {
  const { identity } = await crypto.createDeviceIdentity();
  const invitationId = randomId();
  const now = Date.now();
  const { pending, linkSecret, upload } = await crypto.createInvitation(identity, invitationId, now + 10 * 86_400_000);
  const verified = await crypto.openInvitation(linkSecret, invitationId, upload.bundle, upload.bundleTag, now);
  const { session: guest, claim } = await crypto.claimInvitation(verified);
  const { session: member } = await crypto.acceptClaim(identity, pending, claim, now);
  return { member, guest };
}

const textPayload = (): crypto.Payload => ({ kind: 'text', id: randomId(), text: sampleText, sentAt: Date.now() });

/**
 * Times `count` messages of encrypt (sender) + decrypt (receiver). `alternate` false: always the guest to the
 * member (symmetric chain steps only); true: the direction changes every message, so each message also
 * makes a Diffie-Hellman ratchet step on both sides. Answers the batch total and each message's time, in ms.
 */
async function measure(count: number, alternate: boolean) {
  let { member, guest } = await createSessions();
  const samples: number[] = [];
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const guestSends = !alternate || index % 2 === 0;
    const begin = performance.now();
    if (guestSends) {
      const sent = await crypto.encrypt(guest, textPayload(), Date.now());
      guest = sent.session;
      member = (await crypto.decrypt(member, sent.envelope, Date.now())).session;
    } else {
      const sent = await crypto.encrypt(member, textPayload(), Date.now());
      member = sent.session;
      guest = (await crypto.decrypt(guest, sent.envelope, Date.now())).session;
    }
    samples.push(performance.now() - begin);
  }
  return { totalMs: performance.now() - started, samples };
}

declare global {
  interface Window {
    guestChatBench: {
      createDevice: typeof createDevice;
      createInvitation: typeof createInvitation;
      measure: typeof measure;
    };
  }
}

window.guestChatBench = { createDevice, createInvitation, measure };
