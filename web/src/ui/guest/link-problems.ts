/** The four plain sentences for a link that cannot be used (PRODUCT.md, Guest 6). */
export type LinkProblem = 'used' | 'expired' | 'cancelled' | 'invalid';

export const PROBLEM_SENTENCES: Record<LinkProblem, string> = {
  used: 'This invitation has already been used',
  expired: 'This chat has expired',
  cancelled: 'This invitation was cancelled',
  invalid: 'This link is not valid',
};

/** Maps a server problem code (docs/protocol.md, "Public invitation" and "Claim") to the guest's sentence. */
export function problemFromCode(code: string): LinkProblem | null {
  switch (code) {
    case 'invitation-used':
      return 'used';
    case 'invitation-expired':
    case 'chat-expired':
      return 'expired';
    case 'invitation-cancelled':
      return 'cancelled';
    case 'invitation-unknown':
    case 'invitation-not-found':
    case 'claim-verifier-mismatch':
      return 'invalid';
    default:
      return null;
  }
}
