/** How the store commands reach their database: `--db`, and a store closed whatever the work does. */
import type { Store } from '../../store/index.js';
import type { CommandContext } from '../command.js';
import { requiredString } from '../options.js';

/** The `--db` path, required (exit 2 with a one-line error when missing). */
export function dbPath(context: CommandContext): string {
  return requiredString(context, 'db', 'the path of the agent database');
}

/** Runs `work` on `store` and closes the store after it, whether it succeeded or threw. */
export async function withStore<T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
