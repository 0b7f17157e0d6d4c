/**
 * What the invitation form does not need to appear, loaded once it is on screen: the joining code (with the
 * crypto) and the chat. Each import is started once and shared; a failed one (a network error) is tried again
 * on the next call.
 */
type JoinModule = typeof import('../../guest/join');
type ChatScreenModule = typeof import('./chat-screen');

let join: Promise<JoinModule> | null = null;
let chat: Promise<ChatScreenModule> | null = null;

export function loadJoin(): Promise<JoinModule> {
  join ??= import('../../guest/join').catch((error: unknown) => {
    join = null;
    throw error;
  });
  return join;
}

export function loadChatScreen(): Promise<ChatScreenModule> {
  chat ??= import('./chat-screen').catch((error: unknown) => {
    chat = null;
    throw error;
  });
  return chat;
}
