import { StationError } from '../../common/errors';

/**
 * Line triggers run one at a time, in arrival order; up to `capacity` wait behind the running one
 * and one more is refused (BUSY) with nothing queued. `capacity` may change at any time (settings).
 */
export class TriggerQueue {
  private readonly waiting: Array<{ job: () => Promise<void>; dropped: () => void }> = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    public capacity: number,
    private readonly onChange: (busy: boolean) => void = () => undefined,
  ) {}

  get depth(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.running;
  }

  /**
   * @returns how many parts are ahead of this one (0: it runs now)
   * @throws StationError('BUSY') when `capacity` triggers already wait
   */
  push(job: () => Promise<void>, dropped: () => void = () => undefined): number {
    this.check();
    const ahead = this.running ? this.waiting.length + 1 : 0;
    this.waiting.push({ job, dropped });
    if (!this.running) void this.drain();
    return ahead;
  }

  /** @throws StationError('BUSY') when a push now would be refused (before the caller records the trigger). */
  check(): void {
    if (this.running && this.waiting.length >= this.capacity) {
      throw new StationError('BUSY', `The trigger queue is full (${this.capacity} waiting behind the part being inspected); trigger again once a result is out`);
    }
  }

  /** Drops the triggers still waiting (each told through its `dropped`); resolves once the running one has finished. */
  async close(): Promise<number> {
    const waiting = this.waiting.splice(0);
    for (const w of waiting) w.dropped();
    const dropped = waiting.length;
    if (this.running) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    return dropped;
  }

  private async drain(): Promise<void> {
    this.running = true;
    this.onChange(true);
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      // each job records its own failure; the queue only keeps going
      await next.job().catch(() => undefined);
    }
    this.running = false;
    this.onChange(false);
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
