/** Reconnect delays: exponential from half a second up to 30 seconds, with jitter so clients do not stampede. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

/** The delay before reconnect attempt `failures` (1 for the first retry); `random` in [0, 1). */
export function backoffDelay(failures: number, random: number = Math.random()): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
