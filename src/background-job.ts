// A background job (garbage collection, lifecycle) and its schedule: a pass
// every interval after the previous one ends, never two at once, a timer that
// never keeps the process alive, and a stop that lets a pass in progress end
// after its current batch (the job checks `stopping` between batches).

export abstract class BackgroundJob<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;
  /** Set by stop(): no further passes, and one in progress ends after its current batch. */
  protected stopping = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** One pass of the job's work. */
  protected abstract pass(): Promise<T>;

  /** Runs a pass every intervalMs in the background. */
  start(): void {
    if (this.timer !== undefined) return;
    this.stopping = false;
    this.schedule();
  }

  /** Stops the background passes; resolves when a pass in progress has finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One full pass (or the one already running). */
  runOnce(): Promise<T> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch(this.onError)
        .finally(() => {
          if (!this.stopping) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
