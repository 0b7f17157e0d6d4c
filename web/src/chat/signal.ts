/** A tiny change notification: components subscribe, the runtime notifies with the key that changed. */
export class ChangeSignal<K = string> {
  private readonly listeners = new Set<(key: K) => void>();

  subscribe(listener: (key: K) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(key: K): void {
    for (const listener of [...this.listeners]) listener(key);
  }
}
