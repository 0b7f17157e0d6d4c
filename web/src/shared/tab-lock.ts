/**
 * One tab at a time per account: a chat's ratchet state must never be advanced by two tabs at once. Resolves
 * with a release function once this tab holds the lock; `onWaiting` is called if another tab holds it now.
 */
export function holdTabLock(name: string, onWaiting: () => void): Promise<() => void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolveHeld) => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    void locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (!lock) return false;
        resolveHeld(release);
        await released;
        return true;
      })
      .then((got) => {
        if (got) return;
        onWaiting();
        void locks.request(name, async () => {
          resolveHeld(release);
          await released;
        });
      });
  });
}
