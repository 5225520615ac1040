/**
 * Tells the line's sender that the outbox has something new (a message written, a held verdict
 * released), so it delivers at once instead of polling. Whoever writes the outbox notifies after
 * its transaction has committed.
 */
export class OutboxSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const l of this.listeners) l();
  }

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
