/** A round initial standing in for a picture (GuestChat has none: text only). */
export function Avatar({ name, guest = false }: { name: string; guest?: boolean }) {
  const initial = Array.from(name.trim())[0]?.toUpperCase() ?? '?';
  return (
    <span class={guest ? 'avatar avatar-guest' : 'avatar'} aria-hidden="true">
      {initial}
    </span>
  );
}
