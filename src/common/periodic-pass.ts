/**
 * A background pass (a sweep, a relay) run at start-up and then every `everyMs`, never two at once:
 * a call while a pass runs shares it. A failed pass is reported to `onError` and the next one runs
 * as planned. `stop` (at shutdown) ends the timer and waits for the pass in progress.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.run(), everyMs);
    this.timer.unref();
    void this.run();
  }

  /** One pass; overlapping calls share the pass in progress. */
  run(): Promise<void> {
    this.running ??= this.pass()
      .catch((error) => this.onError(error as Error))
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
