/**
 * Descriptions that may wait at once: room for a burst of parts from the PLC, whose verdicts all go
 * first. Each holds its model state (about a megabyte for Myriad-S), so under a load the station
 * cannot keep up with they must not pile up without end: at the limit the oldest goes on even while
 * verdicts are on their way, and the next inspection starts only once there is room again, so the
 * trigger queue fills and refuses triggers (BUSY), the line's documented answer to overload.
 */
export const MAX_PAUSED_ANSWERS = 32;

/** One answer's description, as VerdictFirst schedules it. */
export interface Description {
  /** Awaited before each step past the first words: null to go on at once. */
  turn(): Promise<void> | null;
  /** The description is over (done, failed or cancelled): the next one may run. */
  end(): void;
}

/**
 * Verdicts before descriptions (docs/line.md §Verdict first). The model's inference and the expert
 * share one thread, so an answer still describing the last part slows down the next part's
 * verdict, which the line waits for. A part whose verdict is on its way holds a claim (from its
 * trigger or the start of its inspection until its verdict is out: recorded, or settled by the
 * first answer's first words); while any claim is held, answers past their first words wait
 * between tokens. When none is, the waiting descriptions go on one at a time, oldest first, so a
 * backlog does not wake all at once in front of the next trigger. The first words themselves never
 * wait: they may decide a verdict.
 */
export class VerdictFirst {
  private claims = 0;
  /** The description allowed to run while no verdict is on its way. */
  private running: object | null = null;
  private readonly waiting: Array<{ who: object; go: () => void }> = [];
  private roomWaiters: Array<() => void> = [];

  constructor(private readonly maxPaused: number = MAX_PAUSED_ANSWERS) {}

  /** A verdict on its way; the returned release may be called more than once. */
  claim(): () => void {
    this.claims++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.claims--;
      this.next();
    };
  }

  /** Verdicts on their way now. */
  get pending(): number {
    return this.claims;
  }

  /** A description to schedule; `signal` aborting stops its wait (its cancellation then throws as usual). */
  description(signal: AbortSignal): Description {
    const who = {};
    return {
      turn: () => this.turn(who, signal),
      end: () => {
        this.drop(who);
        if (this.running === who) this.running = null;
        this.next();
        this.checkRoom();
      },
    };
  }

  private turn(who: object, signal: AbortSignal): Promise<void> | null {
    if (signal.aborted) return null;
    if ((this.running === null || this.running === who) && (this.claims === 0 || this.full())) {
      this.running = who;
      return null;
    }
    const waited = new Promise<void>((resolve) => {
      const go = (): void => {
        signal.removeEventListener('abort', go);
        this.drop(who);
        resolve();
      };
      // The running description keeps its place at the front when a verdict interrupts it.
      if (this.running === who) this.waiting.unshift({ who, go });
      else this.waiting.push({ who, go });
      signal.addEventListener('abort', go, { once: true });
    });
    // at the limit now: the oldest goes on whatever is on its way
    this.next();
    return waited;
  }

  /**
   * What an inspection awaits before it starts: null when fewer than the limit of descriptions
   * wait, else a promise that settles once fewer do.
   */
  room(): Promise<void> | null {
    if (!this.full()) return null;
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  /** The backlog (the waiting descriptions and the one going on) is at the limit. */
  private full(): boolean {
    const going = this.running !== null && !this.waiting.some((w) => w.who === this.running) ? 1 : 0;
    return this.waiting.length + going >= this.maxPaused;
  }

  private checkRoom(): void {
    if (!this.full() && this.roomWaiters.length > 0) for (const r of this.roomWaiters.splice(0)) r();
  }

  private drop(who: object): void {
    const at = this.waiting.findIndex((w) => w.who === who);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  private next(): void {
    if (this.claims > 0 && !this.full()) return;
    if (this.running !== null && !this.waiting.some((w) => w.who === this.running)) return;
    const first = this.waiting[0];
    if (!first) return;
    this.running = first.who;
    first.go();
  }
}
