/** The badge that marks someone without an account. */
export function GuestBadge() {
  return <span class="badge">Guest</span>;
}
