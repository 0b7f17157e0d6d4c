/**
 * The Double Ratchet (Signal's specification, with P-256 and HKDF-SHA-256): a DH ratchet through the root chain
 * and symmetric chains of message keys. Every function returns a new state and leaves its input untouched.
 * Receiving is split in two: `planReceive` derives the message key and the receiving side of the state, and
 * only after the ciphertext authenticates does `completeReceive` draw the next sending key pair. So a forged
 * message costs no key generation, and a failed decrypt commits nothing.
 */
import { base64urlEncode, bytesEqual } from './encoding';
import type { Entropy, KeyPair } from './entropy';
import type { MessageHeader } from './envelope';
import { CryptoError } from './errors';
import { kdfChain, kdfRoot } from './kdf';
import { ecdh, importAesKey, importEcdhPublic, importHmacKey } from './primitives';

/** Most message keys one message may make the receiver skip in one chain. */
export const MAX_SKIP = 1000;
/** Most skipped message keys kept; beyond it the oldest are dropped. */
export const MAX_STORED_SKIPPED = 2 * MAX_SKIP;
/** A skipped message key is dropped one week after it was stored. */
export const SKIPPED_KEY_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** The largest message number a header can carry. */
const MAX_COUNT = 0xffff_ffff;

/** A message key kept for a message that has not arrived yet. */
export interface SkippedKey {
  /** base64url of the sender's ratchet public key. */
  readonly ratchetKey: string;
  /** The message number within that chain. */
  readonly count: number;
  /** The message key as a non-extractable AES-256-GCM key. */
  readonly messageKey: CryptoKey;
  /** When it was stored (Unix ms): it is dropped `SKIPPED_KEY_LIFETIME_MS` later. */
  readonly storedAt: number;
}

/** Double Ratchet state. Every key is a non-extractable CryptoKey; the object is structured-clonable. */
export interface RatchetState {
  /** RK, as the HMAC key HKDF-Extract uses as salt. */
  readonly rootKey: CryptoKey;
  /** DHs: our current ratchet key pair. */
  readonly sending: KeyPair;
  /** DHr: the peer's current ratchet public key, or null before the first message arrives. */
  readonly remoteKey: Uint8Array | null;
  /** CKs (HMAC key), or null until the first DH ratchet step. */
  readonly sendingChain: CryptoKey | null;
  /** CKr (HMAC key), or null before the first message arrives. */
  readonly receivingChain: CryptoKey | null;
  /** Ns: messages sent in the current sending chain. */
  readonly sendCount: number;
  /** Nr: messages received in the current receiving chain. */
  readonly receiveCount: number;
  /** PN: messages in the previous sending chain. */
  readonly previousSendCount: number;
  /** Skipped message keys, oldest first. */
  readonly skipped: readonly SkippedKey[];
}

/** The initiator (the guest): its first ratchet key pair is drawn now and its first sending chain derived from E. */
export async function initSender(entropy: Entropy, rootKey: Uint8Array, remoteKey: Uint8Array): Promise<RatchetState> {
  const sending = await entropy.ecdhKeyPair();
  const remote = await importEcdhPublic(remoteKey);
  const step = await kdfRoot(await importHmacKey(rootKey), await ecdh(sending.privateKey, remote));
  return {
    rootKey: await importHmacKey(step.rootKey),
    sending,
    remoteKey,
    sendingChain: await importHmacKey(step.chainKey),
    receivingChain: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: [],
  };
}

/** The responder (the member): E is its first ratchet key pair; it can send once the first message arrived. */
export async function initReceiver(rootKey: Uint8Array, own: KeyPair): Promise<RatchetState> {
  return {
    rootKey: await importHmacKey(rootKey),
    sending: own,
    remoteKey: null,
    sendingChain: null,
    receivingChain: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: [],
  };
}

/** Drops skipped keys stored a week or more before `now`. Returns the same object when nothing expires. */
export function pruneSkipped(state: RatchetState, now: number): RatchetState {
  const kept = state.skipped.filter((k) => now - k.storedAt < SKIPPED_KEY_LIFETIME_MS);
  return kept.length === state.skipped.length ? state : { ...state, skipped: kept };
}

/** The next sending message key (raw, for immediate use) and the header fields that go with it. */
export async function nextSendingKey(state: RatchetState): Promise<{
  state: RatchetState;
  messageKey: Uint8Array;
  ratchetKey: Uint8Array;
  previousCount: number;
  count: number;
}> {
  if (state.sendingChain === null) throw new CryptoError('invalid-input', 'this session cannot send yet');
  if (state.sendCount >= MAX_COUNT) throw new CryptoError('limit-reached');
  const step = await kdfChain(state.sendingChain);
  return {
    state: { ...state, sendingChain: await importHmacKey(step.chainKey), sendCount: state.sendCount + 1 },
    messageKey: step.messageKey,
    ratchetKey: state.sending.publicKey,
    previousCount: state.previousSendCount,
    count: state.sendCount,
  };
}

