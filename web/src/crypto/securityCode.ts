/**
 * The security code: 60 digits both people can compare, in the manner of Signal's safety number. Each side's
 * identity gets a 30-digit fingerprint from 5,200 iterations of SHA-256 (which makes grinding a key for a
 * matching fingerprint expensive); the two fingerprints are sorted so both sides show the same string.
 */
import { concatBytes, label } from './encoding';
import { LABELS } from './labels';
import { sha256 } from './primitives';
import { checkSession, type Session } from './session';

/** SHA-256 iterations per fingerprint. */
export const FINGERPRINT_ITERATIONS = 5200;

/**
 * 30 decimal digits for one identity: h = SHA-256("guestchat/v1/fingerprint\0" || key), then 5,200 times
 * h = SHA-256(h || key); the first 30 bytes of h as six 5-byte big-endian numbers, each mod 100,000, 5 digits each.
 */
export async function fingerprint(identityKey: Uint8Array): Promise<string> {
  let hash = await sha256(concatBytes(label(LABELS.fingerprint), identityKey));
  for (let i = 0; i < FINGERPRINT_ITERATIONS; i++) hash = await sha256(concatBytes(hash, identityKey));
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i]!;
    digits += String(value % 100000).padStart(5, '0');
  }
  return digits;
}

/** Joins two 30-digit fingerprints, smaller first, into 12 groups of 5 digits separated by single spaces. */
export function formatSecurityCode(a: string, b: string): string {
  const digits = a < b ? a + b : b + a;
  return digits.match(/\d{5}/g)!.join(' ');
}

/**
 * The chat's security code: the same string on both sides, 60 digits as 12 groups of 5 separated by spaces,
 * from the member's identity (signing || ECDH identity public keys, 130 bytes) and the guest's identity key.
 */
export async function securityCode(session: Session): Promise<string> {
  checkSession(session);
  const [member, guest] = await Promise.all([fingerprint(session.memberIdentity), fingerprint(session.guestIdentity)]);
  return formatSecurityCode(member, guest);
}
