/**
 * The `avma` command run from source (`node --import tsx test/e2e/avma-from-source.ts ARGS`), for
 * end-to-end tests that need a real process: signals, kills, another process holding a lock. The
 * package bin (agent/bin/avma.mjs) runs the same `runCli` from the compiled build.
 */
import { runCli } from '../../agent/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
