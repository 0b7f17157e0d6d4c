/**
 * The chat once joined (its view, runtime, socket and chat engine), loaded apart from the invitation form (see
 * lazy.ts): the page fetches it while the guest reads the invitation, so it is ready by "Join chat".
 */
export { GuestRuntime } from '../../guest/runtime';
export { GuestChatView } from './GuestChatView';
