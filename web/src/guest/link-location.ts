/**
 * Reads the invitation from the address the guest opened, `/i/{id}#{secret}`, and at once takes the secret out
 * of the address bar. Until the guest joins, the secret stays in this tab's history state (never sent to the
 * server, not in the visible URL), so that a reload before "Join chat" still works.
 */
import { invitationIdFromPath, linkSecretFromHash } from '../shared/links';

export interface OpenedLink {
  invitationId: string | null;
  linkSecret: string | null;
}

interface LinkState {
  guestChatLink?: { invitationId: string; linkSecret: string };
}

export function takeLinkFromAddress(): OpenedLink {
  const invitationId = invitationIdFromPath(location.pathname);
  const fromHash = location.hash ? linkSecretFromHash(location.hash) : null;
  const state = (history.state ?? {}) as LinkState;
  const kept = state.guestChatLink?.invitationId === invitationId ? state.guestChatLink.linkSecret : null;
  const linkSecret = fromHash ?? kept;
  const cleanUrl = location.pathname + location.search;
  if (invitationId && linkSecret) {
    history.replaceState({ guestChatLink: { invitationId, linkSecret } } satisfies LinkState, '', cleanUrl);
  } else if (location.hash) {
    history.replaceState(null, '', cleanUrl);
  }
  return { invitationId, linkSecret };
}

/** After joining, the secret is no longer needed anywhere. */
export function forgetLinkSecret(): void {
  history.replaceState(null, '', location.pathname + location.search);
}

/**
 * Opening the link again in a tab already on this page only changes the fragment (no page load): load the
 * page afresh, which reads the secret and takes it out of the address bar again.
 */
export function reloadOnNewFragment(): void {
  window.addEventListener('hashchange', () => {
    if (location.hash.length > 1) location.reload();
  });
}
