/**
 * Answers that wait this many at once stop waiting: under a load the station cannot keep up with,
 * paused answers would otherwise pile up without end (each holds its model state, about a megabyte
 * for Myriad-S). Past it they run beside the verdicts, which slows the verdicts down until the
 * trigger queue fills and refuses triggers (BUSY), the line's documented answer to overload. Room
 * for a burst of parts from the PLC, whose verdicts all go first.
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
      },
    };
  }

  private turn(who: object, signal: AbortSignal): Promise<void> | null {
    if (signal.aborted) return null;
    if (this.claims === 0 && (this.running === null || this.running === who)) {
      this.running = who;
      return null;
    }
    // Too many wait already: this one runs beside the rest rather than pile up.
    if (this.waiting.length >= this.maxPaused) return null;
    return new Promise<void>((resolve) => {
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
  }

  private drop(who: object): void {
    const at = this.waiting.findIndex((w) => w.who === who);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  private next(): void {
    if (this.claims > 0) return;
    if (this.running !== null && !this.waiting.some((w) => w.who === this.running)) return;
    const first = this.waiting[0];
    if (!first) return;
    this.running = first.who;
    first.go();
  }
}
