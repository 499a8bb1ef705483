/**
 * Undo steps registered as the run creates things (child process, database, Redis keys, temp files),
 * run in reverse order exactly once: at the end, on an error, or on Ctrl-C.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> | unknown }[] = [];
  private running: Promise<void> | null = null;
  /** Set on Ctrl-C: what fails afterwards is the interruption, not the service. */
  interrupted = false;

  constructor(private readonly log: (line: string) => void) {}

  add(name: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        // One failed step must not leave the others undone.
        this.log(`cleanup: ${step.name} failed: ${(error as Error).message}`);
      }
    }
  }

  /** Ctrl-C (or a SIGTERM) cleans up before exiting; a second one exits at once. */
  exitOnSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        this.interrupted = true;
        this.log(`${signal}: cleaning up (press Ctrl-C again to exit at once)`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }
}
