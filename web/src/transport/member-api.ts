/** The member's HTTP endpoints (docs/protocol.md Part 1). Binary values travel as base64url. */
import { fromBase64Url, toBase64Url } from '../shared/base64url';
import { ApiError, request } from './http';

export interface Member {
  id: string;
  username: string;
  displayName: string;
}

export interface Invitation {
  id: string;
  deviceId: string;
  createdAt: number;
  expiresAt: number;
  hasBundle: boolean;
}

export type MemberChatState = 'active' | 'blocked' | 'expired' | 'ended';

export interface MemberChat {
  id: string;
  invitationId: string;
  deviceId: string;
  guestName: string;
  state: MemberChatState;
  blocked: boolean;
  createdAt: number;
  lastActivityAt: number;
  expiresAt: number;
  guestKeys: Uint8Array;
  claimTag: Uint8Array;
}

interface MemberChatWire extends Omit<MemberChat, 'guestKeys' | 'claimTag'> {
  guestKeys: string;
  claimTag: string;
}

function decodeChat(wire: MemberChatWire): MemberChat {
  const guestKeys = fromBase64Url(wire.guestKeys);
  const claimTag = fromBase64Url(wire.claimTag);
  if (!guestKeys || !claimTag) throw new ApiError(502, 'bad-response', 'The server sent a malformed chat.');
  return { ...wire, guestKeys, claimTag };
}

export const memberApi = {
  createAccount: (username: string, displayName: string, password: string) =>
    request<Member>('POST', '/api/accounts', { username, displayName, password }),
  signIn: (username: string, password: string) => request<Member>('POST', '/api/session', { username, password }),
  signOut: () => request<void>('DELETE', '/api/session'),
  me: () => request<Member>('GET', '/api/me'),

  registerDevice: async (publicKeys: Uint8Array) =>
    (await request<{ deviceId: string }>('POST', '/api/devices', { publicKeys: toBase64Url(publicKeys) })).deviceId,

  createInvitation: (deviceId: string) => request<Invitation>('POST', '/api/invitations', { deviceId }),
  uploadBundle: (id: string, upload: { bundle: Uint8Array; bundleTag: Uint8Array; claimVerifier: Uint8Array }) =>
    request<void>('PUT', `/api/invitations/${encodeURIComponent(id)}/bundle`, {
      bundle: toBase64Url(upload.bundle),
      bundleTag: toBase64Url(upload.bundleTag),
      claimVerifier: toBase64Url(upload.claimVerifier),
    }),
  listInvitations: () => request<Invitation[]>('GET', '/api/invitations'),
  cancelInvitation: (id: string) => request<void>('DELETE', `/api/invitations/${encodeURIComponent(id)}`),

  listChats: async () => (await request<MemberChatWire[]>('GET', '/api/chats')).map(decodeChat),
  getChat: async (id: string) => decodeChat(await request<MemberChatWire>('GET', `/api/chats/${encodeURIComponent(id)}`)),
  block: (id: string) => request<void>('PUT', `/api/chats/${encodeURIComponent(id)}/block`),
  unblock: (id: string) => request<void>('DELETE', `/api/chats/${encodeURIComponent(id)}/block`),
};
