import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffDelay } from '../src/transport/backoff';

describe('reconnect backoff', () => {
  it('starts under a second and doubles its ceiling with each failure', () => {
    expect(backoffDelay(1, 0)).toBe(250);
    expect(backoffDelay(1, 0.999)).toBeLessThanOrEqual(500);
    expect(backoffDelay(2, 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(3, 0)).toBe(1000);
  });

  it('never waits more than 30 seconds, and keeps jitter so clients spread out', () => {
    for (let failures = 1; failures < 60; failures++) {
      expect(backoffDelay(failures, 0.999)).toBeLessThanOrEqual(BACKOFF_MAX_MS);
      expect(backoffDelay(failures, 0)).toBeGreaterThan(0);
    }
    expect(backoffDelay(40, 0)).toBe(BACKOFF_MAX_MS / 2);
  });
});
