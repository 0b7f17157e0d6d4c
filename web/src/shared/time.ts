/** Time formatting shared by the member app and the guest page. */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A chat with this much time or less left shows its countdown. */
export const EXPIRY_WARNING_MS = 3 * DAY;

/**
 * "Expires in N days" (or hours) once three days or less are left; null before that and once expired.
 * Rounds up, so 2 days and 1 hour left reads "Expires in 3 days", and the last day counts in hours.
 */
export function formatExpiry(expiresAt: number, now: number): string | null {
  const left = expiresAt - now;
  if (left <= 0 || left > EXPIRY_WARNING_MS) return null;
  if (left > DAY) {
    const days = Math.ceil(left / DAY);
    return `Expires in ${days} days`;
  }
  const hours = Math.max(1, Math.ceil(left / HOUR));
  return hours === 1 ? 'Expires in 1 hour' : `Expires in ${hours} hours`;
}

/** Whole days in a period, for sentences such as "expires after 10 days if unused". */
export function periodInDays(ms: number): number {
  return Math.max(1, Math.round(ms / DAY));
}

export function formatDays(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

/** The time of a message: "14:05" style, in the reader's locale. */
export function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A list timestamp: the clock time today, the weekday within a week, the date before that. */
export function formatListTime(at: number, now: number): string {
  const then = new Date(at);
  const today = new Date(now);
  if (then.toDateString() === today.toDateString()) return formatClock(at);
  if (now - at < 6 * DAY && at < now) return then.toLocaleDateString(undefined, { weekday: 'short' });
  return then.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** A full timestamp for a tooltip or an accessible description. */
export function formatFull(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
