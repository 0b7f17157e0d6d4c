/** Invitation links: `{origin}/i/{invitationId}#{linkSecret}`. The fragment never reaches the server. */

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{16,200}$/;

export function isInvitationId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function invitationLink(origin: string, invitationId: string, linkSecret: string): string {
  return `${origin}/i/${invitationId}#${linkSecret}`;
}

/** The invitation id from a guest page path such as `/i/{id}` (a trailing slash is tolerated). */
export function invitationIdFromPath(pathname: string): string | null {
  const match = /^\/i\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  const id = match[1]!;
  return isInvitationId(id) ? id : null;
}

/** The link secret from a location hash (`#secret`), or null when it is missing or malformed. */
export function linkSecretFromHash(hash: string): string | null {
  const secret = hash.startsWith('#') ? hash.slice(1) : hash;
  return SECRET_PATTERN.test(secret) ? secret : null;
}
