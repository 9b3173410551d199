/** How the store commands reach their database: `--db`, and a store closed whatever the work does. */
import type { Store } from '../../store/index.js';
import type { CommandContext } from '../command.js';
import { requiredString } from '../options.js';

/**
 * The `--db` database, required (exit 2 with a one-line error when missing): an SQLite file path, or a
 * postgres:// URL, passed to openStore as given (never resolved as a path).
 */
export function dbPath(context: CommandContext): string {
  return requiredString(context, 'db', 'the agent database: an SQLite file or a postgres:// URL');
}

/** Runs `work` on `store` and closes the store after it, whether it succeeded or threw. */
export async function withStore<T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
