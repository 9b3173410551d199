/**
 * Marks async work running inside a store's queue, so a store call made from inside its own
 * transaction is refused instead of waiting for itself forever. Node 20's AsyncLocalStorage follows
 * async context with promise hooks, which cost every promise of the whole process (a sweep's decode
 * and the lab's guest agents make thousands a round, outside any transaction), so the hooks are on
 * only while some store has work queued or running and are switched off whenever every queue is idle.
 * Code outside the queues never sees the mark, hooks on or off. (`disable()` is marked experimental in
 * Node 20's documentation; where AsyncLocalStorage runs on AsyncContextFrame, Node 24's default, there
 * are no hooks to switch off and it only clears the mark of the calling context, which holds none.)
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const insideQueue = new AsyncLocalStorage<true>();
/** Work queued or running in every store of the process. */
let active = 0;

function settled(): void {
  active -= 1;
  if (active === 0) insideQueue.disable();
}

/** True when the caller runs inside some store's queued work (a transaction or a read). */
export function insideStoreQueue(): boolean {
  return insideQueue.getStore() === true;
}

/** Runs `work` after `tail`, marked as inside the queue; resolves or rejects as `work` does. */
export function queueAfter<T>(tail: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  active += 1;
  const result = tail.then(() => insideQueue.run(true, work));
  result.then(settled, settled);
  return result;
}
