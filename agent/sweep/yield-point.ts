/**
 * Lets the event loop run between slices of a long synchronous stretch of a sweep (decoding and deciding
 * a thousand VMs): the API in the same process answers between them instead of waiting for the whole
 * host. It changes nothing the sweep does or records: one transaction per host, after all of this.
 */

/** VMs handled between two yields: small enough to keep each slice to a few milliseconds. */
export const VMS_PER_SLICE = 32;

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Whether a slice ends before item `index` (counted from 0): then the caller awaits
 * `yieldToEventLoop()`. A test, not an async no-op, so the other items cost no promise.
 */
export function sliceEndsAt(index: number): boolean {
  return index > 0 && index % VMS_PER_SLICE === 0;
}

/** Yields after every `VMS_PER_SLICE`-th item (`index` counted from 0); a no-op otherwise. */
export async function yieldEverySlice(index: number): Promise<void> {
  if (sliceEndsAt(index)) await yieldToEventLoop();
}
