/**
 * Retrying a host's recording transaction within the round when the store failed in a way that passes:
 * PostgreSQL unreachable (UNAVAILABLE: a restart, a failover), a lock conflict (LOCKED) or a lease that
 * lapsed (LEASE_LOST, claimed again before retrying). The failed transaction was rolled back as a whole,
 * so a retry records the same sweep again; nothing is lost or doubled (events come again from the
 * bookmark, which advances only in a committed transaction). Capped exponential backoff: 0.5 s, 1 s,
 * 2 s ... until `maxTotalMs` of waiting is spent; then the host stays "not recorded" and the next
 * round tries again.
 */
import { StoreError, type StoreErrorCode } from '../store/index.js';

/** Resolves after `ms`, or at once when `signal` aborts. */
function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface StoreRetry {
  /** The first wait; each next one doubles. */
  readonly firstDelayMs: number;
  /** Waiting in total at most this long per host and round. */
  readonly maxTotalMs: number;
  /** Stops waiting early (the agent is stopping). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_STORE_RETRY: StoreRetry = Object.freeze({ firstDelayMs: 500, maxTotalMs: 30_000 });

const RETRYABLE: readonly StoreErrorCode[] = ['UNAVAILABLE', 'LOCKED', 'LEASE_LOST'];

/** The waits before each retry: doubling from `firstDelayMs`, the last one trimmed to the budget. */
export function retryDelays(retry: StoreRetry): number[] {
  const delays: number[] = [];
  let spent = 0;
  let next = retry.firstDelayMs;
  while (next > 0 && spent < retry.maxTotalMs) {
    const wait = Math.min(next, retry.maxTotalMs - spent);
    delays.push(wait);
    spent += wait;
    next *= 2;
  }
  return delays;
}

/** Read through a function: the signal may abort while a delay runs. */
const stopped = (retry: StoreRetry | undefined): boolean => retry?.signal?.aborted === true;

export interface RetryHooks {
  /** Every store failure, retried or not (metrics: avma_store_errors_total{code}). */
  readonly onStoreError?: (error: StoreError) => void;
  /** Before retrying after LEASE_LOST: false when the host is no longer ours (then no retry). */
  readonly reclaim?: () => Promise<boolean>;
}

/**
 * Runs `attempt`, retrying retryable StoreErrors per `retry` (none when undefined). Rejects with the
 * last error when it is not retryable, the budget is spent, the lease went elsewhere or the signal aborted.
 */
export async function withStoreRetry<T>(
  attempt: () => Promise<T>,
  retry: StoreRetry | undefined,
  hooks: RetryHooks = {},
): Promise<T> {
  const delays = retry === undefined ? [] : retryDelays(retry);
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof StoreError) hooks.onStoreError?.(error);
      const delay = delays[tried];
      const retryable = error instanceof StoreError && RETRYABLE.includes(error.code);
      if (!retryable || delay === undefined || retry?.signal?.aborted === true) throw error;
      await abortableDelay(delay, retry?.signal);
      if (stopped(retry)) throw error;
      if (error.code === 'LEASE_LOST' && hooks.reclaim !== undefined && !(await hooks.reclaim())) throw error;
    }
  }
}
