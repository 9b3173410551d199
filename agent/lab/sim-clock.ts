/**
 * Simulated time for the lab. Nothing in the lab reads the real clock or sets real timers: tests and
 * `avma lab run` move this clock forward, and the scheduler runs what falls due, in time order, one task
 * at a time. Ties run in the order they were scheduled, so a run is reproducible.
 */
import { LabError } from './lab-error.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The simulated time; only moves forward, and only when told. */
export class SimClock {
  #now: number;

  constructor(startMs: number) {
    if (!Number.isFinite(startMs))
      throw new LabError('INVALID_ARGUMENT', `clock start is ${startMs}, expected a time`);
    this.#now = startMs;
  }

  /** Milliseconds since the Unix epoch, simulated. */
  now(): number {
    return this.#now;
  }

  nowDate(): Date {
    return new Date(this.#now);
  }

  /** ISO-8601 UTC with milliseconds, e.g. `2026-11-01T00:05:00.000Z`. */
  nowIso(): string {
    return new Date(this.#now).toISOString();
  }

  /** Moves the clock to `ms`. Throws `LabError` INVALID_ARGUMENT when that is in the past. */
  set(ms: number): void {
    if (!(ms >= this.#now)) {
      throw new LabError(
        'INVALID_ARGUMENT',
        `cannot move the clock back from ${this.nowIso()} to ${Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms)}`,
      );
    }
    this.#now = ms;
  }
}

export interface TaskHandle {
  readonly at: number;
  readonly label: string;
  /** True once cancelled or run. */
  readonly done: boolean;
}

interface Task extends TaskHandle {
  at: number;
  seq: number;
  readonly run: () => void | Promise<void>;
  done: boolean;
  /** In the heap (a cancelled task stays there until it surfaces). */
  queued: boolean;
}

function before(a: Task, b: Task): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A binary min-heap of tasks ordered by (time, scheduling order). */
class TaskHeap {
  readonly #items: Task[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Task | undefined {
    return this.#items[0];
  }

  push(task: Task): void {
    const items = this.#items;
    items.push(task);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const up = items[parent] as Task;
      if (!before(task, up)) break;
      items[index] = up;
      index = parent;
    }
    items[index] = task;
  }

  pop(): Task | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right] as Task, items[left] as Task) ? right : left;
      if (!before(items[child] as Task, last)) break;
      items[index] = items[child] as Task;
      index = child;
    }
    items[index] = last;
    return top;
  }
}

/**
 * Tasks appended in (time, scheduling order): a queue, first in first out. A task repeated every
 * interval (each guest agent's tick) lands after every task repeated before it, so at fleet scale
 * (about 80,000 ticks a simulated hour among 8,000 waiting tasks) the ticks wait here at O(1) each
 * instead of in the heap, whose O(log n) steps over tasks scattered in memory were a third of the lab's
 * tick cost. `SimScheduler` takes the earlier of the two heads, so the order is exactly one heap's.
 */
class TaskQueue {
  #items: (Task | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  peek(): Task | undefined {
    return this.#items[this.#head];
  }

  /** Whether `task` may be appended: it comes after every task queued. */
  takes(task: Task): boolean {
    const last = this.#items[this.#items.length - 1];
    return last === undefined || !before(task, last);
  }

  push(task: Task): void {
    this.#items.push(task);
  }

  pop(): Task | undefined {
    const items = this.#items;
    const top = items[this.#head];
    if (top === undefined) return undefined;
    items[this.#head] = undefined;
    this.#head += 1;
    // The consumed front is dropped once it is half the array: amortised O(1), memory bounded.
    if (this.#head === items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return top;
  }
}

/** Runs tasks in (time, scheduling order) as the clock is advanced; nothing runs on its own. */
export class SimScheduler {
  readonly #clock: SimClock;
  readonly #heap = new TaskHeap();
  /** Repeated tasks, while they arrive in order (see TaskQueue); any other goes to the heap. */
  readonly #repeats = new TaskQueue();
  #seq = 0;
  #running = false;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  get clock(): SimClock {
    return this.#clock;
  }

  /** Tasks scheduled and not yet run or cancelled (cancelled ones are counted until they surface). */
  get pending(): number {
    return this.#heap.size + this.#repeats.size;
  }

  /** Runs `run` when the clock reaches `at` (a time in the past means "at the current time"). */
  schedule(at: number, label: string, run: () => void | Promise<void>): TaskHandle {
    const task: Task = {
      at: Math.max(at, this.#clock.now()),
      label,
      seq: this.#seq++,
      run,
      done: false,
      queued: true,
    };
    this.#heap.push(task);
    return task;
  }

  /**
   * Schedules a task that has run (or was cancelled and has surfaced) again, at `at`, ordered exactly
   * as a new `schedule` of it would be. A loop that reschedules itself every tick (each guest agent's)
   * then allocates nothing per tick: at fleet scale (about 1.9 million ticks a simulated day) each new
   * task lived minutes of simulated time and was promoted to V8's old generation, which grows the heap
   * and every collection. Throws `LabError` INVALID_OPERATION for a task still waiting to run.
   */
  repeat(handle: TaskHandle, at: number): void {
    const task = handle as Task;
    if (task.queued) {
      throw new LabError('INVALID_OPERATION', `task "${handle.label}" is still scheduled`);
    }
    task.at = Math.max(at, this.#clock.now());
    task.seq = this.#seq++;
    task.done = false;
    task.queued = true;
    if (this.#repeats.takes(task)) this.#repeats.push(task);
    else this.#heap.push(task);
  }

  /** The task due first, of the heap's and the queue's, without taking it. */
  #next(): Task | undefined {
    const fromHeap = this.#heap.peek();
    const repeated = this.#repeats.peek();
    if (repeated === undefined) return fromHeap;
    return fromHeap === undefined || before(repeated, fromHeap) ? repeated : fromHeap;
  }

  #take(task: Task): void {
    if (task === this.#repeats.peek()) this.#repeats.pop();
    else this.#heap.pop();
  }

  /** Cancels a task that has not run yet; cancelling twice or after it ran does nothing. */
  cancel(handle: TaskHandle | null): void {
    if (handle !== null) (handle as Task).done = true;
  }

  /**
   * Runs every task due up to and including `target`, in order, moving the clock to each task's time
   * and finally to `target`; tasks may schedule more tasks. Resolves to the number of tasks run.
   * Throws `LabError` INVALID_OPERATION when called while already running (a task must not advance
   * time) and INVALID_ARGUMENT for a target in the past.
   */
  async runUntil(target: number): Promise<number> {
    if (this.#running) throw new LabError('INVALID_OPERATION', 'the lab clock is already advancing');
    if (!(target >= this.#clock.now())) this.#clock.set(target);
    this.#running = true;
    let count = 0;
    try {
      for (let task = this.#next(); task !== undefined && task.at <= target; task = this.#next()) {
        this.#take(task);
        task.queued = false;
        if (task.done) continue;
        task.done = true;
        this.#clock.set(task.at);
        // Most tasks are synchronous (deferred guest-agent passes): no promise to wait for.
        const running = task.run();
        if (running !== undefined) await running;
        count += 1;
      }
      this.#clock.set(target);
    } finally {
      this.#running = false;
    }
    return count;
  }
}
