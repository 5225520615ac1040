/**
 * Answers that waited this many at once stop waiting: under a load the station cannot keep up with,
 * paused answers would otherwise pile up without end (each holds its model state). Past it they run
 * beside the verdicts, which slows the verdicts down until the trigger queue fills and refuses
 * triggers (BUSY), the line's documented answer to overload.
 */
export const MAX_PAUSED_ANSWERS = 8;

/**
 * Verdicts before descriptions (docs/line.md §Verdict first). The model's inference and the expert
 * share one thread, so an answer still describing the last part slows down the next part's
 * verdict, which the line waits for. A part whose verdict is on its way holds a claim (from its
 * trigger or the start of its inspection until its verdict is out: recorded, or settled by the
 * first answer's first words); while any claim is held, answers past their first words wait
 * between tokens. The first words themselves never wait: they may decide a verdict.
 */
export class VerdictFirst {
  private claims = 0;
  private paused = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly maxPaused: number = MAX_PAUSED_ANSWERS) {}

  /** A verdict on its way; the returned release may be called more than once. */
  claim(): () => void {
    this.claims++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.claims--;
      if (this.claims === 0) this.wakeAll();
    };
  }

  /** Verdicts on their way now. */
  get pending(): number {
    return this.claims;
  }

  /**
   * What an answer past its first words awaits before its next token: null when no verdict is on
   * its way (or too many answers wait already), else a promise that settles once none is, or when
   * `signal` aborts (the answer's cancellation then throws as usual).
   */
  turn(signal: AbortSignal): Promise<void> | null {
    if (this.claims === 0 || this.paused >= this.maxPaused || signal.aborted) return null;
    this.paused++;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        const at = this.waiters.indexOf(done);
        if (at >= 0) this.waiters.splice(at, 1);
        this.paused--;
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wakeAll(): void {
    for (const w of this.waiters.slice()) w();
  }
}
