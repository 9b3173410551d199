/**
 * Child process for the writer-lock test: opens the store at DB_PATH as its writer ("avma run"),
 * prints `holding` and waits until the parent kills it (SIGKILL: no chance to release anything).
 * Usage: node --import tsx writer-child.ts DB_PATH
 */
import { openStore } from '../../../agent/store/index.js';

const path = process.argv[2];
if (path !== undefined) {
  try {
    await openStore(path, { writer: { command: 'avma run' } });
    process.stdout.write('holding\n');
    setInterval(() => undefined, 60_000);
  } catch (error) {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  }
}
