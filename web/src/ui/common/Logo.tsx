/** The GuestChat mark and name. */
export function Logo({ small = false }: { small?: boolean }) {
  return (
    <span class={small ? 'logo logo-small' : 'logo'}>
      <svg viewBox="0 0 32 32" width={small ? 24 : 32} height={small ? 24 : 32} aria-hidden="true" focusable="false">
        <rect class="logo-tile" x="0" y="0" width="32" height="32" rx="9" />
        <path
          class="logo-bubble"
          d="M9 10.5A3.5 3.5 0 0112.5 7h7A3.5 3.5 0 0123 10.5v5a3.5 3.5 0 01-3.5 3.5H15l-4.2 3.6c-.5.4-1.3.1-1.3-.6V19A3.5 3.5 0 019 15.5z"
        />
        <path class="logo-lock" d="M14 13.2h4v3.3h-4zM14.8 13.2v-1a1.2 1.2 0 012.4 0v1" />
      </svg>
      <span class="logo-name">GuestChat</span>
    </span>
  );
}
