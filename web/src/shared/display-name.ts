/** The guest display name rule of docs/protocol.md ("Claim"), checked here for a quick, clear answer. */
export const GUEST_NAME_MAX = 25;

// Control characters (Unicode Cc) and the bidirectional controls the server refuses.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/u;

/** Null when acceptable, otherwise what is wrong, in words. */
export function guestNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Please enter a display name.';
  if (trimmed.length > GUEST_NAME_MAX) return `A display name has at most ${GUEST_NAME_MAX} characters.`;
  if (FORBIDDEN.test(trimmed)) return 'A display name cannot contain control or text-direction characters.';
  return null;
}
