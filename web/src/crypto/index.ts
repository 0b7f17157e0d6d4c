/**
 * GuestChat's end-to-end encryption: the whole interface the UI and transport use. WebCrypto only; no DOM,
 * network or storage here (a test enforces it). Every state object is structured-clonable, so it can be stored
 * in IndexedDB as is; no function mutates its input state; on failure a `CryptoError` is thrown and the given
 * state stays valid. The protocol is specified in docs/protocol.md, Part 2.
 */
export { CryptoError, type CryptoErrorReason } from './errors';
export { base64urlDecode, base64urlEncode } from './encoding';
export type { Payload } from './payload';
export { MAX_TEXT_LENGTH, MAX_READ_IDS } from './payload';
export { createDeviceIdentity, type DeviceIdentity } from './identity';
export { createInvitation, openInvitation, type CreatedInvitation, type PendingInvitation, type VerifiedInvitation } from './invitation';
export { claimInvitation, acceptClaim, type Claim } from './handshake';
export { encrypt, decrypt, type Session } from './session';
export type { Role } from './envelope';
export { MAX_SKIP } from './ratchet';
export { encryptEphemeral, decryptEphemeral } from './ephemeral';
export { securityCode } from './securityCode';