/** The key for one received message and the state to commit if, and only if, it authenticates. */
export interface ReceivePlan {
  readonly messageKey: CryptoKey;
  readonly state: RatchetState;
  /** Set when the message started a new DH ratchet step: `completeReceive` then makes the next sending chain. */
  readonly newRemote: CryptoKey | null;
}

async function skipKeys(
  chain: CryptoKey,
  from: number,
  until: number,
  ratchetKey: Uint8Array,
  now: number,
): Promise<{ chain: CryptoKey; keys: SkippedKey[] }> {
  const keys: SkippedKey[] = [];
  const name = base64urlEncode(ratchetKey);
  for (let count = from; count < until; count++) {
    const step = await kdfChain(chain);
    keys.push({ ratchetKey: name, count, messageKey: await importAesKey(step.messageKey), storedAt: now });
    chain = await importHmacKey(step.chainKey);
  }
  return { chain, keys };
}

function storeSkipped(existing: readonly SkippedKey[], added: readonly SkippedKey[]): readonly SkippedKey[] {
  if (added.length === 0) return existing;
  const all = [...existing, ...added];
  return all.length > MAX_STORED_SKIPPED ? all.slice(all.length - MAX_STORED_SKIPPED) : all;
}

/** Derives the next key of `chain` after skipping to `count`; returns the key and the advanced chain. */
async function keyAt(chain: CryptoKey, from: number, count: number, ratchetKey: Uint8Array, now: number) {
  const skipped = await skipKeys(chain, from, count, ratchetKey, now);
  const step = await kdfChain(skipped.chain);
  const [messageKey, next] = await Promise.all([importAesKey(step.messageKey), importHmacKey(step.chainKey)]);
  return { messageKey, next, skipped: skipped.keys };
}

/**
 * Finds or derives the key of the message with this header. Limits are checked before any derivation:
 * a message number already passed is `replay`, a gap over MAX_SKIP is `too-many-skipped`.
 */
export async function planReceive(state: RatchetState, header: MessageHeader, now: number): Promise<ReceivePlan> {
  const name = base64urlEncode(header.ratchetKey);
  const stored = state.skipped.findIndex((k) => k.ratchetKey === name && k.count === header.count);
  if (stored >= 0) {
    const skipped = state.skipped.filter((_, i) => i !== stored);
    return { messageKey: state.skipped[stored]!.messageKey, state: { ...state, skipped }, newRemote: null };
  }

  if (state.remoteKey !== null && bytesEqual(header.ratchetKey, state.remoteKey)) {
    if (state.receivingChain === null) throw new CryptoError('decrypt-failed');
    if (header.count < state.receiveCount) throw new CryptoError('replay');
    if (header.count - state.receiveCount > MAX_SKIP) throw new CryptoError('too-many-skipped');
    const key = await keyAt(state.receivingChain, state.receiveCount, header.count, header.ratchetKey, now);
    return {
      messageKey: key.messageKey,
      state: {
        ...state,
        receivingChain: key.next,
        receiveCount: header.count + 1,
        skipped: storeSkipped(state.skipped, key.skipped),
      },
      newRemote: null,
    };
  }

  // A new ratchet key: the peer has received our latest chain and moved on.
  if (state.receivingChain !== null && header.previousCount - state.receiveCount > MAX_SKIP) {
    throw new CryptoError('too-many-skipped');
  }
  if (header.count > MAX_SKIP) throw new CryptoError('too-many-skipped');
  const remote = await importEcdhPublic(header.ratchetKey);
  let skipped: SkippedKey[] = [];
  if (state.receivingChain !== null && state.remoteKey !== null) {
    skipped = (await skipKeys(state.receivingChain, state.receiveCount, header.previousCount, state.remoteKey, now)).keys;
  }
  const step = await kdfRoot(state.rootKey, await ecdh(state.sending.privateKey, remote));
  const key = await keyAt(await importHmacKey(step.chainKey), 0, header.count, header.ratchetKey, now);
  return {
    messageKey: key.messageKey,
    state: {
      ...state,
      rootKey: await importHmacKey(step.rootKey),
      remoteKey: header.ratchetKey,
      receivingChain: key.next,
      receiveCount: header.count + 1,
      sendingChain: null,
      previousSendCount: state.sendCount,
      sendCount: 0,
      skipped: storeSkipped(state.skipped, [...skipped, ...key.skipped]),
    },
    newRemote: remote,
  };
}

/** Commits a plan whose message authenticated: after a new remote ratchet key, draws our next ratchet key pair. */
export async function completeReceive(entropy: Entropy, plan: ReceivePlan): Promise<RatchetState> {
  if (plan.newRemote === null) return plan.state;
  const sending = await entropy.ecdhKeyPair();
  const step = await kdfRoot(plan.state.rootKey, await ecdh(sending.privateKey, plan.newRemote));
  return {
    ...plan.state,
    sending,
    rootKey: await importHmacKey(step.rootKey),
    sendingChain: await importHmacKey(step.chainKey),
  };
}
