import { describe, expect, it } from 'vitest';
import { formatDays, formatExpiry, periodInDays } from '../src/shared/time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = 1_760_000_000_000;

describe('the expiry countdown', () => {
  it('stays hidden while more than three days are left', () => {
    expect(formatExpiry(NOW + 10 * DAY, NOW)).toBeNull();
    expect(formatExpiry(NOW + 3 * DAY + 1, NOW)).toBeNull();
  });

  it('counts whole days, rounded up, from three days down to a day', () => {
    expect(formatExpiry(NOW + 3 * DAY, NOW)).toBe('Expires in 3 days');
    expect(formatExpiry(NOW + 2 * DAY + HOUR, NOW)).toBe('Expires in 3 days');
    expect(formatExpiry(NOW + 2 * DAY, NOW)).toBe('Expires in 2 days');
    expect(formatExpiry(NOW + DAY + 1, NOW)).toBe('Expires in 2 days');
  });

  it('counts hours on the last day, never below one hour', () => {
    expect(formatExpiry(NOW + DAY, NOW)).toBe('Expires in 24 hours');
    expect(formatExpiry(NOW + 5 * HOUR + 1, NOW)).toBe('Expires in 6 hours');
    expect(formatExpiry(NOW + HOUR, NOW)).toBe('Expires in 1 hour');
    expect(formatExpiry(NOW + 60_000, NOW)).toBe('Expires in 1 hour');
  });

  it('says nothing once the time has passed', () => {
    expect(formatExpiry(NOW, NOW)).toBeNull();
    expect(formatExpiry(NOW - DAY, NOW)).toBeNull();
  });

  it('turns an inactivity period into whole days for sentences', () => {
    expect(formatDays(periodInDays(10 * DAY))).toBe('10 days');
    expect(formatDays(periodInDays(DAY))).toBe('1 day');
    expect(formatDays(periodInDays(10 * DAY - 5000))).toBe('10 days');
  });
});
