import { toBase64Url } from './base64url';

/** A random 128-bit identifier (base64url), for message ids and client ids. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return toBase64Url(bytes);
}
