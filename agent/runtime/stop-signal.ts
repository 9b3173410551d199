/**
 * How `avma run` stops: SIGINT (Ctrl+C in a console; the service wrapper sends Ctrl+C on a service
 * stop) or SIGTERM asks the loop to stop after the current sweep, which finishes its transaction. A
 * sweep stuck on a host that does not answer must not hold the service past the wrapper's stop timeout
 * (after which the process is killed and the SCM records a failure), so a deadline after the request
 * ends the process anyway: an unfinished sweep's transaction is rolled back by SQLite, nothing
 * committed is lost. A second signal ends it at once.
 */

/** Below the service wrapper's 30 s stop timeout (agent/service/host-service-config.ts). */
export const DEFAULT_STOP_GRACE_MS = 25_000;

/** The part of `process` this needs (tests pass an EventEmitter). */
export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface StopOptions {
  readonly graceMs: number;
  /** The first signal: the loop is asked to stop. */
  readonly onStopping: () => void;
  /** The deadline passed or a second signal came: the caller ends the process. */
  readonly onDeadline: (reason: 'deadline' | 'second-signal') => void;
  readonly source?: SignalSource;
}

export interface StopSignal {
  readonly signal: AbortSignal;
  /** Stops listening and cancels the deadline (the loop finished in time). */
  release(): void;
}

export function stopOnSignals(options: StopOptions): StopSignal {
  const source = options.source ?? process;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let released = false;
  const deadline = (reason: 'deadline' | 'second-signal') => {
    if (!released) options.onDeadline(reason);
  };
  const stop = () => {
    if (controller.signal.aborted) {
      deadline('second-signal');
      return;
    }
    options.onStopping();
    controller.abort();
    timer = setTimeout(() => deadline('deadline'), options.graceMs);
    // The deadline must not keep a process alive that has otherwise finished.
    timer.unref?.();
  };
  source.on('SIGINT', stop);
  source.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    release() {
      released = true;
      clearTimeout(timer);
      source.off('SIGINT', stop);
      source.off('SIGTERM', stop);
    },
  };
}

/** Resolves at the first SIGINT or SIGTERM (commands that only serve: `avma serve`, `avma lab serve`). */
export function untilStopRequested(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
